/** What is deployed in an environment, and how a difference from it is said. */
import isEqual from 'lodash/isEqual';
import type { Alias, CronJob, FunctionCodeInfo, Pattern, SpotinstFunction } from '../spec/wire';

/** What the API reports, plus what this machine remembers of earlier deploys. */
export interface ActualState {
  functions: SpotinstFunction[];
  jobs: CronJob[];
  patterns: Pattern[];
  aliases: Alias[];
  /** the code last uploaded (sha256, handler), by function id, for servers that do not report it */
  knownCode: Record<string, FunctionCodeInfo>;
}

function render(value: unknown): string {
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `field before → after`, or nothing when they are equal. */
export function changeOf(field: string, actual: unknown, wanted: unknown): string[] {
  return isEqual(actual, wanted) ? [] : [`${field} ${render(actual)} → ${render(wanted)}`];
}

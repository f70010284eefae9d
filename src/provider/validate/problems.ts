/**
 * What one validation pass collects: errors (the command must not go on), warnings
 * (dubious, but it may) and notices (what was read differently from how it was written,
 * said in --verbose output). The pass never stops at the first problem.
 */
import { lastKey } from './text';
import type { ConfigProblem } from '../../framework/service-model';

/** Something the validator changed while reading, e.g. a normalised cron expression. */
export interface ConfigNotice {
  path: string;
  note: string;
}

export class Problems {
  readonly errors: ConfigProblem[] = [];
  readonly warnings: ConfigProblem[] = [];
  readonly notices: ConfigNotice[] = [];

  error(path: string, value: unknown, problem: string, fix: string): void {
    this.errors.push(makeProblem(path, value, problem, fix));
  }

  warn(path: string, value: unknown, problem: string, fix: string): void {
    this.warnings.push(makeProblem(path, value, problem, fix));
  }

  notice(path: string, note: string): void {
    this.notices.push({ path, note });
  }
}

function makeProblem(path: string, value: unknown, problem: string, fix: string): ConfigProblem {
  return value === undefined ? { path, problem, fix } : { path, value, problem, fix };
}

/** A string setting where absent, null and '' mean "use the default". */
export function optionalString(value: unknown, path: string, what: string, example: string, problems: Problems): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    problems.error(path, value, `${lastKey(path)} must be a string: ${what}`, `write it as a string, e.g. ${lastKey(path)}: ${example}`);
    return undefined;
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

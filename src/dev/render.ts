/** What `serverless dev` prints: where each function answers, and what a save changed. */
import { parseExpression } from 'cron-parser';
import type { ServiceModel } from '../framework/service-model';
import type { ActualState } from '../remote/state';

/** When a cron expression fires next (UTC, as the platform evaluates it); undefined when it cannot tell. */
export function nextRun(expression: string, now = new Date()): Date | undefined {
  try {
    return parseExpression(expression, { utc: true, currentDate: now }).next().toDate();
  } catch {
    return undefined;
  }
}

export interface FunctionsView {
  service: ServiceModel;
  state: ActualState;
  /** the platform's base URL, for endpoint URLs (`/alias/<host>/…`) */
  platformUrl: string;
  /** where a private function's token can be found, when it is not in the environment */
  tokenHint?: string;
  /** the inspector address of each function key, with --inspect */
  inspect?: Map<string, { host: string; port: number }>;
  now?: Date;
}

/** Each function's URL, its endpoints and its cron schedule with the next run. */
export function renderFunctions(view: FunctionsView): string[] {
  const { service, state } = view;
  const width = Math.max(0, ...service.functions.map((model) => model.key.length));
  const byName = new Map(state.functions.map((fn) => [fn.name, fn]));
  const indent = ' '.repeat(width + 4);
  const lines: string[] = [];
  for (const model of service.functions) {
    const fn = byName.get(model.name);
    if (!fn) {
      lines.push(`  ${model.key.padEnd(width)}  not deployed`);
      continue;
    }
    lines.push(
      `  ${model.key.padEnd(width)}  ${fn.url}${fn.access === 'private' ? '  (private: send Authorization: Bearer <token>)' : ''}`,
    );
    for (const pattern of state.patterns.filter((candidate) => candidate.functionId === fn.id)) {
      const url = service.alias
        ? `${view.platformUrl}/alias/${service.alias}${pattern.pattern}`
        : 'unreachable: set provider.spotinst.alias';
      lines.push(`${indent}endpoint ${pattern.method} ${pattern.pattern} → ${url}`);
    }
    for (const job of state.jobs.filter((candidate) => candidate.resourceId === fn.id)) {
      const next = job.isEnabled ? nextRun(job.cronExpression, view.now) : undefined;
      const when = !job.isEnabled ? 'inactive' : next ? `next run ${next.toISOString().replace('.000Z', 'Z')}` : 'next run unknown';
      lines.push(`${indent}cron ${job.cronExpression} (${when})`);
    }
    const inspector = view.inspect?.get(model.key);
    if (inspector) lines.push(`${indent}debugger ${inspector.host}:${inspector.port} (attach once its worker runs)`);
  }
  if (view.tokenHint && state.functions.some((fn) => fn.access === 'private'))
    lines.push(`  The token for private functions: ${view.tokenHint}.`);
  return lines;
}

/** One line per save: what changed, what was deployed, how long it took. */
export function renderCycle(changed: string[], deployed: Array<{ key: string; version?: number }>, elapsedMs: number): string {
  const files = changed.length > 3 ? `${changed.slice(0, 3).join(', ')} and ${changed.length - 3} more` : changed.join(', ');
  if (deployed.length === 0) return `${files} changed: nothing to deploy (${elapsedMs} ms).`;
  const list = deployed.map(({ key, version }) => (version === undefined ? key : `${key} (version ${version})`)).join(', ');
  return `${files} changed: redeployed ${list} in ${elapsedMs} ms.`;
}

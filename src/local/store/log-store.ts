import type { InvocationExchange } from '../exchange';
import type { InvocationLog, InvocationRecord, InvocationSummary } from '../records';

export type { InvocationRecord, InvocationSummary } from '../records';

/** How much of each function's log is kept; past it the oldest invocations are dropped. */
export interface LogRetention {
  /** the stored size of one function's entries */
  maxBytesPerFunction: number;
  /** the number of one function's entries; unlimited when absent */
  maxEntriesPerFunction?: number;
}

export const DEFAULT_LOG_RETENTION: LogRetention = { maxBytesPerFunction: 8 * 1024 * 1024 };

/**
 * Invocation logs, one entry per invocation, kept per function, each with the request and
 * response it was given when the invoker recorded them (the console shows and replays them).
 *
 * The contract an engine meets (test/integration/local/store-contract.ts checks it):
 * - `append` resolves once the entry survives the process being killed; from then on every
 *   window that covers its `startedAt` returns it.
 * - `window(functionId, from, to)` returns the entries with `from ≤ startedAt ≤ to`, ordered
 *   by `startedAt`, then `invocationId` (a stable order for tailing). An entry without
 *   `startedAt` counts as 0. An engine with indexes reads only that window. Entries are
 *   the log API's: without request and response.
 * - `summaries(functionId, from, to)` is the same window without log lines; `recent(functionId,
 *   limit)` the newest `limit` summaries, newest first; `invocation(functionId, invocationId)`
 *   one entry with its request and response, or undefined.
 * - Retention is per function: once its entries pass `maxBytesPerFunction` (their size as
 *   JSON, request and response included) or `maxEntriesPerFunction`, the oldest are dropped;
 *   the newest entry is always kept.
 * - `remove(functionId)` drops every entry of the function; `reset()` every entry of all.
 */
export interface InvocationLogStore {
  append(functionId: string, entry: InvocationLog, exchange?: InvocationExchange): Promise<void>;
  window(functionId: string, from: number, to: number): Promise<InvocationLog[]>;
  summaries(functionId: string, from: number, to: number): Promise<InvocationSummary[]>;
  recent(functionId: string, limit: number): Promise<InvocationSummary[]>;
  invocation(functionId: string, invocationId: string): Promise<InvocationRecord | undefined>;
  remove(functionId: string): Promise<void>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

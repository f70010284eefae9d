import { badRequest } from '../envelope';
import type { InvocationExchange } from '../exchange';
import type { InvocationLog } from '../records';
import type { InvocationLogStore, PlatformStore } from '../store';
import { existing } from './lookups';

/** A window without bounds: the last hour. */
const DEFAULT_WINDOW_MS = 60 * 60 * 1000;

/**
 * Invocation logs. A function deleted while an invocation ran keeps no log of it: forgetting
 * one function's log waits for the records that started before it, and a record that starts
 * after it waits for it and finds the function gone. Records of one function do not wait
 * for each other (a window orders entries by start time, not by arrival): a busy function's
 * appends are then in flight together, and the SQL engines commit them together, where one
 * at a time each would wait for the commit of the one before.
 */
export class LogService {
  /** per function, the records in progress (settled promises: they never reject) */
  private readonly recording = new Map<string, Set<Promise<void>>>();
  /** per function, the forget in progress */
  private readonly forgetting = new Map<string, Promise<void>>();

  constructor(
    private readonly store: PlatformStore,
    private readonly logs: InvocationLogStore,
  ) {}

  /** Invocations of an existing function that started in [from, to] (default: the hour before `to`, which defaults to now). */
  async window(functionId: string, from?: number, to?: number): Promise<InvocationLog[]> {
    existing(await this.store.function(functionId), 'function', functionId);
    const end = to ?? Date.now();
    const start = from ?? end - DEFAULT_WINDOW_MS;
    if (start > end) throw badRequest('from must not be after to', 'from');
    return this.logs.window(functionId, start, end);
  }

  /** Keeps an invocation's log, with the request and response it was given when they were recorded. */
  record(functionId: string, entry: InvocationLog, exchange?: InvocationExchange): Promise<void> {
    const run = (this.forgetting.get(functionId) ?? Promise.resolve()).then(async () => {
      if (await this.store.function(functionId)) await this.logs.append(functionId, entry, exchange);
    });
    const settled = run.catch(() => undefined);
    const records = this.recording.get(functionId) ?? new Set<Promise<void>>();
    records.add(settled);
    this.recording.set(functionId, records);
    void settled.then(() => {
      records.delete(settled);
      if (records.size === 0 && this.recording.get(functionId) === records) this.recording.delete(functionId);
    });
    return run;
  }

  /** Drops a deleted function's log, once the records that started before are in. */
  forget(functionId: string): Promise<void> {
    const before = [...(this.recording.get(functionId) ?? []), this.forgetting.get(functionId) ?? Promise.resolve()];
    const run = Promise.all(before).then(() => this.logs.remove(functionId));
    const settled = run.catch(() => undefined);
    this.forgetting.set(functionId, settled);
    void settled.then(() => {
      if (this.forgetting.get(functionId) === settled) this.forgetting.delete(functionId);
    });
    return run;
  }

  reset(): Promise<void> {
    return this.logs.reset();
  }
}

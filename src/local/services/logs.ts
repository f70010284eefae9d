import { badRequest } from '../envelope';
import type { InvocationExchange } from '../exchange';
import type { InvocationLog } from '../records';
import type { InvocationLogStore, PlatformStore } from '../store';
import { existing } from './lookups';

/** A window without bounds: the last hour. */
const DEFAULT_WINDOW_MS = 60 * 60 * 1000;

/**
 * Invocation logs. A function deleted while an invocation ran keeps no log of it: recording
 * and forgetting one function's log take turns, so a record that starts before the delete
 * lands before the log is removed, and one that starts after finds the function gone.
 */
export class LogService {
  private readonly turns = new Map<string, Promise<void>>();

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
    return this.inTurn(functionId, async () => {
      if (await this.store.function(functionId)) await this.logs.append(functionId, entry, exchange);
    });
  }

  /** Drops a deleted function's log. */
  forget(functionId: string): Promise<void> {
    return this.inTurn(functionId, () => this.logs.remove(functionId));
  }

  reset(): Promise<void> {
    return this.logs.reset();
  }

  private inTurn(functionId: string, task: () => Promise<void>): Promise<void> {
    const run = (this.turns.get(functionId) ?? Promise.resolve()).then(task);
    const settled = run.catch(() => undefined);
    this.turns.set(functionId, settled);
    void settled.then(() => {
      if (this.turns.get(functionId) === settled) this.turns.delete(functionId);
    });
    return run;
  }
}

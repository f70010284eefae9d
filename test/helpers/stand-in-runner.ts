/**
 * A runner that starts no process: it answers its calls when the test says so, and tells
 * what it was made with and what it ran. For tests of the levels above the runner (the
 * worker pools and their budget).
 */
import type { InvocationInfo, InvocationOutcome, Runner, RunnerOptions } from '../../src/runtimes';

/** Answers when told to, with a resident memory the test sets. */
export class StandInRunner implements Runner {
  lastUsedAt = Date.now();
  disposed = false;
  residentMb?: number;
  readonly ran: string[] = [];
  private pending: Array<() => void> = [];

  constructor(readonly options: RunnerOptions) {}

  get busy(): boolean {
    return this.pending.length > 0;
  }

  get functionId(): string {
    return this.options.env.FN;
  }

  invoke(_event: unknown, info: InvocationInfo): Promise<InvocationOutcome> {
    if (this.disposed) throw new Error('a disposed runner was given a call');
    this.ran.push(info.requestId);
    return new Promise((resolve) => {
      this.pending.push(() => {
        this.lastUsedAt = Date.now();
        resolve({ status: 'success', result: info.requestId, logs: [], startedAt: 0, durationMs: 0, coldStart: false });
      });
    });
  }

  /** Lets the oldest waiting invocation finish. */
  answer(): void {
    this.pending.shift()?.();
  }

  dispose(): Promise<void> {
    if (this.busy) throw new Error('a busy runner was stopped');
    this.disposed = true;
    return Promise.resolve();
  }
}

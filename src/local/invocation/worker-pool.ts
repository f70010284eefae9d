import type { InvocationInfo, InvocationOutcome, Runner } from '../../runtimes';

/**
 * The warm workers of one function version with one configuration. Each runner holds one
 * worker process and runs one invocation at a time; the pool spreads invocations over them.
 */
export class WorkerPool {
  private readonly runners: Runner[] = [];
  private nextIndex = 0;

  constructor(
    private readonly create: () => Runner,
    private readonly max: number,
  ) {}

  get empty(): boolean {
    return this.runners.length === 0;
  }

  invoke(event: unknown, info: InvocationInfo): Promise<InvocationOutcome> {
    return this.pick().invoke(event, info);
  }

  /** Stops the runners unused for `idleMs` (their workers hold memory for nothing). */
  stopIdle(idleMs: number, now = Date.now()): void {
    const idle = this.runners.filter((runner) => !runner.busy && now - runner.lastUsedAt >= idleMs);
    for (const runner of idle) {
      this.runners.splice(this.runners.indexOf(runner), 1);
      void runner.dispose();
    }
  }

  /** Stops every worker; resolves once their processes have exited. */
  async dispose(): Promise<void> {
    const stopping = this.runners.splice(0).map((runner) => runner.dispose());
    await Promise.all(stopping);
  }

  /** An idle runner, else a new one while under the cap, else one in turn (it queues). */
  private pick(): Runner {
    const idle = this.runners.find((runner) => !runner.busy);
    if (idle) return idle;
    if (this.runners.length < this.max) {
      const runner = this.create();
      this.runners.push(runner);
      return runner;
    }
    this.nextIndex = (this.nextIndex + 1) % this.runners.length;
    return this.runners[this.nextIndex];
  }
}

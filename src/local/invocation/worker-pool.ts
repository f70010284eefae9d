import type { InvocationInfo, InvocationOutcome, Runner } from '../../runtimes';

/** What a pool asks of the registry that holds every pool: room under the platform-wide budget. */
export interface WorkerBudgetGate {
  /**
   * Runs `start` once a new worker fits the budget: now, when it fits (or fits after the
   * least recently used idle worker of the platform is stopped), else in turn with the other
   * waiting calls, or never (the promise rejects when the wait times out).
   */
  whenRoom(pool: WorkerPool, start: () => Promise<InvocationOutcome>): Promise<InvocationOutcome>;
  /** A runner of this pool finished an invocation: a waiting call may take it, or its place. */
  released(runner: Runner): void;
}

/**
 * The warm workers of one function version with one configuration. Each runner holds one
 * worker process and runs one invocation at a time; the pool spreads invocations over them
 * and asks the platform's budget before it starts another.
 */
export class WorkerPool {
  private readonly runners: Runner[] = [];
  private nextIndex = 0;
  /** set once the registry dropped the pool (its function was deleted, the platform reset or closed) */
  private dropped = false;
  /** set once the pool's function changed: its workers stop as soon as their calls are done */
  private draining = false;
  private readonly drained: Array<() => void> = [];
  private readonly stopping: Promise<void>[] = [];

  constructor(
    private readonly create: () => Runner,
    private readonly max: number,
    private readonly budget: WorkerBudgetGate,
  ) {}

  get empty(): boolean {
    return this.runners.length === 0;
  }

  get retired(): boolean {
    return this.dropped;
  }

  /** Its runners, for the budget's accounting (LRU choice, resident memory). */
  get members(): readonly Runner[] {
    return this.runners;
  }

  invoke(event: unknown, info: InvocationInfo): Promise<InvocationOutcome> {
    const ready = this.readyRunner();
    if (ready) return this.run(ready, event, info);
    // every runner busy and room for one more in this version: a new worker, if the platform's budget allows
    return this.budget.whenRoom(this, () => this.run(this.readyRunner() ?? this.add(), event, info));
  }

  /** A call can start without a new worker: a runner is idle, or the version is at its cap (the call queues on one). */
  get canTakeCall(): boolean {
    return this.runners.length >= this.max || this.runners.some((runner) => !runner.busy);
  }

  /**
   * A runner that can take a call without a new worker: an idle one, else (at the cap) one
   * in turn, where the call queues behind the one it runs. Undefined when a new one is due.
   */
  readyRunner(): Runner | undefined {
    const idle = this.runners.find((runner) => !runner.busy);
    if (idle) return idle;
    if (this.runners.length < this.max) return undefined;
    this.nextIndex = (this.nextIndex + 1) % this.runners.length;
    return this.runners[this.nextIndex];
  }

  /** Takes an idle runner out of the pool and stops its worker (the budget needs its place). */
  evict(runner: Runner): Promise<void> {
    const index = this.runners.indexOf(runner);
    if (index < 0 || runner.busy) return Promise.resolve();
    this.runners.splice(index, 1);
    return runner.dispose();
  }

  /**
   * Stops the runners unused for `idleMs` (their workers hold memory for nothing); resolves
   * once they have exited. A worker a debugger is attached to is being looked at: it stays.
   */
  async stopIdle(idleMs: number, now = Date.now()): Promise<void> {
    const idle = this.runners.filter((runner) => !runner.busy && !runner.debuggerAttached && now - runner.lastUsedAt >= idleMs);
    await Promise.all(idle.map((runner) => this.evict(runner)));
  }

  /** Stops every worker; resolves once their processes have exited. A retired pool starts no new one. */
  async dispose(retire = false): Promise<void> {
    if (retire) this.dropped = true;
    const stopping = this.runners.splice(0).map((runner) => runner.dispose());
    for (const resolve of this.drained.splice(0)) resolve();
    await Promise.all(stopping);
  }

  /**
   * Retires the pool without cutting a call short: idle workers stop now, busy ones once
   * their calls (those running and those queued on them) are done. Resolves once every
   * worker has exited. Calls may still reach it meanwhile (one that waited for room under
   * the budget); each gets a worker that stops after it.
   */
  drain(): Promise<void> {
    this.draining = true;
    for (const runner of this.runners.filter((candidate) => !candidate.busy)) this.stopRunner(runner);
    return this.whenDrained();
  }

  private whenDrained(): Promise<void> {
    if (this.runners.length === 0) return Promise.all(this.stopping).then(() => undefined);
    return new Promise<void>((resolve) => this.drained.push(resolve)).then(() => Promise.all(this.stopping)).then(() => undefined);
  }

  private stopRunner(runner: Runner): void {
    const index = this.runners.indexOf(runner);
    if (index < 0) return;
    this.runners.splice(index, 1);
    this.stopping.push(runner.dispose().catch(() => undefined));
    if (this.runners.length === 0) for (const resolve of this.drained.splice(0)) resolve();
  }

  private add(): Runner {
    const runner = this.create();
    this.runners.push(runner);
    return runner;
  }

  private run(runner: Runner, event: unknown, info: InvocationInfo): Promise<InvocationOutcome> {
    return runner.invoke(event, info).finally(() => {
      if (this.draining && !runner.busy) this.stopRunner(runner);
      this.budget.released(runner);
    });
  }
}

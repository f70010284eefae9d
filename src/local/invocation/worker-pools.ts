import { createHash } from 'node:crypto';
import { createRunner, type InvocationOutcome, type Runner, type RunnerOptions } from '../../runtimes';
import { WorkerPool, type WorkerBudgetGate } from './worker-pool';
import {
  DEFAULT_QUEUE_TIMEOUT_MS,
  TYPICAL_WORKER_MB,
  WorkerBudgetExhaustedError,
  checkWorkerBudget,
  defaultMaxWorkers,
  type WorkerBudgetOptions,
  type WorkerUsage,
} from './worker-budget';

export interface WorkerPoolsOptions extends WorkerBudgetOptions {
  /** a worker unused this long is stopped */
  idleWorkerMs: number;
  /** warm workers per function version (each runs one invocation at a time) */
  maxWorkersPerVersion: number;
  /** how a runner is made (the runtimes' createRunner) */
  createRunner?: (options: RunnerOptions) => Runner;
}

/** Which function version a pool runs. */
export interface PoolOwner {
  functionId: string;
  version: number;
}

/** One warm worker process, as the console's platform view lists them. */
export interface WorkerProcessInfo {
  functionId: string;
  version: number;
  /** undefined between the runner's creation and its process's start */
  pid?: number;
  /** at the memory watch's last reading */
  residentMb?: number;
  busy: boolean;
  /** how long since its last invocation ended (0 while busy) */
  idleMs: number;
  /** its function changed: it finishes the call it has and exits (serverless dev) */
  retiring?: true;
}

/** A call waiting for room under the budget, in arrival order. */
interface Waiter {
  pool: WorkerPool;
  start: () => Promise<InvocationOutcome>;
  resolve: (outcome: Promise<InvocationOutcome>) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

/** The owner a pool key (`<functionId>@<version>#<shape>`) stands for. */
function ownerOf(key: string): PoolOwner {
  const at = key.lastIndexOf('@');
  return { functionId: key.slice(0, at), version: Number(key.slice(at + 1, key.indexOf('#', at))) };
}

/**
 * Every warm worker of the platform, as one pool per function version and configuration.
 * Pools are keyed by everything that shapes the process (code, handler, runtime, memory,
 * timeout, variables), so a configuration change never reuses a worker started with the
 * old one; the old pool's workers are stopped once idle.
 *
 * This is the one place that sees all workers at once, so it keeps the platform-wide budget:
 * at most `maxWorkers` workers, and (optionally) at most `maxWorkerMemoryMb` of resident
 * memory between them, read from the memory watch each worker already has. A new worker
 * that does not fit first stops the least recently used idle worker of any function; when
 * every worker is busy, the call waits, in arrival order, for a worker to finish (it then
 * takes that worker, or its place), and after `queueTimeoutMs` gives up with
 * WorkerBudgetExhaustedError. A busy worker is never stopped to make room.
 */
export class WorkerPools implements WorkerBudgetGate {
  private readonly pools = new Map<string, WorkerPool>();
  /** pools of changed functions, stopping once their calls are done (their workers still count) */
  /** pools of changed functions finishing their calls, by the key they had */
  private readonly draining = new Map<WorkerPool, string>();
  private readonly waiting: Waiter[] = [];
  /** workers being stopped (evicted or idle): close() waits for their exit */
  private readonly stopping = new Set<Promise<void>>();
  private readonly reaper: NodeJS.Timeout;
  private readonly create: (options: RunnerOptions) => Runner;
  private readonly maxWorkers: number;
  private readonly queueTimeoutMs: number;
  /**
   * The order in which runners last finished a call: least recently used is the lowest. A
   * count rather than the runners' lastUsedAt, whose milliseconds tie between quick calls.
   */
  private readonly lastUse = new WeakMap<Runner, number>();
  private useCount = 0;

  constructor(private readonly options: WorkerPoolsOptions) {
    checkWorkerBudget(options);
    this.create = options.createRunner ?? createRunner;
    this.maxWorkers = options.maxWorkers ?? defaultMaxWorkers();
    this.queueTimeoutMs = options.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS;
    this.reaper = setInterval(() => this.stopIdle(), Math.max(50, Math.min(options.idleWorkerMs / 2, 30000)));
    this.reaper.unref();
  }

  /** The pool for a function version run with these options, made on first use. */
  pool(owner: PoolOwner, options: RunnerOptions): WorkerPool {
    const { getDocument: _reader, ...shaping } = options;
    const shape = createHash('sha256').update(JSON.stringify(shaping)).digest('hex').slice(0, 16);
    const key = `${owner.functionId}@${owner.version}#${shape}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new WorkerPool(() => this.create(options), this.options.maxWorkersPerVersion, this);
      this.pools.set(key, pool);
    }
    return pool;
  }

  whenRoom(pool: WorkerPool, start: () => Promise<InvocationOutcome>): Promise<InvocationOutcome> {
    // a call that arrives while others wait goes behind them, even when room just appeared
    if (this.waiting.length === 0 && this.makeRoom()) return start();
    if (this.queueTimeoutMs === 0) return Promise.reject(new WorkerBudgetExhaustedError(this.usage(), 0));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { pool, start, resolve, reject };
      waiter.timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(new WorkerBudgetExhaustedError(this.usage(), this.queueTimeoutMs));
      }, this.queueTimeoutMs);
      this.waiting.push(waiter);
    });
  }

  /** Every worker, with the function version it runs. */
  processes(now = Date.now()): WorkerProcessInfo[] {
    const current = [...this.pools].map(([key, pool]) => ({ key, pool, retiring: false }));
    const retiring = [...this.draining].map(([pool, key]) => ({ key, pool, retiring: true }));
    return [...current, ...retiring].flatMap(({ key, pool, retiring }) => {
      const { functionId, version } = ownerOf(key);
      return pool.members.map((runner) => ({
        functionId,
        version,
        ...(runner.pid === undefined ? {} : { pid: runner.pid }),
        ...(runner.residentMb === undefined ? {} : { residentMb: runner.residentMb }),
        busy: runner.busy,
        idleMs: runner.busy ? 0 : Math.max(0, now - runner.lastUsedAt),
        ...(retiring ? { retiring: true as const } : {}),
      }));
    });
  }

  released(runner: Runner): void {
    this.useCount += 1;
    this.lastUse.set(runner, this.useCount);
    this.serveWaiting();
  }

  /** What the workers hold now. */
  usage(): WorkerUsage {
    const runners = this.runners();
    return {
      workers: runners.length,
      busy: runners.filter((runner) => runner.busy).length,
      queued: this.waiting.length,
      residentMb: Math.round(runners.reduce((sum, runner) => sum + (runner.residentMb ?? 0), 0)),
      maxWorkers: this.maxWorkers,
      debugged: runners.filter((runner) => runner.debuggerAttached === true).length,
      ...(this.options.maxWorkerMemoryMb === undefined ? {} : { maxWorkerMemoryMb: this.options.maxWorkerMemoryMb }),
    };
  }

  /** Stops the workers of every version of a function (it was deleted). */
  async disposeFunction(functionId: string): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const [key, pool] of this.pools) {
      if (!key.startsWith(`${functionId}@`)) continue;
      this.pools.delete(key);
      stopping.push(pool.dispose(true));
    }
    this.serveWaiting();
    await Promise.all(stopping);
  }

  /**
   * A function's code or configuration changed: its workers (started with the old one) stop
   * once their calls are done, and the next call starts a new one. Other functions' workers
   * are not touched. Resolves once the old workers have exited.
   */
  retireFunction(functionId: string): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const [key, pool] of this.pools) {
      if (!key.startsWith(`${functionId}@`)) continue;
      this.pools.delete(key);
      this.draining.set(pool, key);
      const drained = pool.drain().finally(() => {
        this.draining.delete(pool);
        this.serveWaiting();
      });
      this.track(drained);
      stopping.push(drained);
    }
    return Promise.all(stopping).then(() => undefined);
  }

  async disposeAll(): Promise<void> {
    const stopping = [...this.pools.values(), ...this.draining.keys()].map((pool) => pool.dispose(true));
    this.pools.clear();
    this.draining.clear();
    this.serveWaiting();
    await Promise.all(stopping);
  }

  async close(): Promise<void> {
    clearInterval(this.reaper);
    for (const waiter of this.waiting.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('spotinst-local is stopping: the call was not run'));
    }
    await this.disposeAll();
    await Promise.all(this.stopping);
  }

  /** Hands freed workers (or their places) to waiting calls, oldest first, while they fit. */
  private serveWaiting(): void {
    while (this.waiting.length > 0) {
      const head = this.waiting[0];
      if (head.pool.retired) {
        this.waiting.shift();
        clearTimeout(head.timer);
        head.reject(new Error('the function was deleted (or spotinst-local reset) while the call waited for a worker'));
        continue;
      }
      if (!head.pool.canTakeCall && !this.makeRoom()) return;
      this.waiting.shift();
      clearTimeout(head.timer);
      try {
        head.resolve(head.start());
      } catch (error) {
        head.reject(error as Error);
      }
    }
  }

  /** True when a new worker fits the budget, after stopping least recently used idle workers if it must. */
  private makeRoom(): boolean {
    for (;;) {
      if (this.fits()) return true;
      const victim = this.leastRecentlyUsedIdle();
      if (!victim) return false;
      this.track(victim.pool.evict(victim.runner));
    }
  }

  private fits(): boolean {
    const runners = this.runners();
    // one worker always fits: a memory budget below one worker's size must not refuse every call
    if (runners.length === 0) return true;
    if (runners.length >= this.maxWorkers) return false;
    const limit = this.options.maxWorkerMemoryMb;
    if (limit === undefined) return true;
    // a worker not read yet (just started) counts as much as the average one, and so does the one to come
    const readings = runners.map((runner) => runner.residentMb).filter((mb): mb is number => mb !== undefined);
    const typical = readings.length > 0 ? readings.reduce((sum, mb) => sum + mb, 0) / readings.length : TYPICAL_WORKER_MB;
    const held = readings.reduce((sum, mb) => sum + mb, 0) + (runners.length - readings.length) * typical;
    return held + typical <= limit;
  }

  private leastRecentlyUsedIdle(): { pool: WorkerPool; runner: Runner } | undefined {
    let oldest: { pool: WorkerPool; runner: Runner; used: number } | undefined;
    for (const pool of this.pools.values()) {
      for (const runner of pool.members) {
        if (runner.busy || runner.debuggerAttached) continue;
        const used = this.lastUse.get(runner) ?? 0;
        if (oldest === undefined || used < oldest.used) oldest = { pool, runner, used };
      }
    }
    return oldest;
  }

  private runners(): Runner[] {
    return [...this.pools.values(), ...this.draining.keys()].flatMap((pool) => pool.members);
  }

  private track(stopping: Promise<void>): void {
    const tracked = stopping.catch(() => undefined).finally(() => this.stopping.delete(tracked));
    this.stopping.add(tracked);
  }

  private stopIdle(): void {
    const now = Date.now();
    const waitedFor = new Set(this.waiting.map((waiter) => waiter.pool));
    for (const [key, pool] of this.pools) {
      this.track(pool.stopIdle(this.options.idleWorkerMs, now));
      // a pool a call waits for stays registered: the call's worker must be counted
      if (pool.empty && !waitedFor.has(pool)) this.pools.delete(key);
    }
    // memory read since the last check may have fallen under the budget
    this.serveWaiting();
  }
}

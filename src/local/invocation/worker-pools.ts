import { createHash } from 'node:crypto';
import { createRunner, type Runner, type RunnerOptions } from '../../runtimes';
import { WorkerPool } from './worker-pool';

export interface WorkerPoolsOptions {
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

/**
 * Every warm worker of the platform, as one pool per function version and configuration.
 * Pools are keyed by everything that shapes the process (code, handler, runtime, memory,
 * timeout, variables), so a configuration change never reuses a worker started with the
 * old one; the old pool's workers are stopped once idle.
 *
 * This is the one place that sees all workers at once: a platform-wide budget (stop the
 * least recently used idle worker when a new one is needed) belongs here.
 */
export class WorkerPools {
  private readonly pools = new Map<string, WorkerPool>();
  private readonly reaper: NodeJS.Timeout;
  private readonly create: (options: RunnerOptions) => Runner;

  constructor(private readonly options: WorkerPoolsOptions) {
    this.create = options.createRunner ?? createRunner;
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
      pool = new WorkerPool(() => this.create(options), this.options.maxWorkersPerVersion);
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Stops the workers of every version of a function (it was deleted). */
  async disposeFunction(functionId: string): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const [key, pool] of this.pools) {
      if (!key.startsWith(`${functionId}@`)) continue;
      this.pools.delete(key);
      stopping.push(pool.dispose());
    }
    await Promise.all(stopping);
  }

  async disposeAll(): Promise<void> {
    const stopping = [...this.pools.values()].map((pool) => pool.dispose());
    this.pools.clear();
    await Promise.all(stopping);
  }

  async close(): Promise<void> {
    clearInterval(this.reaper);
    await this.disposeAll();
  }

  private stopIdle(): void {
    const now = Date.now();
    for (const [key, pool] of this.pools) {
      pool.stopIdle(this.options.idleWorkerMs, now);
      if (pool.empty) this.pools.delete(key);
    }
  }
}

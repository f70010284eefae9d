import { createHash, randomUUID } from 'node:crypto';
import type { ActiveVersion, InvocationLog } from '../spec/wire';
import { createRunner, InvocationOutcome, Runner } from '../runtimes';
import { runtimeFamily } from '../spec/runtimes';
import { platformVariables, type FunctionEvent } from '../spec/contract';
import type { CodeStore } from './code-store';
import type { LogStore } from './log-store';
import type { StatsCounter } from './stats';
import type { StateStore, StoredFunction, StoredVersion } from './store';

export interface Invocation {
  invocationId: string;
  version: number;
  outcome: InvocationOutcome;
}

export interface InvokerOptions {
  cacheDir: string;
  /** a worker unused this long is stopped */
  idleWorkerMs: number;
  /** warm workers per function version (each runs one invocation at a time) */
  maxWorkersPerVersion: number;
  /** multiplies `limits.timeout`: lets tests exercise timeouts without waiting 30 s */
  timeoutScale: number;
}

/** Picks the version a request runs, by the weights of `activeVersions`. */
export function pickVersion(activeVersions: ActiveVersion[], latestVersion: number, random = Math.random): number {
  const total = activeVersions.reduce((sum, entry) => sum + entry.percentage, 0);
  let roll = random() * total;
  for (const entry of activeVersions) {
    roll -= entry.percentage;
    if (roll < 0) return entry.version === '$LATEST' ? latestVersion : entry.version;
  }
  const last = activeVersions[activeVersions.length - 1];
  return last === undefined || last.version === '$LATEST' ? latestVersion : last.version;
}

/** Warm workers of one function version with one configuration. */
class WorkerPool {
  readonly runners: Runner[] = [];
  private nextIndex = 0;

  constructor(
    private readonly create: () => Runner,
    private readonly max: number,
  ) {}

  /** An idle worker, else a new one while under the cap, else one in turn (it queues). */
  pick(): Runner {
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

/**
 * Runs functions: picks the version, finds (or starts) a warm worker for it, records the
 * invocation's log, counts it. Workers are keyed by everything that shapes the process
 * (version, code, handler, runtime, memory, timeout, variables), so a configuration change
 * never reuses a worker started with the old one; the old ones are reaped when idle.
 */
export class Invoker {
  private readonly pools = new Map<string, WorkerPool>();
  private readonly reaper: NodeJS.Timeout;
  private inFlight = 0;
  private drained?: () => void;
  private closed = false;

  constructor(
    private readonly store: StateStore,
    private readonly code: CodeStore,
    private readonly logs: LogStore,
    private readonly stats: StatsCounter,
    private readonly options: InvokerOptions,
  ) {
    this.reaper = setInterval(() => void this.reapIdle(), Math.max(50, Math.min(options.idleWorkerMs / 2, 30000)));
    this.reaper.unref();
  }

  async invoke(fn: StoredFunction, event: FunctionEvent): Promise<Invocation> {
    // a worker started after close() would outlive the platform
    if (this.closed) throw new Error('spotinst-local is stopping: no new invocations');
    const version = pickVersion(fn.activeVersions, fn.latestVersion);
    this.inFlight += 1;
    try {
      const invocationId = randomUUID();
      const stored = fn.versions.find((candidate) => candidate.version === version) ?? fn.versions[fn.versions.length - 1];
      const codeDir = await this.code.ensureUnpacked(stored.sha256);
      const runner = this.poolFor(fn, stored, codeDir).pick();
      const outcome = await runner.invoke(event, {
        requestId: invocationId,
        functionId: fn.id,
        functionName: fn.name,
        environmentId: fn.environmentId,
        version: stored.version,
      });
      this.stats.countInvocation(outcome.coldStart);
      const entry: InvocationLog = {
        invocationId,
        content: outcome.logs,
        version: stored.version,
        status: outcome.status,
        durationMs: outcome.durationMs,
        startedAt: outcome.startedAt,
      };
      // a function deleted while it ran keeps no log
      if (this.store.state.functions[fn.id]) this.logs.append(fn.id, entry);
      return { invocationId, version: stored.version, outcome };
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.drained?.();
    }
  }

  /** Resolves when no invocation runs (each ends by itself or by its timeout). */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.drained = resolve;
    });
  }

  async disposeFunction(functionId: string): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const [key, pool] of this.pools) {
      if (!key.startsWith(`${functionId}@`)) continue;
      this.pools.delete(key);
      stopping.push(...pool.runners.map((runner) => runner.dispose()));
    }
    await Promise.all(stopping);
  }

  async disposeAll(): Promise<void> {
    const stopping = [...this.pools.values()].flatMap((pool) => pool.runners.map((runner) => runner.dispose()));
    this.pools.clear();
    await Promise.all(stopping);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.reaper);
    await this.disposeAll();
  }

  private poolFor(fn: StoredFunction, version: StoredVersion, codeDir: string): WorkerPool {
    const env = platformVariables(fn.environmentVariables, {
      functionId: fn.id,
      environmentId: fn.environmentId,
      version: version.version,
    });
    const shape = createHash('sha256')
      .update(JSON.stringify([fn.runtime, version.handler, version.sha256, fn.limits, env]))
      .digest('hex')
      .slice(0, 16);
    const key = `${fn.id}@${version.version}#${shape}`;
    let pool = this.pools.get(key);
    if (!pool) {
      const family = runtimeFamily(fn.runtime) ?? 'nodejs';
      const environmentId = fn.environmentId;
      pool = new WorkerPool(
        () =>
          createRunner({
            family,
            runtime: fn.runtime,
            codeDir,
            handler: version.handler,
            env,
            memoryMb: fn.limits.memory,
            timeoutS: fn.limits.timeout * this.options.timeoutScale,
            cacheDir: this.options.cacheDir,
            getDocument: async (docKey) => this.store.state.documents[environmentId]?.[docKey]?.value,
          }),
        this.options.maxWorkersPerVersion,
      );
      this.pools.set(key, pool);
    }
    return pool;
  }

  private async reapIdle(): Promise<void> {
    const now = Date.now();
    for (const [key, pool] of this.pools) {
      const idle = pool.runners.filter((runner) => !runner.busy && now - runner.lastUsedAt >= this.options.idleWorkerMs);
      for (const runner of idle) {
        pool.runners.splice(pool.runners.indexOf(runner), 1);
        void runner.dispose();
      }
      if (pool.runners.length === 0) this.pools.delete(key);
    }
  }
}

import { randomUUID } from 'node:crypto';
import type { ActiveVersion, InvocationLog } from '../../spec/wire';
import type { InspectAddress, InvocationOutcome } from '../../runtimes';
import { runtimeFamily } from '../../spec/runtimes';
import { platformVariables, type FunctionEvent } from '../../spec/contract';
import { recordRequest, recordResponse, type InvocationExchange } from '../exchange';
import type { StoredFunction } from '../records';
import type { StatsCounter } from '../stats';
import { invocationReply, type InvocationReply } from './reply';
import type { WorkerPools, WorkerProcessInfo } from './worker-pools';
import type { WorkerUsage } from './worker-budget';

export interface Invocation {
  invocationId: string;
  version: number;
  outcome: InvocationOutcome;
  /** the HTTP reply it makes (what a trigger sends) */
  reply: InvocationReply;
}

/** What the invoker needs from the platform around it. */
export interface InvokerDeps {
  /** the unpacked code of a stored upload */
  code: { ensureUnpacked(sha256: string): Promise<string> };
  /** keeps an invocation's log (the log service) */
  logs: { record(functionId: string, entry: InvocationLog, exchange?: InvocationExchange): Promise<void> };
  /** answers context.getDoc (the document service) */
  documents: { value(environmentId: string, key: string): Promise<unknown> };
  stats: StatsCounter;
  pools: WorkerPools;
}

/** An invocation as it was logged, told to whoever listens (serverless dev streams them). */
export interface InvocationNotice {
  functionId: string;
  functionName: string;
  environmentId: string;
  entry: InvocationLog;
}

/** Where a node function's workers listen for a debugger; undefined: they do not. */
export type InspectorAddresses = (fn: { id: string; name: string; environmentId: string }) => InspectAddress | undefined;

export interface InvokerOptions {
  /** where compiled runtime helpers are cached */
  cacheDir: string;
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

/**
 * Runs functions: picks the version a call runs, hands the call to that version's pool of
 * warm workers, counts it, and records its log. It also knows when no call is running, so
 * the platform can close without cutting one off.
 */
export class Invoker {
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private readonly listeners = new Set<(notice: InvocationNotice) => void>();
  private inspector?: InspectorAddresses;

  constructor(
    private readonly deps: InvokerDeps,
    private readonly options: InvokerOptions,
  ) {}

  async invoke(fn: StoredFunction, event: FunctionEvent): Promise<Invocation> {
    // a worker started after close() would outlive the platform
    if (this.closed) throw new Error('spotinst-local is stopping: no new invocations');
    const picked = pickVersion(fn.activeVersions, fn.latestVersion);
    this.inFlight += 1;
    try {
      const invocationId = randomUUID();
      const version = fn.versions.find((candidate) => candidate.version === picked) ?? fn.versions[fn.versions.length - 1];
      const codeDir = await this.deps.code.ensureUnpacked(version.sha256);
      const environmentId = fn.environmentId;
      const family = runtimeFamily(fn.runtime) ?? 'nodejs';
      const inspect = family === 'nodejs' ? this.inspector?.({ id: fn.id, name: fn.name, environmentId }) : undefined;
      const pool = this.deps.pools.pool(
        { functionId: fn.id, version: version.version },
        {
          family,
          runtime: fn.runtime,
          codeDir,
          handler: version.handler,
          env: platformVariables(fn.environmentVariables, { functionId: fn.id, environmentId, version: version.version }),
          memoryMb: fn.limits.memory,
          timeoutS: fn.limits.timeout * this.options.timeoutScale,
          cacheDir: this.options.cacheDir,
          getDocument: (key) => this.deps.documents.value(environmentId, key),
          ...(inspect ? { inspect } : {}),
        },
      );
      const outcome = await pool.invoke(event, {
        requestId: invocationId,
        functionId: fn.id,
        functionName: fn.name,
        environmentId,
        version: version.version,
      });
      this.deps.stats.countInvocation(outcome.coldStart);
      const entry: InvocationLog = {
        invocationId,
        content: outcome.logs,
        version: version.version,
        status: outcome.status,
        durationMs: outcome.durationMs,
        startedAt: outcome.startedAt,
        coldStart: outcome.coldStart,
      };
      const reply = invocationReply(invocationId, version.version, outcome);
      await this.deps.logs.record(fn.id, entry, { request: recordRequest(event), response: recordResponse(reply) });
      this.tell({ functionId: fn.id, functionName: fn.name, environmentId, entry });
      return { invocationId, version: version.version, outcome, reply };
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** Calls `listener` with each invocation once it is logged; returns the unsubscribe. */
  onInvocation(listener: (notice: InvocationNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** From now on, node workers started for a function listen for a debugger where `addresses` says. */
  listenForDebuggers(addresses: InspectorAddresses): void {
    this.inspector = addresses;
  }

  private tell(notice: InvocationNotice): void {
    for (const listener of this.listeners) {
      try {
        listener(notice);
      } catch {
        // a listener's failure is its own: the invocation is done and logged
      }
    }
  }

  /** Resolves when no invocation runs (each ends by itself or by its timeout). */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** What the warm workers hold now, against the platform's budget. */
  workers(): WorkerUsage {
    return this.deps.pools.usage();
  }

  /** Every warm worker process, with the function version it runs (the console's platform view). */
  workerProcesses(): WorkerProcessInfo[] {
    return this.deps.pools.processes();
  }

  disposeFunction(functionId: string): Promise<void> {
    return this.deps.pools.disposeFunction(functionId);
  }

  retireFunction(functionId: string): Promise<void> {
    return this.deps.pools.retireFunction(functionId);
  }

  disposeAll(): Promise<void> {
    return this.deps.pools.disposeAll();
  }

  /** No new invocations from now on; stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    await this.deps.pools.close();
  }
}

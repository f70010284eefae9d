import { Invoker, type InvocationNotice } from './invocation/invoker';
import { WorkerPools } from './invocation/worker-pools';
import type { WorkerBudgetOptions } from './invocation/worker-budget';
import { PlatformLog } from './logger';
import { PlatformMetrics } from './metrics';
import { CronScheduler } from './scheduler';
import {
  AliasService,
  ApplicationService,
  ConsoleService,
  DocumentService,
  EnvironmentService,
  FunctionService,
  JobService,
  LogService,
  PatternService,
  type Services,
} from './services';
import { StatsCounter } from './stats';
import { openStorage, type CodeLimits, type Storage } from './store';

export interface PlatformConfig {
  dataDir: string;
  token: string;
  account: string;
  /** where compiled runtime helpers are cached */
  cacheDir: string;
  /** a warm worker unused this long is stopped */
  idleWorkerMs: number;
  /** warm workers per function version */
  maxWorkersPerVersion: number;
  /** warm workers across all functions, and how long a call waits for one */
  workerBudget?: WorkerBudgetOptions;
  /** multiplies every function's timeout */
  timeoutScale: number;
  codeLimits?: CodeLimits;
  /** a PostgreSQL URL shared by the nodes of one platform; without it, SQLite in the data dir */
  database?: string;
  /** where the platform says what it did (the takeover of a 2.0.0-dev data dir, a database gone and back, a failed invocation) */
  log: PlatformLog;
}

/** A failed or timed out invocation is said in the platform's log (its details are in the function's log). */
function logFailure(log: PlatformLog, { functionId, functionName, entry }: InvocationNotice): void {
  if (entry.status !== 'error' && entry.status !== 'timeout') return;
  const said = entry.status === 'timeout' ? 'timed out' : 'failed';
  const last = entry.content[entry.content.length - 1]?.log.trim();
  log.info(`function ${functionName} (${functionId}) ${said} in ${entry.durationMs ?? 0} ms${last ? `: ${last.split('\n')[0]}` : ''}`, {
    invocationId: entry.invocationId,
    functionId,
    function: functionName,
    status: entry.status,
    durationMs: entry.durationMs,
  });
}

/** How often a node that shares its database reads the cron jobs, to arm those other nodes changed. */
const JOB_WATCH_MS = 1000;

/**
 * What serves the HTTP surface, wired together: the storage (SQLite or PostgreSQL), the
 * services over it, the invoker with its worker pools, the cron scheduler and the counters.
 */
export class Platform {
  private constructor(
    readonly config: PlatformConfig,
    readonly services: Services,
    readonly invoker: Invoker,
    readonly stats: StatsCounter,
    readonly metrics: PlatformMetrics,
    readonly console: ConsoleService,
    private readonly storage: Storage,
    private readonly scheduler: CronScheduler,
  ) {}

  static async open(config: PlatformConfig): Promise<Platform> {
    const storage = await openStorage({
      dataDir: config.dataDir,
      cacheDir: config.cacheDir,
      database: config.database,
      codeLimits: config.codeLimits,
      log: (line) => config.log.info(line),
    });
    try {
      return await Platform.wire(config, storage);
    } catch (error) {
      await storage.close();
      throw error;
    }
  }

  private static async wire(config: PlatformConfig, storage: Storage): Promise<Platform> {
    const { records: store } = storage;
    const stats = new StatsCounter();
    const logs = new LogService(store, storage.logs);
    const documents = new DocumentService(store);
    const invoker = new Invoker(
      {
        code: storage.code,
        logs,
        documents,
        stats,
        pools: new WorkerPools({
          idleWorkerMs: config.idleWorkerMs,
          maxWorkersPerVersion: config.maxWorkersPerVersion,
          ...config.workerBudget,
        }),
      },
      { cacheDir: config.cacheDir, timeoutScale: config.timeoutScale },
    );
    const scheduler: CronScheduler = new CronScheduler(
      (jobId, dueAt) => jobs.fire(jobId, dueAt),
      (jobId, error) => config.log.warn(`cron job ${jobId} failed to run: ${error.message}`, { jobId }),
    );
    const jobs = new JobService(store, scheduler, invoker, (line) => config.log.warn(line));
    const metrics = new PlatformMetrics(() => invoker.workerProcesses());
    invoker.onInvocation((notice) => metrics.observeInvocation(notice));
    invoker.onInvocation((notice) => logFailure(config.log, notice));
    const services: Services = {
      applications: new ApplicationService(store),
      environments: new EnvironmentService(store),
      functions: new FunctionService({ store, code: storage.code, stats, scheduler, logs, workers: invoker }),
      patterns: new PatternService(store),
      aliases: new AliasService(store),
      jobs,
      documents,
      logs,
    };
    await jobs.resume();
    if (storage.shared) jobs.watch(JOB_WATCH_MS);
    const consoleService = new ConsoleService({ store, logs: storage.logs, invoker });
    return new Platform(config, services, invoker, stats, metrics, consoleService, storage, scheduler);
  }

  /** Where the data is: the SQLite file, or the PostgreSQL URL without its password. */
  get location(): string {
    return this.storage.location;
  }

  /** `/__local/reset`: every resource, upload, log and counter is gone. */
  async reset(): Promise<void> {
    this.scheduler.stopAll();
    await this.invoker.disposeAll();
    await this.storage.records.reset();
    await this.storage.code.reset();
    await this.services.logs.reset();
    this.stats.reset();
  }

  /** Stops cron, waits for in-flight invocations (at most `graceMs`), then stops every worker and closes the stores. */
  async close(graceMs: number): Promise<void> {
    this.services.jobs.stopWatching();
    this.scheduler.stopAll();
    // in-flight invocations end by themselves or by their own timeouts
    if (Number.isFinite(graceMs)) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.invoker.whenIdle(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      if (timer) clearTimeout(timer);
    } else {
      await this.invoker.whenIdle();
    }
    await this.invoker.close();
    await this.storage.records.close();
    await this.storage.logs.close();
    await this.storage.close();
  }
}

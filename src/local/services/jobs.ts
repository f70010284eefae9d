import type { CronJobConfig } from '../../spec/wire';
import { parseBody, type FunctionEvent } from '../../spec/contract';
import { ApiFailure, badRequest } from '../envelope';
import type { CronJob, StoredFunction } from '../records';
import type { CronScheduler } from '../scheduler';
import type { JobFilter, PlatformStore } from '../store';
import { existing, freshId, now, referencedEnvironment, referencedFunction } from './lookups';

export interface NewJob {
  environmentId: string;
  action: 'INVOKE_FUNCTION';
  /** the function it invokes */
  resourceId: string;
  /** a valid cron expression, trimmed */
  cronExpression: string;
  isEnabled?: boolean;
  config?: CronJobConfig;
}

export type JobChanges = Partial<NewJob>;

/** Runs a function for a job (the invoker). */
export interface JobInvoker {
  invoke(fn: StoredFunction, event: FunctionEvent): Promise<unknown>;
}

/** Claims of ticks older than this are pruned: no node contests a tick that long after it. */
const CLAIM_MEMORY_MS = 60 * 60 * 1000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;

/**
 * Cron jobs ("spectrum event jobs"): each invokes a function of its environment. The
 * scheduler is told of every change once it is stored, and fires the enabled ones. When
 * several nodes share the store, each arms every job, learns of the other nodes' changes by
 * watching the jobs, and fires a tick only if it claimed it first: once per tick in all.
 */
export class JobService {
  /** changes this node made: a watch that read the jobs before one of them must not undo it */
  private localChanges = 0;
  private watchTimer: NodeJS.Timeout | undefined;
  private lastPrune = 0;
  private storeDown = false;

  constructor(
    private readonly store: PlatformStore,
    private readonly scheduler: CronScheduler,
    private readonly invoker: JobInvoker,
    /** the platform's log, at warning level */
    private readonly warn: (line: string) => void,
  ) {}

  list(filter: JobFilter): Promise<CronJob[]> {
    return this.store.jobs(filter);
  }

  async get(id: string): Promise<CronJob> {
    return existing(await this.store.job(id), 'job', id);
  }

  /** Arms every enabled job (at start). */
  async resume(): Promise<void> {
    this.scheduler.sync(await this.store.jobs({ isEnabled: true }));
  }

  /** Reads the jobs every `intervalMs` and arms what other nodes created, changed or deleted. */
  watch(intervalMs: number): void {
    const tick = (): void => {
      this.watchTimer = setTimeout(() => void this.refresh().finally(() => this.watchTimer && tick()), intervalMs);
      this.watchTimer.unref();
    };
    tick();
  }

  stopWatching(): void {
    clearTimeout(this.watchTimer);
    this.watchTimer = undefined;
  }

  private async refresh(): Promise<void> {
    const before = this.localChanges;
    try {
      const jobs = await this.store.jobs();
      this.storeIsBack();
      if (before === this.localChanges) this.scheduler.reconcile(jobs);
    } catch (error) {
      if (!this.storeFailed(error)) this.warn(`reading the cron jobs failed: ${(error as Error).message}`);
    }
  }

  async create(input: NewJob): Promise<CronJob> {
    const created = await this.store.transaction(async (tx) => {
      await referencedEnvironment(tx, input.environmentId, 'job.environmentId');
      await referencedFunction(tx, input.resourceId, input.environmentId, 'job.resourceId');
      const stamp = now();
      const job: CronJob = {
        id: await freshId('job', (id) => tx.job(id)),
        environmentId: input.environmentId,
        action: input.action,
        resourceId: input.resourceId,
        isEnabled: input.isEnabled ?? true,
        cronExpression: input.cronExpression,
        ...(input.config ? { config: input.config } : {}),
        createdAt: stamp,
        updatedAt: stamp,
      };
      await tx.putJob(job);
      return job;
    });
    this.localChanges += 1;
    this.scheduler.schedule(created);
    return created;
  }

  async update(id: string, changes: JobChanges): Promise<CronJob> {
    const updated = await this.store.transaction(async (tx) => {
      const current = existing(await tx.job(id), 'job', id);
      if (changes.environmentId !== undefined && changes.environmentId !== current.environmentId) {
        throw badRequest('job.environmentId cannot change', 'job.environmentId');
      }
      const resourceId = changes.resourceId ?? current.resourceId;
      await referencedFunction(tx, resourceId, current.environmentId, 'job.resourceId');
      const job: CronJob = {
        ...current,
        resourceId,
        cronExpression: changes.cronExpression ?? current.cronExpression,
        isEnabled: changes.isEnabled ?? current.isEnabled,
        ...(changes.config ? { config: changes.config } : {}),
        updatedAt: now(),
      };
      await tx.putJob(job);
      return job;
    });
    this.localChanges += 1;
    this.scheduler.schedule(updated);
    return updated;
  }

  async delete(id: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const current = existing(await tx.job(id), 'job', id);
      await tx.deleteJob(current.id);
    });
    this.localChanges += 1;
    this.scheduler.unschedule(id);
  }

  /**
   * A tick of the scheduler, the occurrence due at `dueAt`: if this node claims it first,
   * invokes the job's function with the job's body (JSON-parsed when possible) and query.
   * A job disabled or deleted meanwhile does nothing.
   */
  async fire(jobId: string, dueAt: number): Promise<void> {
    try {
      const job = await this.store.job(jobId);
      this.storeIsBack();
      if (!job?.isEnabled) return;
      if (!(await this.store.claimCronTick(jobId, dueAt))) return;
      await this.pruneClaims();
      const fn = await this.store.function(job.resourceId);
      if (fn) await this.invoke(job, fn, dueAt);
    } catch (error) {
      if (!this.storeFailed(error)) throw error;
    }
  }

  private async invoke(job: CronJob, fn: StoredFunction, dueAt: number): Promise<void> {
    const query: Record<string, string> = {};
    for (const param of job.config?.queryParams ?? []) query[param.key] = param.value;
    await this.invoker.invoke(fn, {
      query,
      body: parseBody(job.config?.body ?? ''),
      // which occurrence this is: the same whichever node fired it
      headers: {
        'user-agent': 'spotinst-local-scheduler',
        'x-spotinst-job-id': job.id,
        'x-spotinst-job-due': new Date(dueAt).toISOString(),
      },
      method: 'POST',
      path: '/',
    });
  }

  private async pruneClaims(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.store.pruneCronClaims(now - CLAIM_MEMORY_MS);
  }

  /**
   * A store that cannot be reached (the 503 of a database gone away) is said once, not at
   * every tick; the ticks meanwhile are skipped, and the next one after it returns fires.
   */
  private storeFailed(error: unknown): boolean {
    if (!(error instanceof ApiFailure && error.status === 503)) return false;
    if (!this.storeDown) this.warn(`cron ticks are skipped until the store is back: ${error.message}`);
    this.storeDown = true;
    return true;
  }

  private storeIsBack(): void {
    if (this.storeDown) this.warn('the store is back; cron jobs fire again');
    this.storeDown = false;
  }
}

import type { CronJobConfig } from '../../spec/wire';
import { parseBody, type FunctionEvent } from '../../spec/contract';
import { badRequest } from '../envelope';
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

/**
 * Cron jobs ("spectrum event jobs"): each invokes a function of its environment. The
 * scheduler is told of every change once it is stored, and fires the enabled ones.
 */
export class JobService {
  constructor(
    private readonly store: PlatformStore,
    private readonly scheduler: CronScheduler,
    private readonly invoker: JobInvoker,
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
    this.scheduler.schedule(updated);
    return updated;
  }

  async delete(id: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const current = existing(await tx.job(id), 'job', id);
      await tx.deleteJob(current.id);
    });
    this.scheduler.unschedule(id);
  }

  /**
   * A tick of the scheduler: invokes the job's function with the job's body (JSON-parsed
   * when possible) and query. A job disabled or deleted meanwhile does nothing.
   */
  async fire(jobId: string): Promise<void> {
    const job = await this.store.job(jobId);
    if (!job?.isEnabled) return;
    const fn = await this.store.function(job.resourceId);
    if (!fn) return;
    const query: Record<string, string> = {};
    for (const param of job.config?.queryParams ?? []) query[param.key] = param.value;
    await this.invoker.invoke(fn, {
      query,
      body: parseBody(job.config?.body ?? ''),
      headers: { 'user-agent': 'spotinst-local-scheduler', 'x-spotinst-job-id': job.id },
      method: 'POST',
      path: '/',
    });
  }
}

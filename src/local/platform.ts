import type { Alias, Application, CronJob, Environment, Pattern, SpotinstFunction } from '../spec/wire';
import { CodeStore, CodeLimits, DEFAULT_CODE_LIMITS } from './code-store';
import { badRequest, notFound } from './envelope';
import { parseBody } from '../spec/contract';
import { Invoker, InvokerOptions } from './invoker';
import { LogStore } from './log-store';
import { CronScheduler } from './scheduler';
import { StatsCounter } from './stats';
import { StateStore, type PlatformState, type RecordCollection, type StoredEnvironment, type StoredFunction } from './store';

export interface PlatformConfig extends InvokerOptions {
  dataDir: string;
  token: string;
  account: string;
  codeLimits?: CodeLimits;
}

/**
 * The services behind the HTTP surface: state, code, logs, workers, cron, counters, and
 * the few rules several resources share (lookups with 404s, the reply views, deletes that
 * cascade). Handlers hold no state of their own.
 */
export class Platform {
  readonly store: StateStore;
  readonly code: CodeStore;
  readonly logs: LogStore;
  readonly stats = new StatsCounter();
  readonly invoker: Invoker;
  readonly scheduler: CronScheduler;

  constructor(readonly config: PlatformConfig) {
    this.store = new StateStore(config.dataDir);
    this.code = new CodeStore(config.dataDir, config.codeLimits ?? DEFAULT_CODE_LIMITS);
    this.logs = new LogStore(config.dataDir);
    this.invoker = new Invoker(this.store, this.code, this.logs, this.stats, config);
    this.scheduler = new CronScheduler((jobId) => this.runJob(jobId));
    this.scheduler.sync(Object.values(this.store.state.jobs));
  }

  application(id: string): Application {
    return this.lookup('applications', 'application', id);
  }

  environment(id: string): StoredEnvironment {
    return this.lookup('environments', 'environment', id);
  }

  function(id: string): StoredFunction {
    return this.lookup('functions', 'function', id);
  }

  alias(id: string): Alias {
    return this.lookup('aliases', 'alias', id);
  }

  job(id: string): CronJob {
    return this.lookup('jobs', 'job', id);
  }

  pattern(id: string): Pattern {
    return this.lookup('patterns', 'pattern', id);
  }

  /** The environment a body refers to (`field`): a 400 ENVIRONMENT_NOT_FOUND when there is none. */
  requireEnvironment(id: string, field: string): StoredEnvironment {
    const found = this.store.state.environments[id];
    if (!found) throw badRequest(`${field}: environment ${id} does not exist`, field, 'ENVIRONMENT_NOT_FOUND');
    return found;
  }

  /** The function a body refers to (`field`): it must exist and belong to the environment. */
  requireFunctionIn(functionId: string, environmentId: string, field: string): StoredFunction {
    const found = this.store.state.functions[functionId];
    if (!found) throw badRequest(`${field}: function ${functionId} does not exist`, field, 'FUNCTION_NOT_FOUND');
    if (found.environmentId !== environmentId) {
      throw badRequest(`${field}: function ${functionId} is in environment ${found.environmentId}, not ${environmentId}`, field);
    }
    return found;
  }

  /** A resource named in the URL: a 404 when there is none. */
  private lookup<K extends RecordCollection>(collection: K, kind: string, id: string): PlatformState[K][string] {
    const found = this.store.state[collection][id] as PlatformState[K][string] | undefined;
    if (!found) throw notFound(kind, id);
    return found;
  }

  environmentView(env: StoredEnvironment, baseUrl: string): Environment {
    return { ...env, url: `${baseUrl}/fn/${env.id}` };
  }

  /** The function as the API shows it: a URL for where it is served now, code info but never the source. */
  functionView(fn: StoredFunction, baseUrl: string): SpotinstFunction {
    const latest = fn.versions.find((version) => version.version === fn.latestVersion);
    const view: SpotinstFunction = {
      id: fn.id,
      name: fn.name,
      environmentId: fn.environmentId,
      runtime: fn.runtime,
      access: fn.access,
      limits: { ...fn.limits },
      latestVersion: fn.latestVersion,
      activeVersions: fn.activeVersions.map((entry) => ({ ...entry })),
      url: `${baseUrl}/fn/${fn.environmentId}/${fn.id}`,
      environmentVariables: { ...fn.environmentVariables },
      createdAt: fn.createdAt,
      updatedAt: fn.updatedAt,
    };
    if (fn.cors) view.cors = { ...fn.cors };
    if (fn.iamRoleConfig) view.iamRoleConfig = { ...fn.iamRoleConfig };
    if (latest) view.code = { handler: latest.handler, sha256: latest.sha256, size: latest.size };
    return view;
  }

  /**
   * Deleting a function also deletes its cron jobs and endpoint patterns (they cannot run
   * without it), its logs and its workers; its code is removed once no version uses it.
   */
  async deleteFunction(id: string): Promise<void> {
    const fn = this.function(id);
    const removedJobs: string[] = [];
    this.store.mutate((state) => {
      delete state.functions[fn.id];
      for (const job of Object.values(state.jobs)) {
        if (job.resourceId === fn.id) {
          delete state.jobs[job.id];
          removedJobs.push(job.id);
        }
      }
      for (const pattern of Object.values(state.patterns)) {
        if (pattern.functionId === fn.id) delete state.patterns[pattern.id];
      }
    });
    for (const jobId of removedJobs) this.scheduler.unschedule(jobId);
    this.logs.remove(fn.id);
    await this.invoker.disposeFunction(fn.id);
    this.collectCode();
  }

  collectCode(): void {
    const referenced = new Set<string>();
    for (const fn of Object.values(this.store.state.functions)) {
      for (const version of fn.versions) referenced.add(version.sha256);
    }
    this.code.collectGarbage(referenced);
  }

  /** `/__local/reset`: every resource, upload, log and counter is gone. */
  async reset(): Promise<void> {
    this.scheduler.stopAll();
    await this.invoker.disposeAll();
    this.store.reset();
    this.code.reset();
    this.logs.reset();
    this.stats.reset();
  }

  /** Stops cron, waits for in-flight invocations (at most `graceMs`), then stops every worker. */
  async close(graceMs: number): Promise<void> {
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
  }

  private async runJob(jobId: string): Promise<void> {
    const job = this.store.state.jobs[jobId];
    if (!job || !job.isEnabled) return;
    const fn = this.store.state.functions[job.resourceId];
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

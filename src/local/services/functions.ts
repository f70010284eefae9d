import isEqual from 'lodash/isEqual';
import type { Access, ActiveVersion, CorsConfig, FunctionLimits, IamRoleConfig } from '../../spec/wire';
import { DEFAULT_ACTIVE_VERSIONS } from '../../spec/defaults';
import { badRequest, conflict, notFound } from '../envelope';
import type { StoredFunction, StoredVersion } from '../records';
import type { CronScheduler } from '../scheduler';
import type { StatsCounter } from '../stats';
import type { CodeArchives, PlatformStore, StoreReader } from '../store';
import type { LogService } from './logs';
import { existing, freshId, now, referencedEnvironment } from './lookups';

export interface CodeUpload {
  handler: string;
  /** base64 of the zip (jar for java) */
  source: string;
}

export interface NewFunction {
  environmentId: string;
  name: string;
  runtime: string;
  access: Access;
  limits: FunctionLimits;
  code: CodeUpload;
  environmentVariables?: Record<string, string>;
  activeVersions?: ActiveVersion[];
  cors?: CorsConfig;
  iamRoleConfig?: IamRoleConfig;
}

/** An update: what is absent stays as it is; a limit left out keeps its value. */
export type FunctionChanges = Partial<Omit<NewFunction, 'limits'>> & { limits?: Partial<FunctionLimits> };

/** Stops what runs a function's code (its warm workers). */
export interface FunctionWorkers {
  /** now: the function is gone */
  disposeFunction(functionId: string): Promise<void>;
  /** once their calls are done: the function's code or configuration changed */
  retireFunction(functionId: string): Promise<void>;
}

/** What a worker process is started with: a change to one means its workers must be replaced. */
function shapesWorkers(before: StoredFunction, after: StoredFunction): boolean {
  return (
    before.latestVersion !== after.latestVersion ||
    before.runtime !== after.runtime ||
    !isEqual(before.limits, after.limits) ||
    !isEqual(before.environmentVariables, after.environmentVariables)
  );
}

export interface FunctionServiceDeps {
  store: PlatformStore;
  code: CodeArchives;
  stats: StatsCounter;
  scheduler: CronScheduler;
  logs: LogService;
  workers: FunctionWorkers;
}

async function assertNameFree(reader: StoreReader, environmentId: string, name: string, exceptId?: string): Promise<void> {
  const taken = await reader.functionNamed(environmentId, name);
  if (taken && taken.id !== exceptId) {
    throw conflict(
      'FUNCTION_NAME_EXISTS',
      `environment ${environmentId} already has a function named "${name}" (${taken.id})`,
      'function.name',
    );
  }
}

/** activeVersions may name only versions that exist (0 … latestVersion) or `$LATEST`. */
function checkActiveVersions(activeVersions: ActiveVersion[] | undefined, latestVersion: number): void {
  activeVersions?.forEach((entry, index) => {
    if (entry.version !== '$LATEST' && entry.version > latestVersion) {
      const at = `function.activeVersions[${index}].version`;
      throw badRequest(`${at} ${entry.version} does not exist (the latest version is ${latestVersion})`, at);
    }
  });
}

/**
 * Functions and their versions. A function is created at version 0; an update whose code
 * (sha256 of the upload) or handler differs from the latest version's creates the next
 * version, the same upload again only changes configuration. An update that changes what
 * its workers were started with (code, runtime, limits, variables) retires them once their
 * calls are done; other functions keep theirs. Deleting a function deletes its cron jobs,
 * endpoint patterns, logs and workers, and its code once no version uses it.
 */
export class FunctionService {
  private readonly store: PlatformStore;

  constructor(private readonly deps: FunctionServiceDeps) {
    this.store = deps.store;
  }

  async list(environmentId: string): Promise<StoredFunction[]> {
    existing(await this.store.environment(environmentId), 'environment', environmentId);
    return this.store.functions(environmentId);
  }

  /** The function named in the URL; with an environment, it must be in that one. */
  async get(id: string, environmentId?: string): Promise<StoredFunction> {
    const fn = existing(await this.store.function(id), 'function', id);
    if (environmentId && environmentId !== fn.environmentId) throw notFound('function', `${fn.id} in environment ${environmentId}`);
    return fn;
  }

  /** The function behind a URL or a cron job, if it (still) exists. */
  find(id: string): Promise<StoredFunction | undefined> {
    return this.store.function(id);
  }

  async create(input: NewFunction): Promise<StoredFunction> {
    await referencedEnvironment(this.store, input.environmentId, 'function.environmentId');
    checkActiveVersions(input.activeVersions, 0);
    await assertNameFree(this.store, input.environmentId, input.name);
    // checked before the upload, which may take a while, and again in the transaction
    const saved = await this.deps.code.save(input.code.source, 'function.code.source');
    this.deps.stats.addCodeBytes(saved.size);
    return this.store.transaction(async (tx) => {
      await referencedEnvironment(tx, input.environmentId, 'function.environmentId');
      await assertNameFree(tx, input.environmentId, input.name);
      const stamp = now();
      const fn: StoredFunction = {
        id: await freshId('function', (id) => tx.function(id)),
        name: input.name,
        environmentId: input.environmentId,
        runtime: input.runtime,
        access: input.access,
        limits: input.limits,
        environmentVariables: input.environmentVariables ?? {},
        activeVersions: input.activeVersions ?? DEFAULT_ACTIVE_VERSIONS.map((entry) => ({ ...entry })),
        ...(input.cors ? { cors: input.cors } : {}),
        ...(input.iamRoleConfig ? { iamRoleConfig: input.iamRoleConfig } : {}),
        latestVersion: 0,
        versions: [{ version: 0, handler: input.code.handler, sha256: saved.sha256, size: saved.size, createdAt: stamp }],
        createdAt: stamp,
        updatedAt: stamp,
      };
      await tx.putFunction(fn);
      return fn;
    });
  }

  async update(id: string, changes: FunctionChanges): Promise<StoredFunction> {
    const before = await this.get(id);
    if (changes.environmentId !== undefined && changes.environmentId !== before.environmentId) {
      throw badRequest(`function.environmentId cannot change: ${before.id} belongs to ${before.environmentId}`, 'function.environmentId');
    }
    if (changes.name !== undefined) await assertNameFree(this.store, before.environmentId, changes.name, before.id);
    const { code } = changes;
    const saved = code ? await this.deps.code.save(code.source, 'function.code.source') : undefined;
    if (saved) this.deps.stats.addCodeBytes(saved.size);
    const { updated, changed } = await this.store.transaction(async (tx) => {
      // read again: the upload may have taken a while
      const current = existing(await tx.function(id), 'function', id);
      let newVersion: StoredVersion | undefined;
      if (code && saved) {
        const latest = current.versions.find((version) => version.version === current.latestVersion);
        // new code (or a new handler) is a new version; the same upload again only changes configuration
        if (!latest || latest.sha256 !== saved.sha256 || latest.handler !== code.handler) {
          newVersion = {
            version: current.latestVersion + 1,
            handler: code.handler,
            sha256: saved.sha256,
            size: saved.size,
            createdAt: now(),
          };
        }
      }
      const latestVersion = newVersion ? newVersion.version : current.latestVersion;
      checkActiveVersions(changes.activeVersions, latestVersion);
      if (changes.name !== undefined) await assertNameFree(tx, current.environmentId, changes.name, current.id);
      const updated: StoredFunction = {
        ...current,
        ...(changes.name === undefined ? {} : { name: changes.name }),
        ...(changes.runtime === undefined ? {} : { runtime: changes.runtime }),
        ...(changes.access === undefined ? {} : { access: changes.access }),
        ...(changes.limits === undefined ? {} : { limits: { ...current.limits, ...changes.limits } }),
        ...(changes.environmentVariables === undefined ? {} : { environmentVariables: changes.environmentVariables }),
        ...(changes.activeVersions === undefined ? {} : { activeVersions: changes.activeVersions }),
        ...(changes.cors === undefined ? {} : { cors: changes.cors }),
        ...(changes.iamRoleConfig === undefined ? {} : { iamRoleConfig: changes.iamRoleConfig }),
        latestVersion,
        versions: newVersion ? [...current.versions, newVersion] : current.versions,
        updatedAt: now(),
      };
      await tx.putFunction(updated);
      return { updated, changed: shapesWorkers(current, updated) };
    });
    // the old workers finish what they run; the next call starts one with the new code or settings
    if (changed) void this.deps.workers.retireFunction(id).catch(() => undefined);
    return updated;
  }

  async delete(id: string): Promise<void> {
    const removedJobs = await this.store.transaction(async (tx) => {
      const fn = existing(await tx.function(id), 'function', id);
      // what cannot run without it goes with it, before it
      const jobs = await tx.jobs({ resourceId: fn.id });
      for (const job of jobs) await tx.deleteJob(job.id);
      for (const pattern of await tx.patterns({ functionId: fn.id })) await tx.deletePattern(pattern.id);
      await tx.deleteFunction(fn.id);
      return jobs.map((job) => job.id);
    });
    for (const jobId of removedJobs) this.deps.scheduler.unschedule(jobId);
    await this.deps.logs.forget(id);
    await this.deps.workers.disposeFunction(id);
    await this.collectCode();
  }

  /** Deletes code archives no function version refers to any more. */
  async collectCode(): Promise<void> {
    await this.deps.code.collectGarbage(await this.store.codeInUse());
  }
}

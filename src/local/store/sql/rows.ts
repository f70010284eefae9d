/**
 * Records ↔ rows. An optional field of a record is a NULL column; a JSON value is TEXT; a
 * boolean is 0/1. Every read builds new objects: a record handed out is the caller's.
 */
import type { Insertable, Selectable } from 'kysely';
import type {
  Access,
  ActiveVersion,
  CloudProvider,
  CorsConfig,
  CronJobConfig,
  IamRoleConfig,
  PatternMethod,
  Strategy,
} from '../../../spec/wire';
import type { Alias, Application, CronJob, Pattern, StoredEnvironment, StoredFunction, StoredVersion, UserDocument } from '../../records';
import type {
  AliasesTable,
  ApplicationsTable,
  DocumentsTable,
  EnvironmentsTable,
  FunctionsTable,
  FunctionVersionsTable,
  JobsTable,
  PatternsTable,
} from './schema';

function parsed<T>(text: string): T {
  return JSON.parse(text) as T;
}

function optionalJson<T>(text: string | null): T | undefined {
  return text === null ? undefined : parsed<T>(text);
}

/** The fields whose value is present: an absent optional field stays absent. */
function present<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== null)) as T;
}

export function applicationRow(app: Application): Insertable<ApplicationsTable> {
  return {
    id: app.id,
    name: app.name,
    description: app.description ?? null,
    created_at: app.createdAt ?? null,
    updated_at: app.updatedAt ?? null,
  };
}

export function applicationOf(row: Selectable<ApplicationsTable>): Application {
  return present({
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }) as Application;
}

export function environmentRow(env: StoredEnvironment): Insertable<EnvironmentsTable> {
  return {
    id: env.id,
    application_id: env.applicationId,
    name: env.name,
    providers: JSON.stringify(env.providers),
    locations: JSON.stringify(env.locations),
    strategy: env.strategy,
    created_at: env.createdAt,
    updated_at: env.updatedAt,
  };
}

export function environmentOf(row: Selectable<EnvironmentsTable>): StoredEnvironment {
  return {
    id: row.id,
    applicationId: row.application_id,
    name: row.name,
    providers: parsed<CloudProvider[]>(row.providers),
    locations: parsed<string[]>(row.locations),
    strategy: row.strategy as Strategy,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The function's own row; its versions are rows of function_versions. */
export function functionRow(fn: StoredFunction): Insertable<FunctionsTable> {
  return {
    id: fn.id,
    environment_id: fn.environmentId,
    name: fn.name,
    runtime: fn.runtime,
    access: fn.access,
    memory_mb: fn.limits.memory,
    timeout_s: fn.limits.timeout,
    environment_variables: JSON.stringify(fn.environmentVariables),
    active_versions: JSON.stringify(fn.activeVersions),
    cors: fn.cors === undefined ? null : JSON.stringify(fn.cors),
    iam_role_config: fn.iamRoleConfig === undefined ? null : JSON.stringify(fn.iamRoleConfig),
    latest_version: fn.latestVersion,
    created_at: fn.createdAt,
    updated_at: fn.updatedAt,
  };
}

export function versionRow(functionId: string, version: StoredVersion): Insertable<FunctionVersionsTable> {
  return {
    function_id: functionId,
    version: version.version,
    handler: version.handler,
    sha256: version.sha256,
    size: version.size,
    created_at: version.createdAt,
  };
}

export function versionOf(row: Selectable<FunctionVersionsTable>): StoredVersion {
  return { version: row.version, handler: row.handler, sha256: row.sha256, size: row.size, createdAt: row.created_at };
}

export function sameVersion(a: StoredVersion, b: StoredVersion): boolean {
  return a.version === b.version && a.handler === b.handler && a.sha256 === b.sha256 && a.size === b.size && a.createdAt === b.createdAt;
}

export function functionOf(row: Selectable<FunctionsTable>, versions: StoredVersion[]): StoredFunction {
  const cors = optionalJson<CorsConfig>(row.cors);
  const iamRoleConfig = optionalJson<IamRoleConfig>(row.iam_role_config);
  return {
    id: row.id,
    name: row.name,
    environmentId: row.environment_id,
    runtime: row.runtime,
    access: row.access as Access,
    limits: { memory: row.memory_mb, timeout: row.timeout_s },
    environmentVariables: parsed<Record<string, string>>(row.environment_variables),
    activeVersions: parsed<ActiveVersion[]>(row.active_versions),
    ...(cors === undefined ? {} : { cors }),
    ...(iamRoleConfig === undefined ? {} : { iamRoleConfig }),
    latestVersion: row.latest_version,
    versions,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function patternRow(pattern: Pattern): Insertable<PatternsTable> {
  return {
    id: pattern.id,
    environment_id: pattern.environmentId,
    function_id: pattern.functionId,
    method: pattern.method,
    pattern: pattern.pattern,
    created_at: pattern.createdAt ?? null,
    updated_at: pattern.updatedAt ?? null,
  };
}

export function patternOf(row: Selectable<PatternsTable>): Pattern {
  return present({
    id: row.id,
    environmentId: row.environment_id,
    functionId: row.function_id,
    method: row.method as PatternMethod,
    pattern: row.pattern,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }) as Pattern;
}

export function aliasRow(alias: Alias): Insertable<AliasesTable> {
  return {
    id: alias.id,
    host: alias.host,
    environment_id: alias.environmentId,
    created_at: alias.createdAt ?? null,
    updated_at: alias.updatedAt ?? null,
  };
}

export function aliasOf(row: Selectable<AliasesTable>): Alias {
  return present({
    id: row.id,
    host: row.host,
    environmentId: row.environment_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }) as Alias;
}

export function jobRow(job: CronJob): Insertable<JobsTable> {
  return {
    id: job.id,
    environment_id: job.environmentId,
    resource_id: job.resourceId,
    action: job.action,
    is_enabled: job.isEnabled ? 1 : 0,
    cron_expression: job.cronExpression,
    config: job.config === undefined ? null : JSON.stringify(job.config),
    created_at: job.createdAt ?? null,
    updated_at: job.updatedAt ?? null,
  };
}

export function jobOf(row: Selectable<JobsTable>): CronJob {
  return present({
    id: row.id,
    environmentId: row.environment_id,
    action: row.action as CronJob['action'],
    resourceId: row.resource_id,
    isEnabled: row.is_enabled !== 0,
    cronExpression: row.cron_expression,
    config: optionalJson<CronJobConfig>(row.config),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }) as CronJob;
}

export function documentRow(environmentId: string, document: UserDocument): Insertable<DocumentsTable> {
  return {
    environment_id: environmentId,
    key: document.key,
    // JSON.stringify of undefined is undefined: a document without a value is a NULL column
    value: document.value === undefined ? null : JSON.stringify(document.value),
    created_at: document.createdAt ?? null,
    updated_at: document.updatedAt ?? null,
  };
}

export function documentOf(row: Selectable<DocumentsTable>): UserDocument {
  return {
    key: row.key,
    value: optionalJson<unknown>(row.value),
    ...(row.created_at === null ? {} : { createdAt: row.created_at }),
    ...(row.updated_at === null ? {} : { updatedAt: row.updated_at }),
  };
}

/**
 * The tables of the SQL engines, as Kysely sees them, and the migrations that make them.
 * One schema for SQLite and PostgreSQL: JSON values are TEXT in both, booleans are integers
 * (0/1), instants are epoch milliseconds in bigints, timestamps of records are the API's ISO
 * strings. Only two things differ by engine: the generated sequence column and blob/bytea.
 */
import { sql, type ColumnType, type Generated, type Kysely, type Migration } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

/** Insertion order of a record: set on the first put, kept by later ones (lists come in this order). */
type Seq = Generated<number>;
type Nullable<T> = T | null;

export interface ApplicationsTable {
  seq: Seq;
  id: string;
  name: string;
  description: Nullable<string>;
  created_at: Nullable<string>;
  updated_at: Nullable<string>;
}

export interface EnvironmentsTable {
  seq: Seq;
  id: string;
  application_id: string;
  name: string;
  /** JSON list */
  providers: string;
  /** JSON list */
  locations: string;
  strategy: string;
  created_at: string;
  updated_at: string;
}

export interface FunctionsTable {
  seq: Seq;
  id: string;
  environment_id: string;
  name: string;
  runtime: string;
  access: string;
  memory_mb: number;
  timeout_s: number;
  /** JSON object */
  environment_variables: string;
  /** JSON list */
  active_versions: string;
  /** JSON object */
  cors: Nullable<string>;
  /** JSON object */
  iam_role_config: Nullable<string>;
  latest_version: number;
  created_at: string;
  updated_at: string;
}

export interface FunctionVersionsTable {
  function_id: string;
  version: number;
  handler: string;
  sha256: string;
  size: number;
  created_at: string;
}

export interface PatternsTable {
  seq: Seq;
  id: string;
  environment_id: string;
  function_id: string;
  method: string;
  pattern: string;
  created_at: Nullable<string>;
  updated_at: Nullable<string>;
}

export interface AliasesTable {
  seq: Seq;
  id: string;
  host: string;
  environment_id: string;
  created_at: Nullable<string>;
  updated_at: Nullable<string>;
}

export interface JobsTable {
  seq: Seq;
  id: string;
  environment_id: string;
  resource_id: string;
  action: string;
  is_enabled: number;
  cron_expression: string;
  /** JSON object */
  config: Nullable<string>;
  created_at: Nullable<string>;
  updated_at: Nullable<string>;
}

export interface DocumentsTable {
  environment_id: string;
  key: string;
  /** JSON; NULL when the document has no value */
  value: Nullable<string>;
  created_at: Nullable<string>;
  updated_at: Nullable<string>;
}

/** One row per invocation. */
export interface InvocationsTable {
  seq: Seq;
  function_id: string;
  invocation_id: string;
  /** epoch ms; 0 when the entry had none */
  started_at: number;
  version: Nullable<number>;
  status: Nullable<string>;
  duration_ms: Nullable<number>;
  /** the log lines, JSON */
  content: string;
  /** the entry's size as JSON, which retention counts */
  size_bytes: number;
  /** JSON of the invocation's request and response (exchange.ts), for the console; NULL when not recorded */
  request: ColumnType<Nullable<string>, Nullable<string> | undefined, Nullable<string>>;
  response: ColumnType<Nullable<string>, Nullable<string> | undefined, Nullable<string>>;
  /** 1 when the invocation started a worker process, 0 when a warm one ran it; NULL when not known (migration 0002) */
  cold_start: ColumnType<Nullable<number>, Nullable<number> | undefined, Nullable<number>>;
}

/** What each function's log holds, kept by appends and trims: retention never counts rows. */
export interface LogUsageTable {
  function_id: string;
  entries: number;
  bytes: number;
}

/** Uploaded archives, by sha256 (PostgreSQL; the SQLite engine keeps them as files). */
export interface CodeArchivesTable {
  sha256: string;
  size: number;
  content: Buffer;
  /** epoch ms of the last upload of these bytes: garbage collection spares recent ones */
  saved_at: number;
}

/** A cron tick taken by one node: the first to insert (job, due time) fires it. */
export interface CronClaimsTable {
  job_id: string;
  due_at: number;
  claimed_by: string;
  claimed_at: number;
}

/** Facts about the database itself, e.g. that a 2.0.0-dev data dir was imported into it. */
export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  applications: ApplicationsTable;
  environments: EnvironmentsTable;
  functions: FunctionsTable;
  function_versions: FunctionVersionsTable;
  patterns: PatternsTable;
  aliases: AliasesTable;
  jobs: JobsTable;
  documents: DocumentsTable;
  invocations: InvocationsTable;
  log_usage: LogUsageTable;
  code_archives: CodeArchivesTable;
  cron_claims: CronClaimsTable;
  meta: MetaTable;
}

/** The record tables, dependents first: the order deletes go in. */
export const RECORD_TABLES = [
  'documents',
  'jobs',
  'patterns',
  'aliases',
  'function_versions',
  'functions',
  'environments',
  'applications',
] as const;

/**
 * Migrations, in order; the schema's version is how many have run. Each is written once
 * and never changed: a new schema is a new migration at the end.
 */
export function migrations(engine: Engine): Record<string, Migration> {
  return {
    '0001-initial': { up: (db) => initialSchema(db, engine) },
    '0002-invocation-details': { up: invocationDetails },
  };
}

export const SCHEMA_VERSION = Object.keys(migrations('sqlite')).length;

async function initialSchema(db: Kysely<unknown>, engine: Engine): Promise<void> {
  // the only type that differs besides blobs: a sequence the database fills in
  const seqType = engine === 'sqlite' ? 'integer' : 'bigint';
  const seq = engine === 'sqlite' ? sql`primary key autoincrement` : sql`generated by default as identity primary key`;
  const binary = engine === 'sqlite' ? 'blob' : 'bytea';
  const stamps = { created: 'created_at', updated: 'updated_at' } as const;

  await db.schema
    .createTable('applications')
    .addColumn('seq', seqType, (col) => col.modifyEnd(seq))
    .addColumn('id', 'text', (col) => col.notNull().unique())
    .addColumn('name', 'text', (col) => col.notNull().unique())
    .addColumn('description', 'text')
    .addColumn(stamps.created, 'text')
    .addColumn(stamps.updated, 'text')
    .execute();

  await db.schema
    .createTable('environments')
    .addColumn('seq', seqType, (col) => col.modifyEnd(seq))
    .addColumn('id', 'text', (col) => col.notNull().unique())
    .addColumn('application_id', 'text', (col) => col.notNull().references('applications.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('providers', 'text', (col) => col.notNull())
    .addColumn('locations', 'text', (col) => col.notNull())
    .addColumn('strategy', 'text', (col) => col.notNull())
    .addColumn(stamps.created, 'text', (col) => col.notNull())
    .addColumn(stamps.updated, 'text', (col) => col.notNull())
    .addUniqueConstraint('environments_name_in_application', ['application_id', 'name'])
    .execute();

  await db.schema
    .createTable('functions')
    .addColumn('seq', seqType, (col) => col.modifyEnd(seq))
    .addColumn('id', 'text', (col) => col.notNull().unique())
    .addColumn('environment_id', 'text', (col) => col.notNull().references('environments.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('runtime', 'text', (col) => col.notNull())
    .addColumn('access', 'text', (col) => col.notNull())
    .addColumn('memory_mb', 'integer', (col) => col.notNull())
    .addColumn('timeout_s', 'integer', (col) => col.notNull())
    .addColumn('environment_variables', 'text', (col) => col.notNull())
    .addColumn('active_versions', 'text', (col) => col.notNull())
    .addColumn('cors', 'text')
    .addColumn('iam_role_config', 'text')
    .addColumn('latest_version', 'integer', (col) => col.notNull())
    .addColumn(stamps.created, 'text', (col) => col.notNull())
    .addColumn(stamps.updated, 'text', (col) => col.notNull())
    // functions by environment, and a name once per environment
    .addUniqueConstraint('functions_name_in_environment', ['environment_id', 'name'])
    .execute();

  await db.schema
    .createTable('function_versions')
    .addColumn('function_id', 'text', (col) => col.notNull().references('functions.id').onDelete('cascade'))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('handler', 'text', (col) => col.notNull())
    .addColumn('sha256', 'text', (col) => col.notNull())
    .addColumn('size', 'bigint', (col) => col.notNull())
    .addColumn(stamps.created, 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('function_versions_pk', ['function_id', 'version'])
    .execute();
  // "code in use" and garbage collection ask by sha256
  await db.schema.createIndex('function_versions_by_sha256').on('function_versions').column('sha256').execute();

  await db.schema
    .createTable('patterns')
    .addColumn('seq', seqType, (col) => col.modifyEnd(seq))
    .addColumn('id', 'text', (col) => col.notNull().unique())
    .addColumn('environment_id', 'text', (col) => col.notNull().references('environments.id'))
    .addColumn('function_id', 'text', (col) => col.notNull().references('functions.id'))
    .addColumn('method', 'text', (col) => col.notNull())
    .addColumn('pattern', 'text', (col) => col.notNull())
    .addColumn(stamps.created, 'text')
    .addColumn(stamps.updated, 'text')
    // patterns by environment (routing), and one route once per environment
    .addUniqueConstraint('patterns_route_in_environment', ['environment_id', 'method', 'pattern'])
    .execute();
  await db.schema.createIndex('patterns_by_function').on('patterns').column('function_id').execute();

  await db.schema
    .createTable('aliases')
    .addColumn('seq', seqType, (col) => col.modifyEnd(seq))
    .addColumn('id', 'text', (col) => col.notNull().unique())
    .addColumn('host', 'text', (col) => col.notNull().unique())
    .addColumn('environment_id', 'text', (col) => col.notNull().references('environments.id'))
    .addColumn(stamps.created, 'text')
    .addColumn(stamps.updated, 'text')
    .execute();
  await db.schema.createIndex('aliases_by_environment').on('aliases').column('environment_id').execute();

  await db.schema
    .createTable('jobs')
    .addColumn('seq', seqType, (col) => col.modifyEnd(seq))
    .addColumn('id', 'text', (col) => col.notNull().unique())
    .addColumn('environment_id', 'text', (col) => col.notNull().references('environments.id'))
    .addColumn('resource_id', 'text', (col) => col.notNull().references('functions.id'))
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('is_enabled', 'integer', (col) => col.notNull())
    .addColumn('cron_expression', 'text', (col) => col.notNull())
    .addColumn('config', 'text')
    .addColumn(stamps.created, 'text')
    .addColumn(stamps.updated, 'text')
    .execute();
  await db.schema.createIndex('jobs_by_resource').on('jobs').column('resource_id').execute();
  await db.schema.createIndex('jobs_by_environment').on('jobs').column('environment_id').execute();

  await db.schema
    .createTable('documents')
    .addColumn('environment_id', 'text', (col) => col.notNull().references('environments.id'))
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('value', 'text')
    .addColumn(stamps.created, 'text')
    .addColumn(stamps.updated, 'text')
    .addPrimaryKeyConstraint('documents_pk', ['environment_id', 'key'])
    .execute();

  await db.schema
    .createTable('invocations')
    .addColumn('seq', seqType, (col) => col.modifyEnd(seq))
    .addColumn('function_id', 'text', (col) => col.notNull())
    .addColumn('invocation_id', 'text', (col) => col.notNull())
    .addColumn('started_at', 'bigint', (col) => col.notNull())
    .addColumn('version', 'integer')
    .addColumn('status', 'text')
    .addColumn('duration_ms', 'double precision')
    .addColumn('content', 'text', (col) => col.notNull())
    .addColumn('size_bytes', 'bigint', (col) => col.notNull())
    .addColumn('request', 'text')
    .addColumn('response', 'text')
    .execute();
  // a window of one function's log, in the order it is read; the size rides along for trims
  await db.schema
    .createIndex('invocations_by_function_time')
    .on('invocations')
    .columns(['function_id', 'started_at', 'invocation_id', 'size_bytes'])
    .execute();

  await db.schema
    .createTable('log_usage')
    .addColumn('function_id', 'text', (col) => col.primaryKey())
    .addColumn('entries', 'bigint', (col) => col.notNull())
    .addColumn('bytes', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('code_archives')
    .addColumn('sha256', 'text', (col) => col.primaryKey())
    .addColumn('size', 'bigint', (col) => col.notNull())
    .addColumn('content', binary, (col) => col.notNull())
    .addColumn('saved_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('cron_claims')
    .addColumn('job_id', 'text', (col) => col.notNull())
    .addColumn('due_at', 'bigint', (col) => col.notNull())
    .addColumn('claimed_by', 'text', (col) => col.notNull())
    .addColumn('claimed_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('cron_claims_pk', ['job_id', 'due_at'])
    .execute();
  await db.schema.createIndex('cron_claims_by_due').on('cron_claims').column('due_at').execute();

  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('value', 'text', (col) => col.notNull())
    .execute();
}

/** For the console: whether an invocation was a cold start, and one invocation found by its id. */
async function invocationDetails(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('invocations').addColumn('cold_start', 'integer').execute();
  await db.schema.createIndex('invocations_by_id').on('invocations').columns(['function_id', 'invocation_id']).execute();
}

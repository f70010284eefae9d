import type { Kysely } from 'kysely';
import type { PatternMethod } from '../../../spec/wire';
import type { Alias, Application, CronJob, Pattern, StoredEnvironment, StoredFunction, StoredVersion, UserDocument } from '../../records';
import {
  UniqueKeyError,
  type AliasFilter,
  type EnvironmentFilter,
  type JobFilter,
  type PatternFilter,
  type PlatformStore,
  type StoreTransaction,
} from '../platform-store';
import type { SqlDatabase } from './database';
import {
  aliasOf,
  aliasRow,
  applicationOf,
  applicationRow,
  documentOf,
  documentRow,
  environmentOf,
  environmentRow,
  functionOf,
  functionRow,
  jobOf,
  jobRow,
  patternOf,
  patternRow,
  sameVersion,
  versionOf,
  versionRow,
} from './rows';
import { RECORD_TABLES, type Database } from './schema';

type Query = <T>(query: (db: Kysely<Database>) => Promise<T>) => Promise<T>;

/** The unique constraints of the schema (unique indexes included), as SQLite and PostgreSQL report their violation. */
function uniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * The records, read and written through one handle: the database for reads outside a
 * transaction, or the connection of a transaction (which sees its own writes).
 */
class SqlRecords implements StoreTransaction {
  private finished = false;

  constructor(
    private readonly query: Query,
    private readonly inTransaction: boolean,
  ) {}

  /** Writes after this throw: the transaction that made them is over. */
  finish(): void {
    this.finished = true;
  }

  applications(): Promise<Application[]> {
    return this.query(async (db) => (await db.selectFrom('applications').selectAll().orderBy('seq').execute()).map(applicationOf));
  }
  application(id: string): Promise<Application | undefined> {
    return this.query(async (db) => {
      const row = await db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
      return row && applicationOf(row);
    });
  }
  applicationNamed(name: string): Promise<Application | undefined> {
    return this.query(async (db) => {
      const row = await db.selectFrom('applications').selectAll().where('name', '=', name).executeTakeFirst();
      return row && applicationOf(row);
    });
  }

  environments(filter: EnvironmentFilter = {}): Promise<StoredEnvironment[]> {
    return this.query(async (db) => {
      let select = db.selectFrom('environments').selectAll();
      if (filter.applicationId !== undefined) select = select.where('application_id', '=', filter.applicationId);
      return (await select.orderBy('seq').execute()).map(environmentOf);
    });
  }
  environment(id: string): Promise<StoredEnvironment | undefined> {
    return this.query(async (db) => {
      const row = await db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
      return row && environmentOf(row);
    });
  }
  environmentNamed(applicationId: string, name: string): Promise<StoredEnvironment | undefined> {
    return this.query(async (db) => {
      const row = await db
        .selectFrom('environments')
        .selectAll()
        .where('application_id', '=', applicationId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row && environmentOf(row);
    });
  }

  functions(environmentId: string): Promise<StoredFunction[]> {
    return this.query(async (db) => {
      const rows = await db.selectFrom('functions').selectAll().where('environment_id', '=', environmentId).orderBy('seq').execute();
      if (rows.length === 0) return [];
      const versions = await db
        .selectFrom('function_versions')
        .selectAll()
        .where('function_id', 'in', (eb) => eb.selectFrom('functions').select('id').where('environment_id', '=', environmentId))
        .orderBy('function_id')
        .orderBy('version')
        .execute();
      const byFunction = new Map<string, StoredVersion[]>();
      for (const row of versions) {
        const list = byFunction.get(row.function_id) ?? [];
        list.push(versionOf(row));
        byFunction.set(row.function_id, list);
      }
      return rows.map((row) => functionOf(row, byFunction.get(row.id) ?? []));
    });
  }
  function(id: string): Promise<StoredFunction | undefined> {
    return this.query(async (db) => {
      const row = await db.selectFrom('functions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && functionOf(row, await versionsOf(db, id));
    });
  }
  functionNamed(environmentId: string, name: string): Promise<StoredFunction | undefined> {
    return this.query(async (db) => {
      const row = await db
        .selectFrom('functions')
        .selectAll()
        .where('environment_id', '=', environmentId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row && functionOf(row, await versionsOf(db, row.id));
    });
  }
  codeInUse(): Promise<Set<string>> {
    return this.query(async (db) => {
      const rows = await db.selectFrom('function_versions').select('sha256').distinct().execute();
      return new Set(rows.map((row) => row.sha256));
    });
  }

  patterns(filter: PatternFilter = {}): Promise<Pattern[]> {
    return this.query(async (db) => {
      let select = db.selectFrom('patterns').selectAll();
      if (filter.environmentId !== undefined) select = select.where('environment_id', '=', filter.environmentId);
      if (filter.functionId !== undefined) select = select.where('function_id', '=', filter.functionId);
      return (await select.orderBy('seq').execute()).map(patternOf);
    });
  }
  pattern(id: string): Promise<Pattern | undefined> {
    return this.query(async (db) => {
      const row = await db.selectFrom('patterns').selectAll().where('id', '=', id).executeTakeFirst();
      return row && patternOf(row);
    });
  }
  patternRouting(environmentId: string, method: PatternMethod, path: string): Promise<Pattern | undefined> {
    return this.query(async (db) => {
      const row = await db
        .selectFrom('patterns')
        .selectAll()
        .where('environment_id', '=', environmentId)
        .where('method', '=', method)
        .where('pattern', '=', path)
        .executeTakeFirst();
      return row && patternOf(row);
    });
  }

  aliases(filter: AliasFilter = {}): Promise<Alias[]> {
    return this.query(async (db) => {
      let select = db.selectFrom('aliases').selectAll();
      if (filter.environmentId !== undefined) select = select.where('environment_id', '=', filter.environmentId);
      return (await select.orderBy('seq').execute()).map(aliasOf);
    });
  }
  alias(id: string): Promise<Alias | undefined> {
    return this.query(async (db) => {
      const row = await db.selectFrom('aliases').selectAll().where('id', '=', id).executeTakeFirst();
      return row && aliasOf(row);
    });
  }
  aliasForHost(host: string): Promise<Alias | undefined> {
    return this.query(async (db) => {
      const row = await db.selectFrom('aliases').selectAll().where('host', '=', host).executeTakeFirst();
      return row && aliasOf(row);
    });
  }

  jobs(filter: JobFilter = {}): Promise<CronJob[]> {
    return this.query(async (db) => {
      let select = db.selectFrom('jobs').selectAll();
      if (filter.environmentId !== undefined) select = select.where('environment_id', '=', filter.environmentId);
      if (filter.resourceId !== undefined) select = select.where('resource_id', '=', filter.resourceId);
      if (filter.action !== undefined) select = select.where('action', '=', filter.action);
      if (filter.isEnabled !== undefined) select = select.where('is_enabled', '=', filter.isEnabled ? 1 : 0);
      return (await select.orderBy('seq').execute()).map(jobOf);
    });
  }
  job(id: string): Promise<CronJob | undefined> {
    return this.query(async (db) => {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row && jobOf(row);
    });
  }

  documents(environmentId: string): Promise<UserDocument[]> {
    return this.query(async (db) =>
      (await db.selectFrom('documents').selectAll().where('environment_id', '=', environmentId).execute()).map(documentOf),
    );
  }
  document(environmentId: string, key: string): Promise<UserDocument | undefined> {
    return this.query(async (db) => {
      const row = await db
        .selectFrom('documents')
        .selectAll()
        .where('environment_id', '=', environmentId)
        .where('key', '=', key)
        .executeTakeFirst();
      return row && documentOf(row);
    });
  }

  putApplication(application: Application): Promise<void> {
    return this.write(async (db) => {
      await this.unique(this.applicationNamed(application.name), application.id, 'applications', `name "${application.name}"`);
      const row = applicationRow(application);
      await db
        .insertInto('applications')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    });
  }
  deleteApplication(id: string): Promise<void> {
    return this.write((db) => db.deleteFrom('applications').where('id', '=', id).execute());
  }

  putEnvironment(environment: StoredEnvironment): Promise<void> {
    return this.write(async (db) => {
      await this.unique(
        this.environmentNamed(environment.applicationId, environment.name),
        environment.id,
        'environments',
        `name "${environment.name}" in application ${environment.applicationId}`,
      );
      const row = environmentRow(environment);
      await db
        .insertInto('environments')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    });
  }
  deleteEnvironment(id: string): Promise<void> {
    return this.write((db) => db.deleteFrom('environments').where('id', '=', id).execute());
  }

  putFunction(fn: StoredFunction): Promise<void> {
    return this.write(async (db) => {
      await this.unique(
        this.functionNamed(fn.environmentId, fn.name),
        fn.id,
        'functions',
        `name "${fn.name}" in environment ${fn.environmentId}`,
      );
      const row = functionRow(fn);
      await db
        .insertInto('functions')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
      // versions change by one at a time (an update adds one): write only what differs
      const before = new Map((await versionsOf(db, fn.id)).map((version) => [version.version, version]));
      const wanted = new Set(fn.versions.map((version) => version.version));
      const gone = [...before.keys()].filter((version) => !wanted.has(version));
      if (gone.length > 0) await db.deleteFrom('function_versions').where('function_id', '=', fn.id).where('version', 'in', gone).execute();
      for (const version of fn.versions) {
        const old = before.get(version.version);
        if (old && sameVersion(old, version)) continue;
        const versionValues = versionRow(fn.id, version);
        await db
          .insertInto('function_versions')
          .values(versionValues)
          .onConflict((oc) => oc.columns(['function_id', 'version']).doUpdateSet(versionValues))
          .execute();
      }
    });
  }
  deleteFunction(id: string): Promise<void> {
    return this.write(async (db) => {
      await db.deleteFrom('function_versions').where('function_id', '=', id).execute();
      await db.deleteFrom('functions').where('id', '=', id).execute();
    });
  }

  putPattern(pattern: Pattern): Promise<void> {
    return this.write(async (db) => {
      await this.unique(
        this.patternRouting(pattern.environmentId, pattern.method, pattern.pattern),
        pattern.id,
        'patterns',
        `${pattern.method} ${pattern.pattern} in environment ${pattern.environmentId}`,
      );
      const row = patternRow(pattern);
      await db
        .insertInto('patterns')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    });
  }
  deletePattern(id: string): Promise<void> {
    return this.write((db) => db.deleteFrom('patterns').where('id', '=', id).execute());
  }

  putAlias(alias: Alias): Promise<void> {
    return this.write(async (db) => {
      await this.unique(this.aliasForHost(alias.host), alias.id, 'aliases', `host ${alias.host}`);
      const row = aliasRow(alias);
      await db
        .insertInto('aliases')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    });
  }
  deleteAlias(id: string): Promise<void> {
    return this.write((db) => db.deleteFrom('aliases').where('id', '=', id).execute());
  }

  putJob(job: CronJob): Promise<void> {
    return this.write(async (db) => {
      const row = jobRow(job);
      await db
        .insertInto('jobs')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    });
  }
  deleteJob(id: string): Promise<void> {
    return this.write((db) => db.deleteFrom('jobs').where('id', '=', id).execute());
  }

  putDocument(environmentId: string, document: UserDocument): Promise<void> {
    return this.write(async (db) => {
      const row = documentRow(environmentId, document);
      await db
        .insertInto('documents')
        .values(row)
        .onConflict((oc) => oc.columns(['environment_id', 'key']).doUpdateSet(row))
        .execute();
    });
  }
  deleteDocument(environmentId: string, key: string): Promise<void> {
    return this.write((db) => db.deleteFrom('documents').where('environment_id', '=', environmentId).where('key', '=', key).execute());
  }
  deleteDocuments(environmentId: string): Promise<void> {
    return this.write((db) => db.deleteFrom('documents').where('environment_id', '=', environmentId).execute());
  }

  /** The service checked first, to answer a 409 that says what is taken: this is the last guard. */
  private async unique(found: Promise<{ id: string } | undefined>, id: string, collection: string, key: string): Promise<void> {
    const taken = await found;
    if (taken && taken.id !== id) throw new UniqueKeyError(collection, key, taken.id);
  }

  private async write(change: (db: Kysely<Database>) => Promise<unknown>): Promise<void> {
    if (!this.inTransaction) throw new Error('the store is changed in a transaction only: use store.transaction(async (tx) => …)');
    if (this.finished) throw new Error('this transaction is over: a write after it ended would be lost');
    await this.query(change);
  }
}

async function versionsOf(db: Kysely<Database>, functionId: string): Promise<StoredVersion[]> {
  const rows = await db.selectFrom('function_versions').selectAll().where('function_id', '=', functionId).orderBy('version').execute();
  return rows.map(versionOf);
}

/**
 * The records in SQLite or PostgreSQL (see PlatformStore for the contract). Transactions
 * are the database's; the unique rules are its constraints, checked first by each put so
 * that the error names the record that holds the key.
 */
export class SqlPlatformStore extends SqlRecords implements PlatformStore {
  constructor(
    private readonly database: SqlDatabase,
    /** who claims cron ticks: this node */
    private readonly node: string,
    /** close() closes the database too (a store opened on its own, as the contract tests do) */
    private readonly ownsDatabase = false,
  ) {
    super((query) => database.read(query), false);
  }

  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.database
      .transaction(async (db) => {
        const tx = new SqlRecords((query) => query(db), true);
        try {
          return await work(tx);
        } finally {
          tx.finish();
        }
      })
      .catch((error: unknown) => {
        // two puts at once that each passed the check of the other: the constraint decides
        if (uniqueViolation(error)) throw new UniqueKeyError('records', (error as Error).message, 'another record');
        throw error;
      });
  }

  async claimCronTick(jobId: string, dueAt: number): Promise<boolean> {
    const result = await this.database.transaction((db) =>
      db
        .insertInto('cron_claims')
        .values({ job_id: jobId, due_at: dueAt, claimed_by: this.node, claimed_at: Date.now() })
        .onConflict((oc) => oc.columns(['job_id', 'due_at']).doNothing())
        .executeTakeFirst(),
    );
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async pruneCronClaims(dueBefore: number): Promise<void> {
    await this.database.transaction((db) => db.deleteFrom('cron_claims').where('due_at', '<', dueBefore).execute());
  }

  async reset(): Promise<void> {
    await this.database.transaction(async (db) => {
      for (const table of RECORD_TABLES) await db.deleteFrom(table).execute();
      await db.deleteFrom('cron_claims').execute();
    });
  }

  close(): Promise<void> {
    // otherwise the database is shared with the log and code stores, and their owner closes it
    return this.ownsDatabase ? this.database.close() : Promise.resolve();
  }
}

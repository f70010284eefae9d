/**
 * The connection to the database, SQLite or PostgreSQL: the one place that knows which.
 * Everything above asks for a read or a transaction and writes its queries once, in Kysely.
 */
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Migration, type SqliteDatabase as KyselySqlite } from 'kysely';
import pg from 'pg';
import { ApiFailure } from '../../envelope';
import { redactDatabaseUrl } from '../../database-url';
import { SCHEMA_VERSION, migrations, type Database, type Engine } from './schema';

export const SQLITE_FILE = 'spotinst-local.db';

/** A request that needs the database while it cannot be reached: 503, and the next request tries again. */
export class DatabaseUnavailableError extends ApiFailure {
  constructor(message: string) {
    super(503, 'DATABASE_UNAVAILABLE', message, undefined, { 'Retry-After': '1' });
    this.name = 'DatabaseUnavailableError';
  }
}

export interface TransactionOptions {
  readCommitted?: boolean;
}

export interface SqlDatabase {
  readonly engine: Engine;
  /** where the data is, fit to print: a file, or the URL without its password */
  readonly location: string;
  /** Reads outside any transaction: they see committed data only. */
  read<T>(query: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in a transaction and commits it durably. Transactions are serializable
   * unless `readCommitted` (PostgreSQL's default level, for writes that stay right without
   * it and would otherwise contend: log appends of one busy function). PostgreSQL runs
   * `work` again after a serialization failure or a deadlock, so `work` has no other effects.
   */
  transaction<T>(work: (db: Kysely<Database>) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** connection exceptions (class 08), and a server shutting down, crashed or starting */
const CONNECTION_SQLSTATES = /^(08...|57P01|57P02|57P03)$/;
const CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended/i;
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 20;

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function lostConnection(error: unknown): boolean {
  const code = errorCode(error);
  if (code !== undefined && (CONNECTION_ERRNOS.has(code) || CONNECTION_SQLSTATES.test(code))) return true;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && CONNECTION_MESSAGES.test(message);
}

/** What a database that cannot take a write right now (busy with another process, disk full) says in SQLite. */
function sqliteUnavailable(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && /^SQLITE_(BUSY|FULL|IOERR|CANTOPEN|READONLY)/.test(code);
}

abstract class BaseDatabase implements SqlDatabase {
  abstract readonly engine: Engine;
  abstract readonly location: string;
  abstract transaction<T>(work: (db: Kysely<Database>) => Promise<T>, options?: TransactionOptions): Promise<T>;
  abstract close(): Promise<void>;
  protected abstract readonly reader: Kysely<Database>;

  async read<T>(query: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    try {
      return await query(this.reader);
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** Connection trouble becomes the 503 of DatabaseUnavailableError; anything else is as it was. */
  protected abstract translate(error: unknown): unknown;

  /** Brings the schema to this version of spotinst-local, refusing a database written by a newer one. */
  protected async migrate(db: Kysely<Database>): Promise<void> {
    const known = migrations(this.engine);
    const applied = await appliedMigrations(db);
    const unknown = applied.filter((name) => !(name in known));
    if (unknown.length > 0) {
      throw new Error(
        `the database at ${this.location} has schema version ${applied.length}, newer than the ${SCHEMA_VERSION} this spotinst-local knows ` +
          `(migrations ${unknown.join(', ')}); run the spotinst-local that wrote it, or a newer one`,
      );
    }
    const migrator = new Migrator({
      db,
      provider: { getMigrations: (): Promise<Record<string, Migration>> => Promise.resolve(known) },
      migrationTableName: 'schema_migrations',
      migrationLockTableName: 'schema_migrations_lock',
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw this.translate(error);
  }
}

async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((table) => table.name === 'schema_migrations')) return [];
  const rows = await sql<{ name: string }>`select name from schema_migrations order by name`.execute(db);
  return rows.rows.map((row) => row.name);
}

/** Transactions committed together at most: the first of a group waits for the last one's work. */
const MAX_GROUP = 64;

interface QueuedTransaction {
  work: (db: Kysely<Database>) => Promise<unknown>;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * SQLite: one file, two connections. Transactions take the writer (one at a time, BEGIN
 * IMMEDIATE so another process on the same file waits rather than failing at its first
 * write); reads outside them take the reader, which in WAL mode sees the last commit
 * without waiting for a transaction in progress.
 *
 * Group commit: the transactions that queue up while one runs are run next, one after
 * another in one SQLite transaction, each in its own savepoint, and committed together.
 * Each still sees the changes of those before it and none of a later one; one that fails
 * is rolled back to its savepoint alone; and each is answered only once the commit is on
 * disk. What they share is the commit's fsync, which under concurrent writes costs more
 * than their statements (synchronous=FULL waits for the disk on every commit).
 */
class SqliteDatabase extends BaseDatabase {
  readonly engine = 'sqlite';
  readonly location: string;
  protected readonly reader: Kysely<Database>;
  private readonly writer: Kysely<Database>;
  private readonly queue: QueuedTransaction[] = [];
  private committing = false;

  constructor(file: string) {
    super();
    this.location = path.resolve(file);
    this.writer = new Kysely<Database>({ dialect: new SqliteDialect({ database: keepingStatements(openSqlite(file, 'write')) }) });
    this.reader = new Kysely<Database>({ dialect: new SqliteDialect({ database: keepingStatements(openSqlite(file, 'read')) }) });
  }

  async start(): Promise<this> {
    // the migrator writes too: in turn with the transactions of other stores on this file
    await inTurn(this.location, () => this.migrate(this.writer));
    return this;
  }

  transaction<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: (result) => resolve(result as T), reject });
      this.commitQueued();
    });
  }

  /** Commits what is queued, a group at a time, each group in turn with other stores on this file. */
  private commitQueued(): void {
    if (this.committing || this.queue.length === 0) return;
    this.committing = true;
    const next = (): void => {
      this.committing = false;
      this.commitQueued();
    };
    // better-sqlite3 blocks the event loop for each statement and the commit's fsync, and the
    // awaits between them are microtasks: a group started at once would hold only what is
    // queued now. Started after the event loop's poll phase, it takes every request that came in.
    setImmediate(() => {
      // commitGroup answers every transaction it took, whatever happens: it does not reject
      void inTurn(this.location, () => this.commitGroup()).then(next, next);
    });
  }

  private async commitGroup(): Promise<void> {
    const done: Array<{ queued: QueuedTransaction; result: unknown }> = [];
    let started = false;
    try {
      await this.writer.connection().execute(async (connection) => {
        await sql`begin immediate`.execute(connection);
        started = true;
        try {
          // those queued while the group runs join it: the more wait, the more share one commit
          let queued: QueuedTransaction | undefined;
          for (let taken = 0; taken < MAX_GROUP && (queued = this.queue.shift()) !== undefined; taken += 1) {
            await sql`savepoint queued`.execute(connection);
            try {
              done.push({ queued, result: await queued.work(connection) });
              await sql`release queued`.execute(connection);
            } catch (error) {
              if (done[done.length - 1]?.queued === queued) done.pop();
              queued.reject(this.translate(error));
              await this.undo(connection, error);
            }
          }
          // synchronous=FULL: the commit returns once the WAL is on disk
          await sql`commit`.execute(connection);
        } catch (error) {
          // a failed commit (disk full) leaves the transaction open; a failed statement may have ended it
          await sql`rollback`.execute(connection).catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      const translated = this.translate(error);
      for (const { queued } of done) queued.reject(translated);
      // the database could not be locked (another process held it past busy_timeout): the
      // first in line hears so, as it would have alone; the others try again
      if (!started) this.queue.shift()?.reject(translated);
      return;
    }
    for (const { queued, result } of done) queued.resolve(result);
  }

  /**
   * Rolls back to the savepoint of a transaction whose work failed, keeping the group's
   * other changes. An error such as SQLITE_FULL may have ended the whole SQLite transaction:
   * then the group fails with that error.
   */
  private async undo(connection: Kysely<Database>, cause: unknown): Promise<void> {
    try {
      await sql`rollback to queued`.execute(connection);
      await sql`release queued`.execute(connection);
    } catch {
      throw cause;
    }
  }

  async close(): Promise<void> {
    await this.writer.destroy();
    await this.reader.destroy();
  }

  protected translate(error: unknown): unknown {
    if (sqliteUnavailable(error))
      return new DatabaseUnavailableError(`the database at ${this.location} is unavailable: ${(error as Error).message}`);
    return error;
  }
}

/** The transaction in progress on each SQLite file of this process, by path: the next one waits for its turn. */
const writeTurns = new Map<string, Promise<void>>();

/**
 * One transaction at a time per file in this process, whichever store runs it. Two
 * connections of one process cannot wait for each other's lock: better-sqlite3's busy wait
 * would block the very event loop that has to finish the other transaction.
 */
function inTurn<T>(file: string, task: () => Promise<T>): Promise<T> {
  const run = (writeTurns.get(file) ?? Promise.resolve()).then(task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  writeTurns.set(file, settled);
  void settled.then(() => {
    if (writeTurns.get(file) === settled) writeTurns.delete(file);
  });
  return run;
}

/** Statements kept per connection; past this many (queries with lists of varying length), they are dropped and compiled again. */
const MAX_KEPT_STATEMENTS = 256;

/**
 * The connection as Kysely's SQLite driver uses it, keeping each statement it prepared:
 * the driver prepares every query anew, and compiling the same SQL again and again was 15 to
 * 20 % of the CPU of a document write or an invocation (profiled under load). Nothing here
 * streams a query (an iterating statement could not be shared).
 */
function keepingStatements(db: BetterSqlite3.Database): KyselySqlite {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(query: string): BetterSqlite3.Statement {
      let statement = statements.get(query);
      if (statement === undefined) {
        if (statements.size >= MAX_KEPT_STATEMENTS) statements.clear();
        statement = db.prepare(query);
        statements.set(query, statement);
      }
      return statement;
    },
    close: () => void db.close(),
  };
}

function openSqlite(file: string, role: 'read' | 'write'): BetterSqlite3.Database {
  const db = new BetterSqlite3(file);
  try {
    // a second process on the same file waits for the writer instead of failing at once
    db.pragma('busy_timeout = 5000');
    if (role === 'write') {
      db.pragma('journal_mode = WAL');
      // a commit returns once it is on disk: a reply never describes a change a crash can take back
      db.pragma('synchronous = FULL');
    }
    db.pragma('foreign_keys = ON');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * PostgreSQL: a pool of connections; transactions are SERIALIZABLE and run again after a
 * serialization failure or a deadlock. When the server goes away, requests get the 503 of
 * DatabaseUnavailableError and each new one tries to connect again.
 */
class PostgresDatabase extends BaseDatabase {
  readonly engine = 'postgres';
  readonly location: string;
  protected readonly reader: Kysely<Database>;
  private readonly pool: pg.Pool;

  constructor(url: string) {
    super();
    this.location = redactDatabaseUrl(url);
    this.pool = new pg.Pool({
      connectionString: url,
      max: 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      application_name: 'spotinst-local',
      // bigints (epoch milliseconds, sizes, counts) as numbers, for this pool only
      types: { getTypeParser: bigintsAsNumbers },
    });
    // An idle connection whose server went away is dropped by the pool, which reports it
    // here; without a listener that report would end the process. The next request connects again.
    this.pool.on('error', () => undefined);
    // A connection lent out when the server goes away reports it too: the query in flight fails on its own.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
    this.reader = new Kysely<Database>({ dialect: new PostgresDialect({ pool: this.pool }) });
  }

  async start(): Promise<this> {
    try {
      await this.migrate(this.reader);
    } catch (error) {
      await this.close();
      throw this.translate(error);
    }
    return this;
  }

  async transaction<T>(work: (db: Kysely<Database>) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const level = options.readCommitted ? 'read committed' : 'serializable';
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.reader.transaction().setIsolationLevel(level).execute(work);
      } catch (error) {
        const code = errorCode(error);
        if (code !== undefined && RETRYABLE_SQLSTATES.has(code) && attempt < MAX_ATTEMPTS) {
          // another transaction won: back off a little, at random, so the two do not meet again
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
          continue;
        }
        throw this.translate(error);
      }
    }
  }

  async close(): Promise<void> {
    // Kysely's destroy ends the pool
    await this.reader.destroy();
  }

  protected translate(error: unknown): unknown {
    if (error instanceof DatabaseUnavailableError || !lostConnection(error)) return error;
    const reason = error instanceof Error && error.message !== '' ? error.message : (errorCode(error) ?? 'no answer');
    return new DatabaseUnavailableError(
      `the database at ${this.location} is unreachable: ${reason}; spotinst-local retries on every request`,
    );
  }
}

function bigintsAsNumbers(oid: number, format?: string): (value: string) => unknown {
  if (oid === (pg.types.builtins.INT8 as number)) return (value: string) => Number(value);
  return (pg.types.getTypeParser as (oid: number, format?: string) => (value: string) => unknown)(oid, format);
}

/** The database of the options: PostgreSQL at `url` when given, else SQLite in the data directory. Migrates it. */
export async function openDatabase(options: { dataDir: string; database?: string }): Promise<SqlDatabase> {
  if (options.database !== undefined) return new PostgresDatabase(options.database).start();
  const file = path.join(options.dataDir, SQLITE_FILE);
  let database: SqliteDatabase;
  try {
    database = new SqliteDatabase(file);
  } catch (error) {
    throw new Error(
      `cannot open the SQLite database ${path.resolve(file)}: ${(error as Error).message} (check that --data-dir is a writable directory)`,
      { cause: error },
    );
  }
  try {
    return await database.start();
  } catch (error) {
    await database.close();
    throw error;
  }
}

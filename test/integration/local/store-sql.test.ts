/**
 * The SQL engines of spotinst-local: the store contract against SQLite (always) and
 * PostgreSQL (when installed), then what the contract does not say: the database file's
 * settings, indexes that serve a log window, batched retention, the schema's version.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import JSZip from 'jszip';
import { SqlCodeArchives } from '../../../src/local/store/sql/code-archives';
import { openDatabase, SQLITE_FILE, type SqlDatabase } from '../../../src/local/store/sql/database';
import { SqlLogStore, windowQuery } from '../../../src/local/store/sql/log-store';
import { SqlPlatformStore } from '../../../src/local/store/sql/platform-store';
import { migrations, type Database } from '../../../src/local/store/sql/schema';
import { zipFiles } from '../../fixtures/functions/build';
import { describeWith } from '../../helpers/requirements';
import { tempDir } from '../../helpers/platform';
import { usePostgres } from '../../helpers/postgres';
import { storeContract } from './store-contract';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function newDir(): string {
  const dir = tempDir('spotinst-sql-');
  dirs.push(dir);
  return dir;
}

storeContract('SQLite', {
  create: () => Promise.resolve(newDir()),
  openRecords: async (dir) => new SqlPlatformStore(await openDatabase({ dataDir: dir }), 'test-node', true),
  openLogs: async (dir, retention) => new SqlLogStore(await openDatabase({ dataDir: dir }), retention, true),
  dispose: (dir) => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })),
});

describeWith(['postgresql'], 'PostgreSQL', () => {
  const postgres = usePostgres();
  storeContract('PostgreSQL', {
    create: () => Promise.resolve(postgres.database('contract')),
    openRecords: async (url) => new SqlPlatformStore(await openDatabase({ dataDir: newDir(), database: url }), 'test-node', true),
    openLogs: async (url, retention) => new SqlLogStore(await openDatabase({ dataDir: newDir(), database: url }), retention, true),
    dispose: () => Promise.resolve(),
  });

  test('a window of one function’s log is a range of the (function, start time) index', async () => {
    const database = await openDatabase({ dataDir: newDir(), database: postgres.database('plan') });
    try {
      const plan = await database.transaction(async (db) => {
        // the planner would rightly scan a table this small: ask whether the index can serve the window at all
        await sql`set local enable_seqscan = off`.execute(db);
        const query = windowQuery(db, 'fx-1', 1000, 61000).compile();
        const explained = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]));
        return explained.rows.map((row) => row['QUERY PLAN']).join('\n');
      });
      expect(plan).toMatch(/Index (Only )?Scan using invocations_by_function_time/);
      expect(plan).toMatch(/Index Cond: .*function_id.*started_at >= .*started_at <= /s);
      expect(plan).not.toMatch(/Sort/);
    } finally {
      await database.close();
    }
  });

  test('code archives live in the database: another node unpacks them into its own cache; checked like any upload; collected once unused', async () => {
    const url = postgres.database('code');
    const databases = [await openDatabase({ dataDir: newDir(), database: url }), await openDatabase({ dataDir: newDir(), database: url })];
    try {
      const [first, second] = databases.map((database) => new SqlCodeArchives(database, newDir()));
      const saved = await first.save(
        (await zipFiles({ 'handler.js': 'exports.main = () => 1;' })).toString('base64'),
        'function.code.source',
      );
      const dir = await second.ensureUnpacked(saved.sha256);
      expect(fs.readFileSync(path.join(dir, 'handler.js'), 'utf8')).toBe('exports.main = () => 1;');
      // the checks of the file engine, shared: an entry that points outside is refused before anything is stored
      const escaping = new JSZip().file('../outside.js', 'x');
      const unsafe = (await escaping.generateAsync({ type: 'nodebuffer' })).toString('base64');
      await expect(first.save(unsafe, 'function.code.source')).rejects.toMatchObject({ status: 400, items: [{ code: 'INVALID_CODE' }] });
      // recent uploads are spared; unused older ones go, from the database and from this node's cache
      await second.collectGarbage(new Set());
      expect(fs.existsSync(dir)).toBe(true);
      await second.collectGarbage(new Set(), -1);
      expect(fs.existsSync(dir)).toBe(false);
      const third = new SqlCodeArchives(databases[0], newDir());
      await expect(third.ensureUnpacked(saved.sha256)).rejects.toThrow(/is not in the database/);
    } finally {
      for (const database of databases) await database.close();
    }
  });

  test('a database that cannot be reached is refused at start with its URL, without the password', async () => {
    const url = `postgres://someone:hunter2-secret@127.0.0.1:${postgres.cluster().port + 1}/nothing`;
    const failure = openDatabase({ dataDir: newDir(), database: url });
    await expect(failure).rejects.toMatchObject({ status: 503 });
    const message = await failure.catch((error: Error) => error.message);
    expect(message).toContain('the database at postgres://someone:***@127.0.0.1:');
    expect(message).toContain('is unreachable');
    expect(message).not.toContain('hunter2-secret');
  });
});

describe('SQLite', () => {
  test('one database file in the data dir, in WAL mode, with its schema version', async () => {
    const dir = newDir();
    const database = await openDatabase({ dataDir: dir });
    await database.close();
    const file = new BetterSqlite3(path.join(dir, SQLITE_FILE), { readonly: true });
    try {
      expect(file.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(file.prepare('select name from schema_migrations order by name').all()).toEqual([
        { name: '0001-initial' },
        { name: '0002-invocation-details' },
      ]);
    } finally {
      file.close();
    }
  });

  test('a window of one function’s log is a range of the (function, start time) index, read in its order', async () => {
    const database = await openDatabase({ dataDir: newDir() });
    try {
      const plan = await database.read(async (db) => {
        const query = windowQuery(db, 'fx-1', 1000, 61000).compile();
        const explained = await db.executeQuery<{ detail: string }>(
          CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
        );
        return explained.rows.map((row) => row.detail).join('\n');
      });
      expect(plan).toMatch(
        /SEARCH invocations USING (COVERING )?INDEX invocations_by_function_time \(function_id=\? AND started_at>\? AND started_at<\?\)/,
      );
      expect(plan).not.toMatch(/TEMP B-TREE/);
    } finally {
      await database.close();
    }
  });

  test('retention trims in batches, down to 90 % of the limit, and the kept usage matches the rows', async () => {
    const database = await openDatabase({ dataDir: newDir() });
    const logs = new SqlLogStore(database, { maxBytesPerFunction: 1024 * 1024, maxEntriesPerFunction: 100 });
    const append = (i: number): Promise<void> =>
      logs.append('fx-1', { invocationId: `inv-${String(i).padStart(4, '0')}`, content: [], startedAt: i });
    try {
      for (let i = 0; i < 100; i += 1) await append(i);
      expect(await logs.window('fx-1', 0, 1e6)).toHaveLength(100);
      await append(100);
      const trimmed = await logs.window('fx-1', 0, 1e6);
      expect(trimmed).toHaveLength(90);
      expect(trimmed[0].invocationId).toBe('inv-0011');
      // the next ten appends fit: no trim until the limit is passed again
      for (let i = 101; i < 111; i += 1) await append(i);
      expect(await logs.window('fx-1', 0, 1e6)).toHaveLength(100);
      const usage = await database.read((db) =>
        db.selectFrom('log_usage').selectAll().where('function_id', '=', 'fx-1').executeTakeFirstOrThrow(),
      );
      const rows = await database.read((db) =>
        db.selectFrom('invocations').select(['size_bytes']).where('function_id', '=', 'fx-1').execute(),
      );
      expect(usage).toEqual({ function_id: 'fx-1', entries: rows.length, bytes: rows.reduce((sum, row) => sum + row.size_bytes, 0) });
    } finally {
      await logs.close();
      await database.close();
    }
  });

  test('a database of schema version 1 is migrated: its logged invocations read as before, new ones keep cold starts and exchanges', async () => {
    const dir = newDir();
    const file = new BetterSqlite3(path.join(dir, SQLITE_FILE));
    const old = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
    const { error } = await new Migrator({
      db: old,
      provider: { getMigrations: () => Promise.resolve({ '0001-initial': migrations('sqlite')['0001-initial'] }) },
      migrationTableName: 'schema_migrations',
      migrationLockTableName: 'schema_migrations_lock',
    }).migrateToLatest();
    expect(error).toBeUndefined();
    await old
      .insertInto('invocations')
      .values({
        function_id: 'fx-1',
        invocation_id: 'before',
        started_at: 10,
        version: 0,
        status: 'success',
        duration_ms: 3,
        content: '[]',
        size_bytes: 50,
      })
      .execute();
    await old.destroy();

    const logs = new SqlLogStore(await openDatabase({ dataDir: dir }), undefined, true);
    try {
      await logs.append('fx-1', {
        invocationId: 'after',
        content: [],
        startedAt: 20,
        status: 'success',
        durationMs: 1,
        version: 0,
        coldStart: true,
      });
      expect(await logs.recent('fx-1', 10)).toEqual([
        { invocationId: 'after', startedAt: 20, version: 0, status: 'success', durationMs: 1, coldStart: true },
        { invocationId: 'before', startedAt: 10, version: 0, status: 'success', durationMs: 3 },
      ]);
      expect(await logs.invocation('fx-1', 'before')).toEqual({
        invocationId: 'before',
        content: [],
        startedAt: 10,
        version: 0,
        status: 'success',
        durationMs: 3,
      });
    } finally {
      await logs.close();
    }
  });

  test('a database written by a newer spotinst-local (a schema version it does not know) is refused, not changed', async () => {
    const dir = newDir();
    const first: SqlDatabase = await openDatabase({ dataDir: dir });
    await first.close();
    const file = new BetterSqlite3(path.join(dir, SQLITE_FILE));
    file.prepare(`insert into schema_migrations (name, timestamp) values ('9999-from-the-future', 'x')`).run();
    file.close();
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/has schema version 3, newer than the 2 this spotinst-local knows/);
  });
});

/**
 * SQLite's group commit: transactions that queue up while one runs are committed together,
 * and each must still behave as if it ran alone, one after another: it sees those before it,
 * a failing one is undone alone, and none is answered before its change is committed.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { openDatabase, SQLITE_FILE, type SqlDatabase } from '../../../src/local/store/sql/database';
import { tempDir } from '../../helpers/platform';

let dir: string;
let database: SqlDatabase;

beforeEach(async () => {
  dir = tempDir('spotinst-group-commit-');
  database = await openDatabase({ dataDir: dir });
  await database.transaction((db) => db.insertInto('meta').values({ key: 'counter', value: '0' }).execute());
});

afterEach(async () => {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A transaction that increments the counter (read, then write) and leaves a row of its own. */
function increment(name: string, fail?: (db: Parameters<Parameters<SqlDatabase['transaction']>[0]>[0]) => Promise<void>) {
  return database.transaction(async (db) => {
    const { value } = await db.selectFrom('meta').select('value').where('key', '=', 'counter').executeTakeFirstOrThrow();
    await db
      .updateTable('meta')
      .set({ value: String(Number(value) + 1) })
      .where('key', '=', 'counter')
      .execute();
    await db.insertInto('meta').values({ key: name, value: 'written' }).execute();
    if (fail) await fail(db);
    return name;
  });
}

/** What another connection to the file sees: only what was committed. */
function committed(): Map<string, string> {
  const other = new BetterSqlite3(path.join(dir, SQLITE_FILE), { readonly: true });
  try {
    const rows = other.prepare('select key, value from meta').all() as Array<{ key: string; value: string }>;
    return new Map(rows.map((row) => [row.key, row.value]));
  } finally {
    other.close();
  }
}

test('transactions sent together each see those before them, and one that fails is undone alone', async () => {
  const names = Array.from({ length: 40 }, (_, i) => `t${i}`);
  const outcomes = await Promise.allSettled(
    names.map((name) =>
      increment(
        name,
        name === 't7'
          ? () => {
              throw new Error('t7 changed its mind');
            }
          : undefined,
      ),
    ),
  );
  expect(outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome.reason as Error).message)).toEqual([
    't7 changed its mind',
  ]);
  const rows = committed();
  // no increment lost to another read at the same time, and none of t7's
  expect(rows.get('counter')).toBe('39');
  expect(names.filter((name) => rows.has(name))).toEqual(names.filter((name) => name !== 't7'));
});

test('a transaction is answered only once its change is committed', async () => {
  const seen: Array<string | undefined> = [];
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      increment(`t${i}`).then((name) => {
        seen.push(committed().get(name));
      }),
    ),
  );
  expect(seen).toEqual(Array.from({ length: 20 }, () => 'written'));
});

test('an error that ends the whole SQLite transaction (as a full disk does) fails those that shared it, and the rest go on', async () => {
  const names = Array.from({ length: 30 }, (_, i) => `t${i}`);
  const outcomes = await Promise.allSettled(
    names.map((name) =>
      increment(
        name,
        name === 't12'
          ? async (db) => {
              await sql`rollback`.execute(db);
              throw new Error('database or disk is full');
            }
          : undefined,
      ),
    ),
  );
  const rows = committed();
  const answered = names.filter((_, i) => outcomes[i].status === 'fulfilled');
  const refused = names.filter((_, i) => outcomes[i].status === 'rejected');
  // sent together, they were one group: t12 took the ones before it down, the ones after it went into the next
  expect(refused).toEqual(names.slice(0, 13));
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.status === 'rejected') expect((outcome.reason as Error).message).toBe('database or disk is full');
    else expect(outcome.value).toBe(names[i]);
  }
  // what was answered is there, what was refused is not, and the counter agrees
  expect(names.filter((name) => rows.has(name))).toEqual(answered);
  expect(rows.get('counter')).toBe(String(answered.length));
  // and the database takes the next write
  await expect(increment('after')).resolves.toBe('after');
});

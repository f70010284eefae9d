import type { Insertable, Kysely, Selectable } from 'kysely';
import type { InvocationLog, InvocationStatus, LogLine } from '../../../spec/wire';
import type { InvocationExchange, RecordedRequest, RecordedResponse } from '../../exchange';
import {
  DEFAULT_LOG_RETENTION,
  type InvocationLogStore,
  type InvocationRecord,
  type InvocationSummary,
  type LogRetention,
} from '../log-store';
import type { SqlDatabase } from './database';
import type { Database, InvocationsTable } from './schema';

/** Past its retention a function's log is trimmed to this share of it, so trims are batches, not one row per append. */
const TRIM_TO = 0.9;
/** Rows read at a time while looking for where a trim ends. */
const TRIM_PAGE = 1000;

const SUMMARY_COLUMNS = ['invocation_id', 'started_at', 'version', 'status', 'duration_ms', 'cold_start'] as const;

type SummaryRow = Pick<Selectable<InvocationsTable>, (typeof SUMMARY_COLUMNS)[number]>;
type WindowRow = SummaryRow & Pick<Selectable<InvocationsTable>, 'content'>;
type RecordRow = WindowRow & Pick<Selectable<InvocationsTable>, 'request' | 'response'>;

/** The entry's size as retention counts it: its JSON, and the request and response kept with it, in bytes. */
export function entrySize(entry: InvocationLog, exchange?: { request: string; response: string }): number {
  const kept = exchange ? Buffer.byteLength(exchange.request) + Buffer.byteLength(exchange.response) : 0;
  return Buffer.byteLength(JSON.stringify(entry)) + kept;
}

export function invocationRow(functionId: string, entry: InvocationLog, exchange?: InvocationExchange): Insertable<InvocationsTable> {
  const kept = exchange ? { request: JSON.stringify(exchange.request), response: JSON.stringify(exchange.response) } : undefined;
  return {
    function_id: functionId,
    invocation_id: entry.invocationId,
    started_at: entry.startedAt ?? 0,
    // the platform logs the version that ran, a number
    version: typeof entry.version === 'number' ? entry.version : null,
    status: entry.status ?? null,
    duration_ms: entry.durationMs ?? null,
    cold_start: entry.coldStart === undefined ? null : Number(entry.coldStart),
    request: kept?.request ?? null,
    response: kept?.response ?? null,
    content: JSON.stringify(entry.content),
    size_bytes: entrySize(entry, kept),
  };
}

function summaryOf(row: SummaryRow): InvocationSummary {
  return {
    invocationId: row.invocation_id,
    startedAt: row.started_at,
    ...(row.version === null ? {} : { version: row.version }),
    ...(row.status === null ? {} : { status: row.status as InvocationStatus }),
    ...(row.duration_ms === null ? {} : { durationMs: row.duration_ms }),
    ...(row.cold_start === null ? {} : { coldStart: row.cold_start === 1 }),
  };
}

function entryOf(row: WindowRow): InvocationLog {
  const { invocationId, startedAt, ...rest } = summaryOf(row);
  return { invocationId, content: JSON.parse(row.content) as LogLine[], ...rest, startedAt };
}

function recordOf(row: RecordRow): InvocationRecord {
  return {
    ...entryOf(row),
    ...(row.request === null ? {} : { request: JSON.parse(row.request) as RecordedRequest }),
    ...(row.response === null ? {} : { response: JSON.parse(row.response) as RecordedResponse }),
  };
}

/** A window of one function's log: a range of the (function, start time) index, read in its order. */
export function windowQuery(db: Kysely<Database>, functionId: string, from: number, to: number) {
  return db
    .selectFrom('invocations')
    .select([...SUMMARY_COLUMNS, 'content'])
    .where('function_id', '=', functionId)
    .where('started_at', '>=', from)
    .where('started_at', '<=', to)
    .orderBy('started_at')
    .orderBy('invocation_id');
}

/**
 * Invocation logs in SQLite or PostgreSQL: one row per invocation, indexed by (function,
 * start time), so a window reads only its rows. What each function holds is kept in
 * log_usage by the appends themselves, so retention never counts rows; past it, the oldest
 * rows go in one batch, in the append's transaction, down to 90 % of the limit.
 */
export class SqlLogStore implements InvocationLogStore {
  constructor(
    private readonly database: SqlDatabase,
    private readonly retention: LogRetention = DEFAULT_LOG_RETENTION,
    private readonly ownsDatabase = false,
  ) {}

  async append(functionId: string, entry: InvocationLog, exchange?: InvocationExchange): Promise<void> {
    const row = invocationRow(functionId, entry, exchange);
    // Read committed is enough: the usage row is changed by increments, and a trim counts
    // only the rows it deleted itself. Serializable would make every pair of appends of one
    // busy function a conflict to retry.
    await this.database.transaction(
      async (db) => {
        await db.insertInto('invocations').values(row).execute();
        const usage = await db
          .insertInto('log_usage')
          .values({ function_id: functionId, entries: 1, bytes: row.size_bytes })
          .onConflict((oc) =>
            oc.column('function_id').doUpdateSet((eb) => ({
              entries: eb('log_usage.entries', '+', 1),
              bytes: eb('log_usage.bytes', '+', row.size_bytes),
            })),
          )
          .returning(['entries', 'bytes'])
          .executeTakeFirstOrThrow();
        const maxEntries = this.retention.maxEntriesPerFunction ?? Number.POSITIVE_INFINITY;
        if (usage.bytes > this.retention.maxBytesPerFunction || usage.entries > maxEntries) await this.trim(db, functionId, usage);
      },
      { readCommitted: true },
    );
  }

  window(functionId: string, from: number, to: number): Promise<InvocationLog[]> {
    return this.database.read(async (db) => (await windowQuery(db, functionId, from, to).execute()).map(entryOf));
  }

  summaries(functionId: string, from: number, to: number): Promise<InvocationSummary[]> {
    return this.database.read(async (db) =>
      (
        await db
          .selectFrom('invocations')
          .select(SUMMARY_COLUMNS)
          .where('function_id', '=', functionId)
          .where('started_at', '>=', from)
          .where('started_at', '<=', to)
          .orderBy('started_at')
          .orderBy('invocation_id')
          .execute()
      ).map(summaryOf),
    );
  }

  recent(functionId: string, limit: number): Promise<InvocationSummary[]> {
    return this.database.read(async (db) =>
      (
        await db
          .selectFrom('invocations')
          .select(SUMMARY_COLUMNS)
          .where('function_id', '=', functionId)
          .orderBy('started_at', 'desc')
          .orderBy('invocation_id', 'desc')
          .limit(limit)
          .execute()
      ).map(summaryOf),
    );
  }

  invocation(functionId: string, invocationId: string): Promise<InvocationRecord | undefined> {
    return this.database.read(async (db) => {
      const row = await db
        .selectFrom('invocations')
        .select([...SUMMARY_COLUMNS, 'content', 'request', 'response'])
        .where('function_id', '=', functionId)
        .where('invocation_id', '=', invocationId)
        .executeTakeFirst();
      return row && recordOf(row);
    });
  }

  async remove(functionId: string): Promise<void> {
    await this.database.transaction(async (db) => {
      await db.deleteFrom('invocations').where('function_id', '=', functionId).execute();
      await db.deleteFrom('log_usage').where('function_id', '=', functionId).execute();
    });
  }

  async reset(): Promise<void> {
    await this.database.transaction(async (db) => {
      await db.deleteFrom('invocations').execute();
      await db.deleteFrom('log_usage').execute();
    });
  }

  close(): Promise<void> {
    return this.ownsDatabase ? this.database.close() : Promise.resolve();
  }

  /**
   * Deletes the oldest entries until the log is within 90 % of its limits, never the newest
   * one: finds where the batch ends by reading the oldest rows' sizes from the index, then
   * deletes up to there in one statement and takes what it deleted off the usage.
   */
  private async trim(db: Kysely<Database>, functionId: string, usage: { entries: number; bytes: number }): Promise<void> {
    let bytesOver = usage.bytes - Math.floor(this.retention.maxBytesPerFunction * TRIM_TO);
    const maxEntries = this.retention.maxEntriesPerFunction;
    let entriesOver = maxEntries === undefined ? 0 : usage.entries - Math.floor(maxEntries * TRIM_TO);
    const removable = usage.entries - 1;
    let counted = 0;
    let cut: { started_at: number; invocation_id: string } | undefined;
    while ((bytesOver > 0 || entriesOver > 0) && counted < removable) {
      const after = cut;
      const page = await db
        .selectFrom('invocations')
        .select(['started_at', 'invocation_id', 'size_bytes'])
        .where('function_id', '=', functionId)
        .$if(after !== undefined, (query) =>
          query.where((eb) =>
            eb(eb.refTuple('started_at', 'invocation_id'), '>', eb.tuple(after?.started_at ?? 0, after?.invocation_id ?? '')),
          ),
        )
        .orderBy('started_at')
        .orderBy('invocation_id')
        .limit(TRIM_PAGE)
        .execute();
      if (page.length === 0) break;
      for (const row of page) {
        cut = row;
        counted += 1;
        bytesOver -= row.size_bytes;
        entriesOver -= 1;
        if ((bytesOver <= 0 && entriesOver <= 0) || counted >= removable) break;
      }
    }
    if (!cut) return;
    const end = cut;
    const deleted = await db
      .deleteFrom('invocations')
      .where('function_id', '=', functionId)
      .where((eb) => eb(eb.refTuple('started_at', 'invocation_id'), '<=', eb.tuple(end.started_at, end.invocation_id)))
      .returning('size_bytes')
      .execute();
    if (deleted.length === 0) return;
    const bytes = deleted.reduce((sum, row) => sum + row.size_bytes, 0);
    await db
      .updateTable('log_usage')
      .set((eb) => ({ entries: eb('entries', '-', deleted.length), bytes: eb('bytes', '-', bytes) }))
      .where('function_id', '=', functionId)
      .execute();
  }
}

/**
 * The takeover of a 2.0.0-dev data directory by the SQLite engine: on the first start in a
 * directory that still has `state.json`, every record, version, document and logged
 * invocation goes into the database in ONE transaction, together with a note that it was
 * imported; only then are `state.json` and `logs/` moved into `imported-2.0.0-dev/`.
 * `code/` keeps its layout and stays where it is.
 *
 * A crash before the commit leaves the old files untouched and the database without the
 * note: the next start imports again. A crash after it leaves the note: the next start only
 * moves the files.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Insertable, Kysely } from 'kysely';
import { TEMP_MARKER } from '../../../util/atomic-file';
import {
  hasLegacyState,
  LEGACY_LOGS_DIR,
  LEGACY_STATE_FILE,
  readLegacyLogs,
  readLegacyState,
  type LegacyLogs,
  type LegacyState,
} from '../legacy-2.0.0-dev';
import type { SqlDatabase } from './database';
import { invocationRow } from './log-store';
import { aliasRow, applicationRow, documentRow, environmentRow, functionRow, jobRow, patternRow, versionRow } from './rows';
import type { Database } from './schema';

export const IMPORTED_DIR = 'imported-2.0.0-dev';
const IMPORT_NOTE = 'imported-2.0.0-dev';
/** Rows per INSERT: well under SQLite's limit of bound parameters. */
const BATCH = 200;

export interface ImportCounts {
  applications: number;
  environments: number;
  functions: number;
  versions: number;
  patterns: number;
  aliases: number;
  jobs: number;
  documents: number;
  invocations: number;
  tornLines: number;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function describeCounts(counts: ImportCounts): string {
  const parts = [
    plural(counts.applications, 'application'),
    plural(counts.environments, 'environment'),
    `${plural(counts.functions, 'function')} (${plural(counts.versions, 'version')})`,
    plural(counts.patterns, 'endpoint pattern'),
    plural(counts.aliases, 'alias', 'aliases'),
    plural(counts.jobs, 'cron job'),
    plural(counts.documents, 'document'),
    plural(counts.invocations, 'logged invocation'),
  ];
  return parts.join(', ') + (counts.tornLines > 0 ? ` (${plural(counts.tornLines, 'torn log line')} left by a crash skipped)` : '');
}

/** References the records make to each other, checked before anything is written: a dangling one would fail the import anyway. */
function danglingReferences(state: LegacyState): string[] {
  const has = (table: Record<string, unknown>, id: string): boolean => Object.hasOwn(table, id);
  const problems: string[] = [];
  const need = (what: string, table: Record<string, unknown>, id: string, kind: string): void => {
    if (!has(table, id)) problems.push(`${what} refers to ${kind} ${id}, which is not in the file`);
  };
  for (const env of Object.values(state.environments)) need(`environment ${env.id}`, state.applications, env.applicationId, 'application');
  for (const fn of Object.values(state.functions)) need(`function ${fn.id}`, state.environments, fn.environmentId, 'environment');
  for (const pattern of Object.values(state.patterns)) {
    need(`pattern ${pattern.id}`, state.environments, pattern.environmentId, 'environment');
    need(`pattern ${pattern.id}`, state.functions, pattern.functionId, 'function');
  }
  for (const alias of Object.values(state.aliases)) need(`alias ${alias.id}`, state.environments, alias.environmentId, 'environment');
  for (const job of Object.values(state.jobs)) {
    need(`cron job ${job.id}`, state.environments, job.environmentId, 'environment');
    need(`cron job ${job.id}`, state.functions, job.resourceId, 'function');
  }
  for (const environmentId of Object.keys(state.documents)) need('a document store', state.environments, environmentId, 'environment');
  return problems;
}

async function insertAll<T extends keyof Database>(db: Kysely<Database>, table: T, rows: Insertable<Database[T]>[]): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH) {
    await db
      .insertInto(table)
      .values(rows.slice(start, start + BATCH))
      .execute();
  }
}

async function importEverything(db: Kysely<Database>, state: LegacyState, logs: LegacyLogs): Promise<ImportCounts> {
  const functions = Object.values(state.functions);
  const versions = functions.flatMap((fn) => fn.versions.map((version) => versionRow(fn.id, version)));
  const documents = Object.entries(state.documents).flatMap(([environmentId, byKey]) =>
    Object.values(byKey).map((document) => documentRow(environmentId, document)),
  );
  const invocations = [...logs.entries].flatMap(([functionId, entries]) => entries.map((entry) => invocationRow(functionId, entry)));
  // parents first: the foreign keys hold at every step
  await insertAll(db, 'applications', Object.values(state.applications).map(applicationRow));
  await insertAll(db, 'environments', Object.values(state.environments).map(environmentRow));
  await insertAll(db, 'functions', functions.map(functionRow));
  await insertAll(db, 'function_versions', versions);
  await insertAll(db, 'patterns', Object.values(state.patterns).map(patternRow));
  await insertAll(db, 'aliases', Object.values(state.aliases).map(aliasRow));
  await insertAll(db, 'jobs', Object.values(state.jobs).map(jobRow));
  await insertAll(db, 'documents', documents);
  await insertAll(db, 'invocations', invocations);
  const usage = new Map<string, { entries: number; bytes: number }>();
  for (const row of invocations) {
    const kept = usage.get(row.function_id) ?? { entries: 0, bytes: 0 };
    usage.set(row.function_id, { entries: kept.entries + 1, bytes: kept.bytes + row.size_bytes });
  }
  await insertAll(
    db,
    'log_usage',
    [...usage].map(([functionId, { entries, bytes }]) => ({ function_id: functionId, entries, bytes })),
  );
  const counts: ImportCounts = {
    applications: Object.keys(state.applications).length,
    environments: Object.keys(state.environments).length,
    functions: functions.length,
    versions: versions.length,
    patterns: Object.keys(state.patterns).length,
    aliases: Object.keys(state.aliases).length,
    jobs: Object.keys(state.jobs).length,
    documents: documents.length,
    invocations: invocations.length,
    tornLines: logs.tornLines,
  };
  await db
    .insertInto('meta')
    .values({ key: IMPORT_NOTE, value: JSON.stringify({ importedAt: new Date().toISOString(), counts }) })
    .execute();
  return counts;
}

/** A directory name beside the data that is not taken yet (a second takeover of the same dir keeps the first's files). */
function keptDir(dataDir: string): string {
  for (let n = 1; ; n += 1) {
    const candidate = path.join(dataDir, n === 1 ? IMPORTED_DIR : `${IMPORTED_DIR}-${n}`);
    if (!fs.existsSync(path.join(candidate, LEGACY_STATE_FILE))) return candidate;
  }
}

/** Moves the imported files aside; `state.json` last, since its presence means "not taken over yet". */
function keepOldFiles(dataDir: string): string {
  const target = keptDir(dataDir);
  fs.mkdirSync(target, { recursive: true });
  const logs = path.join(dataDir, LEGACY_LOGS_DIR);
  if (fs.existsSync(logs)) fs.renameSync(logs, path.join(target, LEGACY_LOGS_DIR));
  // what a crash of 2.0.0-dev mid-write left: never part of the state
  for (const name of fs.readdirSync(dataDir)) {
    if (name.startsWith(`${LEGACY_STATE_FILE}${TEMP_MARKER}`)) fs.rmSync(path.join(dataDir, name), { force: true });
  }
  fs.renameSync(path.join(dataDir, LEGACY_STATE_FILE), path.join(target, LEGACY_STATE_FILE));
  return target;
}

/**
 * Takes over the 2.0.0-dev files of `dataDir` if it has any (see above), saying what it did
 * through `log`. Refuses, changing nothing, a state.json that cannot be imported whole.
 */
export async function takeOverLegacyFiles(
  database: SqlDatabase,
  dataDir: string,
  log: (line: string) => void,
): Promise<ImportCounts | undefined> {
  if (!hasLegacyState(dataDir)) return undefined;
  const note = await database.read((db) => db.selectFrom('meta').select('value').where('key', '=', IMPORT_NOTE).executeTakeFirst());
  if (note) {
    const kept = keepOldFiles(dataDir);
    log(`spotinst-local: the 2.0.0-dev files of ${dataDir} were imported by an earlier start; they are now kept in ${kept}`);
    return undefined;
  }
  const state = readLegacyState(dataDir);
  const problems = danglingReferences(state);
  if (problems.length > 0) {
    throw new Error(
      `cannot import ${path.join(dataDir, LEGACY_STATE_FILE)} (2.0.0-dev): ${problems.join('; ')}. ` +
        'Nothing was changed; fix or remove those records in the file and start again.',
    );
  }
  const logs = readLegacyLogs(dataDir);
  const counts = await database.transaction((db) => importEverything(db, state, logs));
  const kept = keepOldFiles(dataDir);
  log(`spotinst-local: imported the 2.0.0-dev data of ${dataDir} into ${database.location}: ${describeCounts(counts)}`);
  log(`  the old files are kept in ${kept} (state.json, logs/); code/ is still in use where it is`);
  return counts;
}

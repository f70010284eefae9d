/**
 * The reader of 2.0.0-dev data directories, whose file engine kept every record in
 * `state.json` and each function's invocation log in `logs/<fx-id>.jsonl`. Only the takeover
 * by the SQL engine reads them; nothing writes them any more.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Alias, Application, CronJob, InvocationLog, Pattern, StoredEnvironment, StoredFunction, UserDocument } from '../records';

export const LEGACY_STATE_FILE = 'state.json';
export const LEGACY_LOGS_DIR = 'logs';

/** `state.json`: every record in one document, keyed by id, in the order they were first put. */
export interface LegacyState {
  schema: 1;
  applications: Record<string, Application>;
  environments: Record<string, StoredEnvironment>;
  functions: Record<string, StoredFunction>;
  patterns: Record<string, Pattern>;
  aliases: Record<string, Alias>;
  jobs: Record<string, CronJob>;
  /** environment id → key → document */
  documents: Record<string, Record<string, UserDocument>>;
}

export interface LegacyLogs {
  /** function id → its entries, in the order they were appended */
  entries: Map<string, InvocationLog[]>;
  /** lines a crash mid-append left torn (not JSON): 2.0.0-dev skipped them too */
  tornLines: number;
}

export function hasLegacyState(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, LEGACY_STATE_FILE));
}

/** Reads `state.json`, refusing (with what to do) one that is not a 2.0.0-dev state document. */
export function readLegacyState(dataDir: string): LegacyState {
  const file = path.join(dataDir, LEGACY_STATE_FILE);
  const text = fs.readFileSync(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // 2.0.0-dev wrote it atomically: only an outside hand can produce this. Refuse to guess.
    throw new Error(
      `${file} is not valid JSON, so it cannot be imported; fix or remove it (the data directory was edited outside spotinst-local)`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { schema?: unknown }).schema !== 1) {
    throw new Error(
      `${file} is not a spotinst-local 2.0.0-dev state document (schema 1), so it cannot be imported; move it out of the data directory`,
    );
  }
  const empty: LegacyState = {
    schema: 1,
    applications: {},
    environments: {},
    functions: {},
    patterns: {},
    aliases: {},
    jobs: {},
    documents: {},
  };
  return { ...empty, ...(parsed as Partial<LegacyState>) };
}

/** Reads every `logs/<fx-id>.jsonl`; a torn line (a crash mid-append) is skipped and counted. */
export function readLegacyLogs(dataDir: string): LegacyLogs {
  const dir = path.join(dataDir, LEGACY_LOGS_DIR);
  const entries = new Map<string, InvocationLog[]>();
  let tornLines = 0;
  if (!fs.existsSync(dir)) return { entries, tornLines };
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith('.jsonl')) continue;
    const functionId = name.slice(0, -'.jsonl'.length);
    const list: InvocationLog[] = [];
    for (const line of fs.readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      if (line === '') continue;
      try {
        list.push(JSON.parse(line) as InvocationLog);
      } catch {
        tornLines += 1;
      }
    }
    if (list.length > 0) entries.set(functionId, list);
  }
  return { entries, tornLines };
}

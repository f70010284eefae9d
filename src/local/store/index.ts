/**
 * Where spotinst-local keeps things: records (PlatformStore), invocation logs
 * (InvocationLogStore) and code archives (CodeArchives). Only the services and the
 * platform's wiring import this folder.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { DEFAULT_CODE_LIMITS, type CodeArchives, type CodeLimits } from './code-archive';
import { CodeStore } from './code-store';
import { DEFAULT_LOG_RETENTION, type InvocationLogStore, type LogRetention } from './log-store';
import type { PlatformStore } from './platform-store';
import { SqlCodeArchives } from './sql/code-archives';
import { openDatabase, type SqlDatabase } from './sql/database';
import { SqlLogStore } from './sql/log-store';
import { SqlPlatformStore } from './sql/platform-store';
import { takeOverLegacyFiles } from './sql/takeover';

export * from './platform-store';
export * from './log-store';
export { DEFAULT_CODE_LIMITS, type CodeArchives, type CodeLimits, type SavedCode } from './code-archive';

export interface Storage {
  records: PlatformStore;
  logs: InvocationLogStore;
  code: CodeArchives;
  /** true when other processes may share the data (PostgreSQL): they change jobs this one must learn of */
  shared: boolean;
  /** where the data is, fit to print (a file, or a URL without its password) */
  location: string;
  /** Closes the database; call once the stores are no longer used. */
  close(): Promise<void>;
}

export interface StorageOptions {
  dataDir: string;
  /** where this node caches what it derives (unpacked code of the PostgreSQL engine) */
  cacheDir: string;
  /** a PostgreSQL URL; without it, SQLite in the data directory */
  database?: string;
  codeLimits?: CodeLimits;
  logRetention?: LogRetention;
  /** where the start says what it did (e.g. what it imported) */
  log?: (line: string) => void;
}

/** This process, as it signs the cron ticks it claims. */
function nodeName(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * Opens the storage: SQLite in `<dataDir>/spotinst-local.db` with code in `<dataDir>/code/`
 * (taking over a 2.0.0-dev data directory on its first start), or PostgreSQL for
 * everything, code included, when `database` is given. The schema is migrated first.
 */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  fs.mkdirSync(options.dataDir, { recursive: true });
  const database: SqlDatabase = await openDatabase(options);
  try {
    const shared = database.engine === 'postgres';
    if (!shared) await takeOverLegacyFiles(database, options.dataDir, options.log ?? (() => undefined));
    const limits = options.codeLimits ?? DEFAULT_CODE_LIMITS;
    return {
      records: new SqlPlatformStore(database, nodeName()),
      logs: new SqlLogStore(database, options.logRetention ?? DEFAULT_LOG_RETENTION),
      code: shared ? new SqlCodeArchives(database, options.cacheDir, limits) : new CodeStore(options.dataDir, limits),
      shared,
      location: database.location,
      close: () => database.close(),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

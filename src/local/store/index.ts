/**
 * Where spotinst-local keeps things: records (PlatformStore), invocation logs
 * (InvocationLogStore) and code archives (CodeStore). Only the services and the platform's
 * wiring import this folder.
 */
import { CodeStore, DEFAULT_CODE_LIMITS, type CodeLimits } from './code-store';
import { JsonStateStore } from './json-state-store';
import { JsonlLogStore } from './jsonl-log-store';
import { DEFAULT_LOG_RETENTION, type InvocationLogStore, type LogRetention } from './log-store';
import type { PlatformStore } from './platform-store';

export * from './platform-store';
export * from './log-store';
export { CodeStore, DEFAULT_CODE_LIMITS, type CodeLimits, type SavedCode } from './code-store';

export interface Storage {
  records: PlatformStore;
  logs: InvocationLogStore;
  code: CodeStore;
}

export interface StorageOptions {
  codeLimits?: CodeLimits;
  logRetention?: LogRetention;
}

/**
 * The file engines, in the layout of 2.0.0-dev data directories: `state.json`,
 * `logs/<fx-id>.jsonl` and `code/<sha256>{.zip,/}`.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- other engines connect first; these files open synchronously
export async function openFileStorage(dataDir: string, options: StorageOptions = {}): Promise<Storage> {
  return {
    records: JsonStateStore.open(dataDir),
    logs: new JsonlLogStore(dataDir, options.logRetention ?? DEFAULT_LOG_RETENTION),
    code: new CodeStore(dataDir, options.codeLimits ?? DEFAULT_CODE_LIMITS),
  };
}

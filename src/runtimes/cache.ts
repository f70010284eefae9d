import os from 'node:os';
import path from 'node:path';

/** Where runtimes keep what they build on first use, when the caller does not say. */
export function defaultCacheDir(): string {
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : 'user';
  return path.join(os.tmpdir(), `spotinst-runtimes-${user}`);
}

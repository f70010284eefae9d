import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where runtimes keep what they build on first use, when the caller does not say. */
export function defaultCacheDir(): string {
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : 'user';
  return path.join(os.tmpdir(), `spotinst-runtimes-${user}`);
}

/** Writes a cache file so concurrent builders never see it half-written (temp + rename). */
export function writeCacheFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${Math.random().toString(16).slice(2)}`;
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
}

/**
 * Files written whole or not at all: a reader, or a restart after a crash, sees the old
 * content or the new, never a mix. Used by spotinst-local's state, code and logs, the
 * runtimes' caches, the credentials file and the deploy caches in .serverless/.
 */
import fs from 'node:fs';
import path from 'node:path';

/** What every temp name made by tempSibling contains: leftovers of a crash can be found by it. */
export const TEMP_MARKER = '.tmp-';

/**
 * A unique temp name beside `target` (`<target>.tmp-<pid>-<time>-<random>`): in the same
 * directory, so renaming it onto the target is atomic.
 */
export function tempSibling(target: string): string {
  return `${target}${TEMP_MARKER}${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

/**
 * Writes a file so that a reader (or a restart after a crash) sees either the old or the
 * new content, never a mix: write a temp file, fsync it, rename over the target, fsync the
 * directory so the rename itself is durable. The directory must exist.
 */
export function writeFileAtomic(file: string, content: string | Buffer): void {
  const temp = tempSibling(file);
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fsyncDirectory(path.dirname(file));
}

export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

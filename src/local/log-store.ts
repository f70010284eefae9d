import fs from 'node:fs';
import path from 'node:path';
import type { InvocationLog } from '../spec/wire';
import { writeFileAtomic } from '../util/atomic-file';

export const DEFAULT_MAX_LOG_BYTES_PER_FUNCTION = 8 * 1024 * 1024;

/**
 * Invocation logs: one append-only JSON-lines file per function. A crash mid-append can
 * leave a torn last line, which reading skips. When a file passes its cap the oldest
 * invocations are dropped (rewritten atomically down to half the cap, so the rewrite is
 * rare rather than on every append).
 */
export class LogStore {
  private readonly root: string;
  private readonly sizes = new Map<string, number>();

  constructor(
    dataDir: string,
    private readonly maxBytesPerFunction = DEFAULT_MAX_LOG_BYTES_PER_FUNCTION,
  ) {
    this.root = path.join(dataDir, 'logs');
    fs.mkdirSync(this.root, { recursive: true });
  }

  append(functionId: string, entry: InvocationLog): void {
    const file = this.fileOf(functionId);
    const line = `${JSON.stringify(entry)}\n`;
    const before = this.sizes.get(functionId) ?? sizeOf(file);
    fs.appendFileSync(file, line);
    const size = before + Buffer.byteLength(line);
    this.sizes.set(functionId, size);
    if (size > this.maxBytesPerFunction) this.trim(functionId);
  }

  /** Invocations that started in [from, to], by start time then id (a stable order for tailing). */
  list(functionId: string, from: number, to: number): InvocationLog[] {
    return this.readAll(functionId)
      .filter((entry) => (entry.startedAt ?? 0) >= from && (entry.startedAt ?? 0) <= to)
      .sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0) || a.invocationId.localeCompare(b.invocationId));
  }

  remove(functionId: string): void {
    fs.rmSync(this.fileOf(functionId), { force: true });
    this.sizes.delete(functionId);
  }

  reset(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
    fs.mkdirSync(this.root, { recursive: true });
    this.sizes.clear();
  }

  private readAll(functionId: string): InvocationLog[] {
    let text: string;
    try {
      text = fs.readFileSync(this.fileOf(functionId), 'utf8');
    } catch {
      return [];
    }
    const entries: InvocationLog[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        entries.push(JSON.parse(line) as InvocationLog);
      } catch {
        // a torn line from a crash mid-append
      }
    }
    return entries;
  }

  private trim(functionId: string): void {
    const entries = this.readAll(functionId);
    const kept: string[] = [];
    let bytes = 0;
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const line = `${JSON.stringify(entries[i])}\n`;
      const size = Buffer.byteLength(line);
      if (bytes + size > this.maxBytesPerFunction / 2) break;
      kept.unshift(line);
      bytes += size;
    }
    writeFileAtomic(this.fileOf(functionId), kept.join(''));
    this.sizes.set(functionId, bytes);
  }

  private fileOf(functionId: string): string {
    // ids are validated by the caller; basename is a second guard against path tricks
    return path.join(this.root, `${path.basename(functionId)}.jsonl`);
  }
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

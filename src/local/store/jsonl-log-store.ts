/* eslint-disable @typescript-eslint/require-await -- a synchronous engine behind the asynchronous store interface: async keeps a throw a rejection */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../util/atomic-file';
import type { InvocationLog } from '../records';
import { DEFAULT_LOG_RETENTION, type InvocationLogStore, type LogRetention } from './log-store';

/** What one function's file holds now, learnt on first use and kept up to date by appends. */
interface FileSize {
  bytes: number;
  entries: number;
}

/**
 * The file engine of invocation logs: `logs/<fx-id>.jsonl`, one append-only JSON-lines file
 * per function. An append is written before it resolves (not fsynced: it survives the
 * process, as the contract asks, not a power loss). A crash mid-append can leave a torn last
 * line, which reading skips. A window reads the function's whole file. Past its retention,
 * the file is rewritten atomically down to half of it, so the rewrite is rare rather than on
 * every append.
 */
export class JsonlLogStore implements InvocationLogStore {
  private readonly root: string;
  private readonly sizes = new Map<string, FileSize>();

  constructor(
    dataDir: string,
    private readonly retention: LogRetention = DEFAULT_LOG_RETENTION,
  ) {
    this.root = path.join(dataDir, 'logs');
    fs.mkdirSync(this.root, { recursive: true });
  }

  async append(functionId: string, entry: InvocationLog): Promise<void> {
    const line = `${JSON.stringify(entry)}\n`;
    const size = this.sizeOf(functionId);
    fs.appendFileSync(this.fileOf(functionId), line);
    size.bytes += Buffer.byteLength(line);
    size.entries += 1;
    const maxEntries = this.retention.maxEntriesPerFunction ?? Number.POSITIVE_INFINITY;
    if (size.bytes > this.retention.maxBytesPerFunction || size.entries > maxEntries) this.trim(functionId);
  }

  async window(functionId: string, from: number, to: number): Promise<InvocationLog[]> {
    return this.readAll(functionId)
      .filter((entry) => (entry.startedAt ?? 0) >= from && (entry.startedAt ?? 0) <= to)
      .sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0) || a.invocationId.localeCompare(b.invocationId));
  }

  async remove(functionId: string): Promise<void> {
    fs.rmSync(this.fileOf(functionId), { force: true });
    this.sizes.delete(functionId);
  }

  async reset(): Promise<void> {
    fs.rmSync(this.root, { recursive: true, force: true });
    fs.mkdirSync(this.root, { recursive: true });
    this.sizes.clear();
  }

  async close(): Promise<void> {
    // every append was written when it resolved: nothing is held
  }

  /**
   * What the function's file holds. On first use a torn last line (a crash mid-append) is
   * ended, so the next entry starts on a line of its own instead of being lost with it.
   */
  private sizeOf(functionId: string): FileSize {
    const known = this.sizes.get(functionId);
    if (known) return known;
    const file = this.fileOf(functionId);
    let bytes = 0;
    try {
      bytes = fs.statSync(file).size;
    } catch {
      // no file yet
    }
    if (bytes > 0 && !endsWithNewline(file, bytes)) {
      fs.appendFileSync(file, '\n');
      bytes += 1;
    }
    // counting entries means reading the file: only when a count is kept to
    const entries = this.retention.maxEntriesPerFunction === undefined ? 0 : this.readAll(functionId).length;
    const size = { bytes, entries };
    this.sizes.set(functionId, size);
    return size;
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

  /** Keeps the newest entries that fit in half the retention. */
  private trim(functionId: string): void {
    const entries = this.readAll(functionId);
    const maxBytes = this.retention.maxBytesPerFunction / 2;
    const maxEntries = Math.ceil((this.retention.maxEntriesPerFunction ?? Number.POSITIVE_INFINITY) / 2);
    const kept: string[] = [];
    let bytes = 0;
    for (let i = entries.length - 1; i >= 0 && kept.length < maxEntries; i -= 1) {
      const line = `${JSON.stringify(entries[i])}\n`;
      const size = Buffer.byteLength(line);
      if (bytes + size > maxBytes) break;
      kept.unshift(line);
      bytes += size;
    }
    writeFileAtomic(this.fileOf(functionId), kept.join(''));
    this.sizes.set(functionId, { bytes, entries: kept.length });
  }

  private fileOf(functionId: string): string {
    // ids are validated by the caller; basename is a second guard against path tricks
    return path.join(this.root, `${path.basename(functionId)}.jsonl`);
  }
}

function endsWithNewline(file: string, size: number): boolean {
  const last = Buffer.alloc(1);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, last, 0, 1, size - 1);
  } finally {
    fs.closeSync(fd);
  }
  return last[0] === 0x0a;
}

import type { LogLine } from './types';

export const DEFAULT_MAX_LOG_BYTES = 1024 * 1024;

/**
 * Turns what one invocation prints (chunks from stdout and stderr, not aligned to lines)
 * into log lines stamped with the time they arrived, keeping at most `maxBytes` and
 * saying how much was dropped, so a function that floods output costs bounded memory.
 */
export class LogCollector {
  readonly lines: LogLine[] = [];
  private readonly partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  private kept = 0;
  private dropped = 0;

  constructor(private readonly maxBytes = DEFAULT_MAX_LOG_BYTES) {}

  add(stream: 'stdout' | 'stderr', text: string): void {
    if (text === '') return;
    if (this.kept >= this.maxBytes) {
      this.dropped += Buffer.byteLength(text);
      return;
    }
    const room = this.maxBytes - this.kept;
    let accepted = text;
    if (Buffer.byteLength(text) > room) {
      accepted = Buffer.from(text).subarray(0, room).toString();
      this.dropped += Buffer.byteLength(text) - Buffer.byteLength(accepted);
    }
    this.kept += Buffer.byteLength(accepted);
    const pieces = (this.partial[stream] + accepted).split('\n');
    this.partial[stream] = pieces.pop() ?? '';
    const now = Date.now();
    for (const piece of pieces) this.lines.push({ time: now, log: piece.replace(/\r$/, '') });
  }

  /** Bytes the worker itself dropped past its own copy of the cap. */
  addDropped(bytes: number): void {
    if (Number.isFinite(bytes) && bytes > 0) this.dropped += bytes;
  }

  /** A line from the platform itself (errors, timeouts), not from the function. */
  note(text: string): void {
    this.lines.push({ time: Date.now(), log: text });
  }

  /** Flushes unterminated lines and the truncation note; the collector is done after this. */
  finish(): LogLine[] {
    const now = Date.now();
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream] !== '') this.lines.push({ time: now, log: this.partial[stream] });
      this.partial[stream] = '';
    }
    if (this.dropped > 0) {
      this.lines.push({
        time: now,
        log: `[log truncated: ${this.dropped} more bytes were printed than the ${this.maxBytes}-byte limit per invocation]`,
      });
      this.dropped = 0;
    }
    return this.lines;
  }
}

/**
 * Reading logs once or following them (`--tail`), printing every line exactly once.
 *
 * The log API returns the invocations that *started* in [from, to], but an invocation's log
 * may only appear when it *ends* (spotinst-local files it under its start time once it is
 * over). A window that moved on from the last poll would lose every invocation still running
 * at that poll. So each poll looks back over the longest time an invocation can run (the
 * function's timeout, plus slack for clock differences), and a cursor remembers how many
 * lines of each invocation were printed, so a re-read prints only what is new.
 */
import { SpotinstApiError } from '../api';
import type { InvocationLog, LogLine } from '../spec/wire';

/** Invocations up to this far in the future of our clock are asked for too (server clock ahead). */
export const FUTURE_SLACK_MS = 60 * 1000;
/** Clock difference (server behind us) tolerated when forgetting invocations. */
export const CLOCK_SLACK_MS = 30 * 1000;

export interface NewLines {
  entry: InvocationLog;
  /** lines not printed before that pass the filter, in order */
  lines: LogLine[];
  /** true the first time lines of this invocation are printed: time for its header */
  first: boolean;
}

interface Seen {
  /** lines of this invocation read so far (printed or filtered out) */
  read: number;
  shown: boolean;
  /** when it started (server's clock) or, without that, when we first saw it (ours) */
  since: number;
}

/** Remembers what was printed, per invocation id and line index. */
export class LogCursor {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly filter: string | undefined,
    private readonly now: () => number,
  ) {}

  /** The lines of these invocations not taken before, by start time then id (the server's order). */
  take(entries: InvocationLog[]): NewLines[] {
    const ordered = [...entries].sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0) || a.invocationId.localeCompare(b.invocationId));
    const batches: NewLines[] = [];
    for (const entry of ordered) {
      let seen = this.seen.get(entry.invocationId);
      if (!seen) {
        seen = { read: 0, shown: false, since: entry.startedAt ?? this.now() };
        this.seen.set(entry.invocationId, seen);
      }
      const content = Array.isArray(entry.content) ? entry.content : [];
      if (content.length <= seen.read) continue;
      const fresh = content.slice(seen.read);
      seen.read = content.length;
      const filter = this.filter;
      const lines = filter === undefined ? fresh : fresh.filter((line) => String(line.log).includes(filter));
      if (lines.length === 0) continue;
      batches.push({ entry, lines, first: !seen.shown });
      seen.shown = true;
    }
    return batches;
  }

  /**
   * Forgets invocations that started before `from`: no later query (whose `from` never goes
   * back) can return them again.
   */
  forgetBefore(from: number): void {
    for (const [id, seen] of this.seen) {
      if (seen.since < from - CLOCK_SLACK_MS) this.seen.delete(id);
    }
  }

  get size(): number {
    return this.seen.size;
  }
}

export interface ReadLogsOptions {
  fetch(fromMs: number, toMs: number): Promise<InvocationLog[]>;
  print(batches: NewLines[]): void;
  startTime: number;
  /** keep polling until the signal aborts */
  follow: boolean;
  intervalMs: number;
  /** how long after its start an invocation's log may still appear */
  lookbackMs: number;
  filter?: string;
  now: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  signal: AbortSignal;
  /** a poll failed for a reason that may pass (network, 5xx, 429); following goes on */
  onTransientError: (error: Error) => void;
}

/** Resolves after `ms`, or as soon as the signal aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

const ABORTED = Symbol('aborted');

/** The promise's value, or ABORTED as soon as the signal aborts (the promise is left to settle alone). */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.resolve(ABORTED);
  }
  let onAbort = (): void => undefined;
  const aborted = new Promise<typeof ABORTED>((resolve) => {
    onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  // once aborted, nobody awaits the promise: its rejection must not go unhandled
  promise.catch(() => undefined);
  return Promise.race([promise.finally(() => signal.removeEventListener('abort', onAbort)), aborted]);
}

export function isTransient(error: unknown): boolean {
  if (!(error instanceof SpotinstApiError)) return false;
  return error.status === undefined || error.status >= 500 || error.status === 429;
}

/** Reads the logs from `startTime` on, once or (follow) until the signal aborts. Returns the lines printed. */
export async function readLogs(options: ReadLogsOptions): Promise<number> {
  const cursor = new LogCursor(options.filter, options.now);
  let printed = 0;
  let from = options.startTime;
  let firstPoll = true;
  while (!options.signal.aborted) {
    const pollAt = options.now();
    // never earlier than the last window: forgotten invocations must not come back
    if (!firstPoll) from = Math.max(from, pollAt - options.lookbackMs);
    firstPoll = false;
    let entries: InvocationLog[] | typeof ABORTED;
    try {
      entries = await unlessAborted(options.fetch(from, pollAt + FUTURE_SLACK_MS), options.signal);
    } catch (error) {
      if (!options.follow || !isTransient(error)) throw error;
      options.onTransientError(error as Error);
      entries = [];
    }
    if (entries === ABORTED) break;
    const batches = cursor.take(entries);
    if (batches.length > 0) {
      options.print(batches);
      printed += batches.reduce((sum, batch) => sum + batch.lines.length, 0);
    }
    cursor.forgetBefore(from);
    if (!options.follow) break;
    await options.sleep(options.intervalMs, options.signal);
  }
  return printed;
}

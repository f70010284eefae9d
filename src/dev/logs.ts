/**
 * Every function's log, live: each line prefixed with the function's name (coloured on a
 * terminal only), then one summary line per invocation — status, duration, version, cold or
 * warm. From the embedded platform the invocations are told in-process as they are logged;
 * from a platform at --platform URL they are polled from the log API, with overlapping
 * windows so that none is missed and none said twice.
 */
import type { Chalk } from 'chalk';
import type { SpotinstClient } from '../api';
import type { InvocationLog } from '../spec/wire';

export interface InvocationSeen {
  functionId: string;
  entry: InvocationLog;
}

/** Colours for function names, in turn. */
const NAME_COLOURS = ['cyan', 'magenta', 'yellow', 'blue', 'green', 'redBright', 'cyanBright', 'magentaBright'] as const;

function loadChalk(): Chalk {
  // chalk decides from stdout itself: colours on a terminal, none in a pipe or a file (or with NO_COLOR)
  return require('chalk') as Chalk;
}

export class LogPrinter {
  private readonly chalk: Chalk;
  private readonly colourOf = new Map<string, (text: string) => string>();
  private width = 0;

  constructor(private readonly write: (lines: string[]) => void) {
    this.chalk = loadChalk();
  }

  /** The names to prefix with, so that the prefixes line up. */
  setNames(names: Iterable<string>): void {
    for (const name of names) {
      this.width = Math.max(this.width, name.length);
      if (!this.colourOf.has(name)) {
        const colour = NAME_COLOURS[this.colourOf.size % NAME_COLOURS.length];
        this.colourOf.set(name, (text) => this.chalk[colour](text));
      }
    }
  }

  /** The lines of one invocation of the function `name`. */
  lines(name: string, entry: InvocationLog): string[] {
    const paint = this.colourOf.get(name) ?? ((text: string) => text);
    const prefix = `${paint(name.padEnd(this.width))} │ `;
    const printed = entry.content.flatMap((line) => line.log.replace(/\n$/, '').split('\n')).map((text) => `${prefix}${text}`);
    return [...printed, `${prefix}${this.summary(entry)}`];
  }

  print(name: string, entry: InvocationLog): void {
    this.write(this.lines(name, entry));
  }

  private summary(entry: InvocationLog): string {
    const status = entry.status ?? 'done';
    const mark =
      status === 'success'
        ? this.chalk.green(`✔ ${status}`)
        : status === 'timeout'
          ? this.chalk.yellow(`✖ ${status}`)
          : this.chalk.red(`✖ ${status}`);
    const details = [
      entry.durationMs === undefined ? undefined : `${entry.durationMs} ms`,
      entry.version === undefined ? undefined : `version ${entry.version}`,
      entry.coldStart === undefined ? undefined : entry.coldStart ? 'cold' : 'warm',
    ].filter((part): part is string => part !== undefined);
    return this.chalk.dim(`${mark}${details.length ? ` ${details.join(' · ')}` : ''}`);
  }
}

/** How far back each poll looks again: an invocation is logged when it ends, with its start time. */
const OVERLAP_MS = 5 * 60 * 1000;

/**
 * Polls the log API of each function for invocations that started since `since`; calls
 * `onInvocation` once per invocation, in start order. Returns the stop.
 */
export function pollInvocations(
  client: SpotinstClient,
  functionIds: () => string[],
  onInvocation: (seen: InvocationSeen) => void,
  options: { since: number; intervalMs?: number; onError?: (error: Error) => void },
): () => void {
  const seen = new Map<string, number>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const round = async (): Promise<void> => {
    const now = Date.now();
    const from = Math.max(options.since, now - OVERLAP_MS);
    const found: InvocationSeen[] = [];
    await Promise.all(
      functionIds().map(async (functionId) => {
        try {
          for (const entry of await client.logs.list(functionId, from, now + 1000)) {
            if (seen.has(entry.invocationId)) continue;
            seen.set(entry.invocationId, entry.startedAt ?? now);
            found.push({ functionId, entry });
          }
        } catch (error) {
          options.onError?.(error as Error);
        }
      }),
    );
    found.sort((a, b) => (a.entry.startedAt ?? 0) - (b.entry.startedAt ?? 0));
    for (const item of found) onInvocation(item);
    // what started before the window cannot come back
    for (const [id, startedAt] of seen) if (startedAt < from) seen.delete(id);
  };
  const loop = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void round().finally(loop);
    }, options.intervalMs ?? 500);
  };
  loop();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

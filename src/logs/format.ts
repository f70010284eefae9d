/**
 * How `serverless logs` prints: one line per log line (time, short invocation id, text), and
 * a header per invocation with its version, status and duration when the server gives them.
 * Colours only when asked (a terminal): piped output stays plain text for grep.
 */
import chalk from 'chalk';
import type { InvocationLog, LogLine } from '../spec/wire';
import { shortId } from '../spec/ids';

export interface LogFormatter {
  header(entry: InvocationLog): string | undefined;
  line(entry: InvocationLog, line: LogLine): string[];
}

function timeOf(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '-'.repeat(24) : date.toISOString();
}

export function createFormatter(colors: boolean, redact: (text: string) => string = (text) => text): LogFormatter {
  const paint = new chalk.Instance({ level: colors ? 1 : 0 });
  const statusColor = (status: string): string => {
    if (status === 'success') return paint.green(status);
    if (status === 'timeout') return paint.yellow(status);
    return paint.red(status);
  };
  const prefix = (time: number, entry: InvocationLog): string =>
    `${paint.gray(timeOf(time))}  ${paint.cyan(shortId(entry.invocationId))}  `;

  return {
    header(entry) {
      const parts: string[] = [];
      if (entry.version !== undefined) parts.push(`version ${entry.version}`);
      if (entry.status !== undefined) parts.push(statusColor(entry.status));
      if (entry.durationMs !== undefined) parts.push(`${entry.durationMs} ms`);
      if (parts.length === 0) return undefined;
      const time = entry.startedAt ?? entry.content[0]?.time ?? Date.now();
      return `${prefix(time, entry)}${paint.bold(`── invocation ${entry.invocationId}`)} · ${parts.join(' · ')}`;
    },
    line(entry, line) {
      // a stack trace is one log entry: every one of its lines gets the prefix, so grep keeps context
      return redact(line.log)
        .split('\n')
        .map((text) => `${prefix(line.time, entry)}${text}`);
    },
  };
}

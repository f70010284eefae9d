/**
 * The platform's own log: what spotinst-local says about itself (a data dir taken over, a
 * cron tick that failed, a request that broke, an invocation that failed), as opposed to what
 * functions print, which the log API serves. Every message goes through one logger, given to
 * `startLocalPlatform({ logger })`; the CLI's `--log-format text|json` picks one of the two
 * below.
 */

export type LogLevel = 'info' | 'warn' | 'error';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Facts a message is about, each a field of its JSON line. */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface PlatformLogEntry {
  /** ISO 8601, UTC */
  time: string;
  level: LogLevel;
  /** one line of text, without the `spotinst-local:` prefix */
  message: string;
  /** the invocation the message is about, when there is one */
  invocationId?: string;
  /** more facts: functionId, function, jobId, method, path… */
  fields?: LogFields;
}

/** Where the platform's messages go. It must not throw; a slow one slows the platform. */
export type PlatformLogger = (entry: PlatformLogEntry) => void;

/** The entry as one JSON object: time, level, message, invocationId, then the other fields. */
export function jsonLogLine(entry: PlatformLogEntry): string {
  const line: Record<string, unknown> = { time: entry.time, level: entry.level, message: entry.message };
  if (entry.invocationId !== undefined) line.invocationId = entry.invocationId;
  for (const [name, value] of Object.entries(entry.fields ?? {})) {
    if (value !== undefined && !(name in line)) line[name] = value;
  }
  return JSON.stringify(line);
}

/** The entry as a person reads it in a terminal: the message, and for a warning or an error who says it. */
export function textLogLine(entry: PlatformLogEntry): string {
  return entry.level === 'info' ? entry.message : `spotinst-local: ${entry.message}`;
}

export interface LogStreams {
  out: (text: string) => void;
  err: (text: string) => void;
}

const PROCESS_STREAMS: LogStreams = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * A logger printing each entry on one line: `text` prints information on stdout and warnings
 * and errors on stderr, as a terminal expects; `json` prints every entry on stdout, one object
 * per line, as log collectors expect. `redact` hides secrets (the CLI's database password).
 */
export function streamLogger(
  format: LogFormat,
  streams: LogStreams = PROCESS_STREAMS,
  redact: (text: string) => string = (t) => t,
): PlatformLogger {
  if (format === 'json') return (entry) => streams.out(`${redact(jsonLogLine(entry))}\n`);
  return (entry) => (entry.level === 'info' ? streams.out : streams.err)(`${redact(textLogLine(entry))}\n`);
}

/** Without a logger, as before there was one: warnings and errors are process warnings, the rest is not said. */
export const processWarningLogger: PlatformLogger = (entry) => {
  if (entry.level !== 'info') process.emitWarning(`spotinst-local: ${entry.message}`);
};

/** What platform code calls: one method per level; the time is taken here. */
export class PlatformLog {
  constructor(private readonly sink: PlatformLogger = processWarningLogger) {}

  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }

  private write(level: LogLevel, message: string, fields: LogFields = {}): void {
    const { invocationId, ...rest } = fields;
    const entry: PlatformLogEntry = { time: new Date().toISOString(), level, message };
    if (typeof invocationId === 'string') entry.invocationId = invocationId;
    if (Object.keys(rest).length > 0) entry.fields = rest;
    try {
      this.sink(entry);
    } catch {
      // a logger that fails must not take a request or a cron tick down with it
    }
  }
}

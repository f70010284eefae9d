import type { PluginLog, PluginWriters } from './serverless';

/**
 * Writers for when the framework did not hand us its own (a plugin constructed outside
 * `plugins:`): logs on stderr, results on stdout, like the framework's.
 */
export function consoleWriters(): Required<PluginWriters> {
  const toStderr = (...text: string[]): void => {
    process.stderr.write(`${text.join(' ')}\n`);
  };
  const quiet = (): void => undefined;
  const log: PluginLog = Object.assign(toStderr, {
    error: toStderr,
    warning: toStderr,
    notice: toStderr,
    info: quiet,
    debug: quiet,
    verbose: quiet,
    success: toStderr,
  });
  const writeText = (text: string | string[]): void => {
    process.stdout.write(`${Array.isArray(text) ? text.join('\n') : text}\n`);
  };
  // Without the framework's spinner, progress messages are simply not shown.
  const progress = { create: () => ({ update: quiet, remove: quiet }) };
  return { log, writeText, progress };
}

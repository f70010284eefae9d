/** Reading what the framework hands a command: its directory and its options. */
import { SpotinstError, type ErrorCode } from './errors';
import type { CliOptions, PluginLog, ServerlessLike } from './serverless';

/** The directory relative paths are resolved from: the one holding serverless.yml. */
export function serviceDirOf(serverless: Pick<ServerlessLike, 'serviceDir'>): string {
  return serverless.serviceDir ?? process.cwd();
}

/**
 * A string option, or undefined when absent. A flag given without a value arrives as
 * `true` (or as '' from some parsers), which is a mistake worth naming.
 */
export function stringOption(options: CliOptions, name: string, code: ErrorCode, example: string): string | undefined {
  const value = options[name];
  if (value === undefined || value === false) return undefined;
  if (Array.isArray(value)) {
    throw new SpotinstError(`--${name} was given ${value.length} times; give it once, e.g. --${name} ${example}.`, code);
  }
  if (typeof value !== 'string') {
    throw new SpotinstError(`--${name} needs a value, e.g. --${name} ${example}.`, code);
  }
  return value;
}

/** A boolean flag; `--flag=true` as text counts too. */
export function flagOption(options: CliOptions, name: string): boolean {
  const value = options[name];
  return value === true || value === 'true';
}

/**
 * Options the framework declares for AWS that mean nothing here: said, not silently
 * dropped, so nobody believes they took effect.
 */
export function warnIgnoredOptions(context: { options: CliOptions; log: PluginLog }, ignored: Record<string, string>): void {
  for (const [name, reason] of Object.entries(ignored)) {
    const value = context.options[name];
    if (value !== undefined && value !== false && value !== null) context.log.warning(`--${name} is ignored: ${reason}.`);
  }
}

/** Reading what the framework hands a command: its directory and its options. */
import { SpotinstError } from '../errors';
import type { CliOptions, ServerlessLike } from './serverless-types';

/** The directory relative paths are resolved from: the one holding serverless.yml. */
export function serviceDirOf(serverless: Pick<ServerlessLike, 'serviceDir'>): string {
  return serverless.serviceDir ?? process.cwd();
}

/**
 * A string option, or undefined when absent. A flag given without a value arrives as
 * `true` (or as '' from some parsers), which is a mistake worth naming.
 */
export function stringOption(options: CliOptions, name: string, code: string, example: string): string | undefined {
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

/**
 * What the invoke, invoke local and logs commands need from the plugin: a narrow view of
 * CommandContext, so that a full CommandContext fits and tests can pass plain objects.
 */
import type { SpotinstClient } from '../api';
import type { Credentials } from '../provider/credentials';
import type { ServiceModel } from '../provider/model';
import type { CommandContext, ServerlessLike } from '../plugin/serverless-types';
import { SpotinstError } from '../errors';

export interface CommandProvider {
  getService(): ServiceModel;
  getClient(): SpotinstClient;
  getCredentials(): Credentials;
}

export type FunctionCommandContext = Pick<CommandContext, 'options' | 'log' | 'writeText'> & {
  serverless: Pick<ServerlessLike, 'serviceDir' | 'service'>;
  provider: CommandProvider;
};

/** The directory relative paths are resolved from: the one holding serverless.yml. */
export function serviceDirOf(context: Pick<FunctionCommandContext, 'serverless'>): string {
  return context.serverless.serviceDir ?? process.cwd();
}

/**
 * A string option, or undefined when absent. A flag given without a value arrives as
 * `true` (or as '' from some parsers), which is a mistake worth naming.
 */
export function stringOption(options: CommandContext['options'], name: string, code: string, example: string): string | undefined {
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

export function flagOption(options: CommandContext['options'], name: string): boolean {
  const value = options[name];
  return value === true || value === 'true';
}

/**
 * Options the framework declares for AWS that mean nothing here: said, not silently
 * dropped, so nobody believes they took effect.
 */
export function warnIgnoredOptions(context: Pick<FunctionCommandContext, 'options' | 'log'>, ignored: Record<string, string>): void {
  for (const [name, reason] of Object.entries(ignored)) {
    const value = context.options[name];
    if (value !== undefined && value !== false && value !== null) context.log.warning(`--${name} is ignored: ${reason}.`);
  }
}

/**
 * What the invoke, invoke local and logs commands need from the plugin: a narrow view of
 * CommandContext, so that a full CommandContext fits and tests can pass plain objects.
 */
import type { SpotinstClient } from '../api';
import type { Credentials } from '../provider/credentials';
import type { ServiceModel } from '../provider/model';
import type { CommandContext, ServerlessLike } from '../plugin/serverless-types';

export interface CommandProvider {
  getService(): ServiceModel;
  getClient(): SpotinstClient;
  getCredentials(): Credentials;
}

export type FunctionCommandContext = Pick<CommandContext, 'options' | 'log' | 'writeText'> & {
  serverless: Pick<ServerlessLike, 'serviceDir' | 'service'>;
  provider: CommandProvider;
};

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

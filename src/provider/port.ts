/**
 * What commands need of the provider, as interfaces: the SpotinstProvider class implements
 * them, and tests pass plain objects.
 */
import type { SpotinstClient, RetryEvent } from '../api';
import type { CommandContext } from '../framework/context';
import type { ServerlessLike } from '../framework/serverless';
import type { ServiceModel } from '../framework/service-model';
import type { Credentials } from './credentials';

/** The validated service, the credentials and the API client. */
export interface CommandProvider {
  getService(): ServiceModel;
  getClient(): SpotinstClient;
  getCredentials(): Credentials;
}

/** What deploy, info and remove need besides: where the API is, and its retries. */
export interface ServiceProvider extends CommandProvider {
  readonly apiUrl: string;
  readonly stage: string;
  /** lets a command react to retries (deploy lowers its concurrency on 429); returns the unsubscribe */
  onRetry(listener: (event: RetryEvent) => void): () => void;
}

export type ServiceCommandContext = CommandContext<ServiceProvider>;

/** invoke, invoke local and logs: a narrow view, so that tests can pass plain objects. */
export type FunctionCommandContext = Pick<ServiceCommandContext, 'options' | 'log' | 'writeText'> & {
  serverless: Pick<ServerlessLike, 'serviceDir' | 'service'>;
  provider: CommandProvider;
};

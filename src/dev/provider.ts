/**
 * The provider `serverless dev` deploys through: the service as serverless.yml says (read
 * again on each change), but the API and credentials of the dev platform, whatever
 * `provider.spotinst.apiUrl` or SPOTINST_API_URL say — dev never deploys elsewhere.
 */
import { SpotinstClient, type RetryEvent } from '../api';
import type { ServiceModel } from '../framework/service-model';
import type { Credentials } from '../provider/credentials';
import type { ServiceProvider } from '../provider/port';
import type { DevPlatform } from './platform';

/**
 * The service as dev deploys it. On the platform dev starts itself, an explicit environment
 * id (`environment: env-…`, an id of the cloud) cannot exist: the environment is found or
 * made by the stage's name instead, as when the file names none.
 */
export function devServiceModel(model: ServiceModel, platform: Pick<DevPlatform, 'embedded'>): ServiceModel {
  if (!platform.embedded || model.environment.kind !== 'id') return model;
  return { ...model, environment: { kind: 'managed', name: model.stage } };
}

export class DevProvider implements ServiceProvider {
  private client?: SpotinstClient;
  private readonly retryListeners = new Set<(event: RetryEvent) => void>();

  constructor(
    private readonly platform: DevPlatform,
    private readonly model: () => ServiceModel,
    readonly stage: string,
  ) {}

  get apiUrl(): string {
    return this.platform.url;
  }

  getService(): ServiceModel {
    return devServiceModel(this.model(), this.platform);
  }

  getCredentials(): Credentials {
    return this.platform.credentials;
  }

  getClient(): SpotinstClient {
    this.client ??= new SpotinstClient({
      apiUrl: this.platform.url,
      token: this.platform.credentials.token,
      account: this.platform.credentials.account,
      credentialsSource: this.platform.credentials.source,
      onRetry: (event) => this.retryListeners.forEach((listener) => listener(event)),
    });
    return this.client;
  }

  onRetry(listener: (event: RetryEvent) => void): () => void {
    this.retryListeners.add(listener);
    return () => this.retryListeners.delete(listener);
  }

  close(): void {
    this.client?.close();
  }
}

import { SpotinstClient, DEFAULT_API_URL } from '../api';
import { resolveCredentials, Credentials } from './credentials';
import { assertValidService } from './validate';
import type { ServiceModel } from './model';
import type { CliOptions, PluginLog, ServerlessLike } from '../plugin/serverless-types';

export const PROVIDER_NAME = 'spotinst';

interface SpotinstSettings {
  apiUrl?: unknown;
  profile?: unknown;
}

/**
 * The `spotinst` provider: where the service model, the credentials and the API client
 * come from. Everything is computed on first use, so commands that never call the API
 * (print, package) never read credentials.
 */
export class SpotinstProvider {
  static getProviderName(): string {
    return PROVIDER_NAME;
  }

  private model?: ServiceModel;
  private credentials?: Credentials;
  private apiClient?: SpotinstClient;

  constructor(
    private readonly serverless: ServerlessLike,
    private readonly options: CliOptions,
    private readonly log: PluginLog,
  ) {}

  get stage(): string {
    const fromOption = this.options.stage;
    if (typeof fromOption === 'string' && fromOption) return fromOption;
    return this.serverless.service.provider.stage || 'dev';
  }

  private get settings(): SpotinstSettings {
    const settings = this.serverless.service.provider.spotinst;
    return typeof settings === 'object' && settings !== null ? (settings as SpotinstSettings) : {};
  }

  get apiUrl(): string {
    const configured = this.settings.apiUrl;
    if (typeof configured === 'string' && configured) return configured;
    return process.env.SPOTINST_API_URL || DEFAULT_API_URL;
  }

  /** The validated service; the first call reports warnings, any error stops the command. */
  getService(): ServiceModel {
    if (!this.model) {
      const { model, warnings } = assertValidService({
        service: this.serverless.service.service,
        stage: this.stage,
        provider: this.serverless.service.provider,
        functions: this.serverless.service.functions ?? {},
        configFile: this.serverless.configurationFilename,
      });
      for (const warning of warnings) {
        this.log.warning(`${warning.path}: ${warning.problem} ${warning.fix}`);
      }
      this.model = model;
    }
    return this.model;
  }

  getCredentials(): Credentials {
    if (!this.credentials) {
      const profile = this.settings.profile;
      this.credentials = resolveCredentials({ profile: typeof profile === 'string' ? profile : undefined });
    }
    return this.credentials;
  }

  getClient(): SpotinstClient {
    if (!this.apiClient) {
      const credentials = this.getCredentials();
      this.apiClient = new SpotinstClient({
        apiUrl: this.apiUrl,
        token: credentials.token,
        account: credentials.account,
        credentialsSource: credentials.source,
        onRetry: (event) =>
          this.log.info(`Retrying ${event.call.method} ${event.call.path} in ${event.delayMs} ms (attempt ${event.attempt + 1}).`),
        debug: (line) => this.log.debug(line),
      });
    }
    return this.apiClient;
  }
}

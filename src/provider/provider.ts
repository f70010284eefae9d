import { SpotinstClient, DEFAULT_API_URL } from '../api';
import { resolveCredentials, Credentials } from './credentials';
import { assertValidService, formatProblems } from './validate';
import type { ServiceModel } from './model';
import type { CliOptions, PluginLog, ServerlessLike } from '../plugin/serverless-types';

export const PROVIDER_NAME = 'spotinst';

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

  /** provider.spotinst.apiUrl, else SPOTINST_API_URL, else the Spotinst cloud. */
  get apiUrl(): string {
    return this.getService().apiUrl || process.env.SPOTINST_API_URL || DEFAULT_API_URL;
  }

  /** The validated service; the first call reports warnings, any error stops the command. */
  getService(): ServiceModel {
    if (!this.model) {
      const configFile = this.serverless.configurationFilename ?? 'serverless.yml';
      const { model, warnings } = assertValidService({
        service: this.serverless.service.service,
        stage: this.stage,
        provider: this.serverless.service.provider,
        functions: this.functionsAsWritten(),
        configFile,
      });
      if (warnings.length > 0) this.log.warning(`Spotinst configuration:\n${formatProblems(warnings, configFile)}`);
      this.model = model;
    }
    return this.model;
  }

  /**
   * The framework fills in `name: <service>-<stage>-<key>` for every function; the remote
   * name is the key unless the user wrote `name:`, so only a written name is kept.
   */
  private functionsAsWritten(): Record<string, unknown> {
    const written = (this.serverless.configurationInput?.functions ?? {}) as Record<string, unknown>;
    const functions: Record<string, unknown> = {};
    for (const [key, definition] of Object.entries(this.serverless.service.functions ?? {})) {
      if (typeof definition !== 'object' || definition === null) {
        functions[key] = definition;
        continue;
      }
      const { name: _filledIn, ...rest } = definition as Record<string, unknown>;
      const writtenDefinition = written[key];
      const writtenName =
        typeof writtenDefinition === 'object' && writtenDefinition !== null
          ? (writtenDefinition as Record<string, unknown>).name
          : undefined;
      functions[key] = writtenName === undefined ? rest : { ...rest, name: (definition as Record<string, unknown>).name };
    }
    return functions;
  }

  getCredentials(): Credentials {
    if (!this.credentials) {
      this.credentials = resolveCredentials({ profile: this.getService().profile });
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

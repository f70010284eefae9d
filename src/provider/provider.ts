import { DEFAULT_API_URL } from '../spec/wire';
import { SpotinstError } from '../framework/errors';
import type { RetryEvent, SpotinstClient } from '../api';
import type { Credentials } from './credentials';
import type { ServiceModel } from '../framework/service-model';
import type { CliOptions, PluginLog, ServerlessLike } from '../framework/serverless';

export const PROVIDER_NAME = 'spotinst';
export const API_URL_INVALID_CODE = 'SPOTINST_API_URL_INVALID';

/** `name:` as written under each function, before the framework fills in its default. */
function writtenFunctionNames(configurationInput: Record<string, unknown> | undefined): Map<string, unknown> {
  const names = new Map<string, unknown>();
  const functions = configurationInput?.functions;
  if (typeof functions !== 'object' || functions === null) return names;
  for (const [key, definition] of Object.entries(functions as Record<string, unknown>)) {
    if (typeof definition === 'object' && definition !== null && 'name' in definition) {
      names.set(key, (definition as Record<string, unknown>).name);
    }
  }
  return names;
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
  private readonly writtenNames: Map<string, unknown>;
  private readonly retryListeners = new Set<(event: RetryEvent) => void>();

  constructor(
    private readonly serverless: ServerlessLike,
    private readonly options: CliOptions,
    private readonly log: PluginLog,
  ) {
    this.writtenNames = writtenFunctionNames(serverless.configurationInput);
  }

  get stage(): string {
    const fromOption = this.options.stage;
    if (typeof fromOption === 'string' && fromOption) return fromOption;
    return this.serverless.service.provider.stage || 'dev';
  }

  /** provider.spotinst.apiUrl, else SPOTINST_API_URL, else the Spotinst cloud. */
  get apiUrl(): string {
    const configured = this.getService().apiUrl;
    if (configured) return configured;
    const fromEnvironment = process.env.SPOTINST_API_URL?.trim();
    if (!fromEnvironment) return DEFAULT_API_URL;
    // Checked as provider.spotinst.apiUrl is: a URL without its scheme would otherwise be
    // tried as a path, and fail with a network error that does not say what to change.
    const { checkApiUrl } = require('./validate') as typeof import('./validate');
    const checked = checkApiUrl(fromEnvironment);
    if ('url' in checked) return checked.url;
    throw new SpotinstError(
      `SPOTINST_API_URL is ${JSON.stringify(fromEnvironment)}, which is not an http:// or https:// URL. ` +
        `Set it to the API base URL with its scheme, e.g. SPOTINST_API_URL=${checked.guess ?? 'http://127.0.0.1:7711'}, ` +
        `or unset it to use ${DEFAULT_API_URL}.`,
      API_URL_INVALID_CODE,
    );
  }

  /** The validated service; the first call reports warnings, any error stops the command. */
  getService(): ServiceModel {
    if (!this.model) {
      const configFile = this.serverless.configurationFilename ?? 'serverless.yml';
      // Loaded on first use: `print` and other commands that never validate do not pay for it.
      const { assertValidService, formatProblems } = require('./validate') as typeof import('./validate');
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
   * The framework fills in `name: <service>-<stage>-<key>` for every function (in place,
   * in `run()`, after plugins are constructed); the remote name is the key unless the user
   * wrote `name:`, so the written names are the ones seen at construction.
   */
  private functionsAsWritten(): Record<string, unknown> {
    const functions: Record<string, unknown> = {};
    for (const [key, definition] of Object.entries(this.serverless.service.functions ?? {})) {
      if (typeof definition !== 'object' || definition === null) {
        functions[key] = definition;
        continue;
      }
      const { name: _filledIn, ...rest } = definition as Record<string, unknown>;
      functions[key] = this.writtenNames.has(key) ? { ...rest, name: this.writtenNames.get(key) } : rest;
    }
    return functions;
  }

  getCredentials(): Credentials {
    if (!this.credentials) {
      const { resolveCredentials } = require('./credentials') as typeof import('./credentials');
      this.credentials = resolveCredentials({ profile: this.getService().profile });
    }
    return this.credentials;
  }

  getClient(): SpotinstClient {
    if (!this.apiClient) {
      const credentials = this.getCredentials();
      // The HTTP client (axios) loads only for commands that call the API.
      const { SpotinstClient: Client } = require('../api') as typeof import('../api');
      this.apiClient = new Client({
        apiUrl: this.apiUrl,
        token: credentials.token,
        account: credentials.account,
        credentialsSource: credentials.source,
        onRetry: (event) => {
          this.log.info(`Retrying ${event.call.method} ${event.call.path} in ${event.delayMs} ms (attempt ${event.attempt + 1}).`);
          this.retryListeners.forEach((listener) => listener(event));
        },
        debug: (line) => this.log.debug(line),
      });
    }
    return this.apiClient;
  }

  /** Lets a command react to retries (deploy lowers its concurrency on 429); returns the unsubscribe. */
  onRetry(listener: (event: RetryEvent) => void): () => void {
    this.retryListeners.add(listener);
    return () => this.retryListeners.delete(listener);
  }

  /** Ends kept-alive connections (if any were opened); the client stays usable. */
  closeConnections(): void {
    this.apiClient?.close();
  }
}

import { DEFAULT_API_URL } from '../spec/defaults';
import { SpotinstError } from '../framework/errors';
import { WHOLE_SERVICE, type ValidationScope } from './validate/scope';
import type { RetryEvent, SpotinstClient } from '../api';
import type { Credentials } from './credentials';
import type { ServiceModel } from '../framework/service-model';
import type { CliOptions, PluginLog, ServerlessLike } from '../framework/serverless';
import type { ServiceProvider } from './port';
import type { ValidationResult } from './validate';

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

/** The commands that use only part of the service; the others (deploy, package) use all of it. */
export type PartialCommand = 'info' | 'remove' | 'invoke' | 'invoke local' | 'logs';

/** Whether the command finds the deployed service (provider.spotinst); `invoke local` runs the code here. */
const USES_PLACEMENT: Record<PartialCommand, boolean> = { info: true, remove: true, invoke: true, 'invoke local': false, logs: true };

/**
 * What a command uses of serverless.yml: where the service is deployed, and the function
 * `-f` names (remove and info without -f read only the functions' names).
 */
export function commandScope(command: PartialCommand, options: CliOptions): ValidationScope {
  const named = command !== 'remove' && typeof options.function === 'string' ? [options.function] : [];
  return { placement: USES_PLACEMENT[command], functions: named };
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

  private validation?: ValidationResult;
  private reported = false;
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
    const configured = this.placement().apiUrl;
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

  /**
   * The validated service, for a command that uses `scope` of it (by default all of it).
   * An error in what the scope uses stops the command; the first call reports the warnings,
   * the errors the command may go on despite, and (with --verbose) what was normalised.
   */
  getService(scope: ValidationScope = WHOLE_SERVICE): ServiceModel {
    const configFile = this.configFile;
    // Loaded on first use: `print` and other commands that never validate do not pay for it.
    const { assertValidResult, formatProblems } = require('./validate') as typeof import('./validate');
    const checked = assertValidResult(this.validated(), configFile, scope);
    if (!this.reported) {
      this.reported = true;
      const { warnings, tolerated, notices } = checked;
      if (warnings.length > 0) this.log.warning(`Spotinst configuration:\n${formatProblems(warnings, configFile)}`);
      if (tolerated.length > 0) {
        this.log.warning(
          `Spotinst configuration: ${tolerated.length === 1 ? 'an error' : `${tolerated.length} errors`} in settings this command does not use, ` +
            `so it goes on; \`serverless deploy\` refuses the file until ${tolerated.length === 1 ? 'it is' : 'they are'} fixed:\n` +
            formatProblems(tolerated, configFile),
        );
      }
      for (const notice of notices) this.log.verbose(`Spotinst configuration: ${configFile}: ${notice.path}: ${notice.note}.`);
    }
    return checked.model;
  }

  /** This provider as seen by a command that uses only part of the service. */
  forCommand(command: PartialCommand): ServiceProvider {
    return new ScopedProvider(this, commandScope(command, this.options));
  }

  /** Where the service is deployed and how the API is reached, for the provider's own use (nothing reported). */
  private placement(): ServiceModel {
    const { assertValidResult } = require('./validate') as typeof import('./validate');
    return assertValidResult(this.validated(), this.configFile, { placement: true, functions: [] }).model;
  }

  private get configFile(): string {
    return this.serverless.configurationFilename ?? 'serverless.yml';
  }

  /** serverless.yml is read once per command, whatever part of it each caller uses. */
  private validated(): ValidationResult {
    if (!this.validation) {
      const { validateService } = require('./validate') as typeof import('./validate');
      this.validation = validateService({
        service: this.serverless.service.service,
        stage: this.stage,
        provider: this.serverless.service.provider,
        functions: this.functionsAsWritten(),
        configFile: this.configFile,
      });
    }
    return this.validation;
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
      this.credentials = resolveCredentials({ profile: this.placement().profile });
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

/** The provider for one command: getService() validates what that command uses. */
class ScopedProvider implements ServiceProvider {
  constructor(
    private readonly provider: SpotinstProvider,
    private readonly scope: ValidationScope,
  ) {}

  get apiUrl(): string {
    return this.provider.apiUrl;
  }

  get stage(): string {
    return this.provider.stage;
  }

  getService(): ServiceModel {
    return this.provider.getService(this.scope);
  }

  getClient(): SpotinstClient {
    return this.provider.getClient();
  }

  getCredentials(): Credentials {
    return this.provider.getCredentials();
  }

  onRetry(listener: (event: RetryEvent) => void): () => void {
    return this.provider.onRetry(listener);
  }
}

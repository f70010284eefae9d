/**
 * The semantic validator: turns the raw `serverless.yml` objects (as the framework holds
 * them after variable resolution) into the ServiceModel every command works from, or into
 * a list of problems that each name the key path, the offending value, what is wrong and
 * what to write instead.
 *
 * The framework's JSON schema (schema.ts) catches unknown function keys and plain type
 * errors; this module owns what needs context: step/range rules with the nearest valid
 * value, runtime families, cron syntax, traffic splits that must sum to 100, the template
 * placeholder left in `environment`, environment variable names and values. It never stops
 * at the first problem: every error and warning of the file is collected in one pass.
 */
import cloneDeep from 'lodash/cloneDeep';
import { parseExpression } from 'cron-parser';
import {
  CLOUD_PROVIDERS,
  ENV_NAME_PATTERN,
  MEMORY_RULE,
  PATTERN_METHODS,
  TIMEOUT_RULE,
  inStepRange,
  STRATEGIES,
  type Access,
  type ActiveVersion,
  type CloudProvider,
  type CorsConfig,
  type PatternMethod,
  type VersionRef,
} from '../spec/wire';
import { SpotinstError } from '../framework/errors';
import {
  DOCUMENTED_RUNTIMES,
  RUNTIME_FAMILIES,
  compareVersions,
  oldestDocumentedVersion,
  parseRuntime,
  type RuntimeFamily,
} from '../spec/runtimes';
import {
  DEFAULT_ACCESS,
  DEFAULT_MEMORY_MB,
  DEFAULT_TIMEOUT_S,
  type ConfigProblem,
  type CronTrigger,
  type EndpointTrigger,
  type EnvironmentTarget,
  type FunctionModel,
  type ServiceModel,
} from '../framework/service-model';

// ---- public API ---------------------------------------------------------------------

export interface RawServerless {
  service: string;
  /** the resolved stage (`--stage`, then provider.stage, then 'dev') */
  stage: string;
  /** serverless.service.provider */
  provider: unknown;
  /**
   * serverless.service.functions, with `name` only where the user wrote one (the framework
   * fills in `<service>-<stage>-<key>` otherwise, which is not the remote name here)
   */
  functions: Record<string, unknown>;
  /** the config file name for messages, e.g. 'serverless.yml' */
  configFile?: string;
}

export interface ValidationResult {
  /** present when there is no error (warnings allowed) */
  model?: ServiceModel;
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
}

export const INVALID_CONFIG_CODE = 'SPOTINST_INVALID_CONFIG';

/** Names the platform sets itself in every function's environment. */
export const RESERVED_ENV_NAMES = ['SPOTINST_FUNCTION_ID', 'SPOTINST_ENVIRONMENT_ID', 'SPOTINST_FUNCTION_VERSION'] as const;

/** Validates everything and builds the model; never throws for bad input. */
export function validateService(raw: RawServerless): ValidationResult {
  const problems = new Problems();
  const service = typeof raw.service === 'string' ? raw.service : String(raw.service ?? '');
  const stage = typeof raw.stage === 'string' && raw.stage !== '' ? raw.stage : 'dev';
  const provider = isMap(raw.provider) ? raw.provider : {};

  const settings = validateProviderSettings(provider.spotinst, service, stage, problems);
  const providerVars = validateEnvironmentVariables(provider.environmentVariables, 'provider.environmentVariables', problems);

  const functions: FunctionModel[] = [];
  const rawFunctions: unknown = raw.functions;
  if (rawFunctions !== undefined && rawFunctions !== null) {
    if (!isMap(rawFunctions)) {
      problems.error('functions', rawFunctions, 'functions must be a map of function definitions', EXAMPLE_FUNCTION_FIX);
    } else {
      for (const [key, definition] of Object.entries(rawFunctions)) {
        const fn = validateFunction(key, definition, { providerVars }, problems);
        if (fn) functions.push(fn);
      }
      checkCrossFunctionRules(functions, rawFunctions, problems);
    }
  }

  const result: ValidationResult = { errors: problems.errors, warnings: problems.warnings };
  if (problems.errors.length === 0) {
    result.model = {
      service,
      stage,
      application: settings.application,
      environment: settings.environment,
      ...(settings.profile !== undefined ? { profile: settings.profile } : {}),
      ...(settings.apiUrl !== undefined ? { apiUrl: settings.apiUrl } : {}),
      ...(settings.alias !== undefined ? { alias: settings.alias } : {}),
      prune: settings.prune,
      functions,
    };
  }
  return result;
}

/** One bullet per problem: file, key path and value on the first line, then problem and fix. */
export function formatProblems(problems: ConfigProblem[], configFile: string): string {
  return problems
    .map(
      (problem) =>
        `  - ${configFile}: ${problem.path} = ${renderValue(problem.value)}\n` +
        `      ${sentence(problem.problem)}\n` +
        `      Fix: ${sentence(problem.fix)}`,
    )
    .join('\n');
}

/** Like validateService, but throws one SpotinstError listing every error. */
export function assertValidService(raw: RawServerless): { model: ServiceModel; warnings: ConfigProblem[] } {
  const result = validateService(raw);
  const configFile = raw.configFile ?? 'serverless.yml';
  if (result.errors.length > 0 || !result.model) {
    const count = result.errors.length;
    throw new SpotinstError(
      `Invalid Spotinst configuration in ${configFile} (${count} ${count === 1 ? 'error' : 'errors'}):\n` +
        formatProblems(result.errors, configFile),
      INVALID_CONFIG_CODE,
    );
  }
  return { model: result.model, warnings: result.warnings };
}

/** Renders a value the way a user would recognise it from the file. */
export function renderValue(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (value === null) return 'null (empty)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

// ---- problem collection -------------------------------------------------------------

class Problems {
  readonly errors: ConfigProblem[] = [];
  readonly warnings: ConfigProblem[] = [];

  error(path: string, value: unknown, problem: string, fix: string): void {
    this.errors.push(makeProblem(path, value, problem, fix));
  }

  warn(path: string, value: unknown, problem: string, fix: string): void {
    this.warnings.push(makeProblem(path, value, problem, fix));
  }
}

function makeProblem(path: string, value: unknown, problem: string, fix: string): ConfigProblem {
  return value === undefined ? { path, problem, fix } : { path, value, problem, fix };
}

// ---- provider.spotinst --------------------------------------------------------------

const SPOTINST_KEYS = ['environment', 'application', 'profile', 'apiUrl', 'alias', 'prune'] as const;
const ENVIRONMENT_KEYS = ['name', 'providers', 'locations', 'strategy'] as const;
const EXAMPLE_ENV_ID = 'env-1a2b3c4d';

interface ProviderSettings {
  environment: EnvironmentTarget;
  application: string;
  profile?: string;
  apiUrl?: string;
  alias?: string;
  prune: boolean;
}

function validateProviderSettings(raw: unknown, service: string, stage: string, problems: Problems): ProviderSettings {
  const settings: ProviderSettings = {
    environment: { kind: 'managed', name: stage },
    application: service,
    prune: false,
  };
  if (raw === undefined || raw === null) return settings;
  const path = 'provider.spotinst';
  if (!isMap(raw)) {
    problems.error(
      path,
      raw,
      'provider.spotinst must be a map of settings',
      `leave it empty, or write a map such as "spotinst: {environment: ${EXAMPLE_ENV_ID}}"`,
    );
    return settings;
  }

  for (const key of Object.keys(raw)) {
    if (!isOneOf(SPOTINST_KEYS, key)) {
      problems.error(
        joinPath(path, key),
        raw[key],
        `"${key}" is not a setting of provider.spotinst (known: ${SPOTINST_KEYS.join(', ')})`,
        unknownKeyFix(key, SPOTINST_KEYS),
      );
    }
  }

  settings.environment = validateEnvironment(raw.environment, stage, problems);

  const application = optionalString(raw.application, `${path}.application`, 'the application name', 'my-app', problems);
  if (application !== undefined) settings.application = application;

  const profile = optionalString(raw.profile, `${path}.profile`, 'the credentials profile name', 'default', problems);
  if (profile !== undefined) settings.profile = profile;

  const apiUrl = validateApiUrl(raw.apiUrl, `${path}.apiUrl`, problems);
  if (apiUrl !== undefined) settings.apiUrl = apiUrl;

  const alias = validateAlias(raw.alias, `${path}.alias`, problems);
  if (alias !== undefined) settings.alias = alias;

  const prune = raw.prune;
  if (prune !== undefined && prune !== null) {
    if (typeof prune === 'boolean') settings.prune = prune;
    else problems.error(`${path}.prune`, prune, 'prune must be true or false', booleanFix('prune', prune, false));
  }
  return settings;
}

/** A string setting where absent, null and '' mean "use the default". */
function optionalString(value: unknown, path: string, what: string, example: string, problems: Problems): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    problems.error(path, value, `${lastKey(path)} must be a string: ${what}`, `write it as a string, e.g. ${lastKey(path)}: ${example}`);
    return undefined;
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function validateApiUrl(value: unknown, path: string, problems: Problems): string | undefined {
  const text = optionalString(value, path, 'the API base URL', 'http://127.0.0.1:7711', problems);
  if (text === undefined) return undefined;
  const checked = checkApiUrl(text);
  if ('url' in checked) return checked.url;
  problems.error(
    path,
    value,
    'apiUrl must be an http:// or https:// URL',
    checked.guess
      ? `write the full URL with its scheme, e.g. apiUrl: ${checked.guess}`
      : 'write the API base URL, e.g. apiUrl: http://127.0.0.1:7711 (spotinst-local) or https://api.spotinst.io',
  );
  return undefined;
}

/**
 * An API base URL (provider.spotinst.apiUrl or SPOTINST_API_URL) without its trailing
 * slashes, or, when it is not an http(s) URL, the URL it probably meant (one without a
 * scheme gets http://).
 */
export function checkApiUrl(text: string): { url: string } | { guess?: string } {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return { url: text.replace(/\/+$/, '') };
  const guess = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? undefined : `http://${text}`;
  return guess && isHttpUrl(guess) ? { guess } : {};
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const HOST_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_PATTERN = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*(?::\\d{1,5})?$`);

function validateAlias(value: unknown, path: string, problems: Problems): string | undefined {
  const text = optionalString(value, path, 'the alias host name', 'api.example.com', problems);
  if (text === undefined) return undefined;
  if (HOST_PATTERN.test(text) && text.length <= 253) return text;
  let host: string | undefined;
  if (isHttpUrl(text)) host = new URL(text).host;
  else if (isHttpUrl(`http://${text}`)) host = new URL(`http://${text}`).host;
  const fix =
    host && HOST_PATTERN.test(host)
      ? `write the host name only, without scheme or path: alias: ${host}`
      : 'write a host name such as alias: api.example.com';
  problems.error(path, value, 'alias must be a bare host name (no scheme, path, spaces or query)', fix);
  return undefined;
}

// ---- provider.spotinst.environment --------------------------------------------------

const ENV_ID_PATTERN = /^env-[0-9A-Za-z]+$/;
const PLACEHOLDER_PATTERN = /[<>{}]|^#|\byour\b|x{4}/i;

function validateEnvironment(raw: unknown, stage: string, problems: Problems): EnvironmentTarget {
  const path = 'provider.spotinst.environment';
  const managedDefault: EnvironmentTarget = { kind: 'managed', name: stage };
  const placeholderFix =
    `remove the environment line (or leave it empty) to let the plugin find or create an environment named after the stage ("${stage}"), ` +
    `or put your environment id there, e.g. environment: ${EXAMPLE_ENV_ID}`;

  if (raw === undefined || raw === null) return managedDefault;

  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text === '') return managedDefault;
    if (PLACEHOLDER_PATTERN.test(text)) {
      problems.error(path, raw, `"${text}" is a placeholder left from the template, not an environment id`, placeholderFix);
      return managedDefault;
    }
    if (ENV_ID_PATTERN.test(text)) return { kind: 'id', id: text };
    const idInside = /env-[0-9A-Za-z]+/.exec(text);
    problems.error(
      path,
      raw,
      'environment as a string must be an environment id of the form env-<id>, e.g. env-1a2b3c4d',
      idInside
        ? `write the id alone: environment: ${idInside[0]}`
        : `write the id of an existing environment (environment: ${EXAMPLE_ENV_ID}), or name the environment to find or create: environment: {name: ${text}}`,
    );
    return managedDefault;
  }

  if (!isMap(raw)) {
    problems.error(
      path,
      raw,
      'environment must be an environment id (env-…) or a map {name, providers, locations, strategy}',
      `write environment: ${EXAMPLE_ENV_ID}, or environment: {name: ${stage}, providers: [aws], strategy: least-expensive}, or remove the line`,
    );
    return managedDefault;
  }

  const entries = Object.entries(raw);
  const unknown = entries.filter(([key]) => !isOneOf(ENVIRONMENT_KEYS, key));

  // `environment: {Your Environment}` is YAML for `{ 'Your Environment': null }`.
  if (entries.length > 0 && unknown.length === entries.length && entries.every(([, value]) => value === null)) {
    const key = entries[0][0];
    if (entries.length === 1 && ENV_ID_PATTERN.test(key.trim()) && !PLACEHOLDER_PATTERN.test(key)) {
      problems.error(
        path,
        raw,
        `the environment id is wrapped in braces: YAML reads "environment: {${key}}" as a map with the key "${key}" and no value`,
        `remove the braces: environment: ${key.trim()}`,
      );
    } else {
      const written = `{${entries.map(([k]) => k).join(', ')}}`;
      problems.error(
        path,
        raw,
        `${written} is the template placeholder left in place: YAML reads "environment: ${written}" as a map with the key "${key}" and no value, not as an environment`,
        placeholderFix,
      );
    }
    return managedDefault;
  }

  for (const [key, value] of unknown) {
    problems.error(
      joinPath(path, key),
      value,
      `"${key}" is not a key of an environment map (known: ${ENVIRONMENT_KEYS.join(', ')})`,
      unknownKeyFix(key, ENVIRONMENT_KEYS),
    );
  }

  const target: EnvironmentTarget = { kind: 'managed', name: stage };
  const name = optionalString(raw.name, `${path}.name`, 'the environment name', stage, problems);
  if (name !== undefined) target.name = name;

  const providers = validateProviders(raw.providers, `${path}.providers`, problems);
  if (providers) target.providers = providers;

  const locations = validateLocations(raw.locations, `${path}.locations`, problems);
  if (locations) target.locations = locations;

  if (raw.strategy !== undefined && raw.strategy !== null) {
    const strategy = raw.strategy;
    if (isOneOf(STRATEGIES, strategy)) {
      target.strategy = strategy;
    } else {
      const suggestion = typeof strategy === 'string' ? closest(strategy, STRATEGIES) : undefined;
      problems.error(
        `${path}.strategy`,
        strategy,
        `strategy must be one of ${STRATEGIES.join(', ')}`,
        suggestion ? `use strategy: ${suggestion}` : `use one of: ${STRATEGIES.join(', ')}`,
      );
    }
  }
  return target;
}

function validateProviders(raw: unknown, path: string, problems: Problems): CloudProvider[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const list = CLOUD_PROVIDERS.join(', ');
  if (!Array.isArray(raw)) {
    const fix =
      typeof raw === 'string' && isOneOf(CLOUD_PROVIDERS, raw.toLowerCase())
        ? `write a list: providers: [${raw.toLowerCase()}]`
        : `write a list of clouds, e.g. providers: [aws, gcp] (any of ${list})`;
    problems.error(path, raw, 'providers must be a list of cloud providers', fix);
    return undefined;
  }
  if (raw.length === 0) {
    problems.error(
      path,
      raw,
      'providers must list at least one cloud',
      `list the eligible clouds, e.g. providers: [aws] (any of ${list}), or remove the key`,
    );
    return undefined;
  }
  const result: CloudProvider[] = [];
  raw.forEach((item: unknown, index) => {
    const itemPath = `${path}[${index}]`;
    if (isOneOf(CLOUD_PROVIDERS, item)) {
      if (!result.includes(item)) result.push(item);
      return;
    }
    const lower = typeof item === 'string' ? item.toLowerCase() : undefined;
    const suggestion =
      lower && isOneOf(CLOUD_PROVIDERS, lower) ? lower : typeof item === 'string' ? closest(item, CLOUD_PROVIDERS) : undefined;
    problems.error(
      itemPath,
      item,
      `"${String(item)}" is not a cloud provider Spotinst runs functions on (${list})`,
      suggestion ? `use ${suggestion}` : `use one of: ${list}`,
    );
  });
  return result;
}

function validateLocations(raw: unknown, path: string, problems: Problems): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    problems.error(
      path,
      raw,
      'locations must be a list of location names',
      typeof raw === 'string' && raw.trim() !== ''
        ? `write a list: locations: [${raw.trim()}]`
        : 'write a list, e.g. locations: [us-east, europe]',
    );
    return undefined;
  }
  const result: string[] = [];
  raw.forEach((item: unknown, index) => {
    if (typeof item === 'string' && item.trim() !== '') {
      result.push(item.trim());
    } else {
      problems.error(
        `${path}[${index}]`,
        item,
        'each location must be a non-empty string',
        'write location names such as us-east, us-west, europe or apac',
      );
    }
  });
  return result;
}

// ---- functions ----------------------------------------------------------------------

interface FunctionContext {
  providerVars: Record<string, string>;
}

const EXAMPLE_FUNCTION_FIX =
  'define each function as a map, e.g. "hello: {runtime: nodejs8.3, handler: handler.main, memory: 128, timeout: 30}"';

function validateFunction(key: string, definition: unknown, context: FunctionContext, problems: Problems): FunctionModel | undefined {
  const path = joinPath('functions', key);
  if (!isMap(definition)) {
    problems.error(path, definition, `the definition of function "${key}" must be a map of settings`, EXAMPLE_FUNCTION_FIX);
    return undefined;
  }

  // Plugin 1.x named remote functions by their key (the environment already separates
  // stages), so existing functions keep matching; `name:` overrides it.
  const name = typeof definition.name === 'string' && definition.name.trim() !== '' ? definition.name : key;

  const runtime = validateRuntime(definition.runtime, `${path}.runtime`, problems);
  const handler = validateHandler(definition.handler, `${path}.handler`, runtime.family, problems);
  const memory = validateStepRange(
    definition.memory,
    `${path}.memory`,
    {
      ...MEMORY_RULE,
      fallback: DEFAULT_MEMORY_MB,
      unit: 'MB',
      key: 'memory',
    },
    problems,
  );
  const timeout = validateStepRange(
    definition.timeout,
    `${path}.timeout`,
    {
      ...TIMEOUT_RULE,
      fallback: DEFAULT_TIMEOUT_S,
      unit: 'seconds',
      key: 'timeout',
    },
    problems,
  );
  const access = validateAccess(definition.access, `${path}.access`, problems);
  const ownVars = validateEnvironmentVariables(definition.environmentVariables, `${path}.environmentVariables`, problems);

  const fn: FunctionModel = {
    key,
    name,
    runtime: runtime.name,
    handler,
    memory,
    timeout,
    access,
    environmentVariables: { ...context.providerVars, ...ownVars },
  };

  const cron = validateCron(definition.cron, `${path}.cron`, problems);
  if (cron) fn.cron = cron;
  const endpoint = validateEndpoint(definition.endpoint, `${path}.endpoint`, problems);
  if (endpoint) fn.endpoint = endpoint;
  const cors = validateCors(definition.cors, `${path}.cors`, problems);
  if (cors) fn.cors = cors;
  const activeVersions = validateActiveVersions(definition.activeVersions, `${path}.activeVersions`, problems);
  if (activeVersions) fn.activeVersions = activeVersions;
  const iamRoleConfig = validateIamRoleConfig(definition.iamRoleConfig, `${path}.iamRoleConfig`, problems);
  if (iamRoleConfig) fn.iamRoleConfig = iamRoleConfig;
  const parameters = validateParameters(definition.parameters, `${path}.parameters`, problems);
  if (parameters) fn.parameters = parameters;
  return fn;
}

/** Rules that involve more than one function: remote names and endpoint patterns must not clash. */
function checkCrossFunctionRules(functions: FunctionModel[], rawFunctions: Record<string, unknown>, problems: Problems): void {
  const byName = new Map<string, string>();
  for (const fn of functions) {
    const other = byName.get(fn.name);
    if (other !== undefined) {
      const definition = rawFunctions[fn.key];
      const explicit = isMap(definition) && typeof definition.name === 'string';
      problems.error(
        explicit ? `${joinPath('functions', fn.key)}.name` : joinPath('functions', fn.key),
        fn.name,
        `functions "${other}" and "${fn.key}" would both be deployed under the remote name "${fn.name}"`,
        `give one of them another name, e.g. name: ${fn.name}-2`,
      );
    } else {
      byName.set(fn.name, fn.key);
    }
  }

  const byPattern = new Map<string, { key: string; method: PatternMethod }[]>();
  for (const fn of functions) {
    if (!fn.endpoint) continue;
    const seen = byPattern.get(fn.endpoint.path) ?? [];
    const clash = seen.find((entry) => entry.method === fn.endpoint?.method || entry.method === 'ALL' || fn.endpoint?.method === 'ALL');
    if (clash) {
      problems.error(
        `${joinPath('functions', fn.key)}.endpoint`,
        { path: fn.endpoint.path, method: fn.endpoint.method },
        `function "${clash.key}" already serves ${clash.method} ${fn.endpoint.path}, so requests could not be routed to one function`,
        'give this endpoint another path, or other non-overlapping methods',
      );
    }
    seen.push({ key: fn.key, method: fn.endpoint.method });
    byPattern.set(fn.endpoint.path, seen);
  }
}

// ---- runtime and handler ------------------------------------------------------------

interface RuntimeResult {
  name: string;
  family?: RuntimeFamily;
}

const DOCUMENTED_LIST = DOCUMENTED_RUNTIMES.join(', ');
const NEWER_EXAMPLE: Record<RuntimeFamily, string> = { nodejs: 'nodejs20', python: 'python3.12', ruby: 'ruby3.3', java: 'java17' };
const FAMILY_ALIASES: readonly [RegExp, RuntimeFamily][] = [
  [/^node/i, 'nodejs'],
  [/^py/i, 'python'],
  [/^(ruby|rb)/i, 'ruby'],
  [/^(java|jdk|jvm)/i, 'java'],
];

function documentedOf(family: RuntimeFamily): string[] {
  return DOCUMENTED_RUNTIMES.filter((name) => parseRuntime(name)?.family === family);
}

function guessFamily(text: string): RuntimeFamily | undefined {
  return FAMILY_ALIASES.find(([pattern]) => pattern.test(text))?.[1];
}

function validateRuntime(raw: unknown, path: string, problems: Problems): RuntimeResult {
  const listFix = `use one of the documented runtimes: ${DOCUMENTED_LIST} (newer versions of these families, e.g. nodejs20 or python3.12, are accepted with a warning)`;
  if (raw === undefined || raw === null || raw === '') {
    problems.error(path, raw, 'runtime is required', `add a runtime, e.g. runtime: nodejs8.3 (documented runtimes: ${DOCUMENTED_LIST})`);
    return { name: '' };
  }
  if (typeof raw !== 'string') {
    problems.error(path, raw, 'runtime must be a runtime name such as nodejs8.3', listFix);
    return { name: String(raw), family: undefined };
  }
  const name = raw.trim();
  const parsed = parseRuntime(name);
  if (parsed) {
    if (parsed.documented) return { name, family: parsed.family };
    const oldest = oldestDocumentedVersion(parsed.family);
    if (compareVersions(parsed.version, oldest) < 0) {
      problems.error(
        path,
        raw,
        `runtime ${name} is older than the oldest ${parsed.family} runtime Spotinst Functions had (${parsed.family}${oldest.join('.')})`,
        `use ${documentedOf(parsed.family).join(' or ')} (documented runtimes: ${DOCUMENTED_LIST})`,
      );
      return { name, family: parsed.family };
    }
    problems.warn(
      path,
      raw,
      `runtime ${name} is not one of the documented ${parsed.family} runtimes (${documentedOf(parsed.family).join(', ')}); it is newer, so it is accepted, but the Spotinst cloud may reject it`,
      `keep it if your platform runs it; otherwise use ${documentedOf(parsed.family).join(' or ')}`,
    );
    return { name, family: parsed.family };
  }

  // AWS Lambda style: nodejs20.x, java8.al2, python3.12 is fine already.
  const awsStyle = /^(nodejs|python|ruby|java)(\d+(?:\.\d+)*)\.(x|al2|al2023)$/i.exec(name);
  if (awsStyle) {
    const suggestion = `${awsStyle[1].toLowerCase()}${awsStyle[2]}`;
    const suggested = parseRuntime(suggestion);
    const usable = suggested && compareVersions(suggested.version, oldestDocumentedVersion(suggested.family)) >= 0;
    problems.error(
      path,
      raw,
      `runtime ${name} is an AWS Lambda runtime name; Spotinst runtimes have no ".${awsStyle[3]}" suffix`,
      usable ? `use ${suggestion} (documented runtimes: ${DOCUMENTED_LIST})` : listFix,
    );
    return { name, family: suggested?.family };
  }

  const lower = name.toLowerCase();
  if (lower !== name && parseRuntime(lower)) {
    problems.error(path, raw, `runtime ${name} is not a runtime name: runtime names are lower case`, `use ${lower}`);
    return { name, family: parseRuntime(lower)?.family };
  }

  const family = guessFamily(name);
  const near = closest(name, DOCUMENTED_RUNTIMES);
  problems.error(
    path,
    raw,
    `runtime ${name} is not a runtime Spotinst Functions runs (families: ${RUNTIME_FAMILIES.join(', ')})`,
    near
      ? `did you mean ${near}? Documented runtimes: ${DOCUMENTED_LIST}`
      : family
        ? `use ${documentedOf(family).join(' or ')}, or a newer ${family} version such as ${NEWER_EXAMPLE[family]} (documented runtimes: ${DOCUMENTED_LIST})`
        : listFix,
  );
  return { name, family };
}

const JS_IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const JAVA_CLASS = /^[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*$/;
const FILE_EXTENSIONS: Record<RuntimeFamily, string[]> = {
  nodejs: ['js', 'mjs', 'cjs', 'ts'],
  python: ['py'],
  ruby: ['rb'],
  java: ['java', 'class', 'jar'],
};

function validateHandler(raw: unknown, path: string, family: RuntimeFamily | undefined, problems: Problems): string {
  const example = family === 'java' ? 'com.serverless.Handler' : 'handler.main';
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    problems.error(
      path,
      raw,
      'handler is required',
      family === 'java'
        ? `add the fully qualified class name, e.g. handler: ${example}`
        : `add file.function, e.g. handler: ${example} for the function "main" exported by handler${family ? `.${FILE_EXTENSIONS[family][0]}` : ''}`,
    );
    return '';
  }
  if (typeof raw !== 'string') {
    problems.error(path, raw, 'handler must be a string', `write handler: ${example}`);
    return String(raw);
  }
  const handler = raw.trim();
  if (family === 'java') {
    validateJavaHandler(handler, raw, path, problems);
    return handler;
  }
  validateFileFunctionHandler(handler, raw, path, family, problems);
  return handler;
}

function validateJavaHandler(handler: string, raw: string, path: string, problems: Problems): void {
  if (handler.includes('::')) {
    const className = handler.split('::')[0];
    problems.error(
      path,
      raw,
      'a java handler is a class name only: "Class::method" is the AWS Lambda form, Spotinst calls handleRequest(Request, Context) on the class',
      JAVA_CLASS.test(className) ? `use ${className}` : 'write the fully qualified class name, e.g. com.serverless.Handler',
    );
    return;
  }
  let suggestion: string | undefined;
  let problem = 'a java handler must be a fully qualified class name (dotted identifiers), e.g. com.serverless.Handler';
  const withoutExtension = handler.replace(/\.(java|class)$/, '');
  if (withoutExtension !== handler) {
    problem = 'a java handler is a class name, not a file name';
    suggestion = withoutExtension.replace(/[/\\]/g, '.');
  } else if (/[/\\]/.test(handler)) {
    problem = 'a java handler is a class name with dots, not a path';
    suggestion = handler.replace(/^src\/main\/java\//, '').replace(/[/\\]/g, '.');
  }
  if (suggestion !== undefined || !JAVA_CLASS.test(handler)) {
    problems.error(
      path,
      raw,
      problem,
      suggestion && JAVA_CLASS.test(suggestion) ? `use ${suggestion}` : 'write the fully qualified class name, e.g. com.serverless.Handler',
    );
  }
}

function validateFileFunctionHandler(
  handler: string,
  raw: string,
  path: string,
  family: RuntimeFamily | undefined,
  problems: Problems,
): void {
  const identifier = family === 'python' || family === 'ruby' ? PLAIN_IDENTIFIER : JS_IDENTIFIER;
  const shape =
    'a handler must be file.function (the file path without extension, a dot, then the exported function), e.g. handler.main or src/handler.main';
  const report = (problem: string, suggestion?: string): void =>
    problems.error(path, raw, problem, suggestion ? `use ${suggestion}` : 'write file.function, e.g. handler: handler.main');

  if (/\s/.test(handler)) {
    report(`${shape}; it must not contain spaces`, handler.replace(/\s+/g, ''));
    return;
  }
  if (/\(\)?$/.test(handler)) {
    report(`${shape}, without parentheses`, handler.replace(/\(\)?$/, ''));
    return;
  }
  const colon = /^([^:]+)::?([^:]+)$/.exec(handler);
  if (colon) {
    report(
      `${shape}: the file and the function are separated by a dot, not a colon`,
      `${colon[1].replace(/\.[A-Za-z]+$/, '')}.${colon[2]}`,
    );
    return;
  }
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) {
    report(
      `${shape}; "${handler}" has no function part`,
      JS_IDENTIFIER.test(handler)
        ? `handler.${handler} (if the function "${handler}" is in handler${family ? `.${FILE_EXTENSIONS[family][0]}` : '.js'})`
        : undefined,
    );
    return;
  }
  const file = handler.slice(0, dot);
  const fn = handler.slice(dot + 1);
  if (handler.startsWith('/') || file.split('/').includes('..') || file.endsWith('/')) {
    report(`${shape}; the file path must be relative to the service directory and stay inside it`);
    return;
  }
  const extensions = family ? FILE_EXTENSIONS[family] : ['js', 'mjs', 'cjs', 'py', 'rb'];
  if (extensions.includes(fn)) {
    report(`${shape}; "${handler}" names the file but not the function`, `${file}.main (if the function is named "main")`);
    return;
  }
  if (!identifier.test(fn)) {
    report(`${shape}; the function part "${fn}" is not a valid function name`);
  }
}

// ---- memory, timeout, access --------------------------------------------------------

interface StepRule {
  min: number;
  max: number;
  step: number;
  fallback: number;
  unit: string;
  key: string;
}

function nearestValid(value: number, rule: StepRule): number {
  const rounded = Math.round(value / rule.step) * rule.step;
  return Math.min(rule.max, Math.max(rule.min, rounded));
}

function validateStepRange(raw: unknown, path: string, rule: StepRule, problems: Problems): number {
  if (raw === undefined || raw === null) return rule.fallback;
  const requirement = `${rule.key} must be a whole number of ${rule.unit}, a multiple of ${rule.step} between ${rule.min} and ${rule.max}`;
  let value: number | undefined;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && /^\s*[+-]?\d+(?:\.\d+)?\s*$/.test(raw)) value = Number(raw);

  if (value === undefined || !Number.isFinite(value)) {
    const leading = typeof raw === 'string' ? Number.parseFloat(raw) : Number.NaN;
    const suggestion = Number.isFinite(leading) ? nearestValid(leading, rule) : rule.fallback;
    problems.error(path, raw, `${requirement}, written without a unit`, `use ${suggestion}`);
    return rule.fallback;
  }
  if (!inStepRange(value, rule)) {
    problems.error(path, raw, requirement, `use ${nearestValid(value, rule)}`);
    return rule.fallback;
  }
  return value;
}

function validateAccess(raw: unknown, path: string, problems: Problems): Access {
  if (raw === undefined || raw === null) return DEFAULT_ACCESS;
  if (raw === 'private' || raw === 'public') return raw;
  const lower = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  const suggestion =
    lower === 'private' || lower === 'public' ? lower : typeof raw === 'string' ? closest(raw, ['private', 'public']) : undefined;
  problems.error(
    path,
    raw,
    'access must be private (calls need the token) or public (anyone with the URL)',
    suggestion ? `use ${suggestion}` : 'use private or public',
  );
  return DEFAULT_ACCESS;
}

// ---- environment variables ----------------------------------------------------------

function validateEnvironmentVariables(raw: unknown, path: string, problems: Problems): Record<string, string> {
  const result: Record<string, string> = {};
  if (raw === undefined || raw === null) return result;
  if (!isMap(raw)) {
    problems.error(
      path,
      raw,
      'environmentVariables must be a map of NAME: value',
      Array.isArray(raw)
        ? 'write a map instead of a list, e.g. environmentVariables: {KEY: value}'
        : 'write a map, e.g. environmentVariables: {KEY: value}',
    );
    return result;
  }
  for (const [name, value] of Object.entries(raw)) {
    const itemPath = joinPath(path, name);
    let nameOk = true;
    if (!ENV_NAME_PATTERN.test(name)) {
      nameOk = false;
      const sanitized = name
        .trim()
        .replace(/[^A-Za-z0-9_]+/g, '_')
        .replace(/^(?=\d)/, '_');
      const placeholder = value === null && !/[A-Za-z0-9]/.test(name);
      problems.error(
        itemPath,
        value,
        placeholder
          ? `"${name}" is a placeholder, not an environment variable`
          : `"${name}" is not a valid environment variable name (letters, digits and _, not starting with a digit)`,
        /[A-Za-z0-9]/.test(sanitized)
          ? `rename it, e.g. ${sanitized}`
          : `remove it, or write real variables, e.g. ${lastKey(path)}: {LOG_LEVEL: info}`,
      );
    } else if (isOneOf(RESERVED_ENV_NAMES, name)) {
      nameOk = false;
      problems.error(
        itemPath,
        value,
        `${name} is reserved: the platform sets it for every invocation`,
        `remove it, or use another name such as MY_${name.replace(/^SPOTINST_/, '')}`,
      );
    }
    if (value instanceof Date) {
      problems.warn(
        itemPath,
        envValue(value),
        `YAML read the value of ${name} as a date, so it is sent as ${JSON.stringify(envValue(value))}`,
        `quote the value to keep the text exactly as written, e.g. ${name}: '...'`,
      );
    }
    const text = envValue(value);
    if (text === undefined) {
      let json: string;
      try {
        json = JSON.stringify(value);
      } catch {
        json = '...';
      }
      problems.error(
        itemPath,
        value,
        `the value of ${name} is a ${Array.isArray(value) ? 'list' : 'map'}; environment variable values are strings`,
        `quote it as a string or JSON.stringify it, e.g. ${name}: '${json}'`,
      );
      continue;
    }
    if (nameOk) result[name] = text;
  }
  return result;
}

/** Scalars become strings the way the API stores them; undefined for maps and lists. */
function envValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return String(value);
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  return undefined;
}

// ---- cron ---------------------------------------------------------------------------

const CRON_KEYS = ['active', 'value'] as const;
const CRON_EXAMPLE = "'*/5 * * * *' (every 5 minutes)";
const CRON_KEY_ALIASES: Record<string, string> = {
  enabled: 'active',
  isEnabled: 'active',
  expression: 'value',
  cronExpression: 'value',
  schedule: 'value',
  rate: 'value',
};
const CRON_MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function validateCron(raw: unknown, path: string, problems: Problems): CronTrigger | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isMap(raw)) {
    const checked = typeof raw === 'string' ? checkCronExpression(raw) : undefined;
    problems.error(
      path,
      raw,
      'cron must be a map {active, value}',
      typeof raw === 'string' && checked?.ok
        ? `write cron: {active: true, value: '${raw.trim()}'}`
        : `write cron: {active: true, value: ${CRON_EXAMPLE.split(' (')[0]}}`,
    );
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!isOneOf(CRON_KEYS, key)) {
      problems.error(
        joinPath(path, key),
        raw[key],
        `"${key}" is not a key of cron (known: active, value)`,
        unknownKeyFix(key, CRON_KEYS, CRON_KEY_ALIASES),
      );
    }
  }

  let active = true;
  if (raw.active !== undefined && raw.active !== null) {
    if (typeof raw.active === 'boolean') active = raw.active;
    else problems.error(`${path}.active`, raw.active, 'cron.active must be true or false', booleanFix('active', raw.active, true));
  }

  const value = raw.value;
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    problems.error(`${path}.value`, value, 'cron.value is required: the cron expression', `add value: ${CRON_EXAMPLE}`);
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.error(`${path}.value`, value, 'cron.value must be a cron expression string', `quote it, e.g. value: ${CRON_EXAMPLE}`);
    return undefined;
  }
  const checked = checkCronExpression(value);
  if (!checked.ok) {
    problems.error(`${path}.value`, value, checked.problem, checked.fix);
    return undefined;
  }
  return { active, expression: value.trim() };
}

type CronCheck = { ok: true } | { ok: false; problem: string; fix: string };

/** 5 fields, or 6 with seconds first, as cron-parser (and spotinst-local) read them. */
export function checkCronExpression(expression: string): CronCheck {
  const text = expression.trim();
  const general = `a cron expression has 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first`;
  const example = `e.g. value: ${CRON_EXAMPLE}`;

  const aws = /^(cron|rate)\((.*)\)$/i.exec(text);
  if (aws) {
    const converted = aws[1].toLowerCase() === 'rate' ? convertRate(aws[2]) : convertAwsCron(aws[2]);
    return {
      ok: false,
      problem: `"${text}" is AWS EventBridge schedule syntax; ${general}`,
      fix: converted ? `use '${converted}'` : `write a standard cron expression, ${example}`,
    };
  }
  if (text.startsWith('@')) {
    const macro = CRON_MACROS[text.toLowerCase()];
    return {
      ok: false,
      problem: `"${text}" is a cron macro, not an expression; ${general}`,
      fix: macro ? `use '${macro}'` : `write a standard cron expression, ${example}`,
    };
  }
  const fields = text.split(/\s+/).filter((field) => field !== '');
  if (fields.length === 7) {
    const withoutYear = fields
      .slice(0, 6)
      .map((field) => (field === '?' ? '*' : field))
      .join(' ');
    return {
      ok: false,
      problem: `the expression has 7 fields (a year field, Quartz style), which is not supported; ${general}`,
      fix: `drop the year field: '${withoutYear}', or write 5 fields, ${example}`,
    };
  }
  if (fields.length !== 5 && fields.length !== 6) {
    return {
      ok: false,
      problem: `the expression has ${fields.length} field${fields.length === 1 ? '' : 's'}; ${general}`,
      fix: `write all 5 fields, ${example}`,
    };
  }
  try {
    parseExpression(fields.join(' '));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      problem: `"${text}" is not a valid cron expression: ${reason}`,
      fix: `correct the field in error (minute 0-59, hour 0-23, day 1-31, month 1-12, day-of-week 0-7), ${example}`,
    };
  }
  return { ok: true };
}

function convertRate(body: string): string | undefined {
  const match = /^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$/i.exec(body);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2].toLowerCase();
  if (amount <= 0) return undefined;
  if (unit.startsWith('minute')) return amount === 1 ? '* * * * *' : amount < 60 ? `*/${amount} * * * *` : undefined;
  if (unit.startsWith('hour')) return amount === 1 ? '0 * * * *' : amount < 24 ? `0 */${amount} * * *` : undefined;
  return amount === 1 ? '0 0 * * *' : amount <= 31 ? `0 0 */${amount} * *` : undefined;
}

function convertAwsCron(body: string): string | undefined {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) return undefined;
  const candidate = fields
    .slice(0, 5)
    .map((field) => (field === '?' ? '*' : field))
    .join(' ');
  try {
    parseExpression(candidate);
    return candidate;
  } catch {
    return undefined;
  }
}

// ---- endpoint -----------------------------------------------------------------------

const ENDPOINT_KEYS = ['path', 'method'] as const;

function validateEndpoint(raw: unknown, path: string, problems: Problems): EndpointTrigger | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isMap(raw)) {
    problems.error(
      path,
      raw,
      'endpoint must be a map {path, method}',
      typeof raw === 'string' && raw.startsWith('/')
        ? `write endpoint: {path: ${raw}, method: get}`
        : 'write endpoint: {path: /hello, method: get}',
    );
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!isOneOf(ENDPOINT_KEYS, key)) {
      problems.error(
        joinPath(path, key),
        raw[key],
        `"${key}" is not a key of endpoint (known: path, method)`,
        unknownKeyFix(key, ENDPOINT_KEYS, { pattern: 'path' }),
      );
    }
  }

  let endpointPath: string | undefined;
  const rawPath = raw.path;
  if (rawPath === undefined || rawPath === null || rawPath === '') {
    problems.error(`${path}.path`, rawPath, 'endpoint.path is required', 'add the path under the alias host, e.g. path: /hello');
  } else if (typeof rawPath !== 'string') {
    problems.error(`${path}.path`, rawPath, 'endpoint.path must be a string starting with /', 'write e.g. path: /hello');
  } else {
    const text = rawPath.trim();
    let fixed = text;
    const issues: string[] = [];
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(fixed)) {
      issues.push('it must be a path, not a URL (the host is provider.spotinst.alias)');
      fixed = fixed.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '') || '/';
    }
    if (/[?#]/.test(fixed)) {
      issues.push('it must not contain a query string or fragment');
      fixed = fixed.replace(/[?#].*$/, '');
    }
    if (/\s/.test(fixed)) {
      issues.push('it must not contain spaces');
      fixed = fixed.replace(/\s+/g, '-');
    }
    if (!fixed.startsWith('/')) {
      issues.push('it must start with /');
      fixed = `/${fixed}`;
    }
    if (issues.length > 0) {
      problems.error(`${path}.path`, rawPath, `endpoint.path is not a valid path: ${issues.join('; ')}`, `use ${fixed}`);
    } else {
      endpointPath = text;
    }
  }

  let method: PatternMethod | undefined;
  const rawMethod = raw.method;
  const methods = PATTERN_METHODS.join(', ');
  if (rawMethod === undefined || rawMethod === null || rawMethod === '') {
    problems.error(
      `${path}.method`,
      rawMethod,
      `endpoint.method is required (${methods})`,
      'add e.g. method: get (or ALL to route every method)',
    );
  } else if (typeof rawMethod !== 'string') {
    problems.error(`${path}.method`, rawMethod, `endpoint.method must be one of ${methods}`, 'write e.g. method: get');
  } else {
    const upper = rawMethod.trim().toUpperCase();
    if (isOneOf(PATTERN_METHODS, upper)) {
      method = upper;
    } else {
      const suggestion = upper === '*' || upper === 'ANY' ? 'ALL' : upper === 'HEAD' ? 'GET (or ALL)' : closest(upper, PATTERN_METHODS);
      problems.error(
        `${path}.method`,
        rawMethod,
        `endpoint.method must be one of ${methods} (any case)`,
        suggestion ? `use ${suggestion}` : `use one of ${methods}`,
      );
    }
  }
  return endpointPath !== undefined && method !== undefined ? { path: endpointPath, method } : undefined;
}

// ---- cors ---------------------------------------------------------------------------

const CORS_KEYS = ['enabled', 'origin', 'headers', 'methods'] as const;
const CORS_KEY_ALIASES: Record<string, string> = {
  allowOrigin: 'origin',
  allowedOrigin: 'origin',
  origins: 'origin',
  allowHeaders: 'headers',
  allowedHeaders: 'headers',
  allowMethods: 'methods',
  allowedMethods: 'methods',
  enable: 'enabled',
  active: 'enabled',
};

function validateCors(raw: unknown, path: string, problems: Problems): CorsConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  let map: Record<string, unknown>;
  if (Array.isArray(raw)) {
    // The old guide wrote cors as a list (one map, or one map per key); both read as one map.
    map = {};
    let ok = true;
    raw.forEach((item: unknown, index) => {
      if (!isMap(item)) {
        ok = false;
        problems.error(
          `${path}[${index}]`,
          item,
          'each item of a cors list must be a map',
          "write cors as one map: cors: {enabled: true, origin: '*'}",
        );
        return;
      }
      for (const [key, value] of Object.entries(item)) {
        if (key in map) {
          ok = false;
          problems.error(
            `${path}[${index}].${key}`,
            value,
            `cors.${key} is given twice`,
            `keep one ${key} and write cors as one map: cors: {enabled: true, origin: '*'}`,
          );
        }
        map[key] = value;
      }
    });
    if (!ok) return undefined;
  } else if (isMap(raw)) {
    map = raw;
  } else {
    problems.error(
      path,
      raw,
      'cors must be a map {enabled, origin, headers, methods}',
      typeof raw === 'boolean' ? `write cors: {enabled: ${String(raw)}}` : "write e.g. cors: {enabled: true, origin: '*'}",
    );
    return undefined;
  }

  for (const key of Object.keys(map)) {
    if (!isOneOf(CORS_KEYS, key)) {
      problems.error(
        joinPath(path, key),
        map[key],
        `"${key}" is not a key of cors (known: ${CORS_KEYS.join(', ')})`,
        unknownKeyFix(key, CORS_KEYS, CORS_KEY_ALIASES),
      );
    }
  }

  const cors: CorsConfig = { enabled: false };
  if (map.enabled !== undefined && map.enabled !== null) {
    if (typeof map.enabled === 'boolean') cors.enabled = map.enabled;
    else problems.error(`${path}.enabled`, map.enabled, 'cors.enabled must be true or false', booleanFix('enabled', map.enabled, true));
  } else if (['origin', 'headers', 'methods'].some((key) => map[key] !== undefined && map[key] !== null)) {
    problems.warn(
      `${path}.enabled`,
      undefined,
      'cors.enabled is not set, so CORS stays disabled (the default) although origin, headers or methods are given',
      'add enabled: true to turn CORS on (or enabled: false to silence this warning)',
    );
  }
  for (const key of ['origin', 'headers', 'methods'] as const) {
    const value = map[key];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      cors[key] = value;
    } else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      problems.error(
        `${path}.${key}`,
        value,
        `cors.${key} must be one comma-separated string, not a list`,
        `write ${key}: '${value.join(',')}'`,
      );
    } else {
      problems.error(
        `${path}.${key}`,
        value,
        `cors.${key} must be a string`,
        key === 'origin'
          ? "write e.g. origin: '*'"
          : key === 'headers'
            ? "write e.g. headers: 'Content-Type,Authorization'"
            : "write e.g. methods: 'GET,POST'",
      );
    }
  }
  return cors;
}

// ---- activeVersions -----------------------------------------------------------------

const ACTIVE_VERSION_KEYS = ['version', 'percentage'] as const;
const ACTIVE_VERSIONS_EXAMPLE = 'activeVersions: [{version: $LATEST, percentage: 100}]';

function validateActiveVersions(raw: unknown, path: string, problems: Problems): ActiveVersion[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    problems.error(
      path,
      raw,
      'activeVersions must be a list of {version, percentage}',
      isMap(raw) && 'version' in raw
        ? `write it as a list: activeVersions: [{version: ${String(raw.version)}, percentage: 100}]`
        : `write e.g. ${ACTIVE_VERSIONS_EXAMPLE}`,
    );
    return undefined;
  }
  if (raw.length === 0) {
    problems.error(path, raw, 'activeVersions must list at least one version', `write ${ACTIVE_VERSIONS_EXAMPLE}, or remove the key`);
    return undefined;
  }

  const result: ActiveVersion[] = [];
  const seen = new Map<string, number>();
  let allPercentagesValid = true;
  let totalHundredths = 0;

  raw.forEach((item: unknown, index) => {
    const itemPath = `${path}[${index}]`;
    if (!isMap(item)) {
      allPercentagesValid = false;
      problems.error(
        itemPath,
        item,
        'each activeVersions item must be a map {version, percentage}',
        'write e.g. - {version: $LATEST, percentage: 100}',
      );
      return;
    }
    for (const key of Object.keys(item)) {
      if (!isOneOf(ACTIVE_VERSION_KEYS, key)) {
        problems.error(
          joinPath(itemPath, key),
          item[key],
          `"${key}" is not a key of an activeVersions item (known: version, percentage)`,
          unknownKeyFix(key, ACTIVE_VERSION_KEYS, { weight: 'percentage', percent: 'percentage' }),
        );
      }
    }

    const version = parseVersionRef(item.version, `${itemPath}.version`, problems);
    if (version !== undefined) {
      const id = String(version);
      const first = seen.get(id);
      if (first !== undefined) {
        problems.error(
          `${itemPath}.version`,
          item.version,
          `version ${id} is listed twice (also at activeVersions[${first}])`,
          'merge the two entries into one whose percentage is their sum',
        );
      } else {
        seen.set(id, index);
      }
    }

    const hundredths = parsePercentage(item.percentage, `${itemPath}.percentage`, problems);
    if (hundredths === undefined) allPercentagesValid = false;
    else totalHundredths += hundredths;

    if (version !== undefined && hundredths !== undefined) result.push({ version, percentage: hundredths / 100 });
  });

  if (allPercentagesValid && totalHundredths !== 10000) {
    const difference = 10000 - totalHundredths;
    const listed = raw.map((item: unknown) => (isMap(item) ? String(item.percentage) : '?')).join(' + ');
    problems.error(
      path,
      raw,
      `the percentages add up to ${formatHundredths(totalHundredths)} (${listed}); they must add up to exactly 100`,
      difference > 0
        ? `add ${formatHundredths(difference)} to one of the percentages`
        : `take ${formatHundredths(-difference)} off the percentages`,
    );
  }
  return result.length === raw.length ? result : undefined;
}

function parseVersionRef(raw: unknown, path: string, problems: Problems): VersionRef | undefined {
  if (raw === '$LATEST') return '$LATEST';
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return raw;
  if (typeof raw === 'string' && /^\s*\d+\s*$/.test(raw)) return Number(raw);
  const fixFor = (): string => {
    if (typeof raw === 'string' && /^\$?latest$/i.test(raw.trim())) return 'use $LATEST (upper case, with the $)';
    if (typeof raw === 'number' && Number.isFinite(raw))
      return raw < 0
        ? `use a version number 0 or above, e.g. ${Math.abs(Math.trunc(raw))}`
        : `use a whole version number, e.g. ${Math.trunc(raw)}`;
    return 'use $LATEST or a version number such as 2';
  };
  if (raw === undefined || raw === null) {
    problems.error(path, raw, 'version is required in every activeVersions item', 'add version: $LATEST or a version number such as 2');
  } else {
    problems.error(path, raw, 'version must be $LATEST or a non-negative whole version number', fixFor());
  }
  return undefined;
}

/** The percentage in integer hundredths, so that sums are exact. */
function parsePercentage(raw: unknown, path: string, problems: Problems): number | undefined {
  let value: number | undefined;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && /^\s*[+-]?\d+(?:\.\d+)?\s*$/.test(raw)) value = Number(raw);
  if (raw === undefined || raw === null) {
    problems.error(path, raw, 'percentage is required in every activeVersions item', 'add e.g. percentage: 100');
    return undefined;
  }
  if (value === undefined || !Number.isFinite(value)) {
    problems.error(path, raw, 'percentage must be a number greater than 0 and at most 100', 'write e.g. percentage: 20 (without %)');
    return undefined;
  }
  if (value <= 0 || value > 100) {
    problems.error(
      path,
      raw,
      'percentage must be greater than 0 and at most 100',
      value <= 0 ? 'remove this entry, or give it a positive share such as 10' : 'use at most 100',
    );
    return undefined;
  }
  const hundredths = Math.round(value * 100);
  if (Math.abs(value * 100 - hundredths) > 1e-6) {
    problems.error(path, raw, 'percentage may have at most two decimals', `use ${formatHundredths(hundredths)}`);
    return undefined;
  }
  return hundredths;
}

function formatHundredths(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  const whole = Math.floor(abs / 100);
  const fraction = abs % 100;
  if (fraction === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}`;
}

// ---- iamRoleConfig and parameters ---------------------------------------------------

function validateIamRoleConfig(raw: unknown, path: string, problems: Problems): { roleId: string } | undefined {
  if (raw === undefined || raw === null) return undefined;
  const example = 'iamRoleConfig: {roleId: sfr-5ea76784}';
  if (!isMap(raw)) {
    let fix = `write ${example}`;
    if (typeof raw === 'string' && raw.trim() !== '') fix = `write iamRoleConfig: {roleId: ${raw.trim()}}`;
    else if (Array.isArray(raw) && raw.length === 1 && isMap(raw[0])) {
      const id = raw[0].roleId ?? raw[0].id;
      if (typeof id === 'string' && id.trim() !== '') fix = `write it as a map: iamRoleConfig: {roleId: ${id.trim()}}`;
    }
    problems.error(path, raw, 'iamRoleConfig must be a map {roleId}', fix);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (key !== 'roleId') {
      problems.error(
        joinPath(path, key),
        raw[key],
        `"${key}" is not a key of iamRoleConfig (known: roleId)`,
        unknownKeyFix(key, ['roleId'], { id: 'roleId', role: 'roleId', roleID: 'roleId' }),
      );
    }
  }
  const roleId = raw.roleId;
  if (typeof roleId === 'string' && roleId.trim() !== '') return { roleId: roleId.trim() };
  problems.error(
    `${path}.roleId`,
    roleId,
    roleId === undefined || roleId === null || roleId === '' ? 'iamRoleConfig.roleId is required' : 'iamRoleConfig.roleId must be a string',
    `write the Spotinst role id, e.g. ${example}, or remove iamRoleConfig`,
  );
  return undefined;
}

function validateParameters(raw: unknown, path: string, problems: Problems): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (isMap(raw)) return cloneDeep(raw);
  let fix = 'write a map of the default event data, e.g. parameters: {name: world}';
  if (typeof raw === 'string') {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (isMap(parsed)) fix = `write it as a YAML map instead of a JSON string, e.g. parameters: ${JSON.stringify(parsed)}`;
    } catch {
      // not JSON: keep the general fix
    }
  }
  problems.error(path, raw, 'parameters must be a map (the default event data for invoke and invoke local)', fix);
  return undefined;
}

// ---- helpers ------------------------------------------------------------------------

function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** `functions` + `hello` → `functions.hello`; odd keys are quoted: `x["my key"]`. */
function joinPath(base: string, key: string): string {
  return /^[A-Za-z0-9_$-]+$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

function lastKey(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot === -1 ? path : path.slice(dot + 1);
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function booleanFix(key: string, value: unknown, example: boolean): string {
  if (typeof value === 'string' && /^(true|false|yes|no|on|off)$/i.test(value.trim())) {
    const truthy = /^(true|yes|on)$/i.test(value.trim());
    return `write ${key}: ${String(truthy)} (without quotes)`;
  }
  return `write ${key}: ${String(example)} or ${key}: ${String(!example)}`;
}

function unknownKeyFix(key: string, known: readonly string[], aliases: Record<string, string> = {}): string {
  const suggestion = aliases[key] ?? closest(key, known);
  return suggestion ? `did you mean ${suggestion}? Rename the key, or remove it` : `remove it; the known keys are ${known.join(', ')}`;
}

/** The closest candidate by edit distance, when it is close enough to be a typo. */
function closest(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = levenshtein(needle, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.min(3, Math.max(1, Math.floor(Math.max(needle.length, best.length) / 3)));
  return bestDistance <= limit ? best : undefined;
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
function levenshtein(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2][j - 2] + 1);
      rows[i][j] = best;
    }
  }
  return rows[a.length][b.length];
}

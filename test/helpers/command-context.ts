/**
 * Fake CommandContexts for the invoke, invoke local and logs command modules: writers that
 * record what would reach stdout and stderr, and a provider that is either a plain object
 * (any ServiceModel, even one validation would refuse, like a 1 s timeout) or a real
 * SpotinstProvider over a fake `serverless`.
 */
import type { SpotinstClient } from '../../src/api';
import type { FunctionCommandContext, CommandProvider } from '../../src/provider/port';
import type { Credentials } from '../../src/provider/credentials';
import type { FunctionModel, ServiceModel } from '../../src/framework/service-model';
import { SpotinstProvider } from '../../src/provider/provider';
import { SpotinstError } from '../../src/framework/errors';
import type { CliOptions, PluginLog, ServerlessLike } from '../../src/framework/serverless';

export type Level = 'error' | 'warning' | 'notice' | 'info' | 'debug' | 'verbose' | 'success';

export interface Output {
  /** every writeText call, each joined as the framework joins arrays */
  stdout: string[];
  stderr: Array<{ level: Level; text: string }>;
  /** stdout as one text, lines joined with \n */
  readonly out: string;
  /** stderr lines (all levels), joined with \n */
  readonly err: string;
  /** stderr lines a user sees without --verbose */
  readonly visibleErr: string;
}

export function recordingWriters(): { log: PluginLog; writeText: (text: string | string[]) => void; output: Output } {
  const stdout: string[] = [];
  const stderr: Array<{ level: Level; text: string }> = [];
  const at =
    (level: Level) =>
    (...text: string[]): void => {
      stderr.push({ level, text: text.join(' ') });
    };
  const log: PluginLog = Object.assign(at('notice'), {
    error: at('error'),
    warning: at('warning'),
    notice: at('notice'),
    info: at('info'),
    debug: at('debug'),
    verbose: at('verbose'),
    success: at('success'),
  });
  const writeText = (text: string | string[]): void => {
    stdout.push(Array.isArray(text) ? text.join('\n') : text);
  };
  const output: Output = {
    stdout,
    stderr,
    get out() {
      return stdout.join('\n');
    },
    get err() {
      return stderr.map((entry) => entry.text).join('\n');
    },
    get visibleErr() {
      return stderr
        .filter((entry) => !['info', 'debug', 'verbose'].includes(entry.level))
        .map((entry) => entry.text)
        .join('\n');
    },
  };
  return { log, writeText, output };
}

/** The SpotinstError `run` throws; fails the test if it throws nothing or something else. */
export function thrown(run: () => unknown): SpotinstError {
  try {
    run();
  } catch (error) {
    if (error instanceof SpotinstError) return error;
    throw error;
  }
  throw new Error('expected a SpotinstError');
}

/** A function model with defaults, as validation would produce it. */
export function functionModel(key: string, overrides: Partial<FunctionModel> = {}): FunctionModel {
  return {
    key,
    name: key,
    runtime: 'nodejs8.3',
    handler: 'handler.main',
    memory: 128,
    timeout: 30,
    access: 'public',
    environmentVariables: {},
    ...overrides,
  };
}

export function serviceModel(functions: FunctionModel[], overrides: Partial<ServiceModel> = {}): ServiceModel {
  return {
    service: 'svc',
    stage: 'dev',
    application: 'svc',
    environment: { kind: 'managed', name: 'dev' },
    prune: false,
    functions,
    ...overrides,
  };
}

export interface FakeServerlessSettings {
  serviceDir: string;
  service: string;
  /** `functions:` as the framework holds them */
  functions: Record<string, unknown>;
  provider?: Record<string, unknown>;
  package?: Record<string, unknown>;
  options?: CliOptions;
  /** `functions:` as written, before the framework fills in names (default: `functions`) */
  written?: Record<string, unknown>;
  /** the framework's user-error class */
  ErrorClass?: ServerlessLike['classes']['Error'];
}

/** The parts of the framework (serverless 3 / osls) the plugin touches, for a service in a directory. */
export function fakeServerless(settings: FakeServerlessSettings): ServerlessLike {
  const { functions } = settings;
  return {
    version: '3.40.0',
    serviceDir: settings.serviceDir,
    configurationFilename: 'serverless.yml',
    service: {
      service: settings.service,
      provider: { name: 'spotinst', stage: 'dev', ...settings.provider },
      functions,
      package: settings.package,
      getAllFunctions: () => Object.keys(functions),
    },
    classes: { Error: settings.ErrorClass ?? class FakeServerlessError extends Error {} },
    configSchemaHandler: { defineProvider: () => undefined },
    setProvider: () => undefined,
    getProvider: () => undefined,
    pluginManager: { spawn: async () => undefined },
    processedInput: { commands: [], options: settings.options ?? {} },
    configurationInput: { functions: settings.written ?? functions },
  };
}

export interface FakeContextOptions {
  service: ServiceModel;
  options?: CliOptions;
  serviceDir?: string;
  client?: SpotinstClient;
  credentials?: Partial<Credentials>;
  /** the raw `functions:` as the framework holds them (for package.artifact) */
  rawFunctions?: Record<string, unknown>;
  rawPackage?: Record<string, unknown>;
}

/** A context whose provider returns the given model, client and credentials as they are. */
export function fakeContext(settings: FakeContextOptions): { context: FunctionCommandContext; output: Output } {
  const { log, writeText, output } = recordingWriters();
  const provider: CommandProvider = {
    getService: () => settings.service,
    getClient: () => {
      if (!settings.client) throw new Error('this test gave no client: the command must not call the API');
      return settings.client;
    },
    getCredentials: () => ({ token: 'test-token', account: 'act-12345678', source: 'the test', ...settings.credentials }),
  };
  const serverless = fakeServerless({
    serviceDir: settings.serviceDir ?? process.cwd(),
    service: settings.service.service,
    functions: settings.rawFunctions ?? {},
    package: settings.rawPackage,
  });
  return { context: { serverless, provider, options: settings.options ?? {}, log, writeText }, output };
}

export interface RealProviderOptions {
  serviceDir: string;
  service?: string;
  functions: Record<string, unknown>;
  /** provider.spotinst */
  spotinst: Record<string, unknown>;
  options?: CliOptions;
}

/**
 * A context over a real SpotinstProvider: the model comes from validating `functions` as
 * serverless.yml would hold them; credentials from SPOTINST_TOKEN/SPOTINST_ACCOUNT.
 */
export function realProviderContext(settings: RealProviderOptions): {
  context: FunctionCommandContext;
  provider: SpotinstProvider;
  output: Output;
} {
  const { log, writeText, output } = recordingWriters();
  const options = settings.options ?? {};
  const serverless = fakeServerless({
    serviceDir: settings.serviceDir,
    service: settings.service ?? 'svc',
    functions: settings.functions,
    provider: { spotinst: settings.spotinst },
  });
  const provider = new SpotinstProvider(serverless, options, log);
  return { context: { serverless, provider, options, log, writeText }, provider, output };
}

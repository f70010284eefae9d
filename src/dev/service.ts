/**
 * serverless.yml during `serverless dev`: the framework reads it once, at start, with its
 * variables (`${opt:…}`, `${env:…}`, `${self:…}`, `${file(…)}`) resolved by code that is not a
 * plugin API. So on a change, dev asks the same CLI for the resolved configuration
 * (`serverless print --format json`, the same options), validates it as a fresh command
 * would, and only when it is valid puts it in place of the old one in the framework's
 * service, for the packager. An invalid file is reported and the last good deployment keeps
 * serving. Both serverless 3 and osls print the resolved configuration this way.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type yaml from 'js-yaml';
import { SpotinstProvider } from '../provider/provider';
import type { CliOptions, PluginLog, ServerlessLike, ServerlessService } from '../framework/serverless';
import type { ServiceModel } from '../framework/service-model';

/** The options that shape how the framework resolves the configuration: passed on to `print`. */
const CONFIG_OPTIONS = ['stage', 'region', 'config', 'param'] as const;

type Configuration = Record<string, unknown>;

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** The `print` arguments that reproduce this command's view of the configuration. */
export function printArguments(options: CliOptions): string[] {
  const args = ['print', '--format', 'json'];
  for (const name of CONFIG_OPTIONS) {
    const value = options[name];
    const values = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
    for (const entry of values) args.push(`--${name}`, entry);
  }
  return args;
}

/**
 * The function keys whose `name:` the file itself sets. `print` shows every function with a
 * name, the framework's default (`<service>-<stage>-<key>`) where none was written, but the
 * remote name is the key unless one was (provider.ts): the file says which. When it cannot be
 * read as plain YAML (CloudFormation tags, a serverless.ts), a name equal to the framework's
 * default counts as not written.
 */
export function namesWritten(configFile: string, configuration: Configuration, stage: string): Set<string> {
  const service = text(configuration.service, '');
  const functions = isMap(configuration.functions) ? configuration.functions : {};
  try {
    if (!/\.ya?ml$/.test(configFile)) throw new Error('not YAML');
    const load = (require('js-yaml') as typeof yaml).load;
    const raw: unknown = load(fs.readFileSync(configFile, 'utf8'));
    const written = isMap(raw) && isMap(raw.functions) ? raw.functions : {};
    return new Set(Object.keys(functions).filter((key) => isMap(written[key]) && 'name' in written[key]));
  } catch {
    return new Set(
      Object.entries(functions)
        .filter(
          ([key, definition]) => isMap(definition) && definition.name !== undefined && definition.name !== `${service}-${stage}-${key}`,
        )
        .map(([key]) => key),
    );
  }
}

/** The configuration as the framework holds it before filling in names: only written names kept. */
export function asWritten(configuration: Configuration, written: Set<string>): Configuration {
  if (!isMap(configuration.functions)) return configuration;
  const functions: Record<string, unknown> = {};
  for (const [key, definition] of Object.entries(configuration.functions)) {
    if (!isMap(definition) || written.has(key)) functions[key] = definition;
    else {
      const { name: _filledIn, ...rest } = definition;
      functions[key] = rest;
    }
  }
  return { ...configuration, functions };
}

/** What the framework's loader does to `functions:` that the packager relies on: events and names filled in. */
function normalizedFunctions(configuration: Configuration, stage: string): Record<string, unknown> {
  const service = text(configuration.service, '');
  const functions: Record<string, unknown> = {};
  for (const [key, definition] of Object.entries(isMap(configuration.functions) ? configuration.functions : {})) {
    functions[key] = isMap(definition) ? { events: [], name: `${service}-${stage}-${key}`, ...definition } : definition;
  }
  return functions;
}

/** A framework instance's view of `configuration`, for validating it before it replaces the current one. */
function viewOf(serverless: ServerlessLike, configuration: Configuration, stage: string): ServerlessLike {
  const provider = isMap(configuration.provider) ? configuration.provider : {};
  const functions = normalizedFunctions(configuration, stage);
  const service: ServerlessService = {
    service: text(configuration.service, serverless.service.service),
    provider: { ...provider, name: text(provider.name, 'spotinst') },
    functions,
    package: isMap(configuration.package) ? { ...configuration.package } : {},
    getAllFunctions: () => Object.keys(functions),
  };
  return { ...serverless, service, configurationInput: configuration };
}

export type Reload = { ok: true; model: ServiceModel; provider: SpotinstProvider } | { ok: false; message: string };

/** Runs `serverless print` with this command's CLI; resolves its stdout, or rejects with what it said. */
function printConfiguration(serviceDir: string, options: CliOptions): Promise<string> {
  const cli = process.argv[1];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...printArguments(options)], {
      cwd: serviceDir,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(frameworkError(`${stderr}\n${stdout}`)));
    });
  });
}

/** The framework's error box, without its environment lines. */
function frameworkError(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line && !/^(Environment|Docs|Support|Bugs|Credentials):/.test(line));
  const start = lines.findIndex((line) => /^Error:?$/.test(line.trim()));
  return (start >= 0 ? lines.slice(start + 1) : lines).join('\n').trim() || 'serverless print failed without saying why';
}

export class DevService {
  private current: ServiceModel;
  private provider: SpotinstProvider;

  constructor(
    private readonly serverless: ServerlessLike,
    private readonly options: CliOptions,
    private readonly log: PluginLog,
    provider: SpotinstProvider,
  ) {
    this.provider = provider;
    this.current = provider.getService();
  }

  /** The service as last read and found valid. */
  get model(): ServiceModel {
    return this.current;
  }

  /** The provider of the current configuration: its credentials and profile. */
  get configuredProvider(): SpotinstProvider {
    return this.provider;
  }

  /**
   * Reads serverless.yml again. When it is valid, the framework's service takes the new
   * configuration (so the packager packages it) and the new model is returned; otherwise
   * nothing changes and the reason is returned.
   */
  async reload(serviceDir: string): Promise<Reload> {
    let printed: string;
    try {
      printed = await printConfiguration(serviceDir, this.options);
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
    let configuration: Configuration;
    try {
      const parsed: unknown = JSON.parse(printed);
      if (!isMap(parsed)) throw new Error('not an object');
      configuration = parsed;
    } catch (error) {
      return { ok: false, message: `serverless print gave no configuration (${(error as Error).message}).` };
    }
    const stage = this.provider.stage;
    const configFile = path.resolve(serviceDir, this.serverless.configurationFilename ?? 'serverless.yml');
    configuration = asWritten(configuration, namesWritten(configFile, configuration, stage));
    const view = viewOf(this.serverless, configuration, stage);
    const provider = new SpotinstProvider(view, this.options, this.log);
    let model: ServiceModel;
    try {
      model = provider.getService();
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
    // valid: the framework's own objects take the new configuration, for the packager
    this.serverless.configurationInput = configuration;
    Object.assign(this.serverless.service, {
      service: view.service.service,
      provider: view.service.provider,
      functions: view.service.functions,
    });
    this.serverless.service.package = view.service.package;
    // the view shares the objects now in place, so its provider stays the one of this configuration
    this.provider = provider;
    this.current = model;
    return { ok: true, model, provider };
  }
}

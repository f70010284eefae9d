/**
 * The part of the serverless 3 / osls plugin API this plugin uses. `@types/serverless` is
 * AWS-shaped and misses most of it (classes, serviceDir, configSchemaHandler writers).
 */

export interface ServerlessErrorConstructor {
  new (message: string, code?: string): Error;
}

export interface ServerlessService {
  service: string;
  provider: { name: string; stage?: string; [key: string]: unknown };
  functions: Record<string, unknown>;
  package?: { artifact?: string; individually?: boolean; [key: string]: unknown };
  getAllFunctions(): string[];
}

export interface ServerlessLike {
  version: string;
  serviceDir?: string;
  configurationFilename?: string;
  service: ServerlessService;
  classes: { Error: ServerlessErrorConstructor };
  configSchemaHandler: {
    defineProvider(name: string, schema: Record<string, unknown>): void;
  };
  setProvider(name: string, provider: unknown): void;
  getProvider(name: string): unknown;
  pluginManager: {
    spawn(command: string | string[], options?: { terminateLifecycleAfterExecution?: boolean }): Promise<void>;
  };
  processedInput: { commands: string[]; options: Record<string, unknown> };
  /** the configuration as written, before the framework fills in defaults */
  configurationInput?: Record<string, unknown>;
}

export type CliOptions = Record<string, string | boolean | string[] | undefined>;

type LogFunction = (...text: string[]) => void;

export interface PluginLog extends LogFunction {
  error: LogFunction;
  warning: LogFunction;
  notice: LogFunction;
  info: LogFunction;
  debug: LogFunction;
  verbose: LogFunction;
  success: LogFunction;
}

export interface ProgressItem {
  update(message: string): void;
  remove(): void;
}

export interface PluginWriters {
  log?: PluginLog;
  progress?: { create(options: { message: string; name?: string }): ProgressItem };
  writeText?: (text: string | string[]) => void;
}

export interface ProgressFactory {
  create(options: { message: string; name?: string }): ProgressItem;
}

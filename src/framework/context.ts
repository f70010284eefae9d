import type { CliOptions, PluginLog, ProgressFactory, ServerlessLike } from './serverless';

/**
 * What a command module gets from the plugin: the provider, the CLI options and the
 * framework's writers. The provider is a type parameter so that this layer knows nothing
 * of what a provider does; commands name the provider interface they need.
 */
export interface CommandContext<Provider> {
  serverless: ServerlessLike;
  provider: Provider;
  options: CliOptions;
  log: PluginLog;
  writeText: (text: string | string[]) => void;
  progress: ProgressFactory;
}

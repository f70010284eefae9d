import { SpotinstProvider, PROVIDER_NAME, type PartialCommand } from '../provider/provider';
import { providerSchema } from '../provider/schema';
import { isSpotinstError } from '../framework/errors';
import { consoleWriters } from '../framework/writers';
import { flagOption, serviceDirOf } from '../framework/options';
import type { ServiceSession } from '../package/session';
import type { CliOptions, PluginLog, PluginWriters, ProgressFactory, ServerlessLike } from '../framework/serverless';
import type { ServiceCommandContext } from '../provider/port';
import type { ServiceModel } from '../framework/service-model';

type Hook = () => Promise<void> | void;

/**
 * The modules behind the hooks, loaded when a hook runs: every `sls` command, `print`
 * included, pays for what loads with the plugin, and each command needs few of these.
 */
const load = {
  credentials: () => require('../provider/credentials') as typeof import('../provider/credentials'),
  deploy: () => require('../deploy/deploy') as typeof import('../deploy/deploy'),
  info: () => require('../deploy/info') as typeof import('../deploy/info'),
  remove: () => require('../deploy/remove') as typeof import('../deploy/remove'),
  session: () => require('../package/session') as typeof import('../package/session'),
  lock: () => require('../package/lock') as typeof import('../package/lock'),
  remoteFunction: () => require('../remote/function') as typeof import('../remote/function'),
  invoke: () => require('../invoke') as typeof import('../invoke'),
  invokeLocal: () => require('../invoke-local') as typeof import('../invoke-local'),
  logs: () => require('../logs') as typeof import('../logs'),
  dev: () => require('../dev') as typeof import('../dev'),
  devLaunch: () => require('../dev/launch') as typeof import('../dev/launch'),
};

/** Commands that write to the service directory and the remote state. */
const LOCKED_COMMANDS = new Set(['deploy', 'deploy function', 'remove', 'dev', 'spotinst dev']);

/** `serverless dev`'s options (SPEC §8). `inspect` takes a value or none, which no framework type allows (see below). */
const DEV_OPTIONS = {
  platform: { usage: 'Deploy to the spotinst-local at this URL on this machine instead of starting one', type: 'string' },
  'data-dir': { usage: 'Where the platform dev starts keeps its state (default: .serverless/spotinst-local)', type: 'string' },
  reset: { usage: 'Start with an empty platform', type: 'boolean' },
  // The framework's parser refuses `--inspect` without a value for `type: 'string'` ("Missing value")
  // and `--inspect=9230` for `type: 'boolean'` ("Unexpected value"); a type it does not know parses
  // both (`true`, or the value), and a declared type keeps its CLI_OPTIONS_SCHEMA_V3 warning away.
  inspect: { usage: 'Node workers listen for a debugger on 127.0.0.1, from this port (default 9229) up', type: 'string-or-flag' },
};

const SPOTINST_HELP = [
  'Usage: serverless spotinst <command>',
  '',
  '  credentials --token <token> --account <account> [--profile <name>] [--overwrite]',
  '      Save a Spotinst token and account in ~/.spotinst/credentials (mode 0600).',
  '  dev [--platform <url>] [--data-dir <dir>] [--reset] [--inspect[=<port>]]',
  '      The same as `serverless dev`: run the service on a local platform, live on every save.',
  '',
  'Run `serverless spotinst <command> --help` for details.',
].join('\n');

/**
 * The serverless plugin: registers the provider, its schema and commands, and maps
 * lifecycle hooks to the modules that do the work. Nothing here reads files or calls the
 * API at construction, because every `sls` command pays for plugin start-up.
 */
export class SpotinstPlugin {
  readonly provider: SpotinstProvider;
  readonly commands: Record<string, unknown>;
  readonly hooks: Record<string, Hook>;
  private readonly log: PluginLog;
  private readonly writeText: (text: string | string[]) => void;
  private readonly progress: ProgressFactory;
  /** what this command knows of the service directory, from the package hooks to deploy */
  private serviceSession?: ServiceSession;
  /** the configuration dev read again after serverless.yml changed, while it packages it */
  private devConfiguration?: SpotinstProvider;
  /** serverless 3 ran `serverless dev` as its onboarding: the command runs in a child (dev/launch.ts) */
  private readonly devInChild: boolean;

  constructor(
    private readonly serverless: ServerlessLike,
    private readonly options: CliOptions,
    writers: PluginWriters = {},
  ) {
    // serverless 3 and osls turn `serverless dev` into `--dev` before plugins load; taken back here
    this.devInChild = process.argv[2] === '--dev' && load.devLaunch().reclaimDevCommand() === 'child';
    const fallback = consoleWriters();
    this.log = writers.log ?? fallback.log;
    this.writeText = writers.writeText ?? fallback.writeText;
    this.progress = writers.progress ?? fallback.progress;

    this.provider = new SpotinstProvider(serverless, options, this.log);
    serverless.setProvider(PROVIDER_NAME, this.provider);
    serverless.configSchemaHandler.defineProvider(PROVIDER_NAME, providerSchema);

    this.commands = {
      spotinst: {
        usage: 'Spotinst Functions commands',
        lifecycleEvents: ['help'],
        commands: {
          credentials: {
            usage: 'Save a Spotinst token and account in ~/.spotinst/credentials (mode 0600)',
            lifecycleEvents: ['save'],
            options: {
              token: { usage: 'Spotinst API token', required: true, type: 'string' },
              account: { usage: 'Spotinst account id, e.g. act-1a2b3c4d', required: true, type: 'string' },
              profile: { usage: 'Profile name (default: "default")', type: 'string' },
              overwrite: { usage: 'Replace the profile if it exists', type: 'boolean' },
            },
          },
          dev: {
            usage: 'The same as `serverless dev` (for serverless 3 outside an interactive terminal, where `dev` is its own)',
            lifecycleEvents: ['dev'],
            options: DEV_OPTIONS,
          },
        },
      },
      dev: {
        usage: 'Run the service on a local Spotinst Functions platform, redeploy what changes on every save, stream the logs',
        lifecycleEvents: ['dev'],
        options: DEV_OPTIONS,
      },
      // No lifecycleEvents: these only add options to the framework's own commands.
      info: {
        options: {
          function: { usage: 'Show only this function', shortcut: 'f', type: 'string' },
        },
      },
      deploy: {
        options: {
          'dry-run': { usage: 'Print the plan and change nothing', type: 'boolean' },
          prune: { usage: 'Delete remote functions of this environment that are no longer in serverless.yml', type: 'boolean' },
          concurrency: { usage: `Changes applied at once (default 16; lowered automatically when rate-limited)`, type: 'string' },
        },
        commands: {
          function: {
            options: {
              'dry-run': { usage: 'Print the plan and change nothing', type: 'boolean' },
            },
          },
        },
      },
    };

    this.hooks = this.guarded({
      'spotinst:help': () => this.writeText(SPOTINST_HELP),
      // Before the framework packages: two deploys of one directory would race on the zips too.
      initialize: () => {
        const command = this.command();
        if (LOCKED_COMMANDS.has(command)) load.lock().lockService(serviceDirOf(this.serverless), command);
      },
      'spotinst:credentials:save': () => this.saveCredentials(),
      // Bad configuration stops packaging before any work, as it will stop deploy.
      'before:package:initialize': () => {
        this.packagedService();
      },
      'before:package:createDeploymentArtifacts': () => this.session().beforePackage(this.packagedService()),
      'after:package:createDeploymentArtifacts': () => this.session().afterPackage(this.packagedService(), this.command() === 'package'),
      'before:package:function:package': () => this.session().beforePackageFunction(this.packagedService(), String(this.options.function)),
      'after:package:function:package': () => this.session().afterPackageFunction(this.packagedService(), String(this.options.function)),
      'deploy:deploy': () => load.deploy().deployService(this.context(), this.session()),
      'deploy:function:initialize': () => {
        load.remoteFunction().selectFunction(this.provider.getService(), this.options);
      },
      'deploy:function:packageFunction': async () => {
        // A configuration-only update uploads no code, so there is nothing to package.
        if (flagOption(this.options, 'update-config')) return;
        await this.serverless.pluginManager.spawn('package:function');
      },
      'deploy:function:deploy': () => load.deploy().deployOneFunction(this.context(), this.session()),
      // These use part of serverless.yml: an error elsewhere is a warning, not a stop.
      'info:info': () => load.info().showInfo(this.context('info')),
      'remove:remove': () => load.remove().removeService(this.context('remove'), this.session().memory),
      'invoke:invoke': () => load.invoke().invoke(this.context('invoke')),
      'invoke:local:invoke': () => load.invokeLocal().invokeLocal(this.context('invoke local')),
      'logs:logs': () => load.logs().logs(this.context('logs')),
      'dev:dev': () => this.dev(),
      'spotinst:dev:dev': () => this.dev(),
    });
  }

  /** serverless 3's `serverless dev`: runs it as `serverless spotinst dev` in a child, and ends with it. */
  async asyncInit(): Promise<void> {
    if (!this.devInChild) return;
    process.exit(await load.devLaunch().runDevInChild());
  }

  private dev(): Promise<void> {
    return load.dev().dev({
      ...this.context(),
      provider: this.provider,
      packageAll: async (configuration) => {
        this.serviceSession = undefined;
        this.devConfiguration = configuration;
        await this.serverless.pluginManager.spawn('package');
        return this.session();
      },
    });
  }

  /** The service the package hooks package: serverless.yml as read at start, or as dev read it again. */
  private packagedService(): ServiceModel {
    return (this.devConfiguration ?? this.provider).getService();
  }

  /** The command as typed, e.g. `deploy function`. */
  private command(): string {
    return this.serverless.processedInput.commands.join(' ');
  }

  /** One per command: the memory file is read once, however many hooks use it. */
  private session(): ServiceSession {
    // dev and invoke local run the bundles here: their source maps point at the service's files
    const bundling = this.command().endsWith('dev') ? { absoluteSources: true } : {};
    return (this.serviceSession ??= new (load.session().ServiceSession)(this.serverless, this.log, bundling));
  }

  private context(partial?: PartialCommand): ServiceCommandContext {
    return {
      serverless: this.serverless,
      provider: partial ? this.provider.forCommand(partial) : this.provider,
      options: this.options,
      log: this.log,
      writeText: this.writeText,
      progress: this.progress,
    };
  }

  private saveCredentials(): void {
    const text = (name: string): string | undefined => {
      const value = this.options[name];
      return typeof value === 'string' ? value : undefined;
    };
    const result = load.credentials().saveCredentials({
      token: text('token') ?? '',
      account: text('account') ?? '',
      profile: text('profile'),
      overwrite: flagOption(this.options, 'overwrite'),
    });
    this.log.success(`${result.replaced ? 'Replaced' : 'Saved'} profile "${result.profile}" in ${result.file} (readable only by you).`);
  }

  /** Shows our errors as user errors (message, no stack), as the framework expects. */
  private guarded(hooks: Record<string, Hook>): Record<string, Hook> {
    const ServerlessError = this.serverless.classes.Error;
    return Object.fromEntries(
      Object.entries(hooks).map(([name, hook]) => [
        name,
        async () => {
          try {
            await hook();
          } catch (error) {
            if (isSpotinstError(error)) throw new ServerlessError(error.message, error.code);
            throw error;
          } finally {
            // Kept-alive API connections would hold the process open after the command.
            this.provider.closeConnections();
          }
        },
      ]),
    );
  }
}

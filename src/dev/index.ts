/**
 * `serverless dev [--platform URL] [--data-dir DIR] [--reset] [--inspect[=PORT]]` (SPEC §8):
 * one command from a service folder to running functions, live on every save.
 *
 * 1. Start the platform (spotinst-local inside this process, or the one at --platform).
 * 2. Package with the framework's whole `package` lifecycle and deploy through the same
 *    plan and apply as `serverless deploy` (src/remote/rollout.ts).
 * 3. Print each function's URL, endpoints and cron schedule; stream every function's log.
 * 4. Watch; on a save make again only the artifacts it touched and deploy: the plan makes no
 *    call for a function whose artifact and configuration did not change, and the platform
 *    retires a redeployed function's workers once their calls end, so every other function
 *    keeps its warm worker. A change to serverless.yml is read again; an invalid one is
 *    reported and the last good deployment keeps serving.
 * 5. On Ctrl-C (SIGINT) or SIGTERM stop watching, stop the platform and every worker, and
 *    end with 0. The platform's state stays for next time (--reset starts empty).
 */
import path from 'node:path';
import { isSpotinstError } from '../framework/errors';
import { serviceDirOf } from '../framework/options';
import type { CliOptions, PluginLog, ProgressFactory, ServerlessLike } from '../framework/serverless';
import type { FunctionModel, ServiceModel } from '../framework/service-model';
import type { Artifact } from '../package/artifacts';
import type { ServiceSession } from '../package/session';
import { pluginOnlyPackages } from '../package/plugin-only';
import type { SpotinstProvider } from '../provider/provider';
import type { ServiceCommandContext } from '../provider/port';
import { DEFAULT_CONCURRENCY } from '../remote/limiter';
import { carryOut, planAgainst, prepareRollout, type RolloutOutcome } from '../remote/rollout';
import { DevArtifacts, findFrameworkPackager, type Changes } from './artifacts';
import { InspectorPorts } from './inspect';
import { parentGone } from './launch';
import { LogPrinter, pollInvocations } from './logs';
import { readDevOptions } from './options';
import { openPlatform, type DevPlatform } from './platform';
import { DevProvider } from './provider';
import { renderCycle, renderFunctions } from './render';
import { DevService } from './service';
import { excludedDirectories, watchService, type Watching } from './watch';

export interface DevCommand {
  serverless: ServerlessLike;
  options: CliOptions;
  log: PluginLog;
  writeText: (text: string | string[]) => void;
  progress: ProgressFactory;
  /** the provider of the configuration the framework read */
  provider: SpotinstProvider;
  /**
   * Runs the framework's whole `package` lifecycle (with this plugin's hooks, packaging the
   * configuration `provider` holds) in a fresh session, and hands that session back.
   */
  packageAll(provider: SpotinstProvider): Promise<ServiceSession>;
}

/** How long Ctrl-C waits for running calls before it stops their workers. */
const STOP_GRACE_MS = 1000;

const quietProgress: ProgressFactory = { create: () => ({ update: () => undefined, remove: () => undefined }) };

/** Resolves with the reason once dev is asked to stop: Ctrl-C, SIGTERM, or (in a takeover child) its parent gone. */
function stopRequested(log: PluginLog): { stopped: Promise<string>; dispose(): void } {
  let resolveStop: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (resolveStop = resolve));
  let asked = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (asked) {
      // a second Ctrl-C: the workers die with this process (their pdeathsig), nothing is lost
      log.warning('Stopping now.');
      process.exit(130);
    }
    asked = true;
    resolveStop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const parentWatch = setInterval(() => {
    if (parentGone()) resolveStop('the command that started dev ended');
  }, 1000);
  parentWatch.unref();
  return {
    stopped,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      clearInterval(parentWatch);
    },
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class DevSession {
  private readonly serviceDir: string;
  private readonly configFile: string;
  private readonly devService: DevService;
  private readonly printer: LogPrinter;
  private readonly artifacts: DevArtifacts;
  private readonly inspector?: InspectorPorts;
  private platform?: DevPlatform;
  private provider?: DevProvider;
  private session?: ServiceSession;
  /** what the last rollout left deployed: names the functions in the log stream */
  private state?: RolloutOutcome;
  /** the same, while it can be planned against without reading (unset after a failure) */
  private trusted?: RolloutOutcome;
  private watching?: Watching;
  private stopLogs?: () => void;
  private queued?: Changes;
  private cycle: Promise<void> = Promise.resolve();
  private running = false;
  private stopping = false;

  constructor(private readonly command: DevCommand) {
    this.serviceDir = serviceDirOf(command.serverless);
    this.configFile = path.resolve(this.serviceDir, command.serverless.configurationFilename ?? 'serverless.yml');
    this.devService = new DevService(command.serverless, command.options, command.log, command.provider);
    this.printer = new LogPrinter((lines) => command.writeText(lines));
    this.artifacts = new DevArtifacts(command.serverless, findFrameworkPackager(command.serverless));
    const options = readDevOptions(command.options, this.serviceDir);
    this.options = options;
    if (options.inspectPort !== undefined) this.inspector = new InspectorPorts(options.inspectPort);
  }

  private readonly options: ReturnType<typeof readDevOptions>;

  private get model(): ServiceModel {
    return this.devService.model;
  }

  private context(progress: ProgressFactory = this.command.progress): ServiceCommandContext {
    const provider = this.provider;
    if (!provider) throw new Error('serverless dev: the platform is not started');
    return { ...this.command, provider, progress };
  }

  async start(): Promise<void> {
    const { log } = this.command;
    await this.inspector?.assign(this.model.functions);
    const inspector = this.inspector;
    const platform = await openPlatform(this.options.platform, inspector ? { inspect: (fn) => inspector.addressOf(fn.name) } : {}, () =>
      this.devService.configuredProvider.getCredentials(),
    );
    this.platform = platform;
    if (this.stopping) {
      // stopped while it started: stop() found nothing to close yet
      await this.closePlatform();
      return;
    }
    this.provider = new DevProvider(platform, () => this.model, this.command.provider.stage);
    log.notice(`Platform: ${platform.description}`);

    const artifacts = await this.packageEverything();
    const outcome = await this.deploy(artifacts, this.command.progress);
    if (this.stopping) return;
    this.printFunctions(outcome);
    this.streamLogs();
    this.watching = await watchService({
      root: this.serviceDir,
      skip: this.skippedDirectories(),
      onChanges: (changes) => this.enqueue(changes),
      onError: (error) => log.warning(`Watching stopped seeing changes: ${error.message}`),
    });
    if (this.stopping) {
      // stop() ran while the watcher started: it closed nothing of these
      await this.watching.close();
      this.stopLogs?.();
      return;
    }
    log.success(`Watching ${this.serviceDir} for changes. Ctrl-C stops.`);
  }

  /** Besides what is never packaged: the platform's own data directory, and the plugin's packages. */
  private skippedDirectories(): string[] {
    const skip = excludedDirectories(pluginOnlyPackages(this.serviceDir)?.patterns ?? []);
    if (this.options.platform.kind === 'embedded') {
      const relative = path.relative(this.serviceDir, this.options.platform.dataDir);
      if (!relative.startsWith('..') && !path.isAbsolute(relative)) skip.push(relative);
    }
    return skip;
  }

  /** The framework's whole `package`, as deploy runs it; learns where each artifact comes from. */
  private async packageEverything(): Promise<Map<string, Artifact>> {
    this.session = await this.command.packageAll(this.devService.configuredProvider);
    return this.artifacts.afterFullPackage(this.model.functions, this.session);
  }

  private async deploy(artifacts: Map<string, Artifact>, progress: ProgressFactory): Promise<RolloutOutcome> {
    const session = this.session;
    const provider = this.provider;
    if (!session || !provider) throw new Error('serverless dev: nothing is packaged yet');
    const context = this.context(progress);
    const client = provider.getClient();
    const service = provider.getService();
    const options = { force: false, prune: this.model.prune };
    // between saves dev is the writer: what the last rollout left is what is deployed
    const previous = this.trusted;
    this.trusted = undefined;
    const prepared = previous
      ? planAgainst(context, service, artifacts, previous, session.memory, options)
      : await prepareRollout(context, client, service, artifacts, session.memory, options);
    // a failure leaves it unset: the next save reads what is deployed again
    const outcome = await carryOut(context, client, prepared, artifacts, session.memory, DEFAULT_CONCURRENCY);
    this.state = outcome;
    this.trusted = outcome;
    this.printer.setNames(this.model.functions.map((model) => model.key));
    return outcome;
  }

  private printFunctions(outcome: RolloutOutcome): void {
    const platform = this.platform;
    if (!platform) return;
    const service = this.provider?.getService() ?? this.model;
    const lines = [
      `Service ${service.service}, stage ${service.stage}:`,
      ...renderFunctions({
        service,
        state: outcome.state,
        platformUrl: platform.url,
        tokenHint: platform.embedded
          ? `"token" in ${path.relative(this.serviceDir, path.join(platform.embedded.dataDir, 'dev-platform.json'))}`
          : undefined,
        ...(this.inspector ? { inspect: this.inspector.byKey(service.functions) } : {}),
      }),
    ];
    if (platform.consoleUrl) lines.push(`Console: ${platform.consoleUrl}`);
    this.command.writeText(lines);
  }

  /** The key of a deployed function, by its id. */
  private keyOf(functionId: string): string | undefined {
    const fn = this.state?.state.functions.find((candidate) => candidate.id === functionId);
    if (!fn) return undefined;
    return this.model.functions.find((model) => model.name === fn.name)?.key ?? fn.name;
  }

  private streamLogs(): void {
    const platform = this.platform;
    const provider = this.provider;
    if (!platform || !provider) return;
    if (platform.embedded) {
      this.stopLogs = platform.embedded.onInvocation((notice) => {
        const key = this.keyOf(notice.functionId);
        if (key) this.printer.print(key, notice.entry);
      });
      return;
    }
    this.stopLogs = pollInvocations(
      provider.getClient(),
      () => this.state?.state.functions.filter((fn) => this.keyOf(fn.id) !== undefined).map((fn) => fn.id) ?? [],
      ({ functionId, entry }) => {
        const key = this.keyOf(functionId);
        if (key) this.printer.print(key, entry);
      },
      { since: Date.now(), onError: (error) => this.command.log.verbose(`Reading logs: ${error.message}`) },
    );
  }

  private enqueue(changes: Changes): void {
    if (this.stopping) return;
    if (this.queued) {
      for (const file of changes.files) this.queued.files.add(file);
      this.queued.structural ||= changes.structural;
    } else {
      this.queued = { files: new Set(changes.files), structural: changes.structural };
    }
    if (!this.running) this.cycle = this.drain();
  }

  /** Handles the changes queued, one cycle at a time, including those that arrive meanwhile. */
  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queued && !this.stopping) {
        const changes = this.queued;
        this.queued = undefined;
        await this.handle(changes);
      }
    } finally {
      this.running = false;
    }
  }

  private async handle(changes: Changes): Promise<void> {
    const { log } = this.command;
    const started = Date.now();
    const configChanged = changes.files.has(this.configFile);
    const names = [...changes.files].map((file) => path.relative(this.serviceDir, file) || file);
    if (!configChanged && !changes.structural && ![...changes.files].some((file) => this.artifacts.concerns(file))) {
      log.verbose(`${names.join(', ')} changed, but no artifact is made from ${names.length === 1 ? 'it' : 'them'} (package patterns).`);
      return;
    }
    try {
      let artifacts: Map<string, Artifact>;
      let rebuilt: string[] | undefined;
      if (configChanged) {
        const reloaded = await this.devService.reload(this.serviceDir);
        if (!reloaded.ok) {
          log.error(
            `${path.basename(this.configFile)} changed but cannot be used, so the last good deployment keeps serving:\n${reloaded.message}`,
          );
          return;
        }
        await this.inspector?.assign(this.model.functions);
        artifacts = await this.packageEverything();
      } else if (this.artifacts.incremental) {
        const session = this.session;
        if (!session) return;
        ({ artifacts, rebuilt } = await this.artifacts.repackage(changes, session));
        if (rebuilt.length === 0) return;
      } else {
        artifacts = await this.packageEverything();
      }
      const before = new Map(this.state?.state.functions.map((fn) => [fn.name, fn.latestVersion]) ?? []);
      const packagedAt = Date.now();
      const outcome = await this.deploy(artifacts, quietProgress);
      log.verbose(`packaged in ${packagedAt - started} ms, deployed in ${Date.now() - packagedAt} ms`);
      const deployed = this.deployedFunctions(outcome, before);
      log.notice(renderCycle(names, deployed, Date.now() - started));
      if (configChanged) this.printFunctions(outcome);
    } catch (error) {
      // a bug is said as one; what the user can fix is said with what keeps serving meanwhile
      if (!isSpotinstError(error)) log.error(`serverless dev: ${message(error)}`);
      else log.error(`${error.message}\nThe last good deployment keeps serving; save again once it is fixed.`);
    }
  }

  /** The functions a cycle wrote, with their new version when the code changed. */
  private deployedFunctions(outcome: RolloutOutcome, before: Map<string, number>): Array<{ key: string; version?: number }> {
    const written = new Set(
      (outcome.applied?.results ?? []).filter((step) => step.kind === 'function' && step.outcome === 'done').map((step) => step.name),
    );
    const models: FunctionModel[] = this.model.functions.filter((model) => written.has(model.name));
    return models.map((model) => {
      const fn = outcome.state.functions.find((candidate) => candidate.name === model.name);
      const version = fn && fn.latestVersion !== before.get(model.name) ? fn.latestVersion : undefined;
      return { key: model.key, ...(version === undefined ? {} : { version }) };
    });
  }

  /** Stops watching, lets a redeploy under way finish, stops the log stream and the platform. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.watching?.close();
    await this.cycle.catch(() => undefined);
    this.stopLogs?.();
    this.provider?.close();
    await this.closePlatform();
  }

  /** Stops the platform dev started (calls still running are cut after a moment); one at --platform stays. */
  private async closePlatform(): Promise<void> {
    const platform = this.platform;
    if (platform?.embedded) await platform.embedded.close({ graceMs: STOP_GRACE_MS });
    else await platform?.close();
  }
}

/** The `dev:dev` hook. Resolves once dev has been stopped and everything it started has ended. */
export async function dev(command: DevCommand): Promise<void> {
  const stop = stopRequested(command.log);
  const session = new DevSession(command);
  const starting = session.start();
  // stopped while starting: what start still does fails against a closed platform, and is not news
  starting.catch(() => undefined);
  try {
    const early = await Promise.race([starting.then(() => undefined), stop.stopped]);
    const reason = early ?? (await stop.stopped);
    command.log.notice(`Stopping (${reason === 'SIGINT' ? 'Ctrl-C' : reason}).`);
  } finally {
    await session.stop();
    stop.dispose();
  }
  command.log.success('serverless dev stopped; the platform keeps its state for next time.');
}

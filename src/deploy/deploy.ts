/**
 * `serverless deploy` and `serverless deploy function`: take the checked artifacts, read
 * what is deployed, plan, print the plan, apply it, remember what was uploaded, report.
 */
import { SpotinstError } from '../framework/errors';
import { flagOption } from '../framework/options';
import type { SpotinstClient } from '../api';
import type { ServiceCommandContext } from '../provider/port';
import type { FunctionModel, ServiceModel } from '../framework/service-model';
import { applyPlan, failuresOf, type ApplyResult, type StepResult } from './apply';
import type { Artifact } from '../package/artifacts';
import type { ServiceMemory } from '../package/memory';
import type { ServiceSession } from '../package/session';
import { ensurePlacement } from './environment';
import { AdaptiveLimiter, DEFAULT_CONCURRENCY } from './limiter';
import { isNoop, planDeploy, summarize, type DeployPlan, type DesiredFunction } from './plan';
import { selectFunction } from '../remote/function';
import type { ActualState } from '../remote/state';
import {
  deployedEnvironment,
  emptyState,
  findPlacement,
  readByHint,
  readEnvironment,
  type Placement,
  type PlacementHint,
} from '../remote/placement';
import type { Application, Environment } from '../spec/wire';
import { deployedService, renderInfo, renderPlan, renderResults } from './render';

export interface DeployOptions {
  dryRun: boolean;
  force: boolean;
  prune: boolean;
  concurrency: number;
  verbose: boolean;
}

/** The deploy options from the command line, checked before anything else happens. */
export function deployOptions(context: ServiceCommandContext, service: ServiceModel): DeployOptions {
  const { options } = context;
  let concurrency = DEFAULT_CONCURRENCY;
  const written = options.concurrency;
  if (written !== undefined) {
    const parsed = typeof written === 'string' && /^\d+$/.test(written) ? Number(written) : NaN;
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > 64) {
      throw new SpotinstError(
        `--concurrency is ${JSON.stringify(written)}; it must be a whole number from 1 to 64 (default ${DEFAULT_CONCURRENCY}).`,
        'SPOTINST_INVALID_OPTION',
      );
    }
    concurrency = parsed;
  }
  return {
    dryRun: flagOption(options, 'dry-run'),
    force: flagOption(options, 'force'),
    prune: flagOption(options, 'prune') || service.prune,
    concurrency,
    verbose: flagOption(options, 'verbose'),
  };
}

function desiredOf(models: FunctionModel[], artifacts: Map<string, Artifact>): DesiredFunction[] {
  return models.map((model) => {
    const artifact = artifacts.get(model.name);
    return { model, ...(artifact ? { code: { sha256: artifact.sha256, size: artifact.size } } : {}) };
  });
}

/** Applies a plan with progress, remembers the uploads, and reports failures as one error. */
async function applyWithProgress(
  context: ServiceCommandContext,
  client: SpotinstClient,
  environmentId: string,
  plan: DeployPlan,
  actual: ActualState,
  artifacts: Map<string, Artifact>,
  options: DeployOptions,
  memory: ServiceMemory,
): Promise<ApplyResult> {
  const limiter = new AdaptiveLimiter(options.concurrency);
  const stopListening = context.provider.onRetry((event) => {
    if (event.status === 429) limiter.rateLimited();
  });
  const counts = summarize(plan);
  const total = counts.create + counts.update + counts.delete;
  let finished = 0;
  const progress = context.progress.create({ message: `Deploying: 0/${total}`, name: 'spotinst-deploy' });
  let result: ApplyResult;
  try {
    result = await applyPlan(plan, {
      client,
      environmentId,
      limiter,
      artifacts,
      actual,
      onStep: (step: StepResult) => {
        finished += 1;
        progress.update(`Deploying: ${finished}/${total}`);
        if (step.outcome === 'done') context.log.verbose(`${step.action} ${step.kind} ${step.name}: done`);
      },
    });
  } finally {
    stopListening();
    progress.remove();
  }
  // Saved even when something failed: what did upload need not upload again.
  for (const [id, code] of result.uploaded) memory.rememberCode(id, code);
  for (const id of result.deleted) memory.forgetCode(id);
  memory.save();
  if (limiter.lowest < options.concurrency) {
    context.log.info(`The API asked to slow down (429); concurrency went down to ${limiter.lowest}.`);
  }

  const failures = failuresOf(result);
  if (failures.length > 0) {
    const failed = failures.filter((failure) => failure.outcome === 'failed').length;
    const skipped = failures.length - failed;
    throw new SpotinstError(
      [
        `Deploy incomplete: ${failed} of ${total} changes failed${skipped ? ` and ${skipped} ${skipped === 1 ? 'was' : 'were'} skipped` : ''}; ` +
          'everything else is deployed:',
        ...renderResults(result.results),
        'Fix what is reported and run the command again: it picks up where this one stopped.',
      ].join('\n'),
      'SPOTINST_DEPLOY_INCOMPLETE',
    );
  }
  return result;
}

/** Which API, account and names a placement hint is for: a hint never crosses them. */
function placementKey(context: ServiceCommandContext, service: ServiceModel): string | undefined {
  if (service.environment.kind !== 'managed') return undefined;
  return [context.provider.apiUrl, context.provider.getCredentials().account, service.application, service.environment.name].join(' ');
}

function hintOf(application: Application | undefined, environment: Environment | undefined): PlacementHint | undefined {
  return application && environment ? { applicationId: application.id, environmentId: environment.id } : undefined;
}

/** Time since the command started, as the user waited for it (framework start-up included). */
function elapsed(): string {
  return `${process.uptime().toFixed(1)}s`;
}

/**
 * Where the service is and what it holds: in one round by the ids of the last deploy when
 * they still hold (checked in that round), else by name.
 */
async function readDeployed(
  context: ServiceCommandContext,
  client: SpotinstClient,
  service: ServiceModel,
  memory: ServiceMemory,
  hintKey: string | undefined,
): Promise<{ placement: Placement; actual: ActualState }> {
  const reading = context.progress.create({ message: 'Reading what is deployed', name: 'spotinst-read' });
  try {
    const hint = hintKey ? memory.placement(hintKey) : undefined;
    const known = hint ? await readByHint(client, service, hint, memory.knownCode()) : undefined;
    if (known) return known;
    const placement = await findPlacement(client, service);
    const actual = placement.environment ? await readEnvironment(client, placement.environment.id, memory.knownCode()) : emptyState();
    return { placement, actual };
  } finally {
    reading.remove();
  }
}

/** `serverless deploy` */
export async function deployService(context: ServiceCommandContext, session: ServiceSession): Promise<void> {
  const service = context.provider.getService();
  const options = deployOptions(context, service);
  const artifacts = await session.artifactsFor(service.functions);
  const client = context.provider.getClient();

  const { memory } = session;
  const hintKey = placementKey(context, service);
  const { placement, actual } = await readDeployed(context, client, service, memory, hintKey);

  const plan = planDeploy(desiredOf(service.functions, artifacts), actual, {
    force: options.force,
    prune: options.prune,
    alias: service.alias,
  });
  const planText = renderPlan(service, placement, plan, options.verbose);
  if (options.dryRun) {
    context.writeText([...planText, 'Dry run: nothing was changed.']);
    return;
  }
  context.log.notice(planText.join('\n'));

  const ready = placement.environmentAction === 'keep' || placement.environmentAction === 'use' ? placement.environment : undefined;
  if (ready && isNoop(plan)) {
    if (hintKey) {
      memory.rememberPlacement(hintKey, hintOf(placement.application, ready));
      memory.save();
    }
    context.log.success(`Service ${service.service} is up to date: nothing to deploy (${elapsed()}).`);
    context.writeText(renderInfo(deployedService(service, placement, ready.id, actual, context.provider.apiUrl)));
    return;
  }

  const ensured = await ensurePlacement(client, service, placement);
  const environmentId = ensured.environment.id;
  const settled = { ...placement, application: ensured.application, environment: ensured.environment };
  if (hintKey) memory.rememberPlacement(hintKey, hintOf(ensured.application, ensured.environment));
  const result = await applyWithProgress(context, client, environmentId, plan, actual, artifacts, options, memory);
  context.log.success(`Service ${service.service} deployed to stage ${service.stage} (${elapsed()}).`);
  context.writeText(renderInfo(deployedService(service, settled, environmentId, result.state, context.provider.apiUrl)));
}

/** `serverless deploy function -f NAME [--update-config]` */
export async function deployOneFunction(context: ServiceCommandContext, session: ServiceSession): Promise<void> {
  const service = context.provider.getService();
  const model = selectFunction(service, context.options);
  const options = { ...deployOptions(context, service), prune: false };
  const updateConfig = flagOption(context.options, 'update-config');
  const artifacts = updateConfig ? new Map<string, Artifact>() : await session.artifactsFor([model]);
  const client = context.provider.getClient();

  const { memory } = session;
  const { placement, actual: everything } = await readDeployed(context, client, service, memory, placementKey(context, service));
  const environmentId = deployedEnvironment(placement, service, 'SPOTINST_NOT_DEPLOYED').id;
  const remote = everything.functions.find((fn) => fn.name === model.name);
  if (updateConfig && !remote) {
    throw new SpotinstError(
      `Function ${model.key} is not deployed, so its configuration cannot be updated. Run \`serverless deploy function -f ${model.key}\` without --update-config.`,
      'SPOTINST_NOT_DEPLOYED',
    );
  }
  // Only this function and its triggers: the rest of the environment is out of scope.
  const actual: ActualState = {
    ...everything,
    functions: remote ? [remote] : [],
    jobs: remote ? everything.jobs.filter((job) => job.resourceId === remote.id) : [],
    patterns: remote ? everything.patterns.filter((pattern) => pattern.functionId === remote.id) : [],
  };
  // Without an artifact (--update-config) only the configuration is planned.
  const plan = planDeploy(desiredOf([model], artifacts), actual, { force: options.force, prune: false });

  const planText = renderPlan(service, placement, plan, options.verbose);
  if (options.dryRun) {
    context.writeText([...planText, 'Dry run: nothing was changed.']);
    return;
  }
  context.log.notice(planText.join('\n'));
  if (isNoop(plan)) {
    context.log.success(`Function ${model.key} is up to date: nothing to deploy (${elapsed()}).`);
    return;
  }
  const result = await applyWithProgress(context, client, environmentId, plan, actual, artifacts, options, memory);
  const deployed = result.state.functions.find((fn) => fn.name === model.name);
  context.log.success(`Function ${model.key} deployed${deployed ? ` (version ${deployed.latestVersion})` : ''} (${elapsed()}).`);
}

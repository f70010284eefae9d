/**
 * `serverless deploy` and `serverless deploy function`: take the checked artifacts, read
 * what is deployed, plan, print the plan, apply it, remember what was uploaded, report.
 */
import { SpotinstError } from '../framework/errors';
import { flagOption } from '../framework/options';
import type { ServiceCommandContext } from '../provider/port';
import type { ServiceModel } from '../framework/service-model';
import type { Artifact } from '../package/artifacts';
import type { ServiceSession } from '../package/session';
import { DEFAULT_CONCURRENCY } from '../remote/limiter';
import { isNoop, planDeploy } from '../remote/plan';
import { selectFunction } from '../remote/function';
import type { ActualState } from '../remote/state';
import { deployedEnvironment } from '../remote/placement';
import { applyWithProgress, carryOut, desiredOf, placementKey, prepareRollout, readDeployed } from '../remote/rollout';
import { deployedService, renderInfo, renderPlan } from '../remote/render';

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

/** Time since the command started, as the user waited for it (framework start-up included). */
function elapsed(): string {
  return `${process.uptime().toFixed(1)}s`;
}

/** `serverless deploy` */
export async function deployService(context: ServiceCommandContext, session: ServiceSession): Promise<void> {
  const service = context.provider.getService();
  const options = deployOptions(context, service);
  const artifacts = await session.artifactsFor(service.functions);
  const client = context.provider.getClient();
  const { memory } = session;

  const prepared = await prepareRollout(context, client, service, artifacts, memory, { force: options.force, prune: options.prune });
  const planText = renderPlan(service, prepared.placement, prepared.plan, options.verbose);
  if (options.dryRun) {
    context.writeText([...planText, 'Dry run: nothing was changed.']);
    return;
  }
  context.log.notice(planText.join('\n'));

  const outcome = await carryOut(context, client, prepared, artifacts, memory, options.concurrency);
  context.log.success(
    outcome.applied
      ? `Service ${service.service} deployed to stage ${service.stage} (${elapsed()}).`
      : `Service ${service.service} is up to date: nothing to deploy (${elapsed()}).`,
  );
  context.writeText(renderInfo(deployedService(service, outcome.placement, outcome.environmentId, outcome.state, context.provider.apiUrl)));
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
  const result = await applyWithProgress(context, client, environmentId, plan, actual, artifacts, options.concurrency, memory);
  const deployed = result.state.functions.find((fn) => fn.name === model.name);
  context.log.success(`Function ${model.key} deployed${deployed ? ` (version ${deployed.latestVersion})` : ''} (${elapsed()}).`);
}

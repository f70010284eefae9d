/**
 * Bringing what is deployed to what serverless.yml and the artifacts say: read the
 * placement and the environment (by the ids of the last deploy when they still hold), plan,
 * ensure the application and environment, apply with progress, remember what was uploaded.
 * `serverless deploy`, `deploy function` and `serverless dev` all go through here, so a
 * save in `dev` makes exactly the calls a `deploy` would.
 */
import { SpotinstError } from '../framework/errors';
import type { SpotinstClient } from '../api';
import type { ServiceCommandContext } from '../provider/port';
import type { FunctionModel, ServiceModel } from '../framework/service-model';
import type { Application, Environment, FunctionCodeInfo } from '../spec/wire';
import { applyPlan, failuresOf, type ApplyResult, type StepResult, type UploadableCode } from './apply';
import { ensurePlacement } from './environment';
import { AdaptiveLimiter } from './limiter';
import { isNoop, planDeploy, summarize, type DeployPlan, type DesiredFunction, type PlanOptions } from './plan';
import { findPlacement, readByHint, readEnvironment, emptyState, type Placement, type PlacementHint } from './placement';
import { renderResults } from './render';
import type { ActualState } from './state';

/**
 * What a rollout remembers between commands: the code last uploaded per function id and
 * where the service was last found. The service's memory file (src/package/memory.ts) is one.
 */
export interface RolloutMemory {
  knownCode(): Record<string, FunctionCodeInfo>;
  rememberCode(functionId: string, code: FunctionCodeInfo): void;
  forgetCode(functionId: string): void;
  placement(key: string): PlacementHint | undefined;
  rememberPlacement(key: string, hint: PlacementHint | undefined): void;
  save(): void;
}

export function desiredOf(models: FunctionModel[], artifacts: Map<string, UploadableCode>): DesiredFunction[] {
  return models.map((model) => {
    const artifact = artifacts.get(model.name);
    return { model, ...(artifact ? { code: { sha256: artifact.sha256, size: artifact.size } } : {}) };
  });
}

/** Which API, account and names a placement hint is for: a hint never crosses them. */
export function placementKey(context: ServiceCommandContext, service: ServiceModel): string | undefined {
  if (service.environment.kind !== 'managed') return undefined;
  return [context.provider.apiUrl, context.provider.getCredentials().account, service.application, service.environment.name].join(' ');
}

function hintOf(application: Application | undefined, environment: Environment | undefined): PlacementHint | undefined {
  return application && environment ? { applicationId: application.id, environmentId: environment.id } : undefined;
}

/**
 * Where the service is and what it holds: in one round by the ids of the last deploy when
 * they still hold (checked in that round), else by name.
 */
export async function readDeployed(
  context: ServiceCommandContext,
  client: SpotinstClient,
  service: ServiceModel,
  memory: RolloutMemory,
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

/** Applies a plan with progress, remembers the uploads, and reports failures as one error. */
export async function applyWithProgress(
  context: ServiceCommandContext,
  client: SpotinstClient,
  environmentId: string,
  plan: DeployPlan,
  actual: ActualState,
  artifacts: Map<string, UploadableCode>,
  concurrency: number,
  memory: RolloutMemory,
): Promise<ApplyResult> {
  const limiter = new AdaptiveLimiter(concurrency);
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
  if (limiter.lowest < concurrency) {
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

/** A service read and planned, not yet applied. */
export interface PreparedRollout {
  service: ServiceModel;
  placement: Placement;
  actual: ActualState;
  plan: DeployPlan;
  hintKey?: string;
}

/** Reads what is deployed and plans the whole service against it. */
export async function prepareRollout(
  context: ServiceCommandContext,
  client: SpotinstClient,
  service: ServiceModel,
  artifacts: Map<string, UploadableCode>,
  memory: RolloutMemory,
  options: Pick<PlanOptions, 'force' | 'prune'>,
): Promise<PreparedRollout> {
  const hintKey = placementKey(context, service);
  const { placement, actual } = await readDeployed(context, client, service, memory, hintKey);
  const plan = planDeploy(desiredOf(service.functions, artifacts), actual, { ...options, alias: service.alias });
  return { service, placement, actual, plan, hintKey };
}

/**
 * Plans against what a previous rollout of this process left deployed, without reading it
 * again: for a caller that is the only writer (serverless dev, between saves). The placement
 * is the one that rollout settled, so nothing is created again.
 */
export function planAgainst(
  context: ServiceCommandContext,
  service: ServiceModel,
  artifacts: Map<string, UploadableCode>,
  previous: RolloutOutcome,
  memory: RolloutMemory,
  options: Pick<PlanOptions, 'force' | 'prune'>,
): PreparedRollout {
  const placement: Placement = {
    ...previous.placement,
    environmentAction: previous.placement.managed ? 'keep' : 'use',
    environmentChanges: [],
  };
  const actual: ActualState = { ...previous.state, knownCode: memory.knownCode() };
  const plan = planDeploy(desiredOf(service.functions, artifacts), actual, { ...options, alias: service.alias });
  return { service, placement, actual, plan, hintKey: placementKey(context, service) };
}

export interface RolloutOutcome {
  placement: Placement;
  environmentId: string;
  /** the environment's contents afterwards (the write replies folded into what was read) */
  state: ActualState;
  /** undefined when nothing needed writing */
  applied?: ApplyResult;
}

/**
 * Carries out a prepared rollout: nothing when the environment is there and the plan is a
 * no-op (only the placement is remembered), else ensures the placement and applies.
 */
export async function carryOut(
  context: ServiceCommandContext,
  client: SpotinstClient,
  prepared: PreparedRollout,
  artifacts: Map<string, UploadableCode>,
  memory: RolloutMemory,
  concurrency: number,
): Promise<RolloutOutcome> {
  const { service, placement, plan, actual, hintKey } = prepared;
  const ready = placement.environmentAction === 'keep' || placement.environmentAction === 'use' ? placement.environment : undefined;
  if (ready && isNoop(plan)) {
    if (hintKey) {
      memory.rememberPlacement(hintKey, hintOf(placement.application, ready));
      memory.save();
    }
    return { placement, environmentId: ready.id, state: actual };
  }
  const ensured = await ensurePlacement(client, service, placement);
  const settled = { ...placement, application: ensured.application, environment: ensured.environment };
  if (hintKey) memory.rememberPlacement(hintKey, hintOf(ensured.application, ensured.environment));
  const applied = await applyWithProgress(context, client, ensured.environment.id, plan, actual, artifacts, concurrency, memory);
  return { placement: settled, environmentId: ensured.environment.id, state: applied.state, applied };
}

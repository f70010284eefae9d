/**
 * `serverless remove`: deletes the functions of this file (with their cron jobs and
 * patterns), then the alias, environment and application when the plugin created them and
 * nothing else lives there. Works from the API alone, so a fresh clone can remove what
 * another machine deployed; what is already gone is not an error.
 */
import { SpotinstError } from '../framework/errors';
import type { SpotinstClient } from '../api';
import type { Environment } from '../spec/wire';
import type { ServiceCommandContext } from '../provider/port';
import type { ServiceModel } from '../framework/service-model';
import { applyPlan, failuresOf, type ApplyResult } from '../remote/apply';
import type { ServiceMemory } from '../package/memory';
import { AdaptiveLimiter, DEFAULT_CONCURRENCY } from '../remote/limiter';
import { planDeploy } from '../remote/plan';
import type { ActualState } from '../remote/state';
import { CREATED_BY, findPlacement, readEnvironment, type Placement } from '../remote/placement';
import { renderResults } from '../remote/render';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * The alias, environment and application, each only if it is ours and now empty. What is
 * left is known from the state read before and what this command deleted.
 */
async function removeContainers(
  client: SpotinstClient,
  service: ServiceModel,
  placement: Placement & { environment: Environment },
  state: ActualState,
  deletedFunctionIds: Set<string>,
  removed: string[],
): Promise<string[]> {
  const { environment } = placement;
  const kept: string[] = [];
  const functions = state.functions.filter((fn) => !deletedFunctionIds.has(fn.id));
  const patterns = state.patterns.filter((pattern) => !deletedFunctionIds.has(pattern.functionId));
  let aliases = state.aliases;
  // An alias routes only through patterns; with none left in the environment it serves nothing.
  if (service.alias && patterns.length === 0) {
    for (const alias of aliases.filter((candidate) => candidate.host === service.alias)) {
      if (await client.aliases.delete(alias.id)) removed.push(`alias ${alias.host}`);
    }
    aliases = aliases.filter((alias) => alias.host !== service.alias);
  }

  const { application } = placement;
  const ours = placement.managed && application?.description === CREATED_BY;
  if (!ours) return kept;
  if (functions.length > 0) {
    kept.push(`environment ${environment.name} (${environment.id}) still has ${plural(functions.length, 'function')} not in this file`);
    return kept;
  }
  if (aliases.length > 0) {
    kept.push(`environment ${environment.name} (${environment.id}) still has ${plural(aliases.length, 'alias')}`);
    return kept;
  }
  if (await client.environments.delete(environment.id)) removed.push(`environment ${environment.name}`);

  const others = await client.environments.listByApplication(application.id);
  if (others.length > 0) {
    kept.push(`application ${application.name} (${application.id}) still has ${plural(others.length, 'environment')}`);
    return kept;
  }
  if (await client.applications.delete(application.id)) removed.push(`application ${application.name}`);
  return kept;
}

export async function removeService(context: ServiceCommandContext, memory: ServiceMemory): Promise<void> {
  const service = context.provider.getService();
  const client = context.provider.getClient();
  const found = await findPlacement(client, service);
  const { environment } = found;
  if (!environment || found.environmentAction === 'create') {
    context.log.notice(`Nothing to remove: service ${service.service} (stage ${service.stage}) is not deployed.`);
    return;
  }
  const placement = { ...found, environment };
  const environmentId = environment.id;
  const state = await readEnvironment(client, environmentId, {});
  const names = new Set(service.functions.map((model) => model.name));
  const mine = state.functions.filter((fn) => names.has(fn.name));
  // Planning an empty file with pruning, over this file's functions only, deletes exactly them.
  const plan = planDeploy([], { ...state, functions: mine }, { force: false, prune: true });

  const progress = context.progress.create({ message: `Removing ${plural(mine.length, 'function')}`, name: 'spotinst-remove' });
  let result: ApplyResult;
  try {
    result = await applyPlan(plan, {
      client,
      environmentId,
      limiter: new AdaptiveLimiter(DEFAULT_CONCURRENCY),
      artifacts: new Map(),
      actual: state,
    });
  } finally {
    progress.remove();
  }
  for (const id of result.deleted) memory.forgetCode(id);
  memory.save();

  const failures = failuresOf(result);
  if (failures.length > 0) {
    throw new SpotinstError(
      [
        `Remove incomplete: ${failures.length} deletions did not succeed:`,
        ...renderResults(result.results),
        'Run `serverless remove` again to finish.',
      ].join('\n'),
      'SPOTINST_REMOVE_INCOMPLETE',
    );
  }
  const done = (kind: string): number => result.results.filter((step) => step.kind === kind && step.outcome === 'done').length;
  const removed = [plural(done('function'), 'function'), plural(done('cron'), 'cron job'), plural(done('endpoint'), 'endpoint')];
  const kept = await removeContainers(client, service, placement, state, new Set(result.deleted), removed);
  for (const reason of kept) context.log.notice(`Kept ${reason}.`);
  context.log.success(`Removed service ${service.service} (stage ${service.stage}): ${removed.join(', ')}.`);
}

/**
 * Plan: compare what serverless.yml wants with what the API has, and decide, for every
 * function, cron job, endpoint pattern and the alias, whether to create, update, keep or
 * delete it. Pure: no I/O, so every decision is unit-tested and `--dry-run` is exact.
 */
import { toApiRuntime } from '../spec/runtimes';
import type { ActiveVersion, CorsConfig, CronJob, Pattern, SpotinstFunction } from '../spec/wire';
import type { CronTrigger, EndpointTrigger, FunctionModel } from '../framework/service-model';
import { changeOf, type ActualState } from '../remote/state';

export type StepAction = 'create' | 'update' | 'keep' | 'delete' | 'leave';

/** What the file asks for one function, with the code it would upload. */
export interface DesiredFunction {
  model: FunctionModel;
  codeSha256: string;
  codeSize: number;
}

export interface FunctionStep {
  action: StepAction;
  name: string;
  id?: string;
  desired?: DesiredFunction;
  /** human-readable differences, e.g. `memory 128 → 256` */
  changes: string[];
  /** true when the code differs (or cannot be known to be equal) and must be uploaded */
  uploadCode: boolean;
}

/** A cron job or endpoint pattern: each belongs to one function. */
export interface TriggerStep<Wanted> {
  action: StepAction;
  functionName: string;
  id?: string;
  wanted?: Wanted;
  changes: string[];
}

export type JobStep = TriggerStep<CronTrigger>;
export type PatternStep = TriggerStep<EndpointTrigger>;

export interface AliasStep {
  action: StepAction;
  host: string;
  id?: string;
}

export interface DeployPlan {
  functions: FunctionStep[];
  jobs: JobStep[];
  patterns: PatternStep[];
  alias?: AliasStep;
}

export interface PlanOptions {
  /** redeploy every function even when nothing changed */
  force: boolean;
  /** delete remote functions that are not in the file */
  prune: boolean;
  alias?: string;
  /** send configuration only, code and handler as deployed (`deploy function --update-config`) */
  configurationOnly?: boolean;
}

const DEFAULT_ACTIVE_VERSIONS: ActiveVersion[] = [{ version: '$LATEST', percentage: 100 }];
const DEFAULT_CORS: CorsConfig = { enabled: false };

/**
 * Differences between the configuration the file wants and what the API reports. The
 * handler is compared only when its deployed value is known (`remoteHandler`).
 */
function configChanges(model: FunctionModel, remote: SpotinstFunction, remoteHandler?: string): string[] {
  const changes: string[] = [];
  const compare = (field: string, wanted: unknown, actual: unknown): void => {
    changes.push(...changeOf(field, actual, wanted));
  };
  compare('runtime', toApiRuntime(model.runtime), toApiRuntime(remote.runtime));
  if (remoteHandler !== undefined) compare('handler', model.handler, remoteHandler);
  compare('memory', model.memory, remote.limits?.memory);
  compare('timeout', model.timeout, remote.limits?.timeout);
  compare('access', model.access, remote.access);
  compare('environmentVariables', model.environmentVariables, remote.environmentVariables ?? {});
  compare('activeVersions', model.activeVersions ?? DEFAULT_ACTIVE_VERSIONS, remote.activeVersions ?? DEFAULT_ACTIVE_VERSIONS);
  compare('cors', model.cors ?? DEFAULT_CORS, remote.cors ?? DEFAULT_CORS);
  compare('iamRoleConfig', model.iamRoleConfig, remote.iamRoleConfig ?? undefined);
  return changes;
}

function planFunctions(desired: DesiredFunction[], actual: ActualState, options: PlanOptions): FunctionStep[] {
  const remoteByName = new Map(actual.functions.map((fn) => [fn.name, fn]));
  const steps: FunctionStep[] = desired.map((wanted) => {
    const remote = remoteByName.get(wanted.model.name);
    if (!remote) {
      return { action: 'create', name: wanted.model.name, desired: wanted, changes: [], uploadCode: true };
    }
    const known = actual.knownCode[remote.id];
    if (options.configurationOnly) {
      // Code and handler stay as deployed (the handler travels with the code).
      const changes = configChanges(wanted.model, remote);
      if (options.force && changes.length === 0) changes.push('forced');
      return {
        action: changes.length > 0 ? 'update' : 'keep',
        name: wanted.model.name,
        id: remote.id,
        desired: wanted,
        changes,
        uploadCode: false,
      };
    }
    const remoteSha = remote.code?.sha256 ?? known?.sha256;
    const codeChanged = remoteSha !== wanted.codeSha256;
    // Without the server's or this machine's record of the handler it cannot be compared;
    // the code is then uploaded anyway (its hash is unknown too), handler included.
    const remoteHandler = remote.code?.handler ?? known?.handler;
    const handlerChanged = remoteHandler !== undefined && remoteHandler !== wanted.model.handler;
    const changes = configChanges(wanted.model, remote, remoteHandler);
    if (codeChanged) {
      changes.unshift(
        remoteSha === undefined ? 'code (remote hash unknown)' : `code ${remoteSha.slice(0, 12)} → ${wanted.codeSha256.slice(0, 12)}`,
      );
    }
    if (options.force && changes.length === 0) changes.push('forced');
    const action: StepAction = changes.length > 0 ? 'update' : 'keep';
    // The handler travels with the code (code.handler), so changing it means an upload.
    return {
      action,
      name: wanted.model.name,
      id: remote.id,
      desired: wanted,
      changes,
      uploadCode: codeChanged || handlerChanged || options.force,
    };
  });

  const wantedNames = new Set(desired.map((wanted) => wanted.model.name));
  for (const remote of actual.functions) {
    if (wantedNames.has(remote.name)) continue;
    steps.push({
      action: options.prune ? 'delete' : 'leave',
      name: remote.name,
      id: remote.id,
      changes: [options.prune ? 'not in the file' : 'not in the file; --prune deletes it'],
      uploadCode: false,
    });
  }
  return steps;
}

/** How one kind of trigger is read from the file and compared with the API's. */
interface TriggerKind<Remote extends { id: string }, Wanted> {
  /** the file's word for it, for messages */
  label: string;
  remote: Remote[];
  ownerId(remote: Remote): string;
  wanted(model: FunctionModel): Wanted | undefined;
  differences(current: Remote, wanted: Wanted): string[];
}

function planTriggers<Remote extends { id: string }, Wanted>(
  kind: TriggerKind<Remote, Wanted>,
  desired: DesiredFunction[],
  actual: ActualState,
  functionSteps: FunctionStep[],
): Array<TriggerStep<Wanted>> {
  const steps: Array<TriggerStep<Wanted>> = [];
  const deletedFunctions = new Set(functionSteps.filter((step) => step.action === 'delete').map((step) => step.id));
  const remoteByName = new Map(actual.functions.map((fn) => [fn.name, fn]));
  const claimed = new Set<string>();

  for (const { model } of desired) {
    const remoteFunction = remoteByName.get(model.name);
    const existing = remoteFunction ? kind.remote.filter((item) => kind.ownerId(item) === remoteFunction.id) : [];
    existing.forEach((item) => claimed.add(item.id));
    const [current, ...duplicates] = existing;
    const wanted = kind.wanted(model);
    const functionName = model.name;
    if (wanted !== undefined && !current) {
      steps.push({ action: 'create', functionName, wanted, changes: [] });
    } else if (wanted !== undefined && current) {
      const changes = kind.differences(current, wanted);
      steps.push({ action: changes.length ? 'update' : 'keep', functionName, id: current.id, wanted, changes });
    } else if (current) {
      steps.push({ action: 'delete', functionName, id: current.id, changes: [`${kind.label} removed from the file`] });
    }
    // A create whose reply was lost can leave a second one behind; the plan removes it.
    for (const duplicate of duplicates) {
      steps.push({ action: 'delete', functionName, id: duplicate.id, changes: [`duplicate ${kind.label}`] });
    }
  }
  // Triggers of deleted functions go with them; those of functions left alone stay.
  for (const item of kind.remote) {
    const ownerId = kind.ownerId(item);
    if (claimed.has(item.id) || !deletedFunctions.has(ownerId)) continue;
    const owner = actual.functions.find((fn) => fn.id === ownerId);
    steps.push({ action: 'delete', functionName: owner?.name ?? ownerId, id: item.id, changes: ['its function is deleted'] });
  }
  return steps;
}

function cronKind(actual: ActualState): TriggerKind<CronJob, CronTrigger> {
  return {
    label: 'cron',
    remote: actual.jobs,
    ownerId: (job) => job.resourceId,
    wanted: (model) => model.cron,
    differences: (job, cron) => [
      ...changeOf('expression', job.cronExpression, cron.expression),
      ...changeOf('active', job.isEnabled, cron.active),
    ],
  };
}

function endpointKind(actual: ActualState): TriggerKind<Pattern, EndpointTrigger> {
  return {
    label: 'endpoint',
    remote: actual.patterns,
    ownerId: (pattern) => pattern.functionId,
    wanted: (model) => model.endpoint,
    differences: (pattern, endpoint) => [
      ...changeOf('path', pattern.pattern, endpoint.path),
      ...changeOf('method', pattern.method, endpoint.method),
    ],
  };
}

function planAlias(actual: ActualState, host: string | undefined): AliasStep | undefined {
  if (!host) return undefined;
  const existing = actual.aliases.find((alias) => alias.host === host);
  return existing ? { action: 'keep', host, id: existing.id } : { action: 'create', host };
}

export function planDeploy(desired: DesiredFunction[], actual: ActualState, options: PlanOptions): DeployPlan {
  const functions = planFunctions(desired, actual, options);
  return {
    functions,
    jobs: planTriggers(cronKind(actual), desired, actual, functions),
    patterns: planTriggers(endpointKind(actual), desired, actual, functions),
    alias: planAlias(actual, options.alias),
  };
}

/** Counts of each action, for the summary line. */
export function summarize(plan: DeployPlan): Record<StepAction, number> {
  const counts: Record<StepAction, number> = { create: 0, update: 0, keep: 0, delete: 0, leave: 0 };
  const steps: Array<{ action: StepAction }> = [...plan.functions, ...plan.jobs, ...plan.patterns];
  if (plan.alias) steps.push(plan.alias);
  for (const step of steps) counts[step.action] += 1;
  return counts;
}

/** True when applying the plan would make no write call. */
export function isNoop(plan: DeployPlan): boolean {
  const counts = summarize(plan);
  return counts.create + counts.update + counts.delete === 0;
}

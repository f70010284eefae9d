/**
 * Plan: compare what serverless.yml wants with what the API has, and decide, for every
 * function, cron job, endpoint pattern and the alias, whether to create, update, keep or
 * delete it. Pure: no I/O, so every decision is unit-tested and `--dry-run` is exact.
 */
import type { CronTrigger, EndpointTrigger, FunctionModel } from '../framework/service-model';
import type { ActualState } from './state';
import { ALIAS, CRON, ENDPOINT, FUNCTION, type ResourceKind, type TriggerDescriptor } from './resources';

export type { ResourceKind } from './resources';

export type StepAction = 'create' | 'update' | 'keep' | 'delete' | 'leave';

/**
 * One decision of the plan; each action carries what applying it needs: a create the
 * desired state, an update the id and the desired state, a delete (and keep, leave) the id.
 */
export type Step<Kind extends ResourceKind, Created, Updated = Created> = {
  kind: Kind;
  /** the function the step belongs to (its own name for a function; the host for the alias) */
  name: string;
  /** human-readable differences, e.g. `memory 128 → 256` */
  changes: string[];
} & (
  | { action: 'create'; desired: Created }
  | { action: 'update'; id: string; desired: Updated }
  | { action: 'keep'; id: string }
  | { action: 'delete'; id: string }
  | { action: 'leave'; id: string }
);

/** The hash and size of the code a function would upload. */
export interface CodeRef {
  sha256: string;
  size: number;
}

/**
 * What the file asks for one function, with the code it would upload. Without `code` only
 * the configuration is deployed (`deploy function --update-config`): code and handler stay
 * as deployed, so the function must exist.
 */
export interface DesiredFunction {
  model: FunctionModel;
  code?: CodeRef;
}

/** A function write: `code` is uploaded when present, else the deployed code stays. */
export type FunctionStep = Step<'function', { model: FunctionModel; code: CodeRef }, DesiredFunction>;
export type JobStep = Step<'cron', CronTrigger>;
export type PatternStep = Step<'endpoint', EndpointTrigger>;
export type AliasStep = Step<'alias', string>;
export type AnyStep = FunctionStep | JobStep | PatternStep | AliasStep;

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
}

function planFunction(wanted: DesiredFunction, actual: ActualState, options: PlanOptions): FunctionStep {
  const { model, code } = wanted;
  const name = model.name;
  const remote = actual.functions.find((fn) => fn.name === name);
  if (!remote) {
    if (!code) throw new Error(`function ${name} is not deployed, so it cannot be deployed without its code`);
    return { kind: 'function', action: 'create', name, desired: { model, code }, changes: [] };
  }
  const decide = (changes: string[], upload: boolean): FunctionStep => {
    if (options.force && changes.length === 0) changes.push('forced');
    return changes.length > 0
      ? { kind: 'function', action: 'update', name, id: remote.id, desired: { model, ...(upload && code ? { code } : {}) }, changes }
      : { kind: 'function', action: 'keep', name, id: remote.id, changes };
  };
  // Configuration only: code and handler stay as deployed (the handler travels with the code).
  if (!code) return decide(FUNCTION.differences(remote, model), false);

  const known = actual.knownCode[remote.id];
  const remoteSha = remote.code?.sha256 ?? known?.sha256;
  const codeChanged = remoteSha !== code.sha256;
  // Without the server's or this machine's record of the handler it cannot be compared;
  // the code is then uploaded anyway (its hash is unknown too), handler included.
  const remoteHandler = remote.code?.handler ?? known?.handler;
  const handlerChanged = remoteHandler !== undefined && remoteHandler !== model.handler;
  const changes = FUNCTION.differences(remote, model, remoteHandler);
  if (codeChanged) {
    changes.unshift(
      remoteSha === undefined ? 'code (remote hash unknown)' : `code ${remoteSha.slice(0, 12)} → ${code.sha256.slice(0, 12)}`,
    );
  }
  // The handler travels with the code (code.handler), so changing it means an upload.
  return decide(changes, codeChanged || handlerChanged || options.force);
}

function planFunctions(desired: DesiredFunction[], actual: ActualState, options: PlanOptions): FunctionStep[] {
  const steps = desired.map((wanted) => planFunction(wanted, actual, options));
  const wantedNames = new Set(desired.map((wanted) => wanted.model.name));
  for (const remote of actual.functions) {
    if (wantedNames.has(remote.name)) continue;
    const base = { kind: 'function', name: remote.name, id: remote.id } as const;
    steps.push(
      options.prune
        ? { ...base, action: 'delete', changes: ['not in the file'] }
        : { ...base, action: 'leave', changes: ['not in the file; --prune deletes it'] },
    );
  }
  return steps;
}

function planTriggers<Kind extends 'cron' | 'endpoint', Remote extends { id: string }, Desired, Input>(
  kind: TriggerDescriptor<Kind, Remote, Desired, Input>,
  desired: DesiredFunction[],
  actual: ActualState,
  functionSteps: FunctionStep[],
): Array<Step<Kind, Desired>> {
  const steps: Array<Step<Kind, Desired>> = [];
  const deletedFunctions = new Set(functionSteps.flatMap((step) => (step.action === 'delete' ? [step.id] : [])));
  const remoteByName = new Map(actual.functions.map((fn) => [fn.name, fn]));
  const deployed = kind.deployed(actual);
  const claimed = new Set<string>();
  const remove = (name: string, id: string, why: string): void => {
    steps.push({ kind: kind.kind, action: 'delete', name, id, changes: [why] });
  };

  for (const { model } of desired) {
    const remoteFunction = remoteByName.get(model.name);
    const existing = remoteFunction ? deployed.filter((item) => kind.ownerId(item) === remoteFunction.id) : [];
    existing.forEach((item) => claimed.add(item.id));
    const [current, ...duplicates] = existing;
    const wanted = kind.wanted(model);
    const name = model.name;
    if (wanted !== undefined && !current) {
      steps.push({ kind: kind.kind, action: 'create', name, desired: wanted, changes: [] });
    } else if (wanted !== undefined && current) {
      const changes = kind.differences(current, wanted);
      steps.push(
        changes.length > 0
          ? { kind: kind.kind, action: 'update', name, id: current.id, desired: wanted, changes }
          : { kind: kind.kind, action: 'keep', name, id: current.id, changes },
      );
    } else if (current) {
      remove(name, current.id, `${kind.label} removed from the file`);
    }
    // A create whose reply was lost can leave a second one behind; the plan removes it.
    for (const duplicate of duplicates) remove(name, duplicate.id, `duplicate ${kind.label}`);
  }
  // Triggers of deleted functions go with them; those of functions left alone stay.
  for (const item of deployed) {
    const ownerId = kind.ownerId(item);
    if (claimed.has(item.id) || !deletedFunctions.has(ownerId)) continue;
    const owner = actual.functions.find((fn) => fn.id === ownerId);
    remove(owner?.name ?? ownerId, item.id, 'its function is deleted');
  }
  return steps;
}

function planAlias(actual: ActualState, host: string | undefined): AliasStep | undefined {
  if (!host) return undefined;
  const existing = ALIAS.deployed(actual, host);
  return existing
    ? { kind: 'alias', action: 'keep', name: host, id: existing.id, changes: [] }
    : { kind: 'alias', action: 'create', name: host, desired: host, changes: [] };
}

export function planDeploy(desired: DesiredFunction[], actual: ActualState, options: PlanOptions): DeployPlan {
  const functions = planFunctions(desired, actual, options);
  return {
    functions,
    jobs: planTriggers(CRON, desired, actual, functions),
    patterns: planTriggers(ENDPOINT, desired, actual, functions),
    alias: planAlias(actual, options.alias),
  };
}

/** Every step of the plan, functions first. */
export function stepsOf(plan: DeployPlan): AnyStep[] {
  return [...plan.functions, ...plan.jobs, ...plan.patterns, ...(plan.alias ? [plan.alias] : [])];
}

/** Counts of each action, for the summary line. */
export function summarize(plan: DeployPlan): Record<StepAction, number> {
  const counts: Record<StepAction, number> = { create: 0, update: 0, keep: 0, delete: 0, leave: 0 };
  for (const step of stepsOf(plan)) counts[step.action] += 1;
  return counts;
}

/** True when applying the plan would make no write call. */
export function isNoop(plan: DeployPlan): boolean {
  const counts = summarize(plan);
  return counts.create + counts.update + counts.delete === 0;
}

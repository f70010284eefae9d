/**
 * Text for people: the plan before it is applied, what failed after, and the service as
 * deployed (`info`). Pure functions of their inputs, so the output is tested as text.
 */
import type { CronJob, Pattern, SpotinstFunction } from '../spec/wire';
import type { ServiceModel } from '../framework/service-model';
import type { StepResult } from './apply';
import { stepsOf, summarize, type AnyStep, type DeployPlan, type StepAction } from './plan';
import { CRON, ENDPOINT, RESOURCES } from './resources';
import type { ActualState } from './state';
import type { Placement } from './placement';

const MARKS: Record<StepAction, string> = { create: '+', update: '~', keep: '=', delete: '-', leave: '·' };

function line(action: StepAction, what: string, detail: string[] = []): string {
  const head = `  ${MARKS[action]} ${action.padEnd(6)} ${what}`;
  return detail.length > 0 ? `${head}: ${detail.join(', ')}` : head;
}

/** What a trigger is created as (its expression, its route), shown on its create line. */
function createdAs(step: AnyStep): string {
  if (step.action !== 'create') return '';
  if (step.kind === 'cron') return ` ${CRON.show(step.desired)}`;
  if (step.kind === 'endpoint') return ` ${ENDPOINT.show(step.desired)}`;
  return '';
}

function stepLine(step: AnyStep): string {
  return line(step.action, `${RESOURCES[step.kind].subject(step.name)}${createdAs(step)}`, step.changes);
}

function placementLines(service: ServiceModel, placement: Placement): string[] {
  const target = service.environment;
  if (target.kind === 'id') return [line('keep', `environment ${target.id} (explicit id)`)];
  const lines: string[] = [];
  if (!placement.application) lines.push(line('create', `application ${service.application}`));
  if (placement.environmentAction === 'create') {
    lines.push(line('create', `environment ${target.name}`));
  } else {
    lines.push(
      line(
        placement.environmentAction === 'update' ? 'update' : 'keep',
        `environment ${target.name} (${placement.environment?.id})`,
        placement.environmentChanges,
      ),
    );
  }
  return lines;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** One line per step, unchanged functions folded into a count unless `verbose`. */
export function renderPlan(service: ServiceModel, placement: Placement, plan: DeployPlan, verbose = false): string[] {
  const lines = [`Plan for service ${service.service}, stage ${service.stage}:`, ...placementLines(service, placement)];
  for (const step of stepsOf(plan)) {
    if (step.action === 'keep' && !verbose) continue;
    lines.push(stepLine(step));
  }

  const counts = summarize(plan);
  // The application and environment lines count too: they are writes like the others.
  const target = service.environment;
  if (target.kind === 'managed') {
    if (!placement.application) counts.create += 1;
    if (placement.environmentAction === 'create') counts.create += 1;
    else if (placement.environmentAction === 'update') counts.update += 1;
    else counts.keep += 1;
  }
  const unchangedFunctions = plan.functions.filter((step) => step.action === 'keep').length;
  if (unchangedFunctions > 0 && !verbose) lines.push(`  = ${plural(unchangedFunctions, 'function')} unchanged`);
  const parts = [
    counts.create && `${counts.create} to create`,
    counts.update && `${counts.update} to update`,
    counts.delete && `${counts.delete} to delete`,
    counts.keep && `${counts.keep} unchanged`,
    counts.leave && `${counts.leave} left alone`,
  ].filter(Boolean);
  lines.push(`Summary: ${parts.length > 0 ? parts.join(', ') : 'nothing to deploy'}.`);
  return lines;
}

function stepLabel(step: StepResult): string {
  return RESOURCES[step.kind].subject(step.name);
}

/** Every step's outcome, failures with their reason, for the report of a partial deploy. */
export function renderResults(results: StepResult[]): string[] {
  const order = { failed: 0, skipped: 1, done: 2 };
  return [...results]
    .sort((a, b) => order[a.outcome] - order[b.outcome])
    .map((step) => {
      if (step.outcome === 'done') return `  ✔ ${step.action} ${stepLabel(step)}`;
      return `  ✖ ${step.action} ${stepLabel(step)} ${step.outcome}: ${step.error?.message ?? 'unknown error'}`;
    });
}

export interface DeployedService {
  service: ServiceModel;
  applicationName?: string;
  applicationId?: string;
  environmentName?: string;
  environmentId: string;
  functions: SpotinstFunction[];
  jobs: CronJob[];
  patterns: Pattern[];
  aliasHost?: string;
  /** the API the service is deployed on: an http:// one is taken for spotinst-local */
  apiUrl?: string;
}

/** What `renderInfo` shows, from the placement and the environment's contents. */
export function deployedService(
  service: ServiceModel,
  placement: Placement,
  environmentId: string,
  state: ActualState,
  apiUrl?: string,
): DeployedService {
  return {
    service,
    applicationName: placement.application?.name,
    applicationId: placement.application?.id,
    environmentName: placement.environment?.name,
    environmentId,
    functions: state.functions,
    jobs: state.jobs,
    patterns: state.patterns,
    aliasHost: service.alias,
    apiUrl,
  };
}

/**
 * The URL an endpoint answers on. Patterns route only through an alias host; spotinst-local
 * (any http:// API: the cloud is https) also serves each alias under `/alias/<host>`.
 */
function endpointLine(deployed: DeployedService, pattern: Pattern): string {
  const route = `${pattern.method} ${pattern.pattern}`;
  const host = deployed.aliasHost;
  if (!host) return `    endpoint: ${route} (unreachable: no provider.spotinst.alias)`;
  const url = `http://${host}${pattern.pattern}`;
  const api = deployed.apiUrl?.replace(/\/+$/, '');
  const local = api?.startsWith('http://') ? ` (on spotinst-local: ${api}/alias/${host}${pattern.pattern})` : '';
  return `    endpoint: ${route} → ${url}${local}`;
}

/** Said once under the functions when an endpoint has no host to answer on. */
const ALIAS_HINT =
  'Endpoints answer only on the host named by provider.spotinst.alias, which is not set. ' +
  'Add it under provider.spotinst in serverless.yml (e.g. `alias: api.example.com`, a host name you control) and deploy again.';

/** The service as deployed, in the framework's `key: value` style. */
export function renderInfo(deployed: DeployedService, only?: string): string[] {
  const { service } = deployed;
  const lines = [
    `service: ${service.service}`,
    `stage: ${service.stage}`,
    ...(deployed.applicationId ? [`application: ${deployed.applicationName ?? service.application} (${deployed.applicationId})`] : []),
    `environment: ${deployed.environmentName ? `${deployed.environmentName} (${deployed.environmentId})` : deployed.environmentId}`,
    'functions:',
  ];
  const byName = new Map(deployed.functions.map((fn) => [fn.name, fn]));
  const models = service.functions.filter((model) => only === undefined || model.key === only);
  let unreachable = false;
  for (const model of models) {
    const fn = byName.get(model.name);
    lines.push(`  ${model.key}:${model.name === model.key ? '' : ` (${model.name})`}`);
    if (!fn) {
      lines.push('    not deployed');
      continue;
    }
    lines.push(
      `    id: ${fn.id}`,
      `    runtime: ${fn.runtime}`,
      `    memory: ${fn.limits.memory} MB`,
      `    timeout: ${fn.limits.timeout} s`,
      `    version: ${fn.latestVersion}`,
      `    access: ${fn.access}`,
      `    url: ${fn.url}`,
    );
    for (const job of deployed.jobs.filter((candidate) => candidate.resourceId === fn.id)) {
      lines.push(`    cron: ${job.cronExpression}${job.isEnabled ? '' : ' (inactive)'}`);
    }
    for (const pattern of deployed.patterns.filter((candidate) => candidate.functionId === fn.id)) {
      lines.push(endpointLine(deployed, pattern));
      unreachable ||= !deployed.aliasHost;
    }
  }
  if (unreachable) lines.push(ALIAS_HINT);
  return lines;
}

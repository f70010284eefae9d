/**
 * Where a service lives on the platform (application, environment) and what is deployed
 * there now. Reads only: the plan decides, apply writes.
 */
import { SpotinstClient, isNotFound } from '../api';
import { SpotinstError, type ErrorCode } from '../framework/errors';
import type { Application, Environment, FunctionCodeInfo } from '../spec/wire';
import type { EnvironmentTarget, ServiceModel } from '../framework/service-model';
import { changeOf, type ActualState } from './state';

/** Marks applications this plugin created, so `remove` deletes only those. */
export const CREATED_BY = 'created by serverless-spotinst-functions';

export interface Placement {
  /** undefined when it does not exist yet (the plan creates it) */
  application?: Application;
  environment?: Environment;
  /** what the plan must do to the environment */
  environmentAction: 'use' | 'create' | 'update' | 'keep';
  environmentChanges: string[];
  /** true when the plugin finds or creates the environment by name (not an explicit env- id) */
  managed: boolean;
}

function settingsChanges(target: Extract<EnvironmentTarget, { kind: 'managed' }>, environment: Environment): string[] {
  // A setting the file leaves out keeps whatever the environment has.
  const check = (field: string, wanted: unknown, actual: unknown): string[] =>
    wanted === undefined ? [] : changeOf(field, actual, wanted);
  return [
    ...check('providers', target.providers, environment.providers),
    ...check('locations', target.locations, environment.locations),
    ...check('strategy', target.strategy, environment.strategy),
  ];
}

/** Finds the application and environment of the service, without creating anything. */
export async function findPlacement(client: SpotinstClient, service: ServiceModel): Promise<Placement> {
  const target = service.environment;
  if (target.kind === 'id') {
    let environment: Environment;
    try {
      environment = await client.environments.get(target.id);
    } catch (error) {
      if (isNotFound(error)) {
        throw new SpotinstError(
          `provider.spotinst.environment is ${target.id}, which does not exist in this account. ` +
            'Check the id in the Spotinst console, or remove the line to let the plugin create an environment per stage.',
          'SPOTINST_ENVIRONMENT_NOT_FOUND',
        );
      }
      throw error;
    }
    return { environment, environmentAction: 'use', environmentChanges: [], managed: false };
  }

  const application = await client.applications.findByName(service.application);
  if (!application) return { environmentAction: 'create', environmentChanges: [], managed: true };
  const environment = (await client.environments.listByApplication(application.id)).find((env) => env.name === target.name);
  if (!environment) return { application, environmentAction: 'create', environmentChanges: [], managed: true };
  const environmentChanges = settingsChanges(target, environment);
  return {
    application,
    environment,
    environmentAction: environmentChanges.length ? 'update' : 'keep',
    environmentChanges,
    managed: true,
  };
}

/**
 * The environment of a service that must already be deployed, or an error that says what
 * is missing. `subject` names what the command is about (`Service x`, `Function "y"`).
 */
export function deployedEnvironment(
  placement: Placement,
  service: ServiceModel,
  code: ErrorCode,
  subject = `Service ${service.service}`,
): Environment {
  if (placement.environment) return placement.environment;
  const target = service.environment.kind === 'managed' ? service.environment.name : service.environment.id;
  const where = placement.application
    ? `application "${service.application}" has no environment "${target}"`
    : `there is no application "${service.application}"`;
  throw new SpotinstError(
    `${subject} is not deployed: ${where} in this account (stage ${service.stage}). Deploy it with \`serverless deploy --stage ${service.stage}\`.`,
    code,
  );
}

/** Ids where the service was last found: a hint, checked against the API before use. */
export interface PlacementHint {
  applicationId: string;
  environmentId: string;
}

/**
 * Reads the placement and the environment's contents in one round of parallel calls, by
 * the ids of the last deploy. Undefined when the hint no longer holds (renamed, deleted,
 * another stage): the caller then looks the service up by name.
 */
export async function readByHint(
  client: SpotinstClient,
  service: ServiceModel,
  hint: PlacementHint,
  knownCode: Record<string, FunctionCodeInfo>,
): Promise<{ placement: Placement; actual: ActualState } | undefined> {
  const target = service.environment;
  if (target.kind !== 'managed') return undefined;
  const [application, environment, actual] = await Promise.all([
    client.applications.find(hint.applicationId),
    client.environments.find(hint.environmentId),
    readEnvironment(client, hint.environmentId, knownCode).catch((error: unknown) => {
      if (isNotFound(error)) return undefined;
      throw error;
    }),
  ]);
  const holds =
    application?.name === service.application &&
    environment?.applicationId === application.id &&
    environment.name === target.name &&
    actual !== undefined;
  if (!holds) return undefined;
  const environmentChanges = settingsChanges(target, environment);
  return {
    placement: {
      application,
      environment,
      environmentAction: environmentChanges.length ? 'update' : 'keep',
      environmentChanges,
      managed: true,
    },
    actual,
  };
}

/** Everything deployed in the environment: one list call per resource kind. */
export async function readEnvironment(
  client: SpotinstClient,
  environmentId: string,
  knownCode: Record<string, FunctionCodeInfo>,
): Promise<ActualState> {
  const [functions, jobs, patterns, aliases] = await Promise.all([
    client.functions.list(environmentId),
    client.cronJobs.list({ action: 'INVOKE_FUNCTION' }),
    client.patterns.listByEnvironment(environmentId),
    client.aliases.listByEnvironment(environmentId),
  ]);
  const functionIds = new Set(functions.map((fn) => fn.id));
  return {
    functions,
    // The job list is account-wide; keep the jobs of this environment's functions.
    jobs: jobs.filter((job) => job.environmentId === environmentId || functionIds.has(job.resourceId)),
    patterns,
    aliases,
    knownCode,
  };
}

/** The state of an environment that does not exist yet. */
export function emptyState(): ActualState {
  return { functions: [], jobs: [], patterns: [], aliases: [], knownCode: {} };
}

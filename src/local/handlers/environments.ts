import { CLOUD_PROVIDERS, STRATEGIES } from '../../spec/wire';
import type { CloudProvider, Strategy } from '../../spec/wire';
import { badRequest, conflict } from '../envelope';
import { newId } from '../ids';
import type { Platform } from '../platform';
import type { Route } from '../router';
import type { StoredEnvironment } from '../store';
import { checkName, JsonObject, oneOf, optionalString, optionalStringArray, requiredString, unwrap } from '../validate';

const KIND = 'spotinst:functions:environment';

/** What an environment gets when the body does not say (the old console's defaults). */
const DEFAULT_PROVIDERS: CloudProvider[] = ['aws'];
const DEFAULT_LOCATIONS = ['us-east'];
const DEFAULT_STRATEGY: Strategy = 'least-expensive';

function readProviders(input: JsonObject): CloudProvider[] | undefined {
  const providers = optionalStringArray(input, 'providers', 'environment.providers');
  if (providers === undefined) return undefined;
  if (providers.length === 0) throw badRequest('environment.providers must name at least one provider', 'environment.providers');
  return providers.map((provider) => oneOf(provider, CLOUD_PROVIDERS, 'environment.providers'));
}

function readLocations(input: JsonObject): string[] | undefined {
  const locations = optionalStringArray(input, 'locations', 'environment.locations');
  if (locations === undefined) return undefined;
  if (locations.length === 0) throw badRequest('environment.locations must name at least one location', 'environment.locations');
  for (const location of locations) {
    if (!/^[a-z][a-z0-9-]{0,63}$/.test(location)) {
      throw badRequest(`environment.locations: "${location}" is not a location name (e.g. us-east, europe)`, 'environment.locations');
    }
  }
  return locations;
}

function readStrategy(input: JsonObject): Strategy | undefined {
  const strategy = optionalString(input, 'strategy', 'environment.strategy');
  return strategy === undefined ? undefined : oneOf(strategy, STRATEGIES, 'environment.strategy');
}

function assertNameFree(platform: Platform, applicationId: string, name: string, exceptId?: string): void {
  const taken = Object.values(platform.store.state.environments).find(
    (env) => env.applicationId === applicationId && env.name === name && env.id !== exceptId,
  );
  if (taken) {
    throw conflict(
      'ENVIRONMENT_NAME_EXISTS',
      `application ${applicationId} already has an environment named "${name}" (${taken.id})`,
      'environment.name',
    );
  }
}

export function environmentRoutes(platform: Platform): Route[] {
  return [
    {
      method: 'GET',
      template: '/functions/environment',
      kind: KIND,
      handle: ({ query, baseUrl }) => {
        const applicationId = query.get('applicationId');
        return Object.values(platform.store.state.environments)
          .filter((env) => !applicationId || env.applicationId === applicationId)
          .map((env) => platform.environmentView(env, baseUrl));
      },
    },
    {
      method: 'POST',
      template: '/functions/environment',
      kind: KIND,
      handle: ({ body, baseUrl }) => {
        const input = unwrap(body, 'environment');
        const name = checkName(requiredString(input, 'name', 'environment.name', 256), 'environment.name');
        const applicationId = requiredString(input, 'applicationId', 'environment.applicationId', 64);
        if (!platform.store.state.applications[applicationId]) {
          throw badRequest(
            `environment.applicationId: application ${applicationId} does not exist`,
            'environment.applicationId',
            'APPLICATION_NOT_FOUND',
          );
        }
        const providers = readProviders(input) ?? DEFAULT_PROVIDERS;
        const locations = readLocations(input) ?? DEFAULT_LOCATIONS;
        const strategy = readStrategy(input) ?? DEFAULT_STRATEGY;
        assertNameFree(platform, applicationId, name);
        const now = new Date().toISOString();
        const env: StoredEnvironment = {
          id: newId('env', (id) => id in platform.store.state.environments),
          name,
          applicationId,
          providers,
          locations,
          strategy,
          createdAt: now,
          updatedAt: now,
        };
        platform.store.put('environments', env);
        return [platform.environmentView(env, baseUrl)];
      },
    },
    {
      method: 'GET',
      template: '/functions/environment/{id}',
      kind: KIND,
      handle: ({ params, baseUrl }) => [platform.environmentView(platform.environment(params[0]), baseUrl)],
    },
    {
      method: 'PUT',
      template: '/functions/environment/{id}',
      kind: KIND,
      handle: ({ params, body, baseUrl }) => {
        const current = platform.environment(params[0]);
        const input = unwrap(body, 'environment');
        const name = optionalString(input, 'name', 'environment.name', 256);
        if (name !== undefined) {
          checkName(name, 'environment.name');
          assertNameFree(platform, current.applicationId, name, current.id);
        }
        const applicationId = optionalString(input, 'applicationId', 'environment.applicationId', 64);
        if (applicationId !== undefined && applicationId !== current.applicationId) {
          throw badRequest('environment.applicationId cannot change: an environment stays in its application', 'environment.applicationId');
        }
        const updated: StoredEnvironment = {
          ...current,
          ...(name === undefined ? {} : { name }),
          providers: readProviders(input) ?? current.providers,
          locations: readLocations(input) ?? current.locations,
          strategy: readStrategy(input) ?? current.strategy,
          updatedAt: new Date().toISOString(),
        };
        platform.store.put('environments', updated);
        return [platform.environmentView(updated, baseUrl)];
      },
    },
    {
      method: 'DELETE',
      template: '/functions/environment/{id}',
      kind: KIND,
      handle: ({ params }) => {
        const current = platform.environment(params[0]);
        const state = platform.store.state;
        const children = [
          ...Object.values(state.functions)
            .filter((fn) => fn.environmentId === current.id)
            .map((fn) => fn.id),
          ...Object.values(state.patterns)
            .filter((pattern) => pattern.environmentId === current.id)
            .map((pattern) => pattern.id),
          ...Object.values(state.aliases)
            .filter((alias) => alias.environmentId === current.id)
            .map((alias) => alias.id),
          ...Object.values(state.jobs)
            .filter((job) => job.environmentId === current.id)
            .map((job) => job.id),
        ];
        if (children.length > 0) {
          throw conflict(
            'ENVIRONMENT_NOT_EMPTY',
            `environment ${current.id} still has functions, patterns, aliases or cron jobs (${children.join(', ')}); delete them first`,
          );
        }
        // the document store belongs to the environment: it goes with it
        platform.store.mutate((draft) => {
          delete draft.environments[current.id];
          delete draft.documents[current.id];
        });
        return [];
      },
    },
  ];
}

import { CLOUD_PROVIDERS, STRATEGIES } from '../../spec/wire';
import type { CloudProvider, Environment, Strategy } from '../../spec/wire';
import { badRequest } from '../envelope';
import type { StoredEnvironment } from '../records';
import type { Route } from '../router';
import type { EnvironmentChanges, EnvironmentService } from '../services';
import { checkName, JsonObject, oneOf, optionalString, optionalStringArray, requiredString, unwrap } from './body';

const KIND = 'spotinst:functions:environment';

/** The environment as the API shows it: with the base URL of its functions where it is served now. */
export function environmentView(env: StoredEnvironment, baseUrl: string): Environment {
  return { ...env, url: `${baseUrl}/fn/${env.id}` };
}

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

/** Providers, locations and strategy, each only when the body gives it. */
function readPlacement(input: JsonObject): Pick<EnvironmentChanges, 'providers' | 'locations' | 'strategy'> {
  const providers = readProviders(input);
  const locations = readLocations(input);
  const strategy = readStrategy(input);
  return {
    ...(providers === undefined ? {} : { providers }),
    ...(locations === undefined ? {} : { locations }),
    ...(strategy === undefined ? {} : { strategy }),
  };
}

export function environmentRoutes(environments: EnvironmentService): Route[] {
  return [
    {
      method: 'GET',
      template: '/functions/environment',
      kind: KIND,
      handle: async ({ query, baseUrl }) =>
        (await environments.list(query.get('applicationId') ?? undefined)).map((env) => environmentView(env, baseUrl)),
    },
    {
      method: 'POST',
      template: '/functions/environment',
      kind: KIND,
      handle: async ({ body, baseUrl }) => {
        const input = unwrap(body, 'environment');
        const name = checkName(requiredString(input, 'name', 'environment.name', 256), 'environment.name');
        const applicationId = requiredString(input, 'applicationId', 'environment.applicationId', 64);
        return [environmentView(await environments.create({ name, applicationId, ...readPlacement(input) }), baseUrl)];
      },
    },
    {
      method: 'GET',
      template: '/functions/environment/{id}',
      kind: KIND,
      handle: async ({ params, baseUrl }) => [environmentView(await environments.get(params[0]), baseUrl)],
    },
    {
      method: 'PUT',
      template: '/functions/environment/{id}',
      kind: KIND,
      handle: async ({ params, body, baseUrl }) => {
        const input = unwrap(body, 'environment');
        const name = optionalString(input, 'name', 'environment.name', 256);
        const applicationId = optionalString(input, 'applicationId', 'environment.applicationId', 64);
        const changes: EnvironmentChanges = {
          ...(name === undefined ? {} : { name: checkName(name, 'environment.name') }),
          ...(applicationId === undefined ? {} : { applicationId }),
          ...readPlacement(input),
        };
        return [environmentView(await environments.update(params[0], changes), baseUrl)];
      },
    },
    {
      method: 'DELETE',
      template: '/functions/environment/{id}',
      kind: KIND,
      handle: async ({ params }) => {
        await environments.delete(params[0]);
        return [];
      },
    },
  ];
}

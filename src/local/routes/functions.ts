import type { SpotinstFunction } from '../../spec/wire';
import { badRequest } from '../envelope';
import type { StoredFunction } from '../records';
import type { Route } from '../router';
import type { FunctionService } from '../services';
import { readFunctionChanges, readNewFunction } from './function-body';

const KIND = 'spotinst:functions:function';

/** The function as the API shows it: a URL for where it is served now, code info but never the source. */
export function functionView(fn: StoredFunction, baseUrl: string): SpotinstFunction {
  const latest = fn.versions.find((version) => version.version === fn.latestVersion);
  const view: SpotinstFunction = {
    id: fn.id,
    name: fn.name,
    environmentId: fn.environmentId,
    runtime: fn.runtime,
    access: fn.access,
    limits: { ...fn.limits },
    latestVersion: fn.latestVersion,
    activeVersions: fn.activeVersions.map((entry) => ({ ...entry })),
    url: `${baseUrl}/fn/${fn.environmentId}/${fn.id}`,
    environmentVariables: { ...fn.environmentVariables },
    createdAt: fn.createdAt,
    updatedAt: fn.updatedAt,
  };
  if (fn.cors) view.cors = { ...fn.cors };
  if (fn.iamRoleConfig) view.iamRoleConfig = { ...fn.iamRoleConfig };
  if (latest) view.code = { handler: latest.handler, sha256: latest.sha256, size: latest.size };
  return view;
}

export function functionRoutes(functions: FunctionService): Route[] {
  return [
    {
      method: 'GET',
      template: '/functions/function',
      kind: KIND,
      handle: async ({ query, baseUrl }) => {
        const environmentId = query.get('environmentId');
        if (!environmentId) throw badRequest('environmentId is required to list functions', 'environmentId');
        return (await functions.list(environmentId)).map((fn) => functionView(fn, baseUrl));
      },
    },
    {
      method: 'POST',
      template: '/functions/function',
      kind: KIND,
      handle: async ({ body, baseUrl }) => [functionView(await functions.create(readNewFunction(body)), baseUrl)],
    },
    {
      method: 'GET',
      template: '/functions/function/{id}',
      kind: KIND,
      handle: async ({ params, query, baseUrl }) => [
        functionView(await functions.get(params[0], query.get('environmentId') ?? undefined), baseUrl),
      ],
    },
    {
      method: 'PUT',
      template: '/functions/function/{id}',
      kind: KIND,
      handle: async ({ params, body, baseUrl }) => [functionView(await functions.update(params[0], readFunctionChanges(body)), baseUrl)],
    },
    {
      method: 'DELETE',
      template: '/functions/function/{id}',
      kind: KIND,
      handle: async ({ params }) => {
        await functions.delete(params[0]);
        return [];
      },
    },
  ];
}

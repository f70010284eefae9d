import { badRequest } from '../envelope';
import type { Route } from '../router';
import type { AliasService } from '../services';
import { requiredString, unwrap } from './body';

const KIND = 'spotinst:functions:alias';
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function aliasRoutes(aliases: AliasService): Route[] {
  return [
    {
      method: 'GET',
      template: '/functions/alias',
      kind: KIND,
      handle: () => aliases.list(),
    },
    {
      method: 'POST',
      template: '/functions/alias',
      kind: KIND,
      handle: async ({ body }) => {
        const input = unwrap(body, 'alias');
        const host = requiredString(input, 'host', 'alias.host', 253).toLowerCase();
        if (!HOST.test(host)) throw badRequest(`alias.host "${host}" is not a host name (e.g. api.example.com)`, 'alias.host');
        const environmentId = requiredString(input, 'environmentId', 'alias.environmentId', 64);
        return [await aliases.create({ host, environmentId })];
      },
    },
    {
      method: 'GET',
      template: '/functions/alias/{id}',
      kind: KIND,
      handle: async ({ params }) => [await aliases.get(params[0])],
    },
    {
      method: 'DELETE',
      template: '/functions/alias/{id}',
      kind: KIND,
      handle: async ({ params }) => {
        await aliases.delete(params[0]);
        return [];
      },
    },
  ];
}

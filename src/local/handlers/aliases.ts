import type { Alias } from '../../spec/wire';
import { badRequest, conflict } from '../envelope';
import { newId } from '../ids';
import type { Platform } from '../platform';
import type { Route } from '../router';
import { requiredString, unwrap } from '../validate';

const KIND = 'spotinst:functions:alias';
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Aliases cannot be updated (the API has no PUT for them): delete and create instead. */
export function aliasRoutes(platform: Platform): Route[] {
  return [
    {
      method: 'GET',
      template: '/functions/alias',
      kind: KIND,
      handle: () => Object.values(platform.store.state.aliases),
    },
    {
      method: 'POST',
      template: '/functions/alias',
      kind: KIND,
      handle: ({ body }) => {
        const input = unwrap(body, 'alias');
        const host = requiredString(input, 'host', 'alias.host', 253).toLowerCase();
        if (!HOST.test(host)) throw badRequest(`alias.host "${host}" is not a host name (e.g. api.example.com)`, 'alias.host');
        const environmentId = requiredString(input, 'environmentId', 'alias.environmentId', 64);
        platform.requireEnvironment(environmentId, 'alias.environmentId');
        const taken = Object.values(platform.store.state.aliases).find((existing) => existing.host === host);
        if (taken)
          throw conflict(
            'ALIAS_HOST_EXISTS',
            `the host ${host} is already an alias (${taken.id}, environment ${taken.environmentId})`,
            'alias.host',
          );
        const now = new Date().toISOString();
        const created: Alias = {
          id: newId('al', (id) => id in platform.store.state.aliases),
          host,
          environmentId,
          createdAt: now,
          updatedAt: now,
        };
        platform.store.put('aliases', created);
        return [created];
      },
    },
    {
      method: 'GET',
      template: '/functions/alias/{id}',
      kind: KIND,
      handle: ({ params }) => [platform.alias(params[0])],
    },
    {
      method: 'DELETE',
      template: '/functions/alias/{id}',
      kind: KIND,
      handle: ({ params }) => {
        const current = platform.alias(params[0]);
        platform.store.mutate((state) => {
          delete state.aliases[current.id];
        });
        return [];
      },
    },
  ];
}

import type { Application } from '../../spec/wire';
import { conflict } from '../envelope';
import { newId } from '../ids';
import type { Platform } from '../platform';
import type { Route } from '../router';
import { checkName, optionalString, requiredString, unwrap } from '../validate';

const KIND = 'spotinst:functions:application';

function assertNameFree(platform: Platform, name: string, exceptId?: string): void {
  const taken = Object.values(platform.store.state.applications).find((app) => app.name === name && app.id !== exceptId);
  if (taken) throw conflict('APPLICATION_NAME_EXISTS', `an application named "${name}" already exists (${taken.id})`, 'application.name');
}

export function applicationRoutes(platform: Platform): Route[] {
  return [
    {
      method: 'GET',
      template: '/functions/application',
      kind: KIND,
      handle: () => Object.values(platform.store.state.applications),
    },
    {
      method: 'POST',
      template: '/functions/application',
      kind: KIND,
      handle: ({ body }) => {
        const input = unwrap(body, 'application');
        const name = checkName(requiredString(input, 'name', 'application.name', 256), 'application.name');
        const description = optionalString(input, 'description', 'application.description', 4096);
        assertNameFree(platform, name);
        const now = new Date().toISOString();
        const application: Application = {
          id: newId('app', (id) => id in platform.store.state.applications),
          name,
          ...(description === undefined ? {} : { description }),
          createdAt: now,
          updatedAt: now,
        };
        platform.store.put('applications', application);
        return [application];
      },
    },
    {
      method: 'GET',
      template: '/functions/application/{id}',
      kind: KIND,
      handle: ({ params }) => [platform.application(params[0])],
    },
    {
      method: 'PUT',
      template: '/functions/application/{id}',
      kind: KIND,
      handle: ({ params, body }) => {
        const current = platform.application(params[0]);
        const input = unwrap(body, 'application');
        const name = optionalString(input, 'name', 'application.name', 256);
        const description = optionalString(input, 'description', 'application.description', 4096);
        if (name !== undefined) {
          checkName(name, 'application.name');
          assertNameFree(platform, name, current.id);
        }
        const updated: Application = {
          ...current,
          ...(name === undefined ? {} : { name }),
          ...(description === undefined ? {} : { description }),
          updatedAt: new Date().toISOString(),
        };
        platform.store.put('applications', updated);
        return [updated];
      },
    },
    {
      method: 'DELETE',
      template: '/functions/application/{id}',
      kind: KIND,
      handle: ({ params }) => {
        const current = platform.application(params[0]);
        const children = Object.values(platform.store.state.environments).filter((env) => env.applicationId === current.id);
        if (children.length > 0) {
          throw conflict(
            'APPLICATION_NOT_EMPTY',
            `application ${current.id} still has ${children.length} environment(s) (${children.map((env) => env.id).join(', ')}); delete them first`,
          );
        }
        platform.store.mutate((state) => {
          delete state.applications[current.id];
        });
        return [];
      },
    },
  ];
}

import type { Route } from '../router';
import type { ApplicationService } from '../services';
import { checkName, optionalString, requiredString, unwrap } from './body';

const KIND = 'spotinst:functions:application';

export function applicationRoutes(applications: ApplicationService): Route[] {
  return [
    {
      method: 'GET',
      template: '/functions/application',
      kind: KIND,
      handle: () => applications.list(),
    },
    {
      method: 'POST',
      template: '/functions/application',
      kind: KIND,
      handle: async ({ body }) => {
        const input = unwrap(body, 'application');
        const name = checkName(requiredString(input, 'name', 'application.name', 256), 'application.name');
        const description = optionalString(input, 'description', 'application.description', 4096);
        return [await applications.create({ name, ...(description === undefined ? {} : { description }) })];
      },
    },
    {
      method: 'GET',
      template: '/functions/application/{id}',
      kind: KIND,
      handle: async ({ params }) => [await applications.get(params[0])],
    },
    {
      method: 'PUT',
      template: '/functions/application/{id}',
      kind: KIND,
      handle: async ({ params, body }) => {
        const input = unwrap(body, 'application');
        const name = optionalString(input, 'name', 'application.name', 256);
        const description = optionalString(input, 'description', 'application.description', 4096);
        return [
          await applications.update(params[0], {
            ...(name === undefined ? {} : { name: checkName(name, 'application.name') }),
            ...(description === undefined ? {} : { description }),
          }),
        ];
      },
    },
    {
      method: 'DELETE',
      template: '/functions/application/{id}',
      kind: KIND,
      handle: async ({ params }) => {
        await applications.delete(params[0]);
        return [];
      },
    },
  ];
}

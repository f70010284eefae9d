import { PATTERN_METHODS } from '../../spec/wire';
import type { PatternMethod } from '../../spec/wire';
import { badRequest } from '../envelope';
import type { Route } from '../router';
import type { PatternService } from '../services';
import { JsonObject, oneOf, optionalString, requiredString, unwrap } from './body';

const KIND = 'spotinst:functions:pattern';

function checkPath(pattern: string): string {
  if (!pattern.startsWith('/') || /\s/.test(pattern)) {
    throw badRequest(
      `pattern.pattern "${pattern}" must be a path starting with "/" and without spaces (e.g. /users/{id})`,
      'pattern.pattern',
    );
  }
  return pattern;
}

function readMethod(input: JsonObject, required: true): PatternMethod;
function readMethod(input: JsonObject, required: false): PatternMethod | undefined;
function readMethod(input: JsonObject, required: boolean): PatternMethod | undefined {
  const method = required ? requiredString(input, 'method', 'pattern.method', 16) : optionalString(input, 'method', 'pattern.method', 16);
  return method === undefined ? undefined : oneOf(method.toUpperCase(), PATTERN_METHODS, 'pattern.method');
}

export function patternRoutes(patterns: PatternService): Route[] {
  return [
    {
      method: 'GET',
      template: '/functions/pattern',
      kind: KIND,
      handle: ({ query }) => patterns.list(query.get('environmentId') ?? undefined),
    },
    {
      method: 'POST',
      template: '/functions/pattern',
      kind: KIND,
      handle: async ({ body }) => {
        const input = unwrap(body, 'pattern');
        const environmentId = requiredString(input, 'environmentId', 'pattern.environmentId', 64);
        const functionId = requiredString(input, 'functionId', 'pattern.functionId', 64);
        const pattern = checkPath(requiredString(input, 'pattern', 'pattern.pattern', 512));
        const method = readMethod(input, true);
        return [await patterns.create({ environmentId, functionId, pattern, method })];
      },
    },
    {
      method: 'GET',
      template: '/functions/pattern/{id}',
      kind: KIND,
      handle: async ({ params }) => [await patterns.get(params[0])],
    },
    {
      method: 'PUT',
      template: '/functions/pattern/{id}',
      kind: KIND,
      handle: async ({ params, body }) => {
        const input = unwrap(body, 'pattern');
        const environmentId = optionalString(input, 'environmentId', 'pattern.environmentId', 64);
        const functionId = optionalString(input, 'functionId', 'pattern.functionId', 64);
        const path = optionalString(input, 'pattern', 'pattern.pattern', 512);
        const method = readMethod(input, false);
        return [
          await patterns.update(params[0], {
            ...(environmentId === undefined ? {} : { environmentId }),
            ...(functionId === undefined ? {} : { functionId }),
            ...(path === undefined ? {} : { pattern: checkPath(path) }),
            ...(method === undefined ? {} : { method }),
          }),
        ];
      },
    },
    {
      method: 'DELETE',
      template: '/functions/pattern/{id}',
      kind: KIND,
      handle: async ({ params }) => {
        await patterns.delete(params[0]);
        return [];
      },
    },
  ];
}

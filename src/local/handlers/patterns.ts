import { PATTERN_METHODS } from '../../spec/wire';
import type { Pattern, PatternMethod } from '../../spec/wire';
import { badRequest, conflict } from '../envelope';
import { newId } from '../ids';
import type { Platform } from '../platform';
import type { Route } from '../router';
import { JsonObject, oneOf, optionalString, requiredString, unwrap } from '../validate';

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

function readMethod(input: JsonObject, required: boolean): PatternMethod | undefined {
  const method = required ? requiredString(input, 'method', 'pattern.method', 16) : optionalString(input, 'method', 'pattern.method', 16);
  return method === undefined ? undefined : oneOf(method.toUpperCase(), PATTERN_METHODS, 'pattern.method');
}

function assertFree(platform: Platform, candidate: Omit<Pattern, 'id'>, exceptId?: string): void {
  const taken = Object.values(platform.store.state.patterns).find(
    (p) =>
      p.environmentId === candidate.environmentId && p.method === candidate.method && p.pattern === candidate.pattern && p.id !== exceptId,
  );
  if (taken) {
    throw conflict(
      'PATTERN_EXISTS',
      `environment ${candidate.environmentId} already routes ${candidate.method} ${candidate.pattern} (${taken.id})`,
      'pattern.pattern',
    );
  }
}

export function patternRoutes(platform: Platform): Route[] {
  return [
    {
      method: 'GET',
      template: '/functions/pattern',
      kind: KIND,
      handle: ({ query }) => {
        const environmentId = query.get('environmentId');
        return Object.values(platform.store.state.patterns).filter((p) => !environmentId || p.environmentId === environmentId);
      },
    },
    {
      method: 'POST',
      template: '/functions/pattern',
      kind: KIND,
      handle: ({ body }) => {
        const input = unwrap(body, 'pattern');
        const environmentId = requiredString(input, 'environmentId', 'pattern.environmentId', 64);
        platform.requireEnvironment(environmentId, 'pattern.environmentId');
        const functionId = requiredString(input, 'functionId', 'pattern.functionId', 64);
        platform.requireFunctionIn(functionId, environmentId, 'pattern.functionId');
        const candidate = {
          environmentId,
          functionId,
          pattern: checkPath(requiredString(input, 'pattern', 'pattern.pattern', 512)),
          method: readMethod(input, true) as PatternMethod,
        };
        assertFree(platform, candidate);
        const now = new Date().toISOString();
        const created: Pattern = {
          id: newId('pat', (id) => id in platform.store.state.patterns),
          ...candidate,
          createdAt: now,
          updatedAt: now,
        };
        platform.store.put('patterns', created);
        return [created];
      },
    },
    {
      method: 'GET',
      template: '/functions/pattern/{id}',
      kind: KIND,
      handle: ({ params }) => [platform.pattern(params[0])],
    },
    {
      method: 'PUT',
      template: '/functions/pattern/{id}',
      kind: KIND,
      handle: ({ params, body }) => {
        const current = platform.pattern(params[0]);
        const input = unwrap(body, 'pattern');
        const environmentId = optionalString(input, 'environmentId', 'pattern.environmentId', 64);
        if (environmentId !== undefined && environmentId !== current.environmentId) {
          throw badRequest('pattern.environmentId cannot change', 'pattern.environmentId');
        }
        const functionId = optionalString(input, 'functionId', 'pattern.functionId', 64) ?? current.functionId;
        platform.requireFunctionIn(functionId, current.environmentId, 'pattern.functionId');
        const path = optionalString(input, 'pattern', 'pattern.pattern', 512);
        const updated: Pattern = {
          ...current,
          functionId,
          pattern: path === undefined ? current.pattern : checkPath(path),
          method: readMethod(input, false) ?? current.method,
          updatedAt: new Date().toISOString(),
        };
        assertFree(platform, updated, current.id);
        platform.store.put('patterns', updated);
        return [updated];
      },
    },
    {
      method: 'DELETE',
      template: '/functions/pattern/{id}',
      kind: KIND,
      handle: ({ params }) => {
        const current = platform.pattern(params[0]);
        platform.store.mutate((state) => {
          delete state.patterns[current.id];
        });
        return [];
      },
    },
  ];
}

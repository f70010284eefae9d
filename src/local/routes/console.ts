/**
 * The console's reads and actions beyond the management API, under `/__local/api/`: typed
 * inputs from HTTP, views with URLs for the replies (console/api-types.ts). Authenticated
 * like the management API (server.ts); never faulted, never counted in `/__local/stats`.
 */
import http from 'node:http';
import type {
  ConsoleInvokeResult,
  ConsolePlatform,
  FunctionSeries,
  OverviewApplication,
  OverviewEnvironment,
  OverviewFunction,
} from '../console/api-types';
import { parseBody, type FunctionEvent } from '../../spec/contract';
import { ApiFailure, badRequest } from '../envelope';
import { recordResponse } from '../exchange';
import type { Invocation } from '../invocation/invoker';
import { WorkerBudgetExhaustedError } from '../invocation/worker-budget';
import type { Route } from '../router';
import { nextRuns, SERIES_BUCKET_MS, type ConsoleService, type EnvironmentContents } from '../services';
import { isObject, oneOf, optionalObject, optionalString, type JsonObject } from './body';
import { MAX_INVOKE_BODY_BYTES } from './triggers';

const KIND = 'spotinst-local:console';
const DEFAULT_INVOCATIONS = 50;
const MAX_INVOCATIONS = 500;
const INVOKE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;

function overviewFunction(
  fn: EnvironmentContents['functions'][number],
  contents: EnvironmentContents,
  baseUrl: string,
  now: number,
): OverviewFunction {
  const aliasUrls = contents.aliases.map((alias) => `${baseUrl}/alias/${alias.host}`);
  return {
    id: fn.id,
    name: fn.name,
    environmentId: fn.environmentId,
    runtime: fn.runtime,
    access: fn.access,
    limits: { ...fn.limits },
    // names only: values may be secrets, and the console is looked at over shoulders
    environmentVariableNames: Object.keys(fn.environmentVariables).sort(),
    ...(fn.cors ? { cors: { ...fn.cors } } : {}),
    activeVersions: fn.activeVersions.map((entry) => ({ ...entry })),
    latestVersion: fn.latestVersion,
    versions: fn.versions.map((version) => ({ ...version })),
    url: `${baseUrl}/fn/${fn.environmentId}/${fn.id}`,
    endpoints: contents.patterns
      .filter((pattern) => pattern.functionId === fn.id)
      .map((pattern) => ({
        id: pattern.id,
        method: pattern.method,
        pattern: pattern.pattern,
        urls: aliasUrls.map((aliasUrl) => `${aliasUrl}${pattern.pattern}`),
      })),
    jobs: contents.jobs
      .filter((job) => job.resourceId === fn.id)
      .map((job) => {
        const next = job.isEnabled ? nextRuns(job.cronExpression, now) : { runs: [] };
        return {
          id: job.id,
          cronExpression: job.cronExpression,
          isEnabled: job.isEnabled,
          nextRuns: next.runs,
          ...(next.problem === undefined ? {} : { problem: next.problem }),
        };
      }),
    updatedAt: fn.updatedAt,
  };
}

function environmentView(contents: EnvironmentContents, baseUrl: string, now: number): OverviewEnvironment {
  const { environment } = contents;
  return {
    id: environment.id,
    name: environment.name,
    url: `${baseUrl}/fn/${environment.id}`,
    aliases: contents.aliases.map((alias) => ({ id: alias.id, host: alias.host, url: `${baseUrl}/alias/${alias.host}` })),
    functions: contents.functions.map((fn) => overviewFunction(fn, contents, baseUrl, now)),
  };
}

function stringMap(input: JsonObject, key: string): Record<string, string> {
  const value = optionalObject(input, key, key) ?? {};
  const map: Record<string, string> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw badRequest(`${key}.${name} must be a string (got ${JSON.stringify(entry)})`, `${key}.${name}`);
    map[name] = entry;
  }
  return map;
}

/** The event of a console invoke: POST unless told, path `/`, the body as text (JSON text is parsed, as a trigger does). */
export function readInvokeRequest(body: unknown): FunctionEvent {
  const input = body === undefined ? {} : body;
  if (!isObject(input)) throw badRequest('the request body must be a JSON object {"method", "path", "query", "headers", "body"}');
  const method = oneOf((optionalString(input, 'method', 'method', 16) ?? 'POST').toUpperCase(), INVOKE_METHODS, 'method');
  const path = optionalString(input, 'path', 'path', 2048) ?? '/';
  if (!path.startsWith('/')) throw badRequest(`path must start with / (got "${path}"), e.g. /orders/42`, 'path');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(stringMap(input, 'headers'))) {
    try {
      http.validateHeaderName(name);
      http.validateHeaderValue(name, value);
    } catch {
      throw badRequest(
        `headers.${name} is not a header HTTP can carry; use letters, digits and - in names, no line breaks in values`,
        `headers.${name}`,
      );
    }
    headers[name.toLowerCase()] = value;
  }
  const text = optionalString(input, 'body', 'body', MAX_INVOKE_BODY_BYTES) ?? '';
  if (Buffer.byteLength(text) > MAX_INVOKE_BODY_BYTES) {
    throw badRequest(`body is larger than the ${MAX_INVOKE_BODY_BYTES / 1024 / 1024} MB a function accepts`, 'body');
  }
  return { method, path, query: stringMap(input, 'query'), headers, body: parseBody(text) };
}

/** Runs an invoke or a replay; a spent worker budget is the 429 a trigger would answer. */
async function invoked(functionId: string, run: Promise<Invocation>): Promise<ConsoleInvokeResult> {
  let invocation: Invocation;
  try {
    invocation = await run;
  } catch (error) {
    if (!(error instanceof WorkerBudgetExhaustedError)) throw error;
    throw new ApiFailure(429, 'TOO_MANY_REQUESTS', error.message, undefined, { 'Retry-After': String(error.retryAfterS) });
  }
  const { outcome } = invocation;
  return {
    functionId,
    invocationId: invocation.invocationId,
    version: invocation.version,
    status: outcome.status,
    durationMs: outcome.durationMs,
    coldStart: outcome.coldStart,
    response: recordResponse(invocation.reply),
  };
}

function readLimit(value: string | null): number {
  if (value === null || value === '') return DEFAULT_INVOCATIONS;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_INVOCATIONS) {
    throw badRequest(`limit must be a whole number from 1 to ${MAX_INVOCATIONS} (got "${value}")`, 'limit');
  }
  return limit;
}

export function consoleRoutes(consoleService: ConsoleService, platform: () => Promise<ConsolePlatform>): Route[] {
  return [
    {
      method: 'GET',
      template: '/__local/api/overview',
      kind: `${KIND}:application`,
      handle: async ({ baseUrl }): Promise<OverviewApplication[]> => {
        const now = Date.now();
        return (await consoleService.overview()).map(({ application, environments }) => ({
          id: application.id,
          name: application.name,
          ...(application.description === undefined ? {} : { description: application.description }),
          environments: environments.map((contents) => environmentView(contents, baseUrl, now)),
        }));
      },
    },
    {
      method: 'GET',
      template: '/__local/api/platform',
      kind: `${KIND}:platform`,
      handle: async () => [await platform()],
    },
    {
      method: 'GET',
      template: '/__local/api/functions/{id}/invocations',
      kind: `${KIND}:invocation`,
      handle: ({ params, query }) => consoleService.invocations(params[0], readLimit(query.get('limit'))),
    },
    {
      method: 'GET',
      template: '/__local/api/functions/{id}/invocations/{id}',
      kind: `${KIND}:invocation`,
      handle: async ({ params }) => [await consoleService.invocation(params[0], params[1])],
    },
    {
      method: 'POST',
      template: '/__local/api/functions/{id}/invocations/{id}/replay',
      kind: `${KIND}:invokeResult`,
      handle: async ({ params }) => [await invoked(params[0], consoleService.replay(params[0], params[1]))],
    },
    {
      method: 'POST',
      template: '/__local/api/functions/{id}/invoke',
      kind: `${KIND}:invokeResult`,
      handle: async ({ params, body }) => {
        const event = readInvokeRequest(body);
        return [await invoked(params[0], consoleService.invoke(params[0], event))];
      },
    },
    {
      method: 'GET',
      template: '/__local/api/functions/{id}/series',
      kind: `${KIND}:series`,
      handle: async ({ params }): Promise<FunctionSeries[]> => {
        const series = await consoleService.series(params[0]);
        return [{ functionId: params[0], bucketMs: SERIES_BUCKET_MS, ...series }];
      },
    },
  ];
}

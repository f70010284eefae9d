import {
  ENV_NAME_PATTERN,
  MEMORY_RULE,
  TIMEOUT_RULE,
  inStepRange,
  type Access,
  type ActiveVersion,
  type CorsConfig,
  type FunctionLimits,
  type IamRoleConfig,
  type StepRange,
} from '../../spec/wire';
import { parseRuntime } from '../../spec/runtimes';
import { badRequest, conflict, notFound } from '../envelope';
import { newId } from '../ids';
import type { Platform } from '../platform';
import type { Route } from '../router';
import type { StoredFunction, StoredVersion } from '../store';
import {
  checkName,
  isObject,
  JsonObject,
  oneOf,
  optionalBoolean,
  optionalObject,
  optionalString,
  requiredString,
  unwrap,
} from '../validate';

const KIND = 'spotinst:functions:function';
const LOG_KIND = 'spotinst:functions:log';

function readRuntime(input: JsonObject, required: boolean): string | undefined {
  const runtime = required
    ? requiredString(input, 'runtime', 'function.runtime', 32)
    : optionalString(input, 'runtime', 'function.runtime', 32);
  if (runtime === undefined) return undefined;
  if (runtime.includes('.')) {
    throw badRequest(`function.runtime "${runtime}" must be sent without dots (e.g. nodejs8.3 → nodejs83)`, 'function.runtime');
  }
  // wire names are family and version digits without dots (`nodejs83`, `python27`, `java8`)
  if (parseRuntime(runtime) === undefined) {
    throw badRequest(
      `function.runtime "${runtime}" is not a runtime of the platform (nodejs…, python…, ruby…, java…; e.g. nodejs83, python27, ruby241, java8)`,
      'function.runtime',
    );
  }
  return runtime;
}

function readAccess(input: JsonObject, required: boolean): Access | undefined {
  const access = required ? requiredString(input, 'access', 'function.access', 16) : optionalString(input, 'access', 'function.access', 16);
  return access === undefined ? undefined : oneOf(access, ['private', 'public'] as const, 'function.access');
}

function readLimits(input: JsonObject, current?: FunctionLimits): FunctionLimits | undefined {
  const limits = optionalObject(input, 'limits', 'function.limits');
  if (limits === undefined) {
    if (current) return undefined;
    throw badRequest('function.limits is required ({memory, timeout})', 'function.limits');
  }
  const read = (key: 'memory' | 'timeout'): number | undefined => {
    const value = limits[key];
    if (value === undefined || value === null) {
      if (current) return current[key];
      throw badRequest(`function.limits.${key} is required`, `function.limits.${key}`);
    }
    if (typeof value !== 'number' || !Number.isInteger(value))
      throw badRequest(`function.limits.${key} must be a whole number`, `function.limits.${key}`);
    return value;
  };
  const memory = read('memory') as number;
  const timeout = read('timeout') as number;
  checkStepRange('memory', memory, MEMORY_RULE, 'MB');
  checkStepRange('timeout', timeout, TIMEOUT_RULE, 'seconds');
  return { memory, timeout };
}

function checkStepRange(key: 'memory' | 'timeout', value: number, rule: StepRange, unit: string): void {
  if (!inStepRange(value, rule)) {
    throw badRequest(
      `function.limits.${key} must be a multiple of ${rule.step} between ${rule.min} and ${rule.max} ${unit} (got ${value})`,
      `function.limits.${key}`,
    );
  }
}

function readCode(input: JsonObject, required: boolean): { handler: string; source: string } | undefined {
  const code = optionalObject(input, 'code', 'function.code');
  if (code === undefined) {
    if (required) throw badRequest('function.code is required ({handler, source})', 'function.code');
    return undefined;
  }
  const handler = requiredString(code, 'handler', 'function.code.handler', 512);
  const source = code.source;
  if (typeof source !== 'string' || source === '')
    throw badRequest('function.code.source is required: the base64 of the zip (jar for java)', 'function.code.source');
  return { handler, source };
}

function readEnvironmentVariables(input: JsonObject): Record<string, string> | undefined {
  const vars = optionalObject(input, 'environmentVariables', 'function.environmentVariables');
  if (vars === undefined) return undefined;
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(vars)) {
    const field = `function.environmentVariables.${key}`;
    if (!ENV_NAME_PATTERN.test(key))
      throw badRequest(`${field}: "${key}" is not a valid variable name (letters, digits, _; not starting with a digit)`, field);
    if (typeof value !== 'string') throw badRequest(`${field} must be a string (send "100", not 100)`, field);
    result[key] = value;
  }
  return result;
}

function readActiveVersions(input: JsonObject, latestVersion: number): ActiveVersion[] | undefined {
  const value = input.activeVersions;
  if (value === undefined || value === null) return undefined;
  const field = 'function.activeVersions';
  if (!Array.isArray(value) || value.length === 0) throw badRequest(`${field} must be a non-empty list of {version, percentage}`, field);
  const seen = new Set<string>();
  let total = 0;
  const result = value.map((entry, index): ActiveVersion => {
    const at = `${field}[${index}]`;
    if (!isObject(entry)) throw badRequest(`${at} must be {version, percentage}`, at);
    let version: ActiveVersion['version'];
    if (entry.version === '$LATEST') version = '$LATEST';
    else if (typeof entry.version === 'number' || (typeof entry.version === 'string' && /^\d+$/.test(entry.version))) {
      version = Number(entry.version);
      if (!Number.isInteger(version) || version < 0)
        throw badRequest(`${at}.version must be "$LATEST" or a version number`, `${at}.version`);
      if (version > latestVersion)
        throw badRequest(`${at}.version ${version} does not exist (the latest version is ${latestVersion})`, `${at}.version`);
    } else throw badRequest(`${at}.version must be "$LATEST" or a version number`, `${at}.version`);
    if (seen.has(String(version))) throw badRequest(`${at}.version ${version} is listed twice`, `${at}.version`);
    seen.add(String(version));
    const percentage = entry.percentage;
    if (typeof percentage !== 'number' || !Number.isFinite(percentage) || percentage <= 0 || percentage > 100) {
      throw badRequest(`${at}.percentage must be a number above 0 and at most 100`, `${at}.percentage`);
    }
    if (Math.abs(Math.round(percentage * 100) - percentage * 100) > 1e-6) {
      throw badRequest(`${at}.percentage must have at most 2 decimals (got ${percentage})`, `${at}.percentage`);
    }
    total += percentage;
    return { version, percentage };
  });
  if (Math.abs(total - 100) > 0.001)
    throw badRequest(`${field} percentages must add up to 100 (they add up to ${Number(total.toFixed(2))})`, field);
  return result;
}

function readCors(input: JsonObject): CorsConfig | undefined {
  const cors = optionalObject(input, 'cors', 'function.cors');
  if (cors === undefined) return undefined;
  const enabled = optionalBoolean(cors, 'enabled', 'function.cors.enabled');
  const result: CorsConfig = { enabled: enabled ?? false };
  for (const key of ['origin', 'headers', 'methods'] as const) {
    const value = optionalString(cors, key, `function.cors.${key}`, 2048);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

function readIamRole(input: JsonObject): IamRoleConfig | undefined {
  const role = optionalObject(input, 'iamRoleConfig', 'function.iamRoleConfig');
  if (role === undefined) return undefined;
  return { roleId: requiredString(role, 'roleId', 'function.iamRoleConfig.roleId', 128) };
}

function assertNameFree(platform: Platform, environmentId: string, name: string, exceptId?: string): void {
  const taken = Object.values(platform.store.state.functions).find(
    (fn) => fn.environmentId === environmentId && fn.name === name && fn.id !== exceptId,
  );
  if (taken)
    throw conflict(
      'FUNCTION_NAME_EXISTS',
      `environment ${environmentId} already has a function named "${name}" (${taken.id})`,
      'function.name',
    );
}

function readWindowBound(value: string | null, name: string, fallback: number): number {
  if (value === null || value === '') return fallback;
  const number = Number(value);
  if (!Number.isFinite(number)) throw badRequest(`${name} must be epoch milliseconds`, name);
  return number;
}

export function functionRoutes(platform: Platform): Route[] {
  return [
    {
      // listed before /functions/function/{id}: "log" is not a function id
      method: 'GET',
      template: '/functions/function/log',
      kind: LOG_KIND,
      handle: ({ query }) => {
        const functionId = query.get('functionId');
        if (!functionId) throw badRequest('functionId is required', 'functionId');
        platform.function(functionId);
        const to = readWindowBound(query.get('to'), 'to', Date.now());
        const from = readWindowBound(query.get('from'), 'from', to - 60 * 60 * 1000);
        if (from > to) throw badRequest('from must not be after to', 'from');
        return platform.logs.list(functionId, from, to);
      },
    },
    {
      method: 'GET',
      template: '/functions/function',
      kind: KIND,
      handle: ({ query, baseUrl }) => {
        const environmentId = query.get('environmentId');
        if (!environmentId) throw badRequest('environmentId is required to list functions', 'environmentId');
        platform.environment(environmentId);
        return Object.values(platform.store.state.functions)
          .filter((fn) => fn.environmentId === environmentId)
          .map((fn) => platform.functionView(fn, baseUrl));
      },
    },
    {
      method: 'POST',
      template: '/functions/function',
      kind: KIND,
      handle: async ({ body, baseUrl }) => {
        const input = unwrap(body, 'function');
        const environmentId = requiredString(input, 'environmentId', 'function.environmentId', 64);
        platform.requireEnvironment(environmentId, 'function.environmentId');
        const name = checkName(requiredString(input, 'name', 'function.name', 256), 'function.name');
        const runtime = readRuntime(input, true) as string;
        const access = readAccess(input, true) as Access;
        const limits = readLimits(input) as FunctionLimits;
        const code = readCode(input, true) as { handler: string; source: string };
        const environmentVariables = readEnvironmentVariables(input) ?? {};
        const activeVersions = readActiveVersions(input, 0) ?? [{ version: '$LATEST', percentage: 100 }];
        const cors = readCors(input);
        const iamRoleConfig = readIamRole(input);
        assertNameFree(platform, environmentId, name);

        const saved = await platform.code.save(code.source, 'function.code.source');
        platform.stats.addCodeBytes(saved.size);
        // the upload took a while: the world may have changed meanwhile
        platform.environment(environmentId);
        assertNameFree(platform, environmentId, name);

        const now = new Date().toISOString();
        const fn: StoredFunction = {
          id: newId('fx', (id) => id in platform.store.state.functions),
          name,
          environmentId,
          runtime,
          access,
          limits,
          environmentVariables,
          activeVersions,
          ...(cors ? { cors } : {}),
          ...(iamRoleConfig ? { iamRoleConfig } : {}),
          latestVersion: 0,
          versions: [{ version: 0, handler: code.handler, sha256: saved.sha256, size: saved.size, createdAt: now }],
          createdAt: now,
          updatedAt: now,
        };
        platform.store.put('functions', fn);
        return [platform.functionView(fn, baseUrl)];
      },
    },
    {
      method: 'GET',
      template: '/functions/function/{id}',
      kind: KIND,
      handle: ({ params, query, baseUrl }) => {
        const fn = platform.function(params[0]);
        const environmentId = query.get('environmentId');
        if (environmentId && environmentId !== fn.environmentId) throw notFound('function', `${fn.id} in environment ${environmentId}`);
        return [platform.functionView(fn, baseUrl)];
      },
    },
    {
      method: 'PUT',
      template: '/functions/function/{id}',
      kind: KIND,
      handle: async ({ params, body, baseUrl }) => {
        const id = params[0];
        const before = platform.function(id);
        const input = unwrap(body, 'function');
        const environmentId = optionalString(input, 'environmentId', 'function.environmentId', 64);
        if (environmentId !== undefined && environmentId !== before.environmentId) {
          throw badRequest(
            `function.environmentId cannot change: ${before.id} belongs to ${before.environmentId}`,
            'function.environmentId',
          );
        }
        const name = optionalString(input, 'name', 'function.name', 256);
        if (name !== undefined) {
          checkName(name, 'function.name');
          assertNameFree(platform, before.environmentId, name, before.id);
        }
        const runtime = readRuntime(input, false);
        const access = readAccess(input, false);
        const limits = readLimits(input, before.limits);
        const code = readCode(input, false);
        const environmentVariables = readEnvironmentVariables(input);
        const cors = readCors(input);
        const iamRoleConfig = readIamRole(input);

        const saved = code ? await platform.code.save(code.source, 'function.code.source') : undefined;
        if (saved) platform.stats.addCodeBytes(saved.size);
        const current = platform.function(id); // re-read: the upload may have taken a while
        let newVersion: StoredVersion | undefined;
        if (code && saved) {
          const latest = current.versions.find((version) => version.version === current.latestVersion);
          // new code (or a new handler) is a new version; the same upload again only changes configuration
          if (!latest || latest.sha256 !== saved.sha256 || latest.handler !== code.handler) {
            newVersion = {
              version: current.latestVersion + 1,
              handler: code.handler,
              sha256: saved.sha256,
              size: saved.size,
              createdAt: new Date().toISOString(),
            };
          }
        }
        const latestVersion = newVersion ? newVersion.version : current.latestVersion;
        const activeVersions = readActiveVersions(input, latestVersion);
        if (name !== undefined) assertNameFree(platform, current.environmentId, name, current.id);
        const updated: StoredFunction = {
          ...current,
          ...(name === undefined ? {} : { name }),
          ...(runtime === undefined ? {} : { runtime }),
          ...(access === undefined ? {} : { access }),
          ...(limits === undefined ? {} : { limits }),
          ...(environmentVariables === undefined ? {} : { environmentVariables }),
          ...(activeVersions === undefined ? {} : { activeVersions }),
          ...(cors === undefined ? {} : { cors }),
          ...(iamRoleConfig === undefined ? {} : { iamRoleConfig }),
          latestVersion,
          versions: newVersion ? [...current.versions, newVersion] : current.versions,
          updatedAt: new Date().toISOString(),
        };
        platform.store.put('functions', updated);
        return [platform.functionView(updated, baseUrl)];
      },
    },
    {
      method: 'DELETE',
      template: '/functions/function/{id}',
      kind: KIND,
      handle: async ({ params }) => {
        await platform.deleteFunction(params[0]);
        return [];
      },
    },
  ];
}

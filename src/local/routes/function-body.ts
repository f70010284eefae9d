/**
 * `{"function": {...}}` bodies → the function service's typed inputs. Everything that can be
 * judged from the body alone is judged here (shapes, runtime names, limit steps,
 * percentages); what needs the stored state (names taken, versions that exist) is the
 * service's.
 */
import type { Access, ActiveVersion, CorsConfig, FunctionLimits, IamRoleConfig } from '../../spec/wire';
import { checkActiveVersions } from '../../spec/active-versions';
import { checkEnvironmentVariableName } from '../../spec/environment-variables';
import { ACCESS_LEVELS, MEMORY_RULE, TIMEOUT_RULE, checkStepRange, type StepRange } from '../../spec/limits';
import { checkWireRuntime } from '../../spec/runtimes';
import { badRequest } from '../envelope';
import type { CodeUpload, FunctionChanges, NewFunction } from '../services';
import { checkName, JsonObject, oneOf, optionalBoolean, optionalObject, optionalString, requiredString, unwrap } from './body';

function readRuntime(input: JsonObject, required: true): string;
function readRuntime(input: JsonObject, required: false): string | undefined;
function readRuntime(input: JsonObject, required: boolean): string | undefined {
  const runtime = required
    ? requiredString(input, 'runtime', 'function.runtime', 32)
    : optionalString(input, 'runtime', 'function.runtime', 32);
  if (runtime === undefined) return undefined;
  const checked = checkWireRuntime(runtime);
  if (!checked.ok) {
    const instead = checked.reason.nearest === undefined ? 'e.g. nodejs83, python27, ruby241, java8' : `e.g. ${checked.reason.nearest}`;
    throw badRequest(`function.runtime "${runtime}" ${checked.reason.problem} (${instead})`, 'function.runtime');
  }
  return runtime;
}

function readAccess(input: JsonObject, required: true): Access;
function readAccess(input: JsonObject, required: false): Access | undefined;
function readAccess(input: JsonObject, required: boolean): Access | undefined {
  const access = required ? requiredString(input, 'access', 'function.access', 16) : optionalString(input, 'access', 'function.access', 16);
  return access === undefined ? undefined : oneOf(access, ACCESS_LEVELS, 'function.access');
}

function checkLimit(key: 'memory' | 'timeout', value: number, rule: StepRange): void {
  const refused = checkStepRange(value, rule);
  if (refused) throw badRequest(`function.limits.${key} ${refused.problem} (got ${value})`, `function.limits.${key}`);
}

/** The limits of a body; on a create both are required, on an update each is optional. */
function readLimits(input: JsonObject, required: true): FunctionLimits;
function readLimits(input: JsonObject, required: false): Partial<FunctionLimits> | undefined;
function readLimits(input: JsonObject, required: boolean): Partial<FunctionLimits> | undefined {
  const limits = optionalObject(input, 'limits', 'function.limits');
  if (limits === undefined) {
    if (required) throw badRequest('function.limits is required ({memory, timeout})', 'function.limits');
    return undefined;
  }
  const read = (key: 'memory' | 'timeout'): number | undefined => {
    const value = limits[key];
    if (value === undefined || value === null) {
      if (required) throw badRequest(`function.limits.${key} is required`, `function.limits.${key}`);
      return undefined;
    }
    if (typeof value !== 'number') throw badRequest(`function.limits.${key} must be a number`, `function.limits.${key}`);
    return value;
  };
  const memory = read('memory');
  const timeout = read('timeout');
  if (memory !== undefined) checkLimit('memory', memory, MEMORY_RULE);
  if (timeout !== undefined) checkLimit('timeout', timeout, TIMEOUT_RULE);
  return { ...(memory === undefined ? {} : { memory }), ...(timeout === undefined ? {} : { timeout }) };
}

function readCode(input: JsonObject, required: true): CodeUpload;
function readCode(input: JsonObject, required: false): CodeUpload | undefined;
function readCode(input: JsonObject, required: boolean): CodeUpload | undefined {
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
    const refused = checkEnvironmentVariableName(key);
    if (refused) throw badRequest(`${field}: "${key}" ${refused.problem}`, field);
    if (typeof value !== 'string') throw badRequest(`${field} must be a string (send "100", not 100)`, field);
    result[key] = value;
  }
  return result;
}

/** The weights' shape and sum; whether each version exists is the service's to say. */
function readActiveVersions(input: JsonObject): ActiveVersion[] | undefined {
  const value = input.activeVersions;
  if (value === undefined || value === null) return undefined;
  const field = 'function.activeVersions';
  if (!Array.isArray(value)) throw badRequest(`${field} must be a non-empty list of {version, percentage}`, field);
  const checked = checkActiveVersions(value);
  const [first] = checked.problems;
  if (first) {
    const at = first.index === undefined ? field : `${field}[${first.index}]${first.key ? `.${first.key}` : ''}`;
    throw badRequest(`${at} ${first.reason.problem}`, at);
  }
  if (!checked.activeVersions) throw badRequest(`${field} must be a non-empty list of {version, percentage}`, field);
  return checked.activeVersions;
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

/** Leaves out what the body did not say, so an update keeps it. */
function defined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}

/** The body of `POST /functions/function`. */
export function readNewFunction(body: unknown): NewFunction {
  const input = unwrap(body, 'function');
  const environmentId = requiredString(input, 'environmentId', 'function.environmentId', 64);
  const name = checkName(requiredString(input, 'name', 'function.name', 256), 'function.name');
  return defined({
    environmentId,
    name,
    runtime: readRuntime(input, true),
    access: readAccess(input, true),
    limits: readLimits(input, true),
    code: readCode(input, true),
    environmentVariables: readEnvironmentVariables(input),
    activeVersions: readActiveVersions(input),
    cors: readCors(input),
    iamRoleConfig: readIamRole(input),
  });
}

/** The body of `PUT /functions/function/{id}`. */
export function readFunctionChanges(body: unknown): FunctionChanges {
  const input = unwrap(body, 'function');
  const environmentId = optionalString(input, 'environmentId', 'function.environmentId', 64);
  const name = optionalString(input, 'name', 'function.name', 256);
  return defined({
    environmentId,
    name: name === undefined ? undefined : checkName(name, 'function.name'),
    runtime: readRuntime(input, false),
    access: readAccess(input, false),
    limits: readLimits(input, false),
    code: readCode(input, false),
    environmentVariables: readEnvironmentVariables(input),
    activeVersions: readActiveVersions(input),
    cors: readCors(input),
    iamRoleConfig: readIamRole(input),
  });
}

/** functions.*: each definition section by section, then the rules that involve more than one function. */
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, MEMORY_RULE, TIMEOUT_RULE } from '../../spec/limits';
import type { PatternMethod } from '../../spec/wire';
import { validateActiveVersions } from './active-versions';
import { validateCors } from './cors';
import { validateCron } from './cron';
import { validateEndpoint } from './endpoint';
import { validateEnvironmentVariables } from './environment-variables';
import { validateHandler } from './handler';
import { validateIamRoleConfig, validateParameters } from './iam-parameters';
import { validateAccess, validateStepRange } from './limits';
import { validateRuntime } from './runtime';
import { isMap, joinPath } from './text';
import type { Problems } from './problems';
import type { FunctionModel } from '../../framework/service-model';

export interface FunctionContext {
  providerVars: Record<string, string>;
}

export const EXAMPLE_FUNCTION_FIX =
  'define each function as a map, e.g. "hello: {runtime: nodejs8.3, handler: handler.main, memory: 128, timeout: 30}"';

export function validateFunction(
  key: string,
  definition: unknown,
  context: FunctionContext,
  problems: Problems,
): FunctionModel | undefined {
  const path = joinPath('functions', key);
  if (!isMap(definition)) {
    problems.error(path, definition, `the definition of function "${key}" must be a map of settings`, EXAMPLE_FUNCTION_FIX);
    return undefined;
  }

  // Plugin 1.x named remote functions by their key (the environment already separates
  // stages), so existing functions keep matching; `name:` overrides it.
  const name = typeof definition.name === 'string' && definition.name.trim() !== '' ? definition.name : key;

  const runtime = validateRuntime(definition.runtime, `${path}.runtime`, problems);
  const handler = validateHandler(definition.handler, `${path}.handler`, runtime.family, problems);
  const memory = validateStepRange(definition.memory, `${path}.memory`, 'memory', MEMORY_RULE, DEFAULT_MEMORY_MB, problems);
  const timeout = validateStepRange(definition.timeout, `${path}.timeout`, 'timeout', TIMEOUT_RULE, DEFAULT_TIMEOUT_S, problems);
  const access = validateAccess(definition.access, `${path}.access`, problems);
  const ownVars = validateEnvironmentVariables(definition.environmentVariables, `${path}.environmentVariables`, problems);

  const fn: FunctionModel = {
    key,
    name,
    runtime: runtime.name,
    handler,
    memory,
    timeout,
    access,
    environmentVariables: { ...context.providerVars, ...ownVars },
  };

  const cron = validateCron(definition.cron, `${path}.cron`, problems);
  if (cron) fn.cron = cron;
  const endpoint = validateEndpoint(definition.endpoint, `${path}.endpoint`, problems);
  if (endpoint) fn.endpoint = endpoint;
  const cors = validateCors(definition.cors, `${path}.cors`, problems);
  if (cors) fn.cors = cors;
  const activeVersions = validateActiveVersions(definition.activeVersions, `${path}.activeVersions`, problems);
  if (activeVersions) fn.activeVersions = activeVersions;
  const iamRoleConfig = validateIamRoleConfig(definition.iamRoleConfig, `${path}.iamRoleConfig`, problems);
  if (iamRoleConfig) fn.iamRoleConfig = iamRoleConfig;
  const parameters = validateParameters(definition.parameters, `${path}.parameters`, problems);
  if (parameters) fn.parameters = parameters;
  return fn;
}

/** Rules that involve more than one function: remote names and endpoint patterns must not clash. */
export function checkCrossFunctionRules(functions: FunctionModel[], rawFunctions: Record<string, unknown>, problems: Problems): void {
  const byName = new Map<string, string>();
  for (const fn of functions) {
    const other = byName.get(fn.name);
    if (other !== undefined) {
      const definition = rawFunctions[fn.key];
      const explicit = isMap(definition) && typeof definition.name === 'string';
      problems.error(
        explicit ? `${joinPath('functions', fn.key)}.name` : joinPath('functions', fn.key),
        fn.name,
        `functions "${other}" and "${fn.key}" would both be deployed under the remote name "${fn.name}"`,
        `give one of them another name, e.g. name: ${fn.name}-2`,
      );
    } else {
      byName.set(fn.name, fn.key);
    }
  }

  const byPattern = new Map<string, { key: string; method: PatternMethod }[]>();
  for (const fn of functions) {
    if (!fn.endpoint) continue;
    const seen = byPattern.get(fn.endpoint.path) ?? [];
    const clash = seen.find((entry) => entry.method === fn.endpoint?.method || entry.method === 'ALL' || fn.endpoint?.method === 'ALL');
    if (clash) {
      problems.error(
        `${joinPath('functions', fn.key)}.endpoint`,
        { path: fn.endpoint.path, method: fn.endpoint.method },
        `function "${clash.key}" already serves ${clash.method} ${fn.endpoint.path}, so requests could not be routed to one function`,
        'give this endpoint another path, or other non-overlapping methods',
      );
    }
    seen.push({ key: fn.key, method: fn.endpoint.method });
    byPattern.set(fn.endpoint.path, seen);
  }
}

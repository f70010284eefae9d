/**
 * The handler contract of SPEC §6 that the platform and `invoke local` must build the same
 * way: the event of an HTTP request and the variables the platform adds. Kept here (not in
 * src/local) so that `invoke local` does not load the whole platform to build an event.
 */
import { PLATFORM_VARIABLE_NAMES } from './environment-variables';

/** The event of SPEC §6. */
export interface FunctionEvent {
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string>;
  method: string;
  path: string;
}

/** SPEC §6: the body is JSON-parsed when possible, else kept as the string it is. */
export function parseBody(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A result shaped as an HTTP reply: a plain object with a `statusCode` (and maybe `headers`, `body`). */
export interface ShapedResult {
  statusCode: unknown;
  headers?: unknown;
  body?: unknown;
}

export function isShapedResult(result: unknown): result is ShapedResult {
  return typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result;
}

/**
 * SPEC §6: the HTTP status the platform answers a handler's result with. Any result that is
 * not shaped is a body, answered with 200; a shaped one's `statusCode` must be a whole
 * number in 100–599, else this is undefined (the platform answers 502).
 */
export function resultStatus(result: unknown): number | undefined {
  if (!isShapedResult(result)) return 200;
  const status = Number(result.statusCode);
  return Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

/** Which function (version) a process runs, as the platform tells it in its variables. */
export interface FunctionIdentity {
  functionId: string;
  environmentId: string;
  version: string | number;
}

/**
 * A function's own variables plus the ones the platform sets (SPEC §6). The platform's win:
 * a function cannot pretend to be another one.
 */
export function platformVariables(own: Record<string, string>, identity: FunctionIdentity): Record<string, string> {
  return {
    ...own,
    [PLATFORM_VARIABLE_NAMES.functionId]: identity.functionId,
    [PLATFORM_VARIABLE_NAMES.environmentId]: identity.environmentId,
    [PLATFORM_VARIABLE_NAMES.version]: String(identity.version),
  };
}

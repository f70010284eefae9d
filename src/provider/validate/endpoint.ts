/** functions.*.endpoint: {path, method}, the route under the alias host. */
import { PATTERN_METHODS, type PatternMethod } from '../../spec/wire';
import { closest, isMap, isOneOf, joinPath, unknownKeyFix } from './text';
import type { Problems } from './problems';
import type { EndpointTrigger } from '../../framework/service-model';

const ENDPOINT_KEYS = ['path', 'method'] as const;

export function validateEndpoint(raw: unknown, path: string, problems: Problems): EndpointTrigger | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isMap(raw)) {
    problems.error(
      path,
      raw,
      'endpoint must be a map {path, method}',
      typeof raw === 'string' && raw.startsWith('/')
        ? `write endpoint: {path: ${raw}, method: get}`
        : 'write endpoint: {path: /hello, method: get}',
    );
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!isOneOf(ENDPOINT_KEYS, key)) {
      problems.error(
        joinPath(path, key),
        raw[key],
        `"${key}" is not a key of endpoint (known: path, method)`,
        unknownKeyFix(key, ENDPOINT_KEYS, { pattern: 'path' }),
      );
    }
  }

  let endpointPath: string | undefined;
  const rawPath = raw.path;
  if (rawPath === undefined || rawPath === null || rawPath === '') {
    problems.error(`${path}.path`, rawPath, 'endpoint.path is required', 'add the path under the alias host, e.g. path: /hello');
  } else if (typeof rawPath !== 'string') {
    problems.error(`${path}.path`, rawPath, 'endpoint.path must be a string starting with /', 'write e.g. path: /hello');
  } else {
    const text = rawPath.trim();
    let fixed = text;
    const issues: string[] = [];
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(fixed)) {
      issues.push('it must be a path, not a URL (the host is provider.spotinst.alias)');
      fixed = fixed.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '') || '/';
    }
    if (/[?#]/.test(fixed)) {
      issues.push('it must not contain a query string or fragment');
      fixed = fixed.replace(/[?#].*$/, '');
    }
    if (/\s/.test(fixed)) {
      issues.push('it must not contain spaces');
      fixed = fixed.replace(/\s+/g, '-');
    }
    if (!fixed.startsWith('/')) {
      issues.push('it must start with /');
      fixed = `/${fixed}`;
    }
    if (issues.length > 0) {
      problems.error(`${path}.path`, rawPath, `endpoint.path is not a valid path: ${issues.join('; ')}`, `use ${fixed}`);
    } else {
      endpointPath = text;
    }
  }

  let method: PatternMethod | undefined;
  const rawMethod = raw.method;
  const methods = PATTERN_METHODS.join(', ');
  if (rawMethod === undefined || rawMethod === null || rawMethod === '') {
    problems.error(
      `${path}.method`,
      rawMethod,
      `endpoint.method is required (${methods})`,
      'add e.g. method: get (or ALL to route every method)',
    );
  } else if (typeof rawMethod !== 'string') {
    problems.error(`${path}.method`, rawMethod, `endpoint.method must be one of ${methods}`, 'write e.g. method: get');
  } else {
    const upper = rawMethod.trim().toUpperCase();
    if (isOneOf(PATTERN_METHODS, upper)) {
      method = upper;
    } else {
      const suggestion = upper === '*' || upper === 'ANY' ? 'ALL' : upper === 'HEAD' ? 'GET (or ALL)' : closest(upper, PATTERN_METHODS);
      problems.error(
        `${path}.method`,
        rawMethod,
        `endpoint.method must be one of ${methods} (any case)`,
        suggestion ? `use ${suggestion}` : `use one of ${methods}`,
      );
    }
  }
  return endpointPath !== undefined && method !== undefined ? { path: endpointPath, method } : undefined;
}

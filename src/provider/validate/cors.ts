/** functions.*.cors: {enabled, origin, headers, methods}; the old guide's list form reads as one map. */
import { DEFAULT_CORS } from '../../spec/defaults';
import type { CorsConfig } from '../../spec/wire';
import { booleanFix, isMap, isOneOf, joinPath, unknownKeyFix } from './text';
import type { Problems } from './problems';

const CORS_KEYS = ['enabled', 'origin', 'headers', 'methods'] as const;
const CORS_KEY_ALIASES: Record<string, string> = {
  allowOrigin: 'origin',
  allowedOrigin: 'origin',
  origins: 'origin',
  allowHeaders: 'headers',
  allowedHeaders: 'headers',
  allowMethods: 'methods',
  allowedMethods: 'methods',
  enable: 'enabled',
  active: 'enabled',
};

export function validateCors(raw: unknown, path: string, problems: Problems): CorsConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  let map: Record<string, unknown>;
  if (Array.isArray(raw)) {
    // The old guide wrote cors as a list (one map, or one map per key); both read as one map.
    map = {};
    let ok = true;
    raw.forEach((item: unknown, index) => {
      if (!isMap(item)) {
        ok = false;
        problems.error(
          `${path}[${index}]`,
          item,
          'each item of a cors list must be a map',
          "write cors as one map: cors: {enabled: true, origin: '*'}",
        );
        return;
      }
      for (const [key, value] of Object.entries(item)) {
        if (key in map) {
          ok = false;
          problems.error(
            `${path}[${index}].${key}`,
            value,
            `cors.${key} is given twice`,
            `keep one ${key} and write cors as one map: cors: {enabled: true, origin: '*'}`,
          );
        }
        map[key] = value;
      }
    });
    if (!ok) return undefined;
  } else if (isMap(raw)) {
    map = raw;
  } else {
    problems.error(
      path,
      raw,
      'cors must be a map {enabled, origin, headers, methods}',
      typeof raw === 'boolean' ? `write cors: {enabled: ${String(raw)}}` : "write e.g. cors: {enabled: true, origin: '*'}",
    );
    return undefined;
  }

  for (const key of Object.keys(map)) {
    if (!isOneOf(CORS_KEYS, key)) {
      problems.error(
        joinPath(path, key),
        map[key],
        `"${key}" is not a key of cors (known: ${CORS_KEYS.join(', ')})`,
        unknownKeyFix(key, CORS_KEYS, CORS_KEY_ALIASES),
      );
    }
  }

  const cors: CorsConfig = { ...DEFAULT_CORS };
  if (map.enabled !== undefined && map.enabled !== null) {
    if (typeof map.enabled === 'boolean') cors.enabled = map.enabled;
    else problems.error(`${path}.enabled`, map.enabled, 'cors.enabled must be true or false', booleanFix('enabled', map.enabled, true));
  } else if (['origin', 'headers', 'methods'].some((key) => map[key] !== undefined && map[key] !== null)) {
    problems.warn(
      `${path}.enabled`,
      undefined,
      'cors.enabled is not set, so CORS stays disabled (the default) although origin, headers or methods are given',
      'add enabled: true to turn CORS on (or enabled: false to silence this warning)',
    );
  }
  for (const key of ['origin', 'headers', 'methods'] as const) {
    const value = map[key];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      cors[key] = value;
    } else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      problems.error(
        `${path}.${key}`,
        value,
        `cors.${key} must be one comma-separated string, not a list`,
        `write ${key}: '${value.join(',')}'`,
      );
    } else {
      problems.error(
        `${path}.${key}`,
        value,
        `cors.${key} must be a string`,
        key === 'origin'
          ? "write e.g. origin: '*'"
          : key === 'headers'
            ? "write e.g. headers: 'Content-Type,Authorization'"
            : "write e.g. methods: 'GET,POST'",
      );
    }
  }
  return cors;
}

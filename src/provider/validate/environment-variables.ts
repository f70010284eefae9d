/** provider.environmentVariables and functions.*.environmentVariables: names by the spec's rule, values as strings. */
import { checkEnvironmentVariableName } from '../../spec/environment-variables';
import { isMap, joinPath, lastKey } from './text';
import type { Problems } from './problems';

/** The variables with valid names, every value a string; each other entry is reported. */
export function validateEnvironmentVariables(raw: unknown, path: string, problems: Problems): Record<string, string> {
  const result: Record<string, string> = {};
  if (raw === undefined || raw === null) return result;
  if (!isMap(raw)) {
    problems.error(
      path,
      raw,
      'environmentVariables must be a map of NAME: value',
      Array.isArray(raw)
        ? 'write a map instead of a list, e.g. environmentVariables: {KEY: value}'
        : 'write a map, e.g. environmentVariables: {KEY: value}',
    );
    return result;
  }
  for (const [name, value] of Object.entries(raw)) {
    const itemPath = joinPath(path, name);
    const refusal = checkEnvironmentVariableName(name);
    if (refusal?.kind === 'pattern') {
      // `{<KEY>: }` left from a template reads as a name of punctuation with no value.
      const placeholder = value === null && !/[A-Za-z0-9]/.test(name);
      problems.error(
        itemPath,
        value,
        placeholder ? `"${name}" is a placeholder, not an environment variable` : `"${name}" ${refusal.problem}`,
        refusal.nearest !== undefined
          ? `rename it, e.g. ${refusal.nearest}`
          : `remove it, or write real variables, e.g. ${lastKey(path)}: {LOG_LEVEL: info}`,
      );
    } else if (refusal) {
      problems.error(itemPath, value, `${name} ${refusal.problem}`, `remove it, or use another name such as ${String(refusal.nearest)}`);
    }
    if (value instanceof Date) {
      problems.warn(
        itemPath,
        envValue(value),
        `YAML read the value of ${name} as a date, so it is sent as ${JSON.stringify(envValue(value))}`,
        `quote the value to keep the text exactly as written, e.g. ${name}: '...'`,
      );
    }
    const text = envValue(value);
    if (text === undefined) {
      let json: string;
      try {
        json = JSON.stringify(value);
      } catch {
        json = '...';
      }
      problems.error(
        itemPath,
        value,
        `the value of ${name} is a ${Array.isArray(value) ? 'list' : 'map'}; environment variable values are strings`,
        `quote it as a string or JSON.stringify it, e.g. ${name}: '${json}'`,
      );
      continue;
    }
    if (!refusal) result[name] = text;
  }
  return result;
}

/** Scalars become strings the way the API stores them; undefined for maps and lists. */
function envValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return String(value);
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  return undefined;
}

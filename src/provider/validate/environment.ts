/** provider.spotinst.environment: an environment id, or the environment to find or create by name. */
import { CLOUD_PROVIDERS, STRATEGIES, type CloudProvider } from '../../spec/wire';
import { findIdOf, isIdOf } from '../../spec/ids';
import { closest, isMap, isOneOf, joinPath, unknownKeyFix } from './text';
import { optionalString, type Problems } from './problems';
import type { EnvironmentTarget } from '../../framework/service-model';

export const EXAMPLE_ENV_ID = 'env-1a2b3c4d';
const ENVIRONMENT_KEYS = ['name', 'providers', 'locations', 'strategy'] as const;

const PLACEHOLDER_PATTERN = /[<>{}]|^#|\byour\b|x{4}/i;

export function validateEnvironment(raw: unknown, stage: string, problems: Problems): EnvironmentTarget {
  const path = 'provider.spotinst.environment';
  const managedDefault: EnvironmentTarget = { kind: 'managed', name: stage };
  const placeholderFix =
    `remove the environment line (or leave it empty) to let the plugin find or create an environment named after the stage ("${stage}"), ` +
    `or put your environment id there, e.g. environment: ${EXAMPLE_ENV_ID}`;

  if (raw === undefined || raw === null) return managedDefault;

  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text === '') return managedDefault;
    if (PLACEHOLDER_PATTERN.test(text)) {
      problems.error(path, raw, `"${text}" is a placeholder left from the template, not an environment id`, placeholderFix);
      return managedDefault;
    }
    if (isIdOf('environment', text)) return { kind: 'id', id: text };
    const idInside = findIdOf('environment', text);
    problems.error(
      path,
      raw,
      'environment as a string must be an environment id of the form env-<id>, e.g. env-1a2b3c4d',
      idInside
        ? `write the id alone: environment: ${idInside}`
        : `write the id of an existing environment (environment: ${EXAMPLE_ENV_ID}), or name the environment to find or create: environment: {name: ${text}}`,
    );
    return managedDefault;
  }

  if (!isMap(raw)) {
    problems.error(
      path,
      raw,
      'environment must be an environment id (env-…) or a map {name, providers, locations, strategy}',
      `write environment: ${EXAMPLE_ENV_ID}, or environment: {name: ${stage}, providers: [aws], strategy: least-expensive}, or remove the line`,
    );
    return managedDefault;
  }

  const entries = Object.entries(raw);
  const unknown = entries.filter(([key]) => !isOneOf(ENVIRONMENT_KEYS, key));

  // `environment: {Your Environment}` is YAML for `{ 'Your Environment': null }`.
  if (entries.length > 0 && unknown.length === entries.length && entries.every(([, value]) => value === null)) {
    const key = entries[0][0];
    if (entries.length === 1 && isIdOf('environment', key.trim()) && !PLACEHOLDER_PATTERN.test(key)) {
      problems.error(
        path,
        raw,
        `the environment id is wrapped in braces: YAML reads "environment: {${key}}" as a map with the key "${key}" and no value`,
        `remove the braces: environment: ${key.trim()}`,
      );
    } else {
      const written = `{${entries.map(([k]) => k).join(', ')}}`;
      problems.error(
        path,
        raw,
        `${written} is the template placeholder left in place: YAML reads "environment: ${written}" as a map with the key "${key}" and no value, not as an environment`,
        placeholderFix,
      );
    }
    return managedDefault;
  }

  for (const [key, value] of unknown) {
    problems.error(
      joinPath(path, key),
      value,
      `"${key}" is not a key of an environment map (known: ${ENVIRONMENT_KEYS.join(', ')})`,
      unknownKeyFix(key, ENVIRONMENT_KEYS),
    );
  }

  const target: EnvironmentTarget = { kind: 'managed', name: stage };
  const name = optionalString(raw.name, `${path}.name`, 'the environment name', stage, problems);
  if (name !== undefined) target.name = name;

  const providers = validateProviders(raw.providers, `${path}.providers`, problems);
  if (providers) target.providers = providers;

  const locations = validateLocations(raw.locations, `${path}.locations`, problems);
  if (locations) target.locations = locations;

  if (raw.strategy !== undefined && raw.strategy !== null) {
    const strategy = raw.strategy;
    if (isOneOf(STRATEGIES, strategy)) {
      target.strategy = strategy;
    } else {
      const suggestion = typeof strategy === 'string' ? closest(strategy, STRATEGIES) : undefined;
      problems.error(
        `${path}.strategy`,
        strategy,
        `strategy must be one of ${STRATEGIES.join(', ')}`,
        suggestion ? `use strategy: ${suggestion}` : `use one of: ${STRATEGIES.join(', ')}`,
      );
    }
  }
  return target;
}

function validateProviders(raw: unknown, path: string, problems: Problems): CloudProvider[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const list = CLOUD_PROVIDERS.join(', ');
  if (!Array.isArray(raw)) {
    const fix =
      typeof raw === 'string' && isOneOf(CLOUD_PROVIDERS, raw.toLowerCase())
        ? `write a list: providers: [${raw.toLowerCase()}]`
        : `write a list of clouds, e.g. providers: [aws, gcp] (any of ${list})`;
    problems.error(path, raw, 'providers must be a list of cloud providers', fix);
    return undefined;
  }
  if (raw.length === 0) {
    problems.error(
      path,
      raw,
      'providers must list at least one cloud',
      `list the eligible clouds, e.g. providers: [aws] (any of ${list}), or remove the key`,
    );
    return undefined;
  }
  const result: CloudProvider[] = [];
  raw.forEach((item: unknown, index) => {
    const itemPath = `${path}[${index}]`;
    if (isOneOf(CLOUD_PROVIDERS, item)) {
      if (!result.includes(item)) result.push(item);
      return;
    }
    const lower = typeof item === 'string' ? item.toLowerCase() : undefined;
    const suggestion =
      lower && isOneOf(CLOUD_PROVIDERS, lower) ? lower : typeof item === 'string' ? closest(item, CLOUD_PROVIDERS) : undefined;
    problems.error(
      itemPath,
      item,
      `"${String(item)}" is not a cloud provider Spotinst runs functions on (${list})`,
      suggestion ? `use ${suggestion}` : `use one of: ${list}`,
    );
  });
  return result;
}

function validateLocations(raw: unknown, path: string, problems: Problems): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    problems.error(
      path,
      raw,
      'locations must be a list of location names',
      typeof raw === 'string' && raw.trim() !== ''
        ? `write a list: locations: [${raw.trim()}]`
        : 'write a list, e.g. locations: [us-east, europe]',
    );
    return undefined;
  }
  const result: string[] = [];
  raw.forEach((item: unknown, index) => {
    if (typeof item === 'string' && item.trim() !== '') {
      result.push(item.trim());
    } else {
      problems.error(
        `${path}[${index}]`,
        item,
        'each location must be a non-empty string',
        'write location names such as us-east, us-west, europe or apac',
      );
    }
  });
  return result;
}

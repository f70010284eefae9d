/** provider.spotinst: where the service goes (application, environment) and how the API is reached. */
import { validateEnvironment, EXAMPLE_ENV_ID } from './environment';
import { booleanFix, isMap, isOneOf, joinPath, unknownKeyFix } from './text';
import { optionalString, type Problems } from './problems';
import type { EnvironmentTarget } from '../../framework/service-model';

const SPOTINST_KEYS = ['environment', 'application', 'profile', 'apiUrl', 'alias', 'prune'] as const;

export interface ProviderSettings {
  environment: EnvironmentTarget;
  application: string;
  profile?: string;
  apiUrl?: string;
  alias?: string;
  prune: boolean;
}

export function validateProviderSettings(raw: unknown, service: string, stage: string, problems: Problems): ProviderSettings {
  const settings: ProviderSettings = {
    environment: { kind: 'managed', name: stage },
    application: service,
    prune: false,
  };
  if (raw === undefined || raw === null) return settings;
  const path = 'provider.spotinst';
  if (!isMap(raw)) {
    problems.error(
      path,
      raw,
      'provider.spotinst must be a map of settings',
      `leave it empty, or write a map such as "spotinst: {environment: ${EXAMPLE_ENV_ID}}"`,
    );
    return settings;
  }

  for (const key of Object.keys(raw)) {
    if (!isOneOf(SPOTINST_KEYS, key)) {
      problems.error(
        joinPath(path, key),
        raw[key],
        `"${key}" is not a setting of provider.spotinst (known: ${SPOTINST_KEYS.join(', ')})`,
        unknownKeyFix(key, SPOTINST_KEYS),
      );
    }
  }

  settings.environment = validateEnvironment(raw.environment, stage, problems);

  const application = optionalString(raw.application, `${path}.application`, 'the application name', 'my-app', problems);
  if (application !== undefined) settings.application = application;

  const profile = optionalString(raw.profile, `${path}.profile`, 'the credentials profile name', 'default', problems);
  if (profile !== undefined) settings.profile = profile;

  const apiUrl = validateApiUrl(raw.apiUrl, `${path}.apiUrl`, problems);
  if (apiUrl !== undefined) settings.apiUrl = apiUrl;

  const alias = validateAlias(raw.alias, `${path}.alias`, problems);
  if (alias !== undefined) settings.alias = alias;

  const prune = raw.prune;
  if (prune !== undefined && prune !== null) {
    if (typeof prune === 'boolean') settings.prune = prune;
    else problems.error(`${path}.prune`, prune, 'prune must be true or false', booleanFix('prune', prune, false));
  }
  return settings;
}

function validateApiUrl(value: unknown, path: string, problems: Problems): string | undefined {
  const text = optionalString(value, path, 'the API base URL', 'http://127.0.0.1:7711', problems);
  if (text === undefined) return undefined;
  const checked = checkApiUrl(text);
  if ('url' in checked) return checked.url;
  problems.error(
    path,
    value,
    'apiUrl must be an http:// or https:// URL',
    checked.guess
      ? `write the full URL with its scheme, e.g. apiUrl: ${checked.guess}`
      : 'write the API base URL, e.g. apiUrl: http://127.0.0.1:7711 (spotinst-local) or https://api.spotinst.io',
  );
  return undefined;
}

/**
 * An API base URL (provider.spotinst.apiUrl or SPOTINST_API_URL) without its trailing
 * slashes, or, when it is not an http(s) URL, the URL it probably meant (one without a
 * scheme gets http://).
 */
export function checkApiUrl(text: string): { url: string } | { guess?: string } {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return { url: text.replace(/\/+$/, '') };
  const guess = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? undefined : `http://${text}`;
  return guess && isHttpUrl(guess) ? { guess } : {};
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const HOST_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_PATTERN = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*(?::\\d{1,5})?$`);

function validateAlias(value: unknown, path: string, problems: Problems): string | undefined {
  const text = optionalString(value, path, 'the alias host name', 'api.example.com', problems);
  if (text === undefined) return undefined;
  if (HOST_PATTERN.test(text) && text.length <= 253) return text;
  let host: string | undefined;
  if (isHttpUrl(text)) host = new URL(text).host;
  else if (isHttpUrl(`http://${text}`)) host = new URL(`http://${text}`).host;
  const fix =
    host && HOST_PATTERN.test(host)
      ? `write the host name only, without scheme or path: alias: ${host}`
      : 'write a host name such as alias: api.example.com';
  problems.error(path, value, 'alias must be a bare host name (no scheme, path, spaces or query)', fix);
  return undefined;
}

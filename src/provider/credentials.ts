/**
 * Spotinst credentials (SPEC §4): SPOTINST_TOKEN + SPOTINST_ACCOUNT, else a profile of the
 * YAML file ~/.spotinst/credentials (`<profile>: {token, account}`).
 *
 * Nothing here ever puts a token into a message: parse errors of the file are reported
 * by line only, because the YAML parser's own message quotes the offending text.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { SpotinstError } from '../framework/errors';
import { writeFileAtomic } from '../util/atomic-file';
import { ID_PREFIXES } from '../spec/ids';

export interface Credentials {
  token: string;
  account: string;
  /** where they came from, for messages: never the values */
  source: string;
}

export const DEFAULT_PROFILE = 'default';

export function credentialsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.SPOTINST_CREDENTIALS_FILE || path.join(os.homedir(), '.spotinst', 'credentials');
}

type ProfileFile = Record<string, { token?: unknown; account?: unknown } | null | undefined>;

function readProfileFile(file: string): ProfileFile | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SpotinstError(
      `Cannot read the Spotinst credentials file ${file}: ${(error as NodeJS.ErrnoException).code}. Check its permissions.`,
      'SPOTINST_CREDENTIALS_UNREADABLE',
    );
  }
  let parsed: unknown;
  try {
    parsed = yaml.load(text);
  } catch (error) {
    const line = error instanceof yaml.YAMLException && error.mark ? ` near line ${error.mark.line + 1}` : '';
    throw new SpotinstError(
      `The Spotinst credentials file ${file} is not valid YAML${line}. ` +
        'It should look like:\n  default:\n    token: <token>\n    account: <account id>\n' +
        'Fix it, or delete it and run `serverless spotinst credentials --token <token> --account <account>`.',
      'SPOTINST_CREDENTIALS_INVALID',
    );
  }
  if (parsed === undefined || parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SpotinstError(
      `The Spotinst credentials file ${file} must be a map of profiles (\`<profile>: {token, account}\`).`,
      'SPOTINST_CREDENTIALS_INVALID',
    );
  }
  return parsed as ProfileFile;
}

export interface ResolveOptions {
  /** provider.spotinst.profile */
  profile?: string;
  env?: NodeJS.ProcessEnv;
}

const SAVE_HINT = 'Save them with `serverless spotinst credentials --token <token> --account <account>`';

/** Spotinst account ids: `act-` and letters or digits. */
/** `act-1a2b3c4d` */
export const ACCOUNT_PATTERN = new RegExp(`^${ID_PREFIXES.account}[0-9A-Za-z]+$`);

/**
 * Says what is wrong with an account id without quoting it: a token pasted where the
 * account belongs would otherwise be printed.
 */
function notAnAccount(where: string, fix: string): SpotinstError {
  return new SpotinstError(
    `${where} does not look like a Spotinst account id (act- and letters or digits, e.g. act-1a2b3c4d). ${fix}`,
    'SPOTINST_CREDENTIALS_INVALID',
  );
}

/** Resolves credentials by SPEC §4 precedence; throws a message that says how to provide them. */
export function resolveCredentials(options: ResolveOptions = {}): Credentials {
  const env = options.env ?? process.env;
  const token = env.SPOTINST_TOKEN;
  const account = env.SPOTINST_ACCOUNT;
  if (token && account) {
    if (!ACCOUNT_PATTERN.test(account.trim())) {
      throw notAnAccount('SPOTINST_ACCOUNT', 'Set it to the account the token belongs to, e.g. SPOTINST_ACCOUNT=act-1a2b3c4d.');
    }
    return { token, account: account.trim(), source: 'the SPOTINST_TOKEN and SPOTINST_ACCOUNT environment variables' };
  }
  if (token || account) {
    const missing = token ? 'SPOTINST_ACCOUNT' : 'SPOTINST_TOKEN';
    const present = token ? 'SPOTINST_TOKEN' : 'SPOTINST_ACCOUNT';
    throw new SpotinstError(
      `${present} is set but ${missing} is not. Set both, or unset ${present} to use the credentials file.`,
      'SPOTINST_CREDENTIALS_MISSING',
    );
  }

  const profile = options.profile || env.SPOTINST_PROFILE || DEFAULT_PROFILE;
  const file = credentialsFilePath(env);
  const profiles = readProfileFile(file);
  if (!profiles) {
    throw new SpotinstError(
      `No Spotinst credentials: SPOTINST_TOKEN/SPOTINST_ACCOUNT are not set and ${file} does not exist. ` +
        `${SAVE_HINT}, or set SPOTINST_TOKEN and SPOTINST_ACCOUNT. For a local platform, \`npx spotinst-local\` prints both.`,
      'SPOTINST_CREDENTIALS_MISSING',
    );
  }
  const entry = profiles[profile];
  if (!entry || typeof entry !== 'object') {
    const known = Object.keys(profiles);
    throw new SpotinstError(
      `Profile "${profile}" is not in ${file}` +
        (known.length ? ` (profiles there: ${known.join(', ')})` : '') +
        `. ${SAVE_HINT} --profile ${profile}, or set provider.spotinst.profile.`,
      'SPOTINST_CREDENTIALS_MISSING',
    );
  }
  const missing = (['token', 'account'] as const).filter((key) => typeof entry[key] !== 'string' || entry[key].trim() === '');
  if (missing.length > 0) {
    throw new SpotinstError(
      `Profile "${profile}" in ${file} has no ${missing.join(' and ')}. ${SAVE_HINT} --profile ${profile} --overwrite.`,
      'SPOTINST_CREDENTIALS_INVALID',
    );
  }
  const profileAccount = (entry.account as string).trim();
  if (!ACCOUNT_PATTERN.test(profileAccount)) {
    throw notAnAccount(`The account of profile "${profile}" in ${file}`, `${SAVE_HINT} --profile ${profile} --overwrite.`);
  }
  return {
    token: entry.token as string,
    account: profileAccount,
    source: `profile "${profile}" in ${file}`,
  };
}

export interface SaveOptions {
  token: string;
  account: string;
  profile?: string;
  overwrite?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface SaveResult {
  file: string;
  profile: string;
  replaced: boolean;
}

/**
 * Adds or replaces one profile, keeping the others. The file is written to a temporary
 * name with mode 0600 and renamed, so a crash never leaves a half-written file and the
 * token is never readable by others, not even for a moment.
 */
export function saveCredentials(options: SaveOptions): SaveResult {
  const profile = options.profile || DEFAULT_PROFILE;
  const token = options.token.trim();
  const account = options.account.trim();
  if (!token) throw new SpotinstError('--token is empty. Pass the API token from the Spotinst console.', 'SPOTINST_CREDENTIALS_INVALID');
  if (!account) throw new SpotinstError('--account is empty. Pass the account id, e.g. act-1a2b3c4d.', 'SPOTINST_CREDENTIALS_INVALID');
  if (!ACCOUNT_PATTERN.test(account))
    throw notAnAccount('--account', 'Pass the account id the token belongs to, e.g. --account act-1a2b3c4d.');
  if (!/^[A-Za-z0-9_.-]+$/.test(profile)) {
    throw new SpotinstError(
      `--profile "${profile}" is not a valid profile name: use letters, digits, '.', '_' or '-'.`,
      'SPOTINST_CREDENTIALS_INVALID',
    );
  }

  const file = credentialsFilePath(options.env);
  const directory = path.dirname(file);
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  const profiles = readProfileFile(file) ?? {};
  const replaced = profiles[profile] !== undefined;
  if (replaced && !options.overwrite) {
    throw new SpotinstError(
      `Profile "${profile}" already exists in ${file}. Add --overwrite to replace it, or choose another --profile.`,
      'SPOTINST_CREDENTIALS_EXIST',
    );
  }
  profiles[profile] = { token, account };

  // Created 0600 before any byte is written, then renamed into place.
  writeFileAtomic(file, yaml.dump(profiles));
  // An existing file keeps its old mode through rename on some systems; enforce ours.
  fs.chmodSync(file, 0o600);
  return { file, profile, replaced };
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { resolveCredentials, saveCredentials } from '../../../src/provider/credentials';
import { thrown } from '../../helpers/command-context';

const TOKEN = 'tok-SECRET-credentials-7f3a';

describe('credentials', () => {
  let dir: string;
  let file: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-creds-'));
    file = path.join(dir, '.spotinst', 'credentials');
    env = { SPOTINST_CREDENTIALS_FILE: file };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('resolveCredentials', () => {
    it('prefers SPOTINST_TOKEN and SPOTINST_ACCOUNT over the file', () => {
      saveCredentials({ token: 'file-token', account: 'act-file', env });
      const credentials = resolveCredentials({ env: { ...env, SPOTINST_TOKEN: TOKEN, SPOTINST_ACCOUNT: 'act-env' } });
      expect(credentials).toMatchObject({ token: TOKEN, account: 'act-env' });
      expect(credentials.source).toContain('environment variables');
    });

    it('reads the profile from provider.spotinst.profile, then SPOTINST_PROFILE, then default', () => {
      saveCredentials({ token: 't-default', account: 'act-d', env });
      saveCredentials({ token: 't-prod', account: 'act-p', profile: 'prod', env });
      saveCredentials({ token: 't-ci', account: 'act-c', profile: 'ci', env });
      expect(resolveCredentials({ env }).account).toBe('act-d');
      expect(resolveCredentials({ env: { ...env, SPOTINST_PROFILE: 'ci' } }).account).toBe('act-c');
      expect(resolveCredentials({ env: { ...env, SPOTINST_PROFILE: 'ci' }, profile: 'prod' }).account).toBe('act-p');
      expect(resolveCredentials({ env, profile: 'prod' }).source).toBe(`profile "prod" in ${file}`);
    });

    it('explains how to save credentials when there are none', () => {
      const error = thrown(() => resolveCredentials({ env }));
      expect(error.code).toBe('SPOTINST_CREDENTIALS_MISSING');
      expect(error.message).toContain('serverless spotinst credentials');
      expect(error.message).toContain(file);
    });

    it('names the missing half when only one variable is set', () => {
      const error = thrown(() => resolveCredentials({ env: { ...env, SPOTINST_TOKEN: TOKEN } }));
      expect(error.message).toContain('SPOTINST_TOKEN is set but SPOTINST_ACCOUNT is not');
      expect(error.message).toContain('SPOTINST_ACCOUNT');
      expect(error.message).not.toContain(TOKEN);
    });

    it('lists the known profiles when the asked one is missing', () => {
      saveCredentials({ token: TOKEN, account: 'act-1', profile: 'staging', env });
      const error = thrown(() => resolveCredentials({ env, profile: 'prod' }));
      expect(error.message).toContain('Profile "prod"');
      expect(error.message).toContain('staging');
      expect(error.message).not.toContain(TOKEN);
    });

    it('reports a profile without account, without printing the token', () => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, yaml.dump({ default: { token: TOKEN } }));
      const error = thrown(() => resolveCredentials({ env }));
      expect(error.code).toBe('SPOTINST_CREDENTIALS_INVALID');
      expect(error.message).toContain('no account');
      expect(error.message).not.toContain(TOKEN);
    });

    it('refuses an account that is no account id, without quoting it (it may be the token, pasted in the wrong place)', () => {
      const fromEnv = thrown(() => resolveCredentials({ env: { ...env, SPOTINST_TOKEN: TOKEN, SPOTINST_ACCOUNT: TOKEN } }));
      expect(fromEnv.code).toBe('SPOTINST_CREDENTIALS_INVALID');
      expect(fromEnv.message).toContain('SPOTINST_ACCOUNT does not look like a Spotinst account id');
      expect(fromEnv.message).toContain('SPOTINST_ACCOUNT=act-1a2b3c4d');
      expect(fromEnv.message).not.toContain(TOKEN);

      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, yaml.dump({ default: { token: TOKEN, account: '1a2b3c4d' } }));
      const fromFile = thrown(() => resolveCredentials({ env }));
      expect(fromFile.code).toBe('SPOTINST_CREDENTIALS_INVALID');
      expect(fromFile.message).toContain(`The account of profile "default" in ${file} does not look like a Spotinst account id`);
      expect(fromFile.message).toContain('--profile default --overwrite');
      expect(fromFile.message).not.toContain(TOKEN);
    });

    it('trims the account it reads', () => {
      expect(resolveCredentials({ env: { ...env, SPOTINST_TOKEN: TOKEN, SPOTINST_ACCOUNT: ' act-1a2b3c4d\n' } }).account).toBe(
        'act-1a2b3c4d',
      );
    });

    it('reports broken YAML by line, never quoting the file (it holds the token)', () => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `default:\n  token: ${TOKEN}\n  account: [unclosed\n`);
      const error = thrown(() => resolveCredentials({ env }));
      expect(error.code).toBe('SPOTINST_CREDENTIALS_INVALID');
      expect(error.message).toMatch(/near line \d+/);
      expect(error.message).not.toContain(TOKEN);
      expect(String(error.stack)).not.toContain(TOKEN);
    });
  });

  describe('saveCredentials', () => {
    it('writes the YAML file with mode 0600 in a 0700 directory', () => {
      const result = saveCredentials({ token: TOKEN, account: 'act-1a2b3c4d', env });
      expect(result).toEqual({ file, profile: 'default', replaced: false });
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
      expect(yaml.load(fs.readFileSync(file, 'utf8'))).toEqual({ default: { token: TOKEN, account: 'act-1a2b3c4d' } });
    });

    it('refuses to replace a profile without overwrite, and keeps other profiles with it', () => {
      saveCredentials({ token: 'first', account: 'act-1', env });
      saveCredentials({ token: 'other', account: 'act-2', profile: 'other', env });
      const error = thrown(() => saveCredentials({ token: 'second', account: 'act-3', env }));
      expect(error.code).toBe('SPOTINST_CREDENTIALS_EXIST');
      expect(error.message).toContain('--overwrite');
      expect(resolveCredentials({ env }).token).toBe('first');

      expect(saveCredentials({ token: 'second', account: 'act-3', env, overwrite: true }).replaced).toBe(true);
      expect(resolveCredentials({ env }).token).toBe('second');
      expect(resolveCredentials({ env, profile: 'other' }).token).toBe('other');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    });

    it('tightens the mode of an existing, too open file when it rewrites it', () => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '', { mode: 0o644 });
      saveCredentials({ token: TOKEN, account: 'act-1', env });
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    });

    it('leaves no temporary file behind', () => {
      saveCredentials({ token: TOKEN, account: 'act-1', env });
      expect(fs.readdirSync(path.dirname(file))).toEqual(['credentials']);
    });

    it.each([
      [{ token: ' ', account: 'act-1' }, '--token is empty'],
      [{ token: TOKEN, account: '' }, '--account is empty'],
      [{ token: TOKEN, account: 'act-1', profile: 'my profile' }, 'not a valid profile name'],
      [{ token: TOKEN, account: '1a2b3c4d' }, '--account does not look like a Spotinst account id'],
      [{ token: 'act-1a2b3c4d', account: TOKEN }, '--account does not look like a Spotinst account id'],
    ])('rejects bad input %#', (input, message) => {
      const error = thrown(() => saveCredentials({ ...input, env }));
      expect(error.message).toContain(message);
      expect(error.message).not.toContain(TOKEN);
      expect(fs.existsSync(file)).toBe(false);
    });
  });
});

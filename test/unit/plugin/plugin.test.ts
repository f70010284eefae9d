import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SpotinstPlugin = require('../../../src');
import type { ServerlessLike } from '../../../src/framework/serverless';
import { SpotinstProvider } from '../../../src/provider/provider';
import { DEFAULT_CONCURRENCY } from '../../../src/remote/limiter';

class FakeServerlessError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

function fakeServerless(functions: Record<string, unknown>, written: Record<string, unknown> = functions) {
  const providers = new Map<string, unknown>();
  const schemas: Array<[string, Record<string, unknown>]> = [];
  const serverless: ServerlessLike = {
    version: '3.40.0',
    configurationFilename: 'serverless.yml',
    service: {
      service: 'svc',
      provider: { name: 'spotinst', stage: 'dev' },
      functions,
      getAllFunctions: () => Object.keys(functions),
    },
    classes: { Error: FakeServerlessError },
    configSchemaHandler: { defineProvider: (name, schema) => schemas.push([name, schema]) },
    setProvider: (name, provider) => providers.set(name, provider),
    getProvider: (name) => providers.get(name),
    pluginManager: { spawn: async () => undefined },
    processedInput: { commands: [], options: {} },
    configurationInput: { functions: written },
  };
  return { serverless, providers, schemas };
}

const hello = { runtime: 'nodejs8.3', handler: 'handler.main', memory: 128, timeout: 30 };

describe('SpotinstPlugin', () => {
  let home: string;
  const saved = { ...process.env };

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-plugin-'));
    // A credentials file that would fail to parse: reading it at start-up would throw.
    fs.writeFileSync(path.join(home, 'credentials'), 'default: [unclosed');
    process.env.SPOTINST_CREDENTIALS_FILE = path.join(home, 'credentials');
    delete process.env.SPOTINST_TOKEN;
    delete process.env.SPOTINST_ACCOUNT;
  });
  afterEach(() => {
    process.env = { ...saved };
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('registers the spotinst provider and its schema without reading credentials', () => {
    const { serverless, providers, schemas } = fakeServerless({ hello });
    const plugin = new SpotinstPlugin(serverless, {});
    expect(providers.get('spotinst')).toBe(plugin.provider);
    expect(plugin.provider).toBeInstanceOf(SpotinstProvider);
    expect(schemas.map(([name]) => name)).toEqual(['spotinst']);
    expect(Object.keys(schemas[0][1])).toEqual(expect.arrayContaining(['provider', 'function']));
  });

  it('hooks exactly the commands it implements (a hook makes the framework offer the command)', () => {
    const { serverless } = fakeServerless({ hello });
    const plugin = new SpotinstPlugin(serverless, {});
    const commands = Object.keys(plugin.hooks).map((hook) => hook.replace(/^(before|after):/, '').split(':')[0]);
    expect(new Set(commands)).toEqual(new Set(['initialize', 'spotinst', 'package', 'deploy', 'info', 'remove', 'invoke', 'logs', 'dev']));
  });

  it('states the real default concurrency in deploy --help', () => {
    const { serverless } = fakeServerless({ hello });
    const plugin = new SpotinstPlugin(serverless, {});
    // the plugin must not load the limiter at start-up, so its usage text repeats the number
    const deploy = (plugin.commands as Record<string, { options?: Record<string, { usage: string }> }>).deploy;
    expect(deploy.options?.concurrency.usage).toContain(`default ${DEFAULT_CONCURRENCY};`);
  });

  it('names remote functions by key unless name: is written', () => {
    // The framework fills in `name` in place, after the plugins are constructed.
    const functions: Record<string, Record<string, unknown>> = { hello: { ...hello }, other: { ...hello, name: 'custom' } };
    const { serverless } = fakeServerless(functions);
    const plugin = new SpotinstPlugin(serverless, {});
    functions.hello.name = 'svc-dev-hello';
    expect(plugin.provider.getService().functions.map((fn) => fn.name)).toEqual(['hello', 'custom']);
  });

  it('turns validation failures into framework errors with the key and the fix', async () => {
    const { serverless } = fakeServerless({ hello: { ...hello, timeout: 45 } });
    const plugin = new SpotinstPlugin(serverless, {});
    const failure = plugin.hooks['before:package:initialize']();
    await expect(failure).rejects.toBeInstanceOf(FakeServerlessError);
    await expect(failure).rejects.toMatchObject({ code: 'SPOTINST_INVALID_CONFIG' });
    await expect(failure).rejects.toThrow(/functions\.hello\.timeout = 45[\s\S]*Fix:/);
  });

  it('prefers --stage over provider.stage', () => {
    const { serverless } = fakeServerless({ hello });
    expect(new SpotinstPlugin(serverless, { stage: 'prod' }).provider.stage).toBe('prod');
    expect(new SpotinstPlugin(serverless, {}).provider.stage).toBe('dev');
  });

  it('reads credentials only when the API client is asked for', () => {
    const { serverless } = fakeServerless({ hello });
    const plugin = new SpotinstPlugin(serverless, {});
    expect(() => plugin.provider.getClient()).toThrow(/not valid YAML/);
    process.env.SPOTINST_TOKEN = 'tok-unit';
    process.env.SPOTINST_ACCOUNT = 'act-unit';
    const fresh = new SpotinstPlugin(serverless, {});
    const client = fresh.provider.getClient();
    expect(client.http.apiUrl).toBe('https://api.spotinst.io');
    client.close();
  });
});

/**
 * spotinst-local on loopback accepts a token as short as `t`. The plugin hides the token in
 * what it prints, and must hide it whole: "Function", "boom from node" and the function's
 * own output keep their letters.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { invoke } from '../../../src/invoke';
import { logs } from '../../../src/logs';
import { fixtureZip } from '../../fixtures/functions/build';
import { realProviderContext } from '../../helpers/command-context';
import { createEnvironment, startTestPlatform, stopTestPlatform, type TestPlatform } from '../../helpers/platform';

let local: TestPlatform;
let environmentId: string;
let serviceDir: string;
const saved = { token: process.env.SPOTINST_TOKEN, account: process.env.SPOTINST_ACCOUNT };

beforeAll(async () => {
  local = await startTestPlatform({ token: 't' });
  ({ environmentId } = await createEnvironment(local.client));
  serviceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'short-token-'));
  process.env.SPOTINST_TOKEN = 't';
  process.env.SPOTINST_ACCOUNT = local.platform.account;
  const source = (await fixtureZip('node')).toString('base64');
  for (const [name, handler] of [
    ['hello', 'handler.main'],
    ['fails', 'handler.throws'],
  ]) {
    await local.client.functions.create({
      environmentId,
      name,
      runtime: 'nodejs8.3',
      access: 'private',
      limits: { memory: 128, timeout: 30 },
      code: { handler, source },
    });
  }
});

afterAll(async () => {
  process.env.SPOTINST_TOKEN = saved.token;
  process.env.SPOTINST_ACCOUNT = saved.account;
  if (saved.token === undefined) delete process.env.SPOTINST_TOKEN;
  if (saved.account === undefined) delete process.env.SPOTINST_ACCOUNT;
  await stopTestPlatform(local);
  fs.rmSync(serviceDir, { recursive: true, force: true });
});

function command(options: Record<string, string | boolean>) {
  return realProviderContext({
    serviceDir,
    functions: { hello: { runtime: 'nodejs8.3', handler: 'handler.main' }, fails: { runtime: 'nodejs8.3', handler: 'handler.throws' } },
    spotinst: { apiUrl: local.platform.url, environment: environmentId },
    options,
  });
}

describe('a one-letter token', () => {
  it('leaves the letters of a reply alone', async () => {
    const { context, output } = command({ function: 'hello', log: true });
    await invoke(context);
    expect(JSON.parse(output.out)).toEqual({ hello: 'from node', version: 0 });
    expect(output.err).toContain('hello from main');
    expect(output.err).not.toContain('<token>');
  });

  it('leaves the letters of an error alone', async () => {
    const { context } = command({ function: 'fails' });
    await expect(invoke(context)).rejects.toThrow(
      /Function "fails" failed \(500 Error\): boom from node\. See its logs: serverless logs -f fails/,
    );
  });

  it('leaves the letters of log lines alone', async () => {
    const { context, output } = command({ function: 'fails', startTime: '10m' });
    await logs(context, { colors: false });
    expect(output.out).toContain('about to throw');
    expect(output.out).not.toContain('<token>');
  });
});

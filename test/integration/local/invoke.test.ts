import axios from 'axios';
import type { SpotinstClient, FunctionRecord } from '../../../src/api';
import { fixtureZip } from '../../fixtures/functions/build';
import { createEnvironment, eventually, startTestPlatform, stopTestPlatform, TestPlatform } from './helpers';

// timeoutScale 1/30: a function's 30 s timeout lasts 1 s here, so timeouts are quick to test
let local: TestPlatform;
let client: SpotinstClient;
let environmentId: string;
let nodeSource: string;

beforeAll(async () => {
  local = await startTestPlatform({ timeoutScale: 1 / 30 });
  client = local.client;
  ({ environmentId } = await createEnvironment(client));
  nodeSource = (await fixtureZip('node')).toString('base64');
  process.env.HOST_SECRET_FOR_PLATFORM_TEST = 'must-not-leak';
});

afterAll(async () => {
  delete process.env.HOST_SECRET_FOR_PLATFORM_TEST;
  await stopTestPlatform(local);
});

async function deploy(
  name: string,
  handler: string,
  extra: Partial<Parameters<SpotinstClient['functions']['create']>[0]> = {},
): Promise<FunctionRecord> {
  return client.functions.create({
    environmentId,
    name,
    runtime: 'nodejs8.3',
    access: 'public',
    limits: { memory: 128, timeout: 30 },
    code: { handler, source: nodeSource },
    ...extra,
  });
}

const call = axios.create({
  validateStatus: () => true,
  transitional: { silentJSONParsing: true, forcedJSONParsing: false, clarifyTimeoutError: false },
});

describe('function URL invocations (node)', () => {
  test('callback handler: status, body, headers, logs with version/status/duration', async () => {
    const fn = await deploy('hello', 'handler.main');
    const before = Date.now();
    const response = await call.get(fn.url);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.data)).toEqual({ hello: 'from node', version: 0 });
    const invocationId = response.headers['x-spotinst-invocation-id'];
    const logs = await client.logs.list(fn.id, before - 1, Date.now() + 1);
    expect(logs).toEqual([
      {
        invocationId,
        content: [{ time: expect.any(Number), log: 'hello from main' }],
        version: 0,
        status: 'success',
        durationMs: expect.any(Number),
        startedAt: expect.any(Number),
        coldStart: true,
      },
    ]);
    expect(logs[0].startedAt).toBeGreaterThanOrEqual(before);
  });

  test('async handler; JSON and text bodies; a non-string body is JSON-encoded', async () => {
    const fn = await deploy('async', 'handler.asyncMain');
    const json = await call.post(fn.url, { a: 1 });
    expect(json.status).toBe(201);
    expect(JSON.parse(json.data)).toEqual({ echoed: { a: 1 } });
    const text = await call.post(fn.url, 'just text', { headers: { 'Content-Type': 'text/plain' } });
    expect(JSON.parse(text.data)).toEqual({ echoed: 'just text' });
  });

  test('the event and context contract, and an environment isolated from the host', async () => {
    const fn = await deploy('inspect', 'handler.inspect', { environmentVariables: { OWN: 'value', size: '100' } });
    const response = await call.put(`${fn.url}/sub/path?x=1&y=two`, { hello: 'world' }, { headers: { 'X-Custom': 'yes' } });
    expect(response.status).toBe(200);
    const seen = JSON.parse(response.data) as {
      event: { query: unknown; body: unknown; headers: Record<string, string>; method: string; path: string };
      context: Record<string, unknown>;
      env: Record<string, string>;
      cwd: string;
    };
    expect(seen.event).toMatchObject({ query: { x: '1', y: 'two' }, body: { hello: 'world' }, method: 'PUT', path: '/sub/path' });
    expect(seen.event.headers['x-custom']).toBe('yes');
    expect(seen.context).toMatchObject({
      requestId: response.headers['x-spotinst-invocation-id'],
      functionId: fn.id,
      functionName: 'inspect',
      environmentId,
      version: 0,
      memoryLimitInMB: 128,
    });
    expect(seen.env).toEqual({
      PATH: expect.any(String),
      LANG: expect.any(String),
      OWN: 'value',
      size: '100',
      SPOTINST_FUNCTION_ID: fn.id,
      SPOTINST_ENVIRONMENT_ID: environmentId,
      SPOTINST_FUNCTION_VERSION: '0',
    });
    expect(seen.cwd.startsWith(local.dataDir)).toBe(true);
  });

  test('context.getDoc reads the environment document store', async () => {
    await client.documents.create(environmentId, 'config', { level: 3 });
    const fn = await deploy('doc', 'handler.doc');
    const response = await call.post(fn.url, { key: 'config' });
    expect(JSON.parse(response.data)).toEqual({ value: { level: 3 }, viaCallback: { level: 3 } });
  });

  test('a thrown error is a 500 with the message, logged; a timeout is a 504', async () => {
    const throws = await deploy('throws', 'handler.throws');
    const started = Date.now();
    const failed = await call.get(throws.url);
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.data)).toEqual({ errorMessage: 'boom from node', errorType: 'Error' });
    const [log] = await client.logs.list(throws.id, started, Date.now());
    expect(log.status).toBe('error');
    expect(log.content.map((line) => line.log).join('\n')).toContain('boom from node');

    const hang = await deploy('hang', 'handler.hang');
    const timedOut = await call.get(hang.url);
    expect(timedOut.status).toBe(504);
    const [hangLog] = await client.logs.list(hang.id, started, Date.now());
    expect(hangLog.status).toBe('timeout');
  });

  test('a hanging, exiting or busy function does not affect another one', async () => {
    const hang = await deploy('hang2', 'handler.hang');
    const exit = await deploy('exit', 'handler.exit');
    const busy = await deploy('busy', 'handler.busy');
    const healthy = await deploy('healthy', 'handler.counter');
    const pending = [call.get(hang.url), call.get(busy.url)];
    const exited = await call.get(exit.url);
    expect(exited.status).toBe(500);
    expect((JSON.parse(exited.data as string) as { errorMessage: string }).errorMessage).toMatch(/exited with code 3/);
    const ok = await call.get(healthy.url);
    expect(ok.status).toBe(200);
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual([504, 504]);
    // the crashed worker is replaced on the next call
    expect((await call.get(exit.url)).status).toBe(500);
    expect((await call.get(healthy.url)).data).toBe('2');
  });

  test('private access needs the token, which the function never sees', async () => {
    const fn = await deploy('private', 'handler.inspect', { access: 'private' });
    expect((await call.get(fn.url)).status).toBe(401);
    expect((await call.get(fn.url, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await call.get(fn.url, { headers: { Authorization: `Bearer ${local.platform.token}` } });
    expect(ok.status).toBe(200);
    expect((JSON.parse(ok.data as string) as { event: { headers: Record<string, string> } }).event.headers.authorization).toBeUndefined();
  });

  test('a request body over 6 MB gets 413', async () => {
    const fn = await deploy('big', 'handler.asyncMain');
    const response = await call.post(fn.url, Buffer.alloc(6 * 1024 * 1024 + 1, 0x61), {
      headers: { 'Content-Type': 'text/plain' },
      maxBodyLength: Infinity,
    });
    expect(response.status).toBe(413);
  });

  test('an unknown function URL is a 404', async () => {
    expect((await call.get(`${local.platform.url}/fn/${environmentId}/fx-00000000`)).status).toBe(404);
  });

  test('warm workers: one cold start, then reuse; invocations counted in stats', async () => {
    const fn = await deploy('warm', 'handler.counter');
    const before = local.platform.stats();
    for (let i = 1; i <= 3; i += 1) expect((await call.get(fn.url)).data).toBe(String(i));
    const after = local.platform.stats();
    expect(after.invocations - before.invocations).toBe(3);
    expect(after.coldStarts - before.coldStarts).toBe(1);
  });

  test('logs: only invocations that started in the window, in start order', async () => {
    const fn = await deploy('windowed', 'handler.main');
    await call.get(fn.url);
    const middle = await eventually(
      async () => {
        const now = Date.now();
        return now > (await client.logs.list(fn.id, 0, now))[0].startedAt! ? now : undefined;
      },
      2000,
      'the clock to move past the first invocation',
    );
    await call.get(fn.url);
    await call.get(fn.url);
    const all = await client.logs.list(fn.id, 0, Date.now());
    expect(all).toHaveLength(3);
    expect(all.map((entry) => entry.startedAt)).toEqual([...all.map((entry) => entry.startedAt)].sort((a, b) => a! - b!));
    expect(await client.logs.list(fn.id, 0, middle - 1)).toHaveLength(1);
    expect(await client.logs.list(fn.id, middle, Date.now())).toHaveLength(2);
  });
});

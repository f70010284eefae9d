import axios from 'axios';
import type { SpotinstClient } from '../../../src/api';
import { zipFiles } from '../../fixtures/functions/build';
import { createEnvironment, startTestPlatform, stopTestPlatform, type TestPlatform } from '../../helpers/platform';
import { pollUntil } from '../../helpers/poll';

let local: TestPlatform;
let client: SpotinstClient;
let environmentId: string;

beforeAll(async () => {
  local = await startTestPlatform();
  client = local.client;
  ({ environmentId } = await createEnvironment(client));
});

afterAll(async () => {
  await stopTestPlatform(local);
});

const call = axios.create({
  validateStatus: () => true,
  transitional: { silentJSONParsing: true, forcedJSONParsing: false, clarifyTimeoutError: false },
});

/** A function whose body says which code it runs and what it was asked. */
async function tagged(tag: string): Promise<string> {
  const zip = await zipFiles({
    'handler.js': `exports.main = async (event) => ({ statusCode: 200, body: JSON.stringify({ tag: ${JSON.stringify(tag)}, method: event.method, path: event.path, body: event.body, query: event.query }) });`,
  });
  return zip.toString('base64');
}

async function deploy(name: string, source: string, extra: Record<string, unknown> = {}) {
  return client.functions.create({
    environmentId,
    name,
    runtime: 'nodejs8.3',
    access: 'public',
    limits: { memory: 128, timeout: 30 },
    code: { handler: 'handler.main', source },
    ...extra,
  });
}

test('CORS: preflight answered per function config, origin on replies', async () => {
  const fn = await deploy('cors', await tagged('cors'), {
    access: 'private',
    cors: { enabled: true, origin: 'https://app.example.com', headers: 'Content-Type,Authorization', methods: 'GET,POST' },
  });
  const preflight = await call.options(fn.url, {
    headers: {
      Origin: 'https://app.example.com',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type',
    },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
  expect(preflight.headers['access-control-allow-methods']).toBe('GET,POST');
  expect(preflight.headers['access-control-allow-headers']).toBe('Content-Type,Authorization');
  const actual = await call.post(
    fn.url,
    {},
    { headers: { Origin: 'https://app.example.com', Authorization: `Bearer ${local.platform.token}` } },
  );
  expect(actual.status).toBe(200);
  expect(actual.headers['access-control-allow-origin']).toBe('https://app.example.com');

  const noCors = await deploy('no-cors', await tagged('plain'));
  const passed = await call.options(noCors.url, { headers: { Origin: 'https://x.example.com', 'Access-Control-Request-Method': 'POST' } });
  // without CORS configured, OPTIONS is an ordinary invocation
  expect(JSON.parse(passed.data)).toMatchObject({ method: 'OPTIONS' });
  expect(passed.headers['access-control-allow-origin']).toBeUndefined();
});

test('activeVersions split traffic between versions by weight', async () => {
  const fn = await deploy('split', await tagged('v0'));
  await client.functions.update(fn.id, { environmentId, code: { handler: 'handler.main', source: await tagged('v1') } });
  await client.functions.update(fn.id, {
    environmentId,
    activeVersions: [
      { version: 0, percentage: 50 },
      { version: '$LATEST', percentage: 50 },
    ],
  });
  const counts: Record<string, number> = {};
  for (let i = 0; i < 200; i += 1) {
    const response = await call.get(fn.url);
    const tag = (JSON.parse(response.data as string) as { tag: string }).tag;
    counts[tag] = (counts[tag] ?? 0) + 1;
    expect(response.headers['x-spotinst-function-version']).toBe(tag === 'v0' ? '0' : '1');
  }
  expect(Object.keys(counts).sort()).toEqual(['v0', 'v1']);
  // 200 draws at 50 %: outside 60..140 has a probability far below one in a million
  expect(counts.v0).toBeGreaterThan(60);
  expect(counts.v1).toBeGreaterThan(60);

  await client.functions.update(fn.id, { environmentId, activeVersions: [{ version: 0, percentage: 100 }] });
  for (let i = 0; i < 5; i += 1) expect((JSON.parse((await call.get(fn.url)).data as string) as { tag: string }).tag).toBe('v0');
});

test('aliases route by Host header and by /alias/<host>/ through the patterns', async () => {
  const users = await deploy('users', await tagged('users'));
  const anyUser = await deploy('any-user', await tagged('any-user'));
  const fallback = await deploy('fallback', await tagged('fallback'));
  await client.aliases.create({ host: 'api.test.local', environmentId });
  await client.patterns.create({ environmentId, functionId: users.id, pattern: '/users', method: 'GET' });
  await client.patterns.create({ environmentId, functionId: anyUser.id, pattern: '/users/{id}', method: 'ALL' });
  await client.patterns.create({ environmentId, functionId: fallback.id, pattern: '/*', method: 'ALL' });

  const byHost = await call.get(`${local.platform.url}/users?page=2`, { headers: { Host: 'api.test.local' } });
  expect(JSON.parse(byHost.data)).toEqual({ tag: 'users', method: 'GET', path: '/users', body: '', query: { page: '2' } });
  const byPath = await call.post(`${local.platform.url}/alias/api.test.local/users/42`, { x: 1 });
  expect(JSON.parse(byPath.data)).toMatchObject({ tag: 'any-user', method: 'POST', path: '/users/42', body: { x: 1 } });
  expect(
    (JSON.parse((await call.delete(`${local.platform.url}/alias/api.test.local/other/thing`)).data as string) as { tag: string }).tag,
  ).toBe('fallback');
  // the management API is still served for the loopback host
  expect((await client.aliases.list()).map((alias) => alias.host)).toContain('api.test.local');
  expect((await call.get(`${local.platform.url}/alias/unknown.example.com/users`)).status).toBe(404);
});

test('a cron job with seconds fires with its body, and its runs appear in the logs', async () => {
  const zip = await zipFiles({
    'handler.js':
      'exports.main = async (event) => { console.log("cron body " + JSON.stringify(event.body) + " query " + JSON.stringify(event.query)); return { statusCode: 200, body: "ok" }; };',
  });
  const fn = await deploy('cron', zip.toString('base64'));
  const started = Date.now();
  const job = await client.cronJobs.create({
    environmentId,
    action: 'INVOKE_FUNCTION',
    resourceId: fn.id,
    isEnabled: true,
    cronExpression: '*/1 * * * * *',
    config: { body: '{"from":"cron"}', queryParams: [{ key: 'k', value: 'v' }] },
  });
  const logs = await pollUntil(
    async () => {
      const found = await client.logs.list(fn.id, started, Date.now());
      return found.length >= 2 && found;
    },
    { timeoutMs: 10000, intervalMs: 100, what: 'two cron runs in the logs' },
  );
  expect(logs[0].content.map((line) => line.log)).toEqual(['cron body {"from":"cron"} query {"k":"v"}']);
  expect(logs[0].status).toBe('success');

  expect(await client.cronJobs.update(job.id, { isEnabled: false })).toMatchObject({ isEnabled: false });
  expect(await client.cronJobs.delete(job.id)).toBe(true);
});

test('the statusCode of a result: a whole number in 100–599 is the reply status, anything else is 502; an unshaped result is a 200 body', async () => {
  const zip = await zipFiles({
    'handler.js':
      'exports.main = async (event) => (event.query.kind === "plain" ? ["a", 1] : { statusCode: JSON.parse(event.query.code), body: "shaped" });',
  });
  const fn = await deploy('status', zip.toString('base64'));
  const teapot = await call.get(fn.url, { params: { code: '418' } });
  expect([teapot.status, teapot.data]).toEqual([418, 'shaped']);
  for (const code of ['99', '600', '200.5', '"abc"', 'null']) {
    const invalid = await call.get(fn.url, { params: { code } });
    expect([code, invalid.status]).toEqual([code, 502]);
    expect(JSON.parse(invalid.data)).toMatchObject({ errorType: 'InvalidResult' });
  }
  const plain = await call.get(fn.url, { params: { kind: 'plain' } });
  expect([plain.status, JSON.parse(plain.data)]).toEqual([200, ['a', 1]]);
});

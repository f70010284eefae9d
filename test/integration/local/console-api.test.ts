/**
 * The console's API under /__local/api (what the page reads and does beyond the management
 * API), and the request and response each invocation keeps, against spotinst-local in-process.
 */
import type {
  ConsoleInvokeResult,
  ConsolePlatform,
  ConsoleSession,
  FunctionSeries,
  InvocationRecord,
  InvocationSummary,
  OverviewApplication,
  TailEvent,
} from '../../../src/local/console/api-types';
import { MAX_RECORDED_BODY_BYTES } from '../../../src/local/exchange';
import { zipFiles } from '../../fixtures/functions/build';
import { createEnvironment, startTestPlatform, stopTestPlatform, type TestPlatform } from '../../helpers/platform';

const HANDLERS = {
  'handler.js': `'use strict';
exports.echo = async (event) => {
  console.log('echo ' + event.method + ' ' + event.path);
  if (event.body && event.body.fail) throw new Error('asked to fail');
  return { statusCode: 200, headers: { 'X-Echo': 'yes' }, body: { event } };
};
`,
};

interface Reply<T> {
  status: number;
  items: T[];
  errors: Array<{ code: string; message: string; field?: string }>;
}

let local: TestPlatform;
let environmentId: string;
let echo: { id: string; url: string };
let privateEcho: { id: string; url: string };

async function api<T>(
  method: string,
  path: string,
  options: { body?: unknown; token?: string; account?: string | null; query?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const query = new URLSearchParams(options.query);
  const account = options.account === undefined ? local.platform.account : options.account;
  if (account !== null) query.set('accountId', account);
  const reply = await fetch(`${local.platform.url}${path}?${query.toString()}`, {
    method,
    headers: { Authorization: `Bearer ${options.token ?? local.platform.token}`, 'Content-Type': 'application/json' },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const envelope = (await reply.json()) as { response: { items?: T[]; errors?: Reply<T>['errors'] } };
  return { status: reply.status, items: envelope.response.items ?? [], errors: envelope.response.errors ?? [] };
}

async function one<T>(method: string, path: string, body?: unknown): Promise<T> {
  const reply = await api<T>(method, path, { body });
  if (reply.status !== 200) throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.errors)}`);
  return reply.items[0];
}

beforeAll(async () => {
  local = await startTestPlatform();
  ({ environmentId } = await createEnvironment(local.client));
  const source = (await zipFiles(HANDLERS)).toString('base64');
  const base = { environmentId, runtime: 'nodejs8.3', limits: { memory: 128, timeout: 30 }, code: { handler: 'handler.echo', source } };
  echo = await local.client.functions.create({ ...base, name: 'echo', access: 'public' });
  privateEcho = await local.client.functions.create({ ...base, name: 'private-echo', access: 'private' });
});

afterAll(() => stopTestPlatform(local));

test('the session answers the token alone with its account; a wrong token is 401, another account 403', async () => {
  expect(await api<ConsoleSession>('GET', '/__local/api/session', { account: null })).toMatchObject({
    status: 200,
    items: [{ account: local.platform.account, version: expect.any(String) }],
  });
  expect((await api('GET', '/__local/api/session', { token: 'wrong-token-here', account: null })).status).toBe(401);
  expect((await api('GET', '/__local/api/overview', { token: 'wrong-token-here' })).status).toBe(401);
  const other = await api('GET', '/__local/api/overview', { account: 'act-00000000' });
  expect(other.status).toBe(403);
  expect(other.errors[0].message).toContain('act-00000000');
  expect((await api('GET', '/__local/api/overview', { account: null })).errors[0]).toMatchObject({ field: 'accountId' });
  expect((await api('GET', '/__local/api/nothing-here')).status).toBe(404);
});

test('the overview is the tree of what is deployed, with URLs, endpoints through aliases, and the next cron runs', async () => {
  await local.client.aliases.create({ environmentId, host: 'api.example.test' });
  await local.client.patterns.create({ environmentId, functionId: echo.id, method: 'GET', pattern: '/echo' });
  const job = await local.client.cronJobs.create({
    environmentId,
    resourceId: echo.id,
    action: 'INVOKE_FUNCTION',
    isEnabled: true,
    cronExpression: '*/5 * * * *',
  });
  try {
    const [application] = (await api<OverviewApplication>('GET', '/__local/api/overview')).items;
    const environment = application.environments.find((env) => env.id === environmentId);
    const fn = environment?.functions.find((candidate) => candidate.id === echo.id);
    expect(environment?.aliases).toEqual([
      expect.objectContaining({ host: 'api.example.test', url: `${local.platform.url}/alias/api.example.test` }),
    ]);
    expect(fn).toMatchObject({
      name: 'echo',
      url: echo.url,
      latestVersion: 0,
      activeVersions: [{ version: '$LATEST', percentage: 100 }],
      endpoints: [{ method: 'GET', pattern: '/echo', urls: [`${local.platform.url}/alias/api.example.test/echo`] }],
      jobs: [{ id: job.id, cronExpression: '*/5 * * * *', isEnabled: true }],
    });
    const runs = fn?.jobs[0].nextRuns ?? [];
    expect(runs).toHaveLength(3);
    expect(runs[0]).toBeGreaterThan(Date.now() - 1000);
    expect(runs.map((at) => at % (5 * 60 * 1000))).toEqual([0, 0, 0]);
    expect(runs[1] - runs[0]).toBe(5 * 60 * 1000);
  } finally {
    await local.client.cronJobs.delete(job.id);
  }
});

test('each invocation keeps its request (without credentials) and response; the console lists and opens them', async () => {
  const reply = await fetch(`${privateEcho.url}/orders?page=2`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${local.platform.token}`, 'Content-Type': 'application/json', 'X-Trace': 'abc' },
    body: JSON.stringify({ order: 7 }),
  });
  expect(reply.status).toBe(200);
  const invocationId = reply.headers.get('x-spotinst-invocation-id') ?? '';
  const [latest] = (await api<InvocationSummary>('GET', `/__local/api/functions/${privateEcho.id}/invocations`)).items;
  expect(latest).toEqual({
    invocationId,
    startedAt: expect.any(Number),
    version: 0,
    status: 'success',
    durationMs: expect.any(Number),
    coldStart: true,
  });

  const record = await one<InvocationRecord>('GET', `/__local/api/functions/${privateEcho.id}/invocations/${invocationId}`);
  expect(record.request).toMatchObject({
    method: 'PUT',
    path: '/orders',
    query: { page: '2' },
    body: '{"order":7}',
    bodyBytes: 11,
    truncated: false,
  });
  expect(record.request?.headers['x-trace']).toBe('abc');
  expect(Object.keys(record.request?.headers ?? {})).not.toContain('authorization');
  expect(JSON.stringify(record)).not.toContain(local.platform.token);
  expect(record.response).toMatchObject({
    status: 200,
    headers: { 'X-Echo': 'yes', 'X-Spotinst-Invocation-Id': invocationId },
    truncated: false,
  });
  expect(JSON.parse(record.response?.body ?? '')).toMatchObject({ event: { method: 'PUT', body: { order: 7 } } });
  expect(record.content.map((line) => line.log)).toEqual(['echo PUT /orders']);

  expect((await api('GET', `/__local/api/functions/${privateEcho.id}/invocations/not-an-invocation`)).status).toBe(404);
  expect((await api('GET', `/__local/api/functions/fx-00000000/invocations`)).status).toBe(404);
  const badLimit = await api('GET', `/__local/api/functions/${echo.id}/invocations`, { query: { limit: '0' } });
  expect(badLimit.status).toBe(400);
  expect(badLimit.errors[0]).toMatchObject({ field: 'limit', message: expect.stringContaining('"0"') });
});

test('invoke from the console runs the function with the given request; bad input is refused naming the key', async () => {
  const result = await one<ConsoleInvokeResult>('POST', `/__local/api/functions/${echo.id}/invoke`, {
    method: 'patch',
    path: '/items/1',
    query: { q: 'x' },
    headers: { 'Content-Type': 'application/json' },
    body: '{"a":1}',
  });
  expect(result).toMatchObject({ functionId: echo.id, version: 0, status: 'success', response: { status: 200 } });
  expect(JSON.parse(result.response.body)).toMatchObject({
    event: { method: 'PATCH', path: '/items/1', query: { q: 'x' }, body: { a: 1 }, headers: { 'content-type': 'application/json' } },
  });

  const failed = await one<ConsoleInvokeResult>('POST', `/__local/api/functions/${echo.id}/invoke`, { body: '{"fail":true}' });
  expect(failed).toMatchObject({ status: 'error', response: { status: 500 } });
  expect(JSON.parse(failed.response.body)).toEqual({ errorMessage: 'asked to fail', errorType: 'Error' });

  const badMethod = await api('POST', `/__local/api/functions/${echo.id}/invoke`, { body: { method: 'FETCH' } });
  expect(badMethod.status).toBe(400);
  expect(badMethod.errors[0]).toMatchObject({ field: 'method', message: expect.stringContaining('"FETCH"') });
  const badPath = await api('POST', `/__local/api/functions/${echo.id}/invoke`, { body: { path: 'items' } });
  expect(badPath.errors[0]).toMatchObject({ field: 'path', message: expect.stringContaining('must start with /') });
  const badHeader = await api('POST', `/__local/api/functions/${echo.id}/invoke`, { body: { headers: { 'bad header': 'x' } } });
  expect(badHeader.errors[0]).toMatchObject({ field: 'headers.bad header' });
});

test('replay sends a past invocation’s request again; a request kept only in part is not replayed', async () => {
  const first = await one<ConsoleInvokeResult>('POST', `/__local/api/functions/${echo.id}/invoke`, { path: '/again', body: 'plain text' });
  const again = await one<ConsoleInvokeResult>('POST', `/__local/api/functions/${echo.id}/invocations/${first.invocationId}/replay`);
  expect(again.invocationId).not.toBe(first.invocationId);
  expect(JSON.parse(again.response.body)).toEqual(JSON.parse(first.response.body));

  const big = 'x'.repeat(MAX_RECORDED_BODY_BYTES + 1000);
  const large = await one<ConsoleInvokeResult>('POST', `/__local/api/functions/${echo.id}/invoke`, { body: big });
  const record = await one<InvocationRecord>('GET', `/__local/api/functions/${echo.id}/invocations/${large.invocationId}`);
  expect(record.request).toMatchObject({ truncated: true, bodyBytes: big.length });
  expect(record.request?.body).toHaveLength(MAX_RECORDED_BODY_BYTES);
  expect(record.response?.truncated).toBe(true);
  const refused = await api('POST', `/__local/api/functions/${echo.id}/invocations/${large.invocationId}/replay`);
  expect(refused.status).toBe(409);
  expect(refused.errors[0]).toMatchObject({ code: 'NOT_REPLAYABLE', message: expect.stringContaining(`${big.length} bytes`) });
});

test('the series gives the last hour per minute: count, errors, p50 and p95', async () => {
  const [series] = (await api<FunctionSeries>('GET', `/__local/api/functions/${echo.id}/series`)).items;
  expect(series.buckets).toHaveLength(60);
  expect(series.to - series.from).toBe(60 * 60 * 1000);
  const total = series.buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  const errors = series.buckets.reduce((sum, bucket) => sum + bucket.errors, 0);
  const logged = await local.client.logs.list(echo.id, series.from, series.to);
  expect(total).toBe(logged.length);
  expect(errors).toBe(logged.filter((entry) => entry.status === 'error').length);
  const busy = series.buckets.filter((bucket) => bucket.count > 0);
  for (const bucket of busy) expect(bucket.p95).toBeGreaterThanOrEqual(bucket.p50 ?? Number.NaN);
});

test('the tail streams a function’s invocations as Server-Sent Events, read with the token in a header', async () => {
  const controller = new AbortController();
  const reply = await fetch(`${local.platform.url}/__local/api/functions/${echo.id}/tail?accountId=${local.platform.account}`, {
    headers: { Authorization: `Bearer ${local.platform.token}` },
    signal: controller.signal,
  });
  expect(reply.status).toBe(200);
  expect(reply.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = (reply.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  try {
    const called = await fetch(echo.url, { method: 'POST', body: 'tailed' });
    const invocationId = called.headers.get('x-spotinst-invocation-id');
    let text = '';
    while (!text.includes('event: invocation')) text += decoder.decode((await reader.read()).value, { stream: true });
    while (!text.includes('\n\n', text.indexOf('event: invocation'))) text += decoder.decode((await reader.read()).value, { stream: true });
    const data = /event: invocation\nid: .*\ndata: (.*)\n/.exec(text)?.[1] ?? '';
    const event = JSON.parse(data) as TailEvent;
    expect(event).toMatchObject({ functionId: echo.id, invocation: { invocationId, status: 'success', version: 0 } });
  } finally {
    controller.abort();
  }
  expect((await fetch(`${local.platform.url}/__local/api/functions/${echo.id}/tail?accountId=${local.platform.account}`)).status).toBe(401);
});

test('the platform view: stats, worker processes with their function names, pids and memory', async () => {
  const platform = await one<ConsolePlatform>('GET', '/__local/api/platform');
  expect(platform.stats.invocations).toBeGreaterThan(0);
  expect(platform.metricsNeedToken).toBe(false);
  expect(platform.faults).toBeUndefined();
  const worker = platform.processes.find((candidate) => candidate.functionId === echo.id);
  expect(worker).toMatchObject({ functionName: 'echo', version: 0, busy: false, pid: expect.any(Number) });
  expect(platform.workers.workers).toBe(platform.processes.length);
});

test('faults never touch the console API, and its requests are not counted in /__local/stats', async () => {
  const faulty = await startTestPlatform({ faults: 'rate=1,codes=503' });
  try {
    const headers = { Authorization: `Bearer ${faulty.platform.token}` };
    expect((await fetch(`${faulty.platform.url}/functions/application?accountId=${faulty.platform.account}`, { headers })).status).toBe(
      503,
    );
    expect((await fetch(`${faulty.platform.url}/__local/api/session`, { headers })).status).toBe(200);
    const facts = await fetch(`${faulty.platform.url}/__local/api/platform?accountId=${faulty.platform.account}`, { headers });
    expect(facts.status).toBe(200);
    expect(((await facts.json()) as { response: { items: ConsolePlatform[] } }).response.items[0].faults).toBe('rate=1,codes=503');
    expect(Object.keys(faulty.platform.stats().requests)).toEqual(['GET /functions/application']);
  } finally {
    await stopTestPlatform(faulty);
  }
});

test('a tail still open when the platform closes is ended, and close() does not wait for it', async () => {
  const closing = await startTestPlatform();
  const { environmentId: env } = await createEnvironment(closing.client);
  const source = (await zipFiles(HANDLERS)).toString('base64');
  const fn = await closing.client.functions.create({
    environmentId: env,
    name: 'tailed',
    runtime: 'nodejs8.3',
    access: 'public',
    limits: { memory: 128, timeout: 30 },
    code: { handler: 'handler.echo', source },
  });
  const reply = await fetch(`${closing.platform.url}/__local/api/functions/${fn.id}/tail?accountId=${closing.platform.account}`, {
    headers: { Authorization: `Bearer ${closing.platform.token}` },
  });
  const reader = (reply.body as ReadableStream<Uint8Array>).getReader();
  await reader.read(); // the opening comment: the stream is up
  await stopTestPlatform(closing);
  let done = false;
  while (!done) ({ done } = await reader.read());
  expect(done).toBe(true);
});

test('the console page comes from the build: run from the sources it says to build; other paths under it are 404, writes 405', async () => {
  const page = await fetch(local.platform.consoleUrl);
  expect(local.platform.consoleUrl).toBe(`${local.platform.url}/__local/console`);
  // ts-jest runs src/, where no build put the assets (the browser tests use dist/)
  expect(page.status).toBe(503);
  expect(await page.text()).toContain('npm run build');
  expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect((await fetch(`${local.platform.consoleUrl}/secrets.txt`)).status).toBe(404);
  expect((await fetch(`${local.platform.consoleUrl}/app.js`, { method: 'POST' })).status).toBe(405);
});

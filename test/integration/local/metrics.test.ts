/** `/__local/metrics`: Prometheus' text format after some invocations, each family with its labels. */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { PlatformLog } from '../../../src/local/logger';
import { Platform } from '../../../src/local/platform';
import { createRequestListener } from '../../../src/local/server';
import { zipFiles } from '../../fixtures/functions/build';
import { createEnvironment, startTestPlatform, stopTestPlatform, tempDir, type TestPlatform } from '../../helpers/platform';

const HANDLERS = {
  'handler.js': `'use strict';
exports.ok = async () => ({ statusCode: 200, body: 'ok' });
exports.fails = async () => { throw new Error('no'); };
`,
};

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a scrape (comment lines left out); label values here hold no escaped quotes. */
function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => [name, value]));
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

async function scrape(test: TestPlatform, token?: string): Promise<{ status: number; type: string; text: string }> {
  const reply = await fetch(`${test.platform.url}/__local/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { status: reply.status, type: reply.headers.get('content-type') ?? '', text: await reply.text() };
}

let local: TestPlatform;
let other: TestPlatform;
let environmentId: string;
let ok: { id: string; url: string };
let fails: { id: string; url: string };

beforeAll(async () => {
  [local, other] = await Promise.all([startTestPlatform(), startTestPlatform()]);
  ({ environmentId } = await createEnvironment(local.client));
  const source = (await zipFiles(HANDLERS)).toString('base64');
  const base = { environmentId, runtime: 'nodejs8.3', access: 'public' as const, limits: { memory: 128, timeout: 30 } };
  ok = await local.client.functions.create({ ...base, name: 'ok-fn', code: { handler: 'handler.ok', source } });
  fails = await local.client.functions.create({ ...base, name: 'failing-fn', code: { handler: 'handler.fails', source } });
  for (let i = 0; i < 3; i += 1) expect((await fetch(ok.url)).status).toBe(200);
  expect((await fetch(fails.url)).status).toBe(500);
});

afterAll(async () => {
  await Promise.all([stopTestPlatform(local), stopTestPlatform(other)]);
});

test('each metric family is there with its labels: function names, ids, environment, status, routes', async () => {
  const { status, type, text } = await scrape(local);
  expect(status).toBe(200);
  expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
  const all = samples(text);
  const find = (name: string, labels: Record<string, string>): Sample[] =>
    all.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));

  expect(
    find('spotinst_local_invocations_total', { function: 'ok-fn', function_id: ok.id, environment: environmentId, status: 'success' }),
  ).toEqual([expect.objectContaining({ value: 3 })]);
  expect(find('spotinst_local_invocations_total', { function: 'failing-fn', function_id: fails.id, status: 'error' })).toEqual([
    expect.objectContaining({ value: 1 }),
  ]);

  const count = find('spotinst_local_invocation_duration_seconds_count', { function: 'ok-fn', function_id: ok.id });
  expect(count).toEqual([expect.objectContaining({ value: 3 })]);
  expect(find('spotinst_local_invocation_duration_seconds_sum', { function: 'ok-fn' })[0].value).toBeGreaterThan(0);
  const buckets = find('spotinst_local_invocation_duration_seconds_bucket', { function: 'ok-fn' });
  expect(buckets.find((bucket) => bucket.labels.le === '+Inf')?.value).toBe(3);

  expect(find('spotinst_local_cold_starts_total', { function: 'ok-fn', function_id: ok.id })).toEqual([
    expect.objectContaining({ value: 1 }),
  ]);
  expect(find('spotinst_local_workers', { function: 'ok-fn', function_id: ok.id })).toEqual([expect.objectContaining({ value: 1 })]);

  expect(find('spotinst_local_http_requests_total', { route: 'GET /fn/{id}/{id}', status: '200' })[0].value).toBe(3);
  expect(find('spotinst_local_http_requests_total', { route: 'GET /fn/{id}/{id}', status: '500' })[0].value).toBe(1);
  expect(find('spotinst_local_http_requests_total', { route: 'POST /functions/function', status: '200' })[0].value).toBe(2);
  // ids never become labels: every route label is a template
  const routes = all.filter((sample) => sample.name === 'spotinst_local_http_requests_total').map((sample) => sample.labels.route);
  expect(routes.filter((route) => /fx-|env-|app-/.test(route))).toEqual([]);

  // the process's own metrics
  for (const name of [
    'process_cpu_user_seconds_total',
    'process_resident_memory_bytes',
    'nodejs_heap_size_used_bytes',
    'nodejs_eventloop_lag_seconds',
  ]) {
    expect(all.some((sample) => sample.name === name)).toBe(true);
  }
});

test('two platforms in one process count apart', async () => {
  const all = samples((await scrape(other)).text);
  expect(all.filter((sample) => sample.name.startsWith('spotinst_local_invocation'))).toEqual([]);
  expect(all.some((sample) => sample.name === 'process_cpu_user_seconds_total')).toBe(true);
});

test('on loopback the metrics are open; a token that is sent must be the right one', async () => {
  expect((await scrape(local, local.platform.token)).status).toBe(200);
  const wrong = await scrape(local, 'not-the-token-at-all');
  expect(wrong.status).toBe(401);
  expect(wrong.text).not.toContain('spotinst_local');
});

test('a platform reachable beyond loopback refuses metrics without the token', async () => {
  // what startLocalPlatform wires for a non-loopback host, served here on loopback: the tests bind nothing else
  const dataDir = tempDir();
  const platform = await Platform.open({
    dataDir,
    token: 'a-long-enough-token-1234',
    account: 'act-12345678',
    cacheDir: path.join(dataDir, 'cache'),
    idleWorkerMs: 60000,
    maxWorkersPerVersion: 1,
    timeoutScale: 1,
    log: new PlatformLog(),
  });
  const handling = createRequestListener(platform, { fixedBaseUrl: () => undefined, metricsNeedToken: true });
  const server = http.createServer(handling.listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/__local/metrics`;
  try {
    const refused = await fetch(url);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect((await fetch(url, { headers: { Authorization: 'Bearer a-long-enough-token-1234' } })).status).toBe(200);
  } finally {
    await handling.drain();
    await new Promise((resolve) => server.close(resolve));
    await platform.close(0);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

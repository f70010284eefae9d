/**
 * Issue 8, item 7: who may use spotinst-local. The management API refuses a missing, wrong
 * or malformed token (401) and a token used for another account (403) on every kind of
 * route, and a refused request changes nothing; a private function runs only for the
 * token, however it is reached; the real CLI refuses to serve a non-loopback address
 * without --token.
 */
import fs from 'node:fs';
import path from 'node:path';
import axios, { AxiosResponse, Method } from 'axios';
import type { FunctionRecord, SpotinstClient } from '../../src/api';
import { startLocalPlatform } from '../../src/local';
import { zipFiles } from '../fixtures/functions/build';
import { REPO_ROOT, runSpotinstLocal, startSpotinstLocal } from '../helpers/cli';
import { createEnvironment, startTestPlatform, stopTestPlatform, tempDir, type TestPlatform } from '../helpers/platform';
import { recordFigure, trials } from './figures';

const cli = path.join(REPO_ROOT, 'dist', 'local', 'cli.js');

const call = axios.create({ validateStatus: () => true });

/** Rounds over every route and credential; the chaos pass repeats them. */
const ROUNDS = trials(1, 5);

let local: TestPlatform;
/** a second platform: another account, with a token of its own */
let other: TestPlatform;
let client: SpotinstClient;
let environmentId: string;
let applicationId: string;
let publicFn: FunctionRecord;
let privateFn: FunctionRecord;
const ALIAS_HOST = 'auth.example.test';
const dirs: string[] = [];

const tally = { unauthorized: 0, forbidden: 0, privateRefused: 0, bindRefused: 0, checks: 0 };

beforeAll(async () => {
  local = await startTestPlatform();
  other = await startTestPlatform();
  client = local.client;
  ({ environmentId, applicationId } = await createEnvironment(client));
  const zip = await zipFiles({
    'handler.js':
      'exports.main = async (event) => ({ statusCode: 200, body: JSON.stringify({ ran: true, authorization: event.headers.authorization ?? null }) });',
  });
  const spec = (name: string, access: 'public' | 'private') => ({
    environmentId,
    name,
    runtime: 'nodejs8.3',
    access,
    limits: { memory: 128, timeout: 30 },
    code: { handler: 'handler.main', source: zip.toString('base64') },
  });
  publicFn = await client.functions.create(spec('open', 'public'));
  privateFn = await client.functions.create(spec('closed', 'private'));
  await client.aliases.create({ host: ALIAS_HOST, environmentId });
  await client.patterns.create({ environmentId, functionId: privateFn.id, pattern: '/secret', method: 'ALL' });
  await client.documents.create(environmentId, 'kept', 'value');
});

afterAll(async () => {
  await stopTestPlatform(local);
  await stopTestPlatform(other);
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  const total = tally.unauthorized + tally.forbidden + tally.privateRefused + tally.bindRefused;
  recordFigure(
    'auth',
    `${total}/${tally.checks} refusals (401 ×${tally.unauthorized}, 403 ×${tally.forbidden}, private 401 ×${tally.privateRefused}, non-loopback bind refused ×${tally.bindRefused})`,
  );
});

interface Route {
  method: Method;
  path: () => string;
  query?: () => Record<string, string>;
  body?: () => unknown;
}

/** One route of each kind: lists, reads, creates, updates, deletes, logs, jobs, documents. */
const ROUTES: Route[] = [
  { method: 'GET', path: () => '/functions/application' },
  { method: 'POST', path: () => '/functions/application', body: () => ({ application: { name: 'intruder' } }) },
  { method: 'GET', path: () => `/functions/environment/${environmentId}` },
  { method: 'GET', path: () => '/functions/function', query: () => ({ environmentId }) },
  { method: 'PUT', path: () => `/functions/function/${publicFn.id}`, body: () => ({ function: { environmentId, access: 'private' } }) },
  { method: 'DELETE', path: () => `/functions/function/${publicFn.id}` },
  { method: 'DELETE', path: () => `/functions/application/${applicationId}` },
  {
    method: 'GET',
    path: () => '/functions/function/log',
    query: () => ({ functionId: publicFn.id, from: '0', to: String(Date.now() + 60000) }),
  },
  {
    method: 'POST',
    path: () => '/spectrum/events/job',
    body: () => ({
      job: { environmentId, action: 'INVOKE_FUNCTION', resourceId: publicFn.id, isEnabled: true, cronExpression: '* * * * *' },
    }),
  },
  {
    method: 'PUT',
    path: () => `/functions/environment/${environmentId}/userDocument/kept`,
    body: () => ({ userDocument: { key: 'kept', value: 'overwritten' } }),
  },
];

function send(route: Route, headers: Record<string, string>, accountId: string | undefined): Promise<AxiosResponse> {
  const params: Record<string, string> = { ...(route.query?.() ?? {}) };
  if (accountId !== undefined) params.accountId = accountId;
  return call.request({
    method: route.method,
    url: `${local.platform.url}${route.path()}`,
    params,
    headers: { 'Content-Type': 'application/json', ...headers },
    data: route.body?.(),
  });
}

/** What the platform holds, read with the right credentials: a refused request must not change it. */
async function snapshot() {
  const functions = await client.functions.list(environmentId);
  return {
    applications: await client.applications.list(),
    environments: await client.environments.list(),
    functions: functions.map(({ url: _url, ...rest }) => rest),
    jobs: await client.cronJobs.list(),
    document: await client.documents.get(environmentId, 'kept'),
  };
}

/** A refusal: the status, the error code, and nothing of the platform's data in the reply. */
function expectRefused(response: AxiosResponse, status: 401 | 403, label: string): void {
  tally.checks += 1;
  const body = response.data as { response?: { errors?: Array<{ code: string }> } };
  // the reply is the error alone: no items, no count
  expect({ label, status: response.status, code: body.response?.errors?.[0]?.code, keys: Object.keys(body.response ?? {}).sort() }).toEqual(
    {
      label,
      status,
      code: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN',
      keys: ['errors', 'status'],
    },
  );
  if (status === 401) {
    expect(response.headers['www-authenticate']).toBe('Bearer');
    tally.unauthorized += 1;
  } else tally.forbidden += 1;
}

describe('the management API', () => {
  test('401 without a token, with a wrong one, with a malformed header, with another account’s token; nothing changes', async () => {
    const before = await snapshot();
    const variants: Array<[string, Record<string, string>]> = [
      ['no token', {}],
      ['wrong token', { Authorization: 'Bearer not-the-token' }],
      ['malformed header', { Authorization: `Basic ${Buffer.from(`user:${local.platform.token}`).toString('base64')}` }],
      ['token without Bearer', { Authorization: local.platform.token }],
      ['another account’s token', { Authorization: `Bearer ${other.platform.token}` }],
    ];
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const route of ROUTES) {
        for (const [label, headers] of variants) {
          // with this platform's own account: the token alone decides
          expectRefused(await send(route, headers, local.platform.account), 401, `${route.method} ${route.path()} — ${label}`);
        }
      }
    }
    // the local extras that change things need the token too
    const reset = await call.post(`${local.platform.url}/__local/reset`, null, { headers: { Authorization: 'Bearer not-the-token' } });
    tally.checks += 1;
    expect(reset.status).toBe(401);
    tally.unauthorized += 1;
    expect(await snapshot()).toEqual(before);
  });

  test('403 with the right token for another account, or for no account; nothing changes', async () => {
    const before = await snapshot();
    const headers = { Authorization: `Bearer ${local.platform.token}` };
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const route of ROUTES) {
        expectRefused(await send(route, headers, other.platform.account), 403, `${route.method} ${route.path()} — another account`);
        expectRefused(await send(route, headers, undefined), 403, `${route.method} ${route.path()} — no account`);
      }
    }
    expect(await snapshot()).toEqual(before);
    // the same calls with the right account are served: the refusals were about the credentials
    expect((await send(ROUTES[0], headers, local.platform.account)).status).toBe(200);
  });
});

describe('a private function', () => {
  test('without the token (URL, alias path, alias Host) it is 401 and does not run; with it, 200', async () => {
    const invocationsBefore = local.platform.stats().invocations;
    const aliasPath = `${local.platform.url}/alias/${ALIAS_HOST}/secret`;
    const ways: Array<[string, string, Record<string, string>]> = [
      ['function URL', privateFn.url, {}],
      ['alias path', aliasPath, {}],
      ['alias Host', `${local.platform.url}/secret`, { Host: ALIAS_HOST }],
    ];
    const credentials: Array<[string, Record<string, string>]> = [
      ['no token', {}],
      ['wrong token', { Authorization: 'Bearer not-the-token' }],
      ['another account’s token', { Authorization: `Bearer ${other.platform.token}` }],
    ];
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [way, url, extra] of ways) {
        for (const [label, headers] of credentials) {
          for (const method of ['GET', 'POST'] as const) {
            tally.checks += 1;
            const response = await call.request({
              method,
              url,
              headers: { ...extra, ...headers },
              data: method === 'POST' ? { try: 1 } : undefined,
            });
            expect({ way, label, method, status: response.status, type: (response.data as { errorType?: string }).errorType }).toEqual({
              way,
              label,
              method,
              status: 401,
              type: 'Unauthorized',
            });
            tally.privateRefused += 1;
          }
        }
      }
    }
    // none of them ran: no invocation counted, nothing logged
    expect(local.platform.stats().invocations).toBe(invocationsBefore);
    expect(await client.logs.list(privateFn.id, 0, Date.now() + 60000)).toEqual([]);

    const token = { Authorization: `Bearer ${local.platform.token}` };
    for (const [way, url, extra] of ways) {
      const response = await call.post(url, { try: 2 }, { headers: { ...extra, ...token } });
      // the platform's token opened the function; the function never sees it
      expect({ way, status: response.status, data: response.data }).toEqual({ way, status: 200, data: { ran: true, authorization: null } });
    }
    expect(local.platform.stats().invocations).toBe(invocationsBefore + ways.length);
    // a public function needs nothing: the 401s above were about access
    expect((await call.get(publicFn.url)).status).toBe(200);
  });
});

describe('binding a non-loopback address', () => {
  beforeAll(() => {
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  });

  test('the real CLI refuses without --token: a clear message, exit code 2, nothing written', () => {
    const hosts = ['0.0.0.0', '::', '192.0.2.10', 'example.com'];
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const host of hosts) {
        const parent = tempDir('auth-bind-');
        dirs.push(parent);
        const dataDir = path.join(parent, 'data');
        // a token in the environment is not an explicit one
        const result = runSpotinstLocal(cli, ['--host', host, '--port', '0', '--data-dir', dataDir], {
          SPOTINST_TOKEN: 'from-the-environment',
        });
        tally.checks += 1;
        expect({ host, status: result.code, stdout: result.stdout }).toEqual({ host, status: 2, stdout: '' });
        expect(result.stderr).toContain(`Refusing to serve on ${host} without an explicit token`);
        expect(result.stderr).toMatch(/Pass --token <secret>.*or bind 127\.0\.0\.1/);
        expect(fs.existsSync(dataDir)).toBe(false);
        tally.bindRefused += 1;
      }
    }
    // the --host=value form is refused the same way, and a blank token is no token
    const equals = runSpotinstLocal(cli, ['--host=0.0.0.0', '--port', '0', '--data-dir', path.join(dirs[0], 'equals')]);
    tally.checks += 1;
    expect({ status: equals.code, refused: equals.stderr.includes('Refusing to serve on 0.0.0.0') }).toEqual({
      status: 2,
      refused: true,
    });
    tally.bindRefused += 1;
    const blank = runSpotinstLocal(cli, ['--host', '0.0.0.0', '--token', ' ', '--port', '0', '--data-dir', path.join(dirs[0], 'blank')]);
    tally.checks += 1;
    expect({ status: blank.code, stdout: blank.stdout }).toEqual({ status: 2, stdout: '' });
    expect(blank.stderr).toContain('--token must not be empty');
    tally.bindRefused += 1;
  });

  test('a token under 12 characters is refused beyond loopback, by the CLI and the library, and served on loopback', async () => {
    const short = runSpotinstLocal(cli, [
      '--host',
      '0.0.0.0',
      '--token',
      'eleven-char',
      '--port',
      '0',
      '--data-dir',
      path.join(dirs[0], 'short'),
    ]);
    tally.checks += 1;
    expect({ status: short.code, stdout: short.stdout }).toEqual({ status: 2, stdout: '' });
    expect(short.stderr).toContain('Refusing to serve on 0.0.0.0 with a token of 11 characters: beyond loopback it must have at least 12');
    expect(fs.existsSync(path.join(dirs[0], 'short'))).toBe(false);
    tally.bindRefused += 1;
    tally.checks += 1;
    await expect(startLocalPlatform({ host: '0.0.0.0', port: 0, token: 't' })).rejects.toThrow(/with a token of 1 characters/);
    tally.bindRefused += 1;
    const dataDir = tempDir('auth-short-loopback-');
    dirs.push(dataDir);
    const served = await startLocalPlatform({ host: '127.0.0.1', port: 0, token: 't', dataDir });
    await served.close();
  });

  test('the library refuses too', async () => {
    tally.checks += 1;
    await expect(startLocalPlatform({ host: '0.0.0.0', port: 0 })).rejects.toThrow(
      /Refusing to serve on 0\.0\.0\.0 without an explicit token/,
    );
    tally.bindRefused += 1;
  });

  test('a loopback address without --token is served (the refusal is about the address)', async () => {
    const dataDir = tempDir('auth-loopback-');
    dirs.push(dataDir);
    const served = await startSpotinstLocal(cli, ['--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir]);
    try {
      expect((await call.get(`${served.url}/__local/health`)).status).toBe(200);
      // and even there the API wants the token
      expect((await call.get(`${served.url}/functions/application`)).status).toBe(401);
    } finally {
      served.cli.interrupt('SIGTERM');
    }
    expect(await served.cli.exitsWithin()).toBe(0);
  });
});

import { createHash } from 'node:crypto';
import http from 'node:http';
import type { Envelope } from '../../../src/spec/wire';
import axios from 'axios';
import { SpotinstApiError, SpotinstClient } from '../../../src/api';
import { fixtureZip, zipFiles } from '../../fixtures/functions/build';
import { clientFor, createEnvironment, startTestPlatform, stopTestPlatform, TestPlatform } from '../../helpers/platform';

let local: TestPlatform;
let client: SpotinstClient;
let nodeZip: Buffer;

beforeAll(async () => {
  local = await startTestPlatform();
  client = local.client;
  nodeZip = await fixtureZip('node');
});

afterAll(async () => {
  await stopTestPlatform(local);
});

async function apiError(promise: Promise<unknown>): Promise<SpotinstApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SpotinstApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

function functionSpec(environmentId: string, name: string, zip: Buffer = nodeZip) {
  return {
    environmentId,
    name,
    runtime: 'nodejs8.3',
    access: 'public' as const,
    limits: { memory: 128, timeout: 30 },
    code: { handler: 'handler.main', source: zip.toString('base64') },
  };
}

describe('envelope and auth', () => {
  test('a success carries the SPEC §2 envelope', async () => {
    const response = await axios.get(`${local.platform.url}/functions/application`, {
      params: { accountId: local.platform.account },
      headers: { Authorization: `Bearer ${local.platform.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({
      request: {
        id: expect.any(String),
        url: expect.stringContaining('/functions/application'),
        method: 'GET',
        timestamp: expect.any(String),
      },
      response: {
        status: { code: 200, message: 'OK' },
        kind: 'spotinst:functions:application',
        items: expect.any(Array),
        count: expect.any(Number),
      },
    });
  });

  test('401 without or with a wrong token, 403 for another account', async () => {
    const bare = await axios.get<Envelope<unknown>>(`${local.platform.url}/functions/application`, {
      params: { accountId: local.platform.account },
      validateStatus: () => true,
    });
    expect(bare.status).toBe(401);
    expect(bare.data.response.errors?.[0]).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await apiError(clientFor(local.platform, { token: 'wrong' }).applications.list())).status).toBe(401);
    const forbidden = await apiError(clientFor(local.platform, { account: 'act-00000000' }).applications.list());
    expect(forbidden.status).toBe(403);
    const noAccount = await axios.get(`${local.platform.url}/functions/application`, {
      headers: { Authorization: `Bearer ${local.platform.token}` },
      validateStatus: () => true,
    });
    expect(noAccount.status).toBe(403);
  });

  test('a stranger gets 401 before the body is read: headers and a little of a 50 MB body are enough', async () => {
    const declared = 50 * 1024 * 1024;
    const sent = 64 * 1024;
    const url = new URL(`${local.platform.url}/functions/function?accountId=${local.platform.account}`);
    const request = http.request(url, {
      method: 'POST',
      agent: false,
      headers: { Authorization: 'Bearer wrong', 'Content-Type': 'application/json', 'Content-Length': declared },
    });
    try {
      const reply = new Promise<{ status?: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
        request.on('error', reject);
        request.on('response', (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body }));
        });
      });
      request.write(Buffer.alloc(sent, 0x20)); // the rest (50 MB less 64 KB) is never sent
      let timer: NodeJS.Timeout | undefined;
      const tooLate = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no reply within 5 s: the server waits for the body')), 5000);
      });
      const answered = await Promise.race([reply, tooLate]).finally(() => clearTimeout(timer));
      expect(answered.status).toBe(401);
      expect(answered.headers.connection).toBe('close');
      expect((JSON.parse(answered.body) as Envelope<unknown>).response.errors?.[0]).toMatchObject({ code: 'UNAUTHORIZED' });
    } finally {
      request.destroy();
    }
  });

  test('404 for unknown routes and resources, 400 for bad JSON', async () => {
    expect((await apiError(client.http.request('GET', '/functions/nothing'))).status).toBe(404);
    expect((await apiError(client.applications.get('app-00000000'))).status).toBe(404);
    const badJson = await axios.post<Envelope<unknown>>(`${local.platform.url}/functions/application`, '{not json', {
      params: { accountId: local.platform.account },
      headers: { Authorization: `Bearer ${local.platform.token}`, 'Content-Type': 'application/json' },
      transformRequest: [(data: string) => data],
      validateStatus: () => true,
    });
    expect(badJson.status).toBe(400);
    expect(badJson.data.response.errors?.[0]?.code).toBe('INVALID_JSON');
  });
});

describe('applications and environments', () => {
  test('CRUD, name conflicts, delete guards', async () => {
    const app = await client.applications.create({ name: 'crud-app', description: 'first' });
    expect(app.id).toMatch(/^app-[0-9a-f]{8}$/);
    expect((await apiError(client.applications.create({ name: 'crud-app' }))).status).toBe(409);
    expect((await apiError(client.applications.create({ name: '' }))).status).toBe(400);
    expect(await client.applications.update(app.id, { description: 'second' })).toMatchObject({ name: 'crud-app', description: 'second' });
    expect((await client.applications.list()).map((a) => a.id)).toContain(app.id);

    const env = await client.environments.create({
      name: 'dev',
      applicationId: app.id,
      providers: ['aws', 'gcp'],
      locations: ['us-east'],
      strategy: 'location',
    });
    expect(env.id).toMatch(/^env-[0-9a-f]{8}$/);
    expect(env.url).toBe(`${local.platform.url}/fn/${env.id}`);
    expect(env).toMatchObject({
      name: 'dev',
      applicationId: app.id,
      providers: ['aws', 'gcp'],
      locations: ['us-east'],
      strategy: 'location',
    });
    expect((await apiError(client.environments.create({ name: 'dev', applicationId: app.id }))).status).toBe(409);
    const badProvider = await apiError(client.environments.create({ name: 'x', applicationId: app.id, providers: ['nope' as 'aws'] }));
    expect(badProvider.status).toBe(400);
    expect(badProvider.errors[0].field).toBe('environment.providers');
    expect((await apiError(client.environments.create({ name: 'x', applicationId: 'app-00000000' }))).status).toBe(400);
    expect(await client.environments.listByApplication(app.id)).toHaveLength(1);
    expect(await client.environments.update(env.id, { strategy: 'highest-performance' })).toMatchObject({
      strategy: 'highest-performance',
      providers: ['aws', 'gcp'],
    });

    const blocked = await apiError(client.applications.delete(app.id));
    expect(blocked.status).toBe(409);
    expect(blocked.codes).toEqual(['APPLICATION_NOT_EMPTY']);
    const fn = await client.functions.create(functionSpec(env.id, 'blocker'));
    expect((await apiError(client.environments.delete(env.id))).status).toBe(409);
    expect(await client.functions.delete(fn.id)).toBe(true);
    expect(await client.environments.delete(env.id)).toBe(true);
    expect(await client.environments.delete(env.id)).toBe(false);
    expect(await client.applications.delete(app.id)).toBe(true);
  });

  test('a rename to an empty name is refused, as a create is', async () => {
    const { applicationId, environmentId } = await createEnvironment(client, 'rename');
    const fn = await client.functions.create(functionSpec(environmentId, 'named'));
    const refusals = [
      [await apiError(client.applications.update(applicationId, { name: '  ' })), 'application.name'],
      [await apiError(client.environments.update(environmentId, { name: '  ' })), 'environment.name'],
      [await apiError(client.functions.update(fn.id, { environmentId, name: '  ' })), 'function.name'],
    ] as const;
    for (const [error, field] of refusals) {
      expect(error.status).toBe(400);
      expect(error.errors[0]).toMatchObject({ code: 'VALIDATION_ERROR', message: `${field} must not be empty`, field });
    }
    expect((await client.functions.get(fn.id, environmentId)).name).toBe('named');
  });
});

describe('functions', () => {
  test('create, versions by code sha256, configuration-only updates, validation', async () => {
    const { environmentId } = await createEnvironment(client);
    const created = await client.functions.create(functionSpec(environmentId, 'hello'));
    expect(created.id).toMatch(/^fx-[0-9a-f]{8}$/);
    expect(created).toMatchObject({
      name: 'hello',
      environmentId,
      runtime: 'nodejs8.3',
      access: 'public',
      limits: { memory: 128, timeout: 30 },
      latestVersion: 0,
      activeVersions: [{ version: '$LATEST', percentage: 100 }],
      url: `${local.platform.url}/fn/${environmentId}/${created.id}`,
      code: { handler: 'handler.main', sha256: createHash('sha256').update(nodeZip).digest('hex'), size: nodeZip.length },
    });
    expect(JSON.stringify(created)).not.toContain(nodeZip.toString('base64').slice(0, 40));

    // the wire form has no dots
    const raw = await client.http.request<{ runtime: string }>('GET', `/functions/function/${created.id}`, { query: { environmentId } });
    expect(raw[0].runtime).toBe('nodejs83');

    const sameCode = await client.functions.update(created.id, {
      environmentId,
      code: { handler: 'handler.main', source: nodeZip.toString('base64') },
      limits: { memory: 256, timeout: 60 },
    });
    expect(sameCode.latestVersion).toBe(0);
    expect(sameCode.limits).toEqual({ memory: 256, timeout: 60 });
    const configOnly = await client.functions.update(created.id, { environmentId, environmentVariables: { A: '1' } });
    expect(configOnly.latestVersion).toBe(0);
    expect(configOnly.environmentVariables).toEqual({ A: '1' });

    const otherZip = await zipFiles({ 'handler.js': 'exports.main = async () => ({ statusCode: 200, body: "v1" });' });
    const v1 = await client.functions.update(created.id, {
      environmentId,
      code: { handler: 'handler.main', source: otherZip.toString('base64') },
    });
    expect(v1.latestVersion).toBe(1);
    expect(v1.code?.sha256).toBe(createHash('sha256').update(otherZip).digest('hex'));
    const split = await client.functions.update(created.id, {
      environmentId,
      activeVersions: [
        { version: 0, percentage: 33.33 },
        { version: '$LATEST', percentage: 66.67 },
      ],
    });
    expect(split.activeVersions).toEqual([
      { version: 0, percentage: 33.33 },
      { version: '$LATEST', percentage: 66.67 },
    ]);

    expect(await client.functions.list(environmentId)).toHaveLength(1);
    expect(await client.functions.findByName(environmentId, 'hello')).toMatchObject({ id: created.id });
    expect((await apiError(client.functions.get(created.id, 'env-00000000'))).status).toBe(404);
    expect((await apiError(client.functions.create(functionSpec(environmentId, 'hello')))).codes).toEqual(['FUNCTION_NAME_EXISTS']);

    const invalid: Array<[Partial<ReturnType<typeof functionSpec>>, string]> = [
      [{ limits: { memory: 100, timeout: 30 } }, 'function.limits.memory'],
      [{ limits: { memory: 128, timeout: 45 } }, 'function.limits.timeout'],
      [{ runtime: 'cobol85' }, 'function.runtime'],
      [{ environmentId: 'env-00000000' }, 'function.environmentId'],
      [{ code: { handler: 'handler.main', source: 'not base64 at all!' } }, 'function.code.source'],
      [{ code: { handler: 'handler.main', source: Buffer.from('plain text').toString('base64') } }, 'function.code.source'],
    ];
    for (const [override, field] of invalid) {
      const error = await apiError(client.functions.create({ ...functionSpec(environmentId, `bad-${field}`), ...override }));
      expect({ field, status: error.status, errorField: error.errors[0]?.field }).toEqual({ field, status: 400, errorField: field });
    }
    const badSplit = await apiError(
      client.functions.update(created.id, { environmentId, activeVersions: [{ version: 0, percentage: 50 }] }),
    );
    expect(badSplit.status).toBe(400);
    const missingVersion = await apiError(
      client.functions.update(created.id, { environmentId, activeVersions: [{ version: 7, percentage: 100 }] }),
    );
    expect(missingVersion.status).toBe(400);
  });

  test('a zip with ../ entries is rejected with a clear 400', async () => {
    const { environmentId } = await createEnvironment(client);
    const evil = await zipFiles({ 'handler.js': 'exports.main = () => 1;' });
    // jszip sanitizes names on write, so build the evil entry by hand in the central directory
    const patched = Buffer.from(evil);
    const name = Buffer.from('handler.js');
    const evilName = Buffer.from('../evil.js');
    expect(evilName.length).toBe(name.length);
    let index = patched.indexOf(name);
    while (index >= 0) {
      evilName.copy(patched, index);
      index = patched.indexOf(name, index + 1);
    }
    const error = await apiError(client.functions.create(functionSpec(environmentId, 'evil', patched)));
    expect(error.status).toBe(400);
    expect(error.errors[0].message).toMatch(/"\.\.\/evil\.js".*outside/);
  });

  test('a request body over the management limit gets 413', async () => {
    const response = await axios.post(`${local.platform.url}/functions/application`, Buffer.alloc(81 * 1024 * 1024, 0x20), {
      params: { accountId: local.platform.account },
      headers: { Authorization: `Bearer ${local.platform.token}`, 'Content-Type': 'application/json' },
      validateStatus: () => true,
      maxBodyLength: Infinity,
    });
    expect(response.status).toBe(413);
  });
});

describe('patterns, aliases, cron jobs, documents', () => {
  test('CRUD with validation', async () => {
    const { environmentId } = await createEnvironment(client);
    const fn = await client.functions.create(functionSpec(environmentId, 'target'));

    const pattern = await client.patterns.create({ environmentId, functionId: fn.id, pattern: '/hello', method: 'GET' });
    expect(pattern.id).toMatch(/^pat-[0-9a-f]{8}$/);
    expect((await apiError(client.patterns.create({ environmentId, functionId: fn.id, pattern: '/hello', method: 'GET' }))).status).toBe(
      409,
    );
    expect((await apiError(client.patterns.create({ environmentId, functionId: fn.id, pattern: 'no-slash', method: 'GET' }))).status).toBe(
      400,
    );
    expect(
      (await apiError(client.patterns.create({ environmentId, functionId: fn.id, pattern: '/x', method: 'FETCH' as 'GET' }))).status,
    ).toBe(400);
    expect(await client.patterns.update(pattern.id, { method: 'POST' })).toMatchObject({ method: 'POST', pattern: '/hello' });
    expect(await client.patterns.listByEnvironment(environmentId)).toHaveLength(1);

    const alias = await client.aliases.create({ host: 'api.example.com', environmentId });
    expect(alias.id).toMatch(/^al-[0-9a-f]{8}$/);
    expect((await apiError(client.aliases.create({ host: 'api.example.com', environmentId }))).status).toBe(409);
    expect((await apiError(client.aliases.create({ host: 'not a host', environmentId }))).status).toBe(400);
    expect(await client.aliases.listByEnvironment(environmentId)).toEqual([alias]);
    expect(await client.aliases.get(alias.id)).toEqual(alias);

    const job = await client.cronJobs.create({
      environmentId,
      action: 'INVOKE_FUNCTION',
      resourceId: fn.id,
      isEnabled: false,
      cronExpression: '*/5 * * * *',
      config: { body: '{"a":1}', queryParams: [{ key: 'q', value: 'v' }] },
    });
    expect(job.id).toMatch(/^job-[0-9a-f]{8}$/);
    expect(await client.cronJobs.listByFunction(fn.id)).toEqual([job]);
    const badCron = await apiError(
      client.cronJobs.create({
        environmentId,
        action: 'INVOKE_FUNCTION',
        resourceId: fn.id,
        isEnabled: true,
        cronExpression: 'every minute',
      }),
    );
    expect(badCron.status).toBe(400);
    expect(badCron.errors[0].field).toBe('job.cronExpression');
    expect(await client.cronJobs.update(job.id, { cronExpression: '0 * * * *' })).toMatchObject({
      cronExpression: '0 * * * *',
      isEnabled: false,
    });

    expect(await client.documents.create(environmentId, 'greeting', { text: 'hi' })).toMatchObject({
      key: 'greeting',
      value: { text: 'hi' },
    });
    expect((await apiError(client.documents.create(environmentId, 'greeting', 1))).status).toBe(409);
    expect(await client.documents.update(environmentId, 'greeting', 'hello')).toMatchObject({ value: 'hello' });
    expect(await client.documents.get(environmentId, 'greeting')).toMatchObject({ value: 'hello' });
    expect(await client.documents.list(environmentId)).toHaveLength(1);
    expect(await client.documents.get(environmentId, 'missing')).toBeUndefined();
    expect(await client.documents.delete(environmentId, 'greeting')).toBe(true);
    expect(await client.documents.delete(environmentId, 'greeting')).toBe(false);

    // deleting the function takes its jobs and patterns with it
    await client.functions.delete(fn.id);
    expect(await client.patterns.listByEnvironment(environmentId)).toEqual([]);
    expect(await client.cronJobs.listByFunction(fn.id)).toEqual([]);
    expect(await client.aliases.delete(alias.id)).toBe(true);
  });
});

describe('/__local extras', () => {
  test('health and the exact stats shape', async () => {
    expect((await axios.get(`${local.platform.url}/__local/health`)).data).toMatchObject({ status: 'ok' });
    const stats = (await axios.get(`${local.platform.url}/__local/stats`)).data as Record<string, unknown>;
    expect(Object.keys(stats)).toEqual(['requests', 'requestBytes', 'codeBytesUploaded', 'invocations', 'coldStarts']);
    const requests = stats.requests as Record<string, number>;
    expect(requests['POST /functions/function']).toBeGreaterThan(0);
    expect(requests['GET /functions/function/{id}']).toBeGreaterThan(0);
    expect(requests['PUT /functions/environment/{id}/userDocument/{id}']).toBe(1);
    for (const key of Object.keys(requests)) expect(key).toMatch(/^(GET|POST|PUT|DELETE) \/(functions|spectrum)\/[a-zA-Z/{}]+$/);
    expect(stats.requestBytes).toBeGreaterThan(0);
    expect(stats.codeBytesUploaded).toBeGreaterThan(nodeZip.length);
    expect(stats).toEqual(local.platform.stats());
  });
});

import { SpotinstClient } from '../../../src/api';
import type { FunctionSpec, InvocationLog, SpotinstFunction, UserDocument } from '../../../src/api';
import { ACCOUNT, apiError, envelope, errorEnvelope, expectCall, expectClientHeaders, makeClient, setUpNock } from './helpers';

setUpNock();

let client: SpotinstClient;
beforeEach(() => {
  client = makeClient().client;
});

const ENV = 'env-1a2b3c4d';
const FX = 'fx-1a2b3c4d';

function wireFunction(runtime: string, overrides: Partial<SpotinstFunction> = {}): SpotinstFunction {
  return {
    id: FX,
    name: 'hello',
    environmentId: ENV,
    runtime,
    access: 'private',
    limits: { memory: 128, timeout: 30 },
    latestVersion: 1,
    activeVersions: [{ version: '$LATEST', percentage: 100 }],
    url: `https://${FX}.example.test`,
    code: { handler: 'handler.main', sha256: 'ab'.repeat(32), size: 123 },
    ...overrides,
  };
}

function spec(runtime: string): FunctionSpec {
  return {
    environmentId: ENV,
    name: 'hello',
    runtime,
    access: 'private',
    limits: { memory: 128, timeout: 30 },
    code: { handler: 'handler.main', source: Buffer.from('zip bytes').toString('base64') },
    environmentVariables: { STAGE: 'dev' },
    activeVersions: [{ version: '$LATEST', percentage: 100 }],
    cors: { enabled: true, origin: '*' },
    iamRoleConfig: { roleId: 'role-1' },
  };
}

describe('functions', () => {
  it('list: GET /functions/function?environmentId=&accountId=, runtimes restored', async () => {
    const calls = expectCall('GET', '/functions/function', {
      query: { environmentId: ENV },
      reply: envelope([wireFunction('nodejs83'), wireFunction('python311', { id: 'fx-2' })]),
    });
    const functions = await client.functions.list(ENV);
    expect(functions.map((fn) => fn.runtime)).toEqual(['nodejs8.3', 'python311']);
    expect(calls[0].uri).toBe(`/functions/function?environmentId=${ENV}&accountId=${ACCOUNT}`);
    expectClientHeaders(calls[0].headers);
  });

  it('get: GET /functions/function/{id}?environmentId=', async () => {
    const calls = expectCall('GET', `/functions/function/${FX}`, {
      query: { environmentId: ENV },
      reply: envelope([wireFunction('nodejs893')]),
    });
    await expect(client.functions.get(FX, ENV)).resolves.toEqual(wireFunction('nodejs8.9.3'));
    expectClientHeaders(calls[0].headers);
  });

  it('get: 404 throws and names the function', async () => {
    expectCall('GET', `/functions/function/${FX}`, { query: { environmentId: ENV }, status: 404, reply: errorEnvelope(404) });
    const error = await apiError(client.functions.get(FX, ENV));
    expect(error.status).toBe(404);
    expect(error.code).toBe('SPOTINST_API_NOT_FOUND');
    expect(error.message).toContain(`function ${FX}`);
  });

  it('find: the record, or undefined on 404', async () => {
    expectCall('GET', `/functions/function/${FX}`, { query: { environmentId: ENV }, reply: envelope([wireFunction('python27')]) });
    await expect(client.functions.find(FX, ENV)).resolves.toMatchObject({ id: FX, runtime: 'python2.7' });
    expectCall('GET', `/functions/function/${FX}`, { query: { environmentId: ENV }, status: 404, reply: errorEnvelope(404) });
    await expect(client.functions.find(FX, ENV)).resolves.toBeUndefined();
  });

  it('findByName: lists the environment and picks by name', async () => {
    expectCall('GET', '/functions/function', {
      query: { environmentId: ENV },
      reply: envelope([wireFunction('nodejs83', { id: 'fx-x', name: 'other' }), wireFunction('nodejs83')]),
    });
    await expect(client.functions.findByName(ENV, 'hello')).resolves.toMatchObject({ id: FX, runtime: 'nodejs8.3' });
    expectCall('GET', '/functions/function', { query: { environmentId: ENV }, reply: envelope([]) });
    await expect(client.functions.findByName(ENV, 'hello')).resolves.toBeUndefined();
  });

  it.each([
    ['nodejs8.3', 'nodejs83'],
    ['nodejs8.9.3', 'nodejs893'],
    ['nodejs4.8', 'nodejs48'],
    ['python2.7', 'python27'],
    ['ruby2.4.1', 'ruby241'],
    ['java8', 'java8'],
    // already in wire form
    ['nodejs83', 'nodejs83'],
    ['python27', 'python27'],
  ])('create: POST /functions/function with {"function": …}, runtime %s sent as %s', async (runtime, wire) => {
    const calls = expectCall('POST', '/functions/function', {
      body: { function: { ...spec(runtime), runtime: wire } },
      reply: envelope([wireFunction(wire)]),
    });
    const created = await client.functions.create(spec(runtime));
    expect(calls).toHaveLength(1);
    expect(calls[0].uri).toBe(`/functions/function?accountId=${ACCOUNT}`);
    expect(calls[0].body).toEqual({ function: { ...spec(runtime), runtime: wire } });
    expectClientHeaders(calls[0].headers);
    // The reply comes back in the serverless.yml form for documented runtimes.
    expect(created.runtime).toBe(runtime === 'nodejs83' ? 'nodejs8.3' : runtime === 'python27' ? 'python2.7' : runtime);
  });

  it('create does not modify the caller’s spec', async () => {
    const input = spec('nodejs8.3');
    expectCall('POST', '/functions/function', { reply: envelope([wireFunction('nodejs83')]) });
    await client.functions.create(input);
    expect(input.runtime).toBe('nodejs8.3');
  });

  it.each([
    ['nodejs83', 'nodejs8.3'],
    ['nodejs893', 'nodejs8.9.3'],
    ['nodejs48', 'nodejs4.8'],
    ['python27', 'python2.7'],
    ['ruby241', 'ruby2.4.1'],
    ['java8', 'java8'],
    // not documented: the dots cannot be restored, so the name passes through unchanged
    ['python311', 'python311'],
    ['nodejs20', 'nodejs20'],
    ['go118', 'go118'],
    ['custom-runtime', 'custom-runtime'],
  ])('a reply runtime %s is returned as %s', async (wire, shown) => {
    expectCall('GET', `/functions/function/${FX}`, { query: { environmentId: ENV }, reply: envelope([wireFunction(wire)]) });
    await expect(client.functions.get(FX, ENV)).resolves.toMatchObject({ runtime: shown });
  });

  it('update: PUT /functions/function/{id} with {"function": …}, runtime converted', async () => {
    const changes = { environmentId: ENV, runtime: 'nodejs8.9.3', limits: { memory: 256, timeout: 60 } };
    const calls = expectCall('PUT', `/functions/function/${FX}`, {
      body: { function: { ...changes, runtime: 'nodejs893' } },
      reply: envelope([wireFunction('nodejs893', { latestVersion: 2 })]),
    });
    const updated = await client.functions.update(FX, changes);
    expect(updated).toMatchObject({ runtime: 'nodejs8.9.3', latestVersion: 2 });
    expect(calls[0].uri).toBe(`/functions/function/${FX}?accountId=${ACCOUNT}`);
    expectClientHeaders(calls[0].headers);
  });

  it('update without runtime sends no runtime key', async () => {
    const changes = { environmentId: ENV, access: 'public' as const };
    const calls = expectCall('PUT', `/functions/function/${FX}`, {
      body: { function: changes },
      reply: envelope([wireFunction('python27', { access: 'public' })]),
    });
    await expect(client.functions.update(FX, changes)).resolves.toMatchObject({ runtime: 'python2.7', access: 'public' });
    expect(calls[0].body).toEqual({ function: { environmentId: ENV, access: 'public' } });
  });

  it('delete: DELETE /functions/function/{id} → true; 404 → false', async () => {
    const calls = expectCall('DELETE', `/functions/function/${FX}`, { reply: envelope([]) });
    await expect(client.functions.delete(FX)).resolves.toBe(true);
    expectClientHeaders(calls[0].headers);
    expectCall('DELETE', `/functions/function/${FX}`, { status: 404, reply: errorEnvelope(404) });
    await expect(client.functions.delete(FX)).resolves.toBe(false);
  });
});

describe('logs', () => {
  const log: InvocationLog = {
    invocationId: 'inv-1',
    content: [{ time: 1700000000123, log: 'hello' }],
    version: 1,
    status: 'success',
    durationMs: 12,
    startedAt: 1700000000100,
  };

  it('GET /functions/function/log?functionId=&from=&to=&accountId=', async () => {
    const calls = expectCall('GET', '/functions/function/log', {
      query: { functionId: FX, from: '1700000000000', to: '1700000600000' },
      reply: envelope([log]),
    });
    await expect(client.logs.list(FX, 1700000000000, 1700000600000)).resolves.toEqual([log]);
    expect(calls[0].uri).toBe(`/functions/function/log?functionId=${FX}&from=1700000000000&to=1700000600000&accountId=${ACCOUNT}`);
    expectClientHeaders(calls[0].headers);
  });

  it('fractional milliseconds are floored', async () => {
    expectCall('GET', '/functions/function/log', {
      query: { functionId: FX, from: '1000', to: '2000' },
      reply: envelope([]),
    });
    await expect(client.logs.list(FX, 1000.9, 2000.2)).resolves.toEqual([]);
  });

  it('a 404 names the function whose logs were asked for', async () => {
    expectCall('GET', '/functions/function/log', {
      query: { functionId: FX, from: '1', to: '2' },
      status: 404,
      reply: errorEnvelope(404),
    });
    const error = await apiError(client.logs.list(FX, 1, 2));
    expect(error.message).toContain(`logs of function ${FX}`);
  });
});

describe('documents', () => {
  const base = `/functions/environment/${ENV}/userDocument`;
  const document: UserDocument = { key: 'config', value: { retries: 3, nested: ['a'] } };

  it('list: GET /functions/environment/{envId}/userDocument', async () => {
    const calls = expectCall('GET', base, { reply: envelope([document]) });
    await expect(client.documents.list(ENV)).resolves.toEqual([document]);
    expect(calls[0].uri).toBe(`${base}?accountId=${ACCOUNT}`);
    expectClientHeaders(calls[0].headers);
  });

  it('get: GET …/userDocument/{key}; undefined on 404', async () => {
    const calls = expectCall('GET', `${base}/config`, { reply: envelope([document]) });
    await expect(client.documents.get(ENV, 'config')).resolves.toEqual(document);
    expectClientHeaders(calls[0].headers);
    expectCall('GET', `${base}/config`, { status: 404, reply: errorEnvelope(404) });
    await expect(client.documents.get(ENV, 'config')).resolves.toBeUndefined();
  });

  it('get: other errors propagate', async () => {
    expectCall('GET', `${base}/config`, { status: 401, reply: errorEnvelope(401) });
    const error = await apiError(client.documents.get(ENV, 'config'));
    expect(error.code).toBe('SPOTINST_API_UNAUTHORIZED');
  });

  it('create: POST …/userDocument with {"userDocument": {key, value}}', async () => {
    const calls = expectCall('POST', base, {
      body: { userDocument: { key: 'config', value: document.value } },
      reply: envelope([document]),
    });
    await expect(client.documents.create(ENV, 'config', document.value)).resolves.toEqual(document);
    expect(calls[0].uri).toBe(`${base}?accountId=${ACCOUNT}`);
    expectClientHeaders(calls[0].headers);
  });

  it('update: PUT …/userDocument/{key} with {"userDocument": {key, value}}', async () => {
    const calls = expectCall('PUT', `${base}/config`, {
      body: { userDocument: { key: 'config', value: 'plain string' } },
      reply: envelope([{ key: 'config', value: 'plain string' }]),
    });
    await expect(client.documents.update(ENV, 'config', 'plain string')).resolves.toEqual({
      key: 'config',
      value: 'plain string',
    });
    expectClientHeaders(calls[0].headers);
  });

  it('update: a 404 names the document and the environment', async () => {
    expectCall('PUT', `${base}/config`, { status: 404, reply: errorEnvelope(404) });
    const error = await apiError(client.documents.update(ENV, 'config', 1));
    expect(error.message).toContain(`document "config" of environment ${ENV}`);
  });

  it('delete: DELETE …/userDocument/{key} → true; 404 → false', async () => {
    const calls = expectCall('DELETE', `${base}/config`, { reply: envelope([]) });
    await expect(client.documents.delete(ENV, 'config')).resolves.toBe(true);
    expectClientHeaders(calls[0].headers);
    expectCall('DELETE', `${base}/config`, { status: 404, reply: errorEnvelope(404) });
    await expect(client.documents.delete(ENV, 'config')).resolves.toBe(false);
  });

  it('delete: other errors propagate', async () => {
    expectCall('DELETE', `${base}/config`, { status: 403, reply: errorEnvelope(403) });
    const error = await apiError(client.documents.delete(ENV, 'config'));
    expect(error.code).toBe('SPOTINST_API_FORBIDDEN');
  });

  it('keys and environment ids are escaped in the path', async () => {
    expectCall('GET', '/functions/environment/env%2F1/userDocument/a%20b%2Fc%3F', { reply: envelope([document]) });
    await expect(client.documents.get('env/1', 'a b/c?')).resolves.toEqual(document);
  });
});

import { inspect } from 'node:util';
import nock from 'nock';
import { SpotinstApiError, isNotFound } from '../../../src/api';
import { BASE, TOKEN, apiError, envelope, errorEnvelope, expectCall, expectNoToken, Harness, makeClient, setUpNock } from './helpers';

setUpNock();

let harness: Harness;
beforeEach(() => {
  harness = makeClient({ retry: { retries: 2 } });
});

describe('HTTP error statuses', () => {
  it('400 with response.errors: the message carries every code, message and field, and the request id', async () => {
    expectCall('POST', '/functions/function', {
      status: 400,
      reply: errorEnvelope(
        400,
        [
          { code: 'VALIDATION_ERROR', message: 'memory must be a multiple of 64', field: 'function.limits.memory' },
          { code: 'MISSING_FIELD', message: 'name is required.' },
        ],
        'req-400-abc',
      ),
    });
    const error = await apiError(harness.client.http.request('POST', '/functions/function', { body: { function: {} } }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('SPOTINST_API_VALIDATION');
    expect(error.message).toContain('VALIDATION_ERROR: memory must be a multiple of 64 (field function.limits.memory)');
    expect(error.message).toContain('MISSING_FIELD: name is required');
    expect(error.message).not.toContain('required..');
    expect(error.message).toContain('POST /functions/function');
    expect(error.message).toContain('req-400-abc');
    expect(error.requestId).toBe('req-400-abc');
    expect(error.codes).toEqual(['VALIDATION_ERROR', 'MISSING_FIELD']);
    expect(error.errors[0]).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'memory must be a multiple of 64',
      field: 'function.limits.memory',
    });
    expect(error.call).toEqual({ method: 'POST', path: '/functions/function', resource: undefined });
    expect(error.uncertain).toBe(false);
  });

  it('400 without errors says no reason was given', async () => {
    expectCall('PUT', '/functions/application/app-1', { status: 400, reply: errorEnvelope(400, [], 'req-9') });
    const error = await apiError(harness.client.applications.update('app-1', { name: 'x' }));
    expect(error.code).toBe('SPOTINST_API_VALIDATION');
    expect(error.message).toContain('No reason was given');
    expect(error.message).toContain('req-9');
  });

  it('401: SPOTINST_API_UNAUTHORIZED, says to check the token and names `serverless spotinst credentials`', async () => {
    const client = makeClient({ credentialsSource: 'profile "default" in ~/.spotinst/credentials' }).client;
    expectCall('GET', '/functions/application', {
      status: 401,
      reply: errorEnvelope(401, [{ code: 'UNAUTHORIZED', message: 'Invalid token' }], 'req-401'),
    });
    const error = await apiError(client.applications.list());
    client.close();
    expect(error.status).toBe(401);
    expect(error.code).toBe('SPOTINST_API_UNAUTHORIZED');
    expect(error.message).toMatch(/check the token/i);
    expect(error.message).toContain('serverless spotinst credentials');
    expect(error.message).toContain('SPOTINST_TOKEN');
    expect(error.message).toContain('profile "default" in ~/.spotinst/credentials');
    expect(error.message).toContain('UNAUTHORIZED: Invalid token');
    expect(error.message).toContain('req-401');
    expectNoToken(error);
  });

  it('403: SPOTINST_API_FORBIDDEN, mentions the account', async () => {
    expectCall('GET', '/functions/environment', {
      query: { applicationId: 'app-1' },
      status: 403,
      reply: errorEnvelope(403, [{ code: 'FORBIDDEN', message: 'not allowed' }], 'req-403'),
    });
    const error = await apiError(harness.client.environments.listByApplication('app-1'));
    expect(error.status).toBe(403);
    expect(error.code).toBe('SPOTINST_API_FORBIDDEN');
    expect(error.message).toMatch(/account/);
    expect(error.message).toContain('SPOTINST_ACCOUNT');
    expect(error.message).toContain('req-403');
  });

  it('404 on a collection names the path', async () => {
    expectCall('GET', '/functions/alias', { status: 404, reply: errorEnvelope(404) });
    const error = await apiError(harness.client.aliases.list());
    expect(error.code).toBe('SPOTINST_API_NOT_FOUND');
    expect(error.message).toContain('/functions/alias does not exist');
    expect(isNotFound(error)).toBe(true);
    expect(isNotFound(new Error('404'))).toBe(false);
  });

  it('409: SPOTINST_API_CONFLICT with the server’s reason', async () => {
    expectCall('POST', '/functions/application', {
      status: 409,
      reply: errorEnvelope(
        409,
        [{ code: 'APPLICATION_NAME_EXISTS', message: 'an application named my-app exists', field: 'name' }],
        'req-409',
      ),
    });
    const error = await apiError(harness.client.applications.create({ name: 'my-app' }));
    expect(error.status).toBe(409);
    expect(error.code).toBe('SPOTINST_API_CONFLICT');
    expect(error.message).toContain('APPLICATION_NAME_EXISTS: an application named my-app exists (field name)');
    expect(error.message).toContain('[request req-409]');
    expect(error.uncertain).toBe(false);
  });

  it.each([
    [413, 'SPOTINST_API_TOO_LARGE'],
    [418, 'SPOTINST_API_ERROR'],
    [422, 'SPOTINST_API_ERROR'],
  ])('%i → %s', async (status, code) => {
    expectCall('POST', '/functions/pattern', { status, reply: errorEnvelope(status) });
    const error = await apiError(harness.client.patterns.create({ environmentId: 'e', functionId: 'f', pattern: '/', method: 'GET' }));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
  });

  it('an error reply that is not an envelope still gives a status-based error', async () => {
    expectCall('GET', '/functions/application/app-1', { status: 403, reply: '<html>Forbidden</html>' });
    const error = await apiError(harness.client.applications.get('app-1'));
    expect(error.code).toBe('SPOTINST_API_FORBIDDEN');
    expect(error.errors).toEqual([]);
    expect(error.requestId).toBeUndefined();
  });

  it('a malformed errors member does not crash the client', async () => {
    expectCall('GET', '/functions/application/app-1', {
      status: 400,
      reply: { request: { id: 'req-m' }, response: { status: { code: 400 }, errors: 'bad input' } },
    });
    const error = await apiError(harness.client.applications.get('app-1'));
    expect(error.code).toBe('SPOTINST_API_VALIDATION');
    expect(error.message).toContain('req-m');
  });

  it.each([400, 401, 403, 404, 409, 413, 422])('%i is never retried, for any method', async (status) => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
      expectCall(method, '/functions/application/app-1', { status, reply: errorEnvelope(status) });
      const error = await apiError(harness.client.http.request(method, '/functions/application/app-1'));
      expect(error.attempts).toBe(1);
      expect(error.message).not.toContain('retried');
    }
    expect(harness.sleeps).toEqual([]);
    expect(harness.retries).toEqual([]);
  });
});

describe('replies that are not the Spotinst API', () => {
  it('an HTML 200 is a clear error naming the URL, not a crash or an empty list', async () => {
    const calls = expectCall('GET', '/functions/application', {
      reply: '<!doctype html><html><body>Welcome to nginx</body></html>',
    });
    const error = await apiError(harness.client.applications.list());
    expect(calls).toHaveLength(1);
    expect(error.code).toBe('SPOTINST_API_UNEXPECTED_REPLY');
    expect(error.status).toBe(200);
    expect(error.message).toContain('not a Spotinst API reply');
    expect(error.message).toContain(BASE);
    expect(error.message).toContain('SPOTINST_API_URL');
    expect(error.message).not.toMatch(/refused/);
    expect(error.uncertain).toBe(false);
    expect(error.attempts).toBe(1);
  });

  it('a JSON 200 without the envelope is the same error', async () => {
    expectCall('GET', '/functions/application', { reply: { ok: true } });
    const error = await apiError(harness.client.applications.list());
    expect(error.code).toBe('SPOTINST_API_UNEXPECTED_REPLY');
  });

  it('an empty 200 is the same error', async () => {
    expectCall('GET', '/functions/application', { reply: '' });
    const error = await apiError(harness.client.applications.list());
    expect(error.code).toBe('SPOTINST_API_UNEXPECTED_REPLY');
  });

  it('a POST answered with HTML may have been carried out: uncertain, not repeated', async () => {
    const calls = expectCall('POST', '/functions/application', { reply: '<html></html>' });
    const error = await apiError(harness.client.applications.create({ name: 'a' }));
    expect(calls).toHaveLength(1);
    expect(error.uncertain).toBe(true);
    expect(error.message).toContain('look the resource up before creating it again');
  });
});

describe('the token never appears', () => {
  interface Case {
    title: string;
    mock: () => void;
    call: (h: Harness) => Promise<unknown>;
    options?: Parameters<typeof makeClient>[0];
  }
  const path = '/functions/application';
  const cases: Case[] = [
    {
      title: '400',
      mock: () => expectCall('GET', path, { status: 400, reply: errorEnvelope(400, [{ code: 'X', message: 'y' }]) }),
      call: (h) => h.client.applications.list(),
    },
    {
      title: '401',
      mock: () => expectCall('GET', path, { status: 401, reply: errorEnvelope(401) }),
      call: (h) => h.client.applications.list(),
    },
    {
      title: '403',
      mock: () => expectCall('GET', path, { status: 403, reply: errorEnvelope(403) }),
      call: (h) => h.client.applications.list(),
    },
    {
      title: '404',
      mock: () => expectCall('GET', `${path}/a`, { status: 404, reply: errorEnvelope(404) }),
      call: (h) => h.client.applications.get('a'),
    },
    {
      title: '409',
      mock: () => expectCall('POST', path, { status: 409, reply: errorEnvelope(409) }),
      call: (h) => h.client.applications.create({ name: 'a' }),
    },
    {
      title: '429 exhausted',
      mock: () => nock(BASE).get(path).query(true).times(3).reply(429, errorEnvelope(429), { 'Retry-After': '1' }),
      call: (h) => h.client.applications.list(),
    },
    {
      title: '500 exhausted',
      mock: () => nock(BASE).get(path).query(true).times(3).reply(500, errorEnvelope(500)),
      call: (h) => h.client.applications.list(),
    },
    {
      title: 'POST 503',
      mock: () => expectCall('POST', path, { status: 503, reply: errorEnvelope(503) }),
      call: (h) => h.client.applications.create({ name: 'a' }),
    },
    { title: 'HTML 200', mock: () => expectCall('GET', path, { reply: '<html></html>' }), call: (h) => h.client.applications.list() },
    {
      title: 'connection reset (GET, exhausted)',
      mock: () => nock(BASE).get(path).query(true).times(3).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }),
      call: (h) => h.client.applications.list(),
    },
    {
      title: 'connection reset (POST)',
      mock: () => nock(BASE).post(path).query(true).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }),
      call: (h) => h.client.applications.create({ name: 'a' }),
    },
    {
      title: 'connection refused',
      mock: () => nock(BASE).get(path).query(true).times(3).replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }),
      call: (h) => h.client.applications.list(),
    },
    {
      title: 'an Error with a message that is not an errno',
      mock: () => nock(BASE).get(path).query(true).replyWithError('something broke'),
      call: (h) => h.client.applications.list(),
    },
    {
      title: 'timeout (GET, exhausted)',
      mock: () => nock(BASE).get(path).query(true).times(3).delay(200).reply(200, envelope([])),
      call: (h) => h.client.applications.list(),
      options: { timeoutMs: 20 },
    },
    {
      title: 'timeout (POST)',
      mock: () => nock(BASE).post(path).query(true).delay(200).reply(200, envelope([])),
      call: (h) => h.client.applications.create({ name: 'a' }),
      options: { timeoutMs: 20 },
    },
    {
      title: 'a server that echoes the token back',
      mock: () =>
        expectCall('GET', path, {
          status: 401,
          reply: errorEnvelope(401, [{ code: `BAD_${TOKEN}`, message: `token ${TOKEN} is not valid`, field: `Bearer ${TOKEN}` }]),
        }),
      call: (h) => h.client.applications.list(),
    },
  ];

  it.each(cases.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const h = makeClient({ retry: { retries: 2 }, ...c.options });
    c.mock();
    const error = await apiError(c.call(h));
    h.client.close();
    expectNoToken(error, h.debugLines);
    expect(inspect(error, { depth: 10 })).not.toContain(TOKEN);
    expect(h.retries.map((r) => r.reason).join('\n')).not.toContain(TOKEN);
    // the debug callback was used: one line per attempt
    expect(h.debugLines.length).toBe(error.attempts);
    expect(error).toBeInstanceOf(SpotinstApiError);
  });

  it('debug lines of successful calls carry method, path, status — not the token or the account header', async () => {
    expectCall('GET', path, { reply: envelope([]) });
    await harness.client.applications.list();
    expect(harness.debugLines).toHaveLength(1);
    expect(harness.debugLines[0]).toMatch(/^GET \/functions\/application → 200 \(\d+ ms\)$/);
    expect(harness.debugLines[0]).not.toContain(TOKEN);
  });
});

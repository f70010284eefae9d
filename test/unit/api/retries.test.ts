import nock from 'nock';
import { DEFAULT_RETRY_POLICY } from '../../../src/api';
import type { Application } from '../../../src/api';
import { ACCOUNT, BASE, apiError, envelope, errorEnvelope, Harness, makeClient, setUpNock } from './helpers';

setUpNock();

const PATH = '/functions/application';
const ONE = `${PATH}/app-1`;
const app: Application = { id: 'app-1', name: 'my-app' };

type Method = 'GET' | 'PUT' | 'DELETE' | 'POST';

/** The call the client makes for each method, against the mocks below. */
function call(h: Harness, method: Method): Promise<unknown> {
  switch (method) {
    case 'GET':
      return h.client.applications.get('app-1');
    case 'PUT':
      return h.client.applications.update('app-1', { description: 'd' });
    case 'DELETE':
      return h.client.applications.delete('app-1');
    case 'POST':
      return h.client.applications.create({ name: 'my-app' });
  }
}

function pathFor(method: Method): string {
  return method === 'POST' ? PATH : ONE;
}

/** Counts every request the server receives for `method`. */
function counter(): { count: number } {
  const seen = { count: 0 };
  return seen;
}

function mockFailure(method: Method, status: number, times = 1, seen = counter()): { count: number } {
  nock(BASE)
    .intercept(pathFor(method), method)
    .query({ accountId: ACCOUNT })
    .times(times)
    .reply(() => {
      seen.count += 1;
      return [status, errorEnvelope(status, [], `req-${status}`)];
    });
  return seen;
}

function mockResetOrRefused(method: Method, code: string, times = 1): void {
  nock(BASE).intercept(pathFor(method), method).query({ accountId: ACCOUNT }).times(times).replyWithError({ code, message: code });
}

function mockSuccess(method: Method, seen = counter()): { count: number } {
  nock(BASE)
    .intercept(pathFor(method), method)
    .query({ accountId: ACCOUNT })
    .reply(() => {
      seen.count += 1;
      return [200, envelope([app])];
    });
  return seen;
}

describe('idempotent calls are retried on 5xx', () => {
  it.each(['GET', 'PUT', 'DELETE'] as const)('%s: 500, 502, 503, 504 then success', async (method) => {
    const h = makeClient();
    const seen = counter();
    for (const status of [500, 502, 503, 504]) mockFailure(method, status, 1, seen);
    mockSuccess(method, seen);
    await expect(call(h, method)).resolves.toBeDefined();
    expect(seen.count).toBe(5);
    expect(h.sleeps).toHaveLength(4);
    expect(h.retries.map((r) => r.attempt)).toEqual([1, 2, 3, 4]);
    expect(h.retries.every((r) => r.method === method && r.path === pathFor(method))).toBe(true);
    expect(h.retries[0].reason).toContain('500');
  });

  it('gives up after `retries`, saying "retried N times"', async () => {
    const h = makeClient({ retry: { retries: 3 } });
    const seen = mockFailure('GET', 503, 4);
    const error = await apiError(call(h, 'GET'));
    expect(seen.count).toBe(4);
    expect(error.status).toBe(503);
    expect(error.code).toBe('SPOTINST_API_SERVER_ERROR');
    expect(error.attempts).toBe(4);
    expect(error.message).toContain('retried 3 times');
    expect(error.message).toContain('req-503');
    expect(error.uncertain).toBe(false);
    expect(h.sleeps).toHaveLength(3);
  });

  it('"retried 1 time" in the singular', async () => {
    const h = makeClient({ retry: { retries: 1 } });
    mockFailure('PUT', 502, 2);
    const error = await apiError(call(h, 'PUT'));
    expect(error.message).toContain('retried 1 time)');
  });

  it('retries: 0 makes exactly one request', async () => {
    const h = makeClient({ retry: { retries: 0 } });
    const seen = mockFailure('GET', 500, 1);
    const error = await apiError(call(h, 'GET'));
    expect(seen.count).toBe(1);
    expect(error.message).not.toContain('retried');
    expect(h.retries).toEqual([]);
  });

  it('the default policy retries 4 times', async () => {
    expect(DEFAULT_RETRY_POLICY.retries).toBe(4);
    const h = makeClient();
    const seen = mockFailure('GET', 500, 5);
    const error = await apiError(call(h, 'GET'));
    expect(seen.count).toBe(5);
    expect(error.message).toContain('retried 4 times');
  });
});

describe('connection resets', () => {
  it.each(['GET', 'PUT', 'DELETE'] as const)('%s is retried after ECONNRESET and then succeeds', async (method) => {
    const h = makeClient();
    mockResetOrRefused(method, 'ECONNRESET', 2);
    const seen = mockSuccess(method);
    await expect(call(h, method)).resolves.toBeDefined();
    expect(seen.count).toBe(1);
    expect(h.retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(h.retries[0].reason).toContain('ECONNRESET');
  });

  it('gives up after `retries`', async () => {
    const h = makeClient({ retry: { retries: 2 } });
    mockResetOrRefused('GET', 'ECONNRESET', 3);
    const error = await apiError(call(h, 'GET'));
    expect(error.networkCode).toBe('ECONNRESET');
    expect(error.status).toBeUndefined();
    expect(error.code).toBe('SPOTINST_API_UNREACHABLE');
    expect(error.attempts).toBe(3);
    expect(error.message).toContain('retried 2 times');
    expect(error.uncertain).toBe(false);
  });

  it('an unknown network failure is not retried', async () => {
    const h = makeClient();
    nock(BASE).get(ONE).query(true).replyWithError({ code: 'ERR_SOMETHING_ODD', message: 'odd' });
    const error = await apiError(call(h, 'GET'));
    expect(error.attempts).toBe(1);
    expect(error.networkCode).toBe('ERR_SOMETHING_ODD');
  });
});

describe('POST is not blindly repeated', () => {
  it.each([500, 502, 503, 504])('POST answered %i: exactly one request, uncertain', async (status) => {
    const h = makeClient();
    const seen = mockFailure('POST', status, 1);
    const error = await apiError(call(h, 'POST'));
    expect(seen.count).toBe(1);
    expect(error.status).toBe(status);
    expect(error.uncertain).toBe(true);
    expect(error.attempts).toBe(1);
    expect(error.message).toContain('may have been carried out');
    expect(h.sleeps).toEqual([]);
    expect(h.retries).toEqual([]);
  });

  it('POST reset: exactly one request, uncertain', async () => {
    const h = makeClient();
    mockResetOrRefused('POST', 'ECONNRESET', 1);
    const error = await apiError(call(h, 'POST'));
    expect(error.uncertain).toBe(true);
    expect(error.networkCode).toBe('ECONNRESET');
    expect(error.attempts).toBe(1);
    expect(error.message).toContain('may have been carried out');
    expect(h.retries).toEqual([]);
  });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])('POST is retried on %s (it was never sent)', async (code) => {
    const h = makeClient();
    mockResetOrRefused('POST', code, 2);
    const seen = mockSuccess('POST');
    await expect(call(h, 'POST')).resolves.toEqual(app);
    expect(seen.count).toBe(1);
    expect(h.retries).toHaveLength(2);
  });

  it('POST refused until the end: certain (not carried out), "retried N times"', async () => {
    const h = makeClient({ retry: { retries: 2 } });
    mockResetOrRefused('POST', 'ECONNREFUSED', 3);
    const error = await apiError(call(h, 'POST'));
    expect(error.uncertain).toBe(false);
    expect(error.code).toBe('SPOTINST_API_UNREACHABLE');
    expect(error.message).toContain('retried 2 times');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain(BASE);
  });
});

describe('429 rate limiting', () => {
  it.each(['GET', 'PUT', 'DELETE', 'POST'] as const)('%s is retried after 429, honouring Retry-After seconds', async (method) => {
    const h = makeClient();
    let posts = 0;
    nock(BASE)
      .intercept(pathFor(method), method)
      .query({ accountId: ACCOUNT })
      .reply(() => {
        posts += 1;
        return [429, errorEnvelope(429), { 'Retry-After': '3' }];
      });
    const seen = mockSuccess(method);
    await expect(call(h, method)).resolves.toBeDefined();
    expect(posts + seen.count).toBe(2);
    expect(h.sleeps).toEqual([3000]);
    expect(h.retries).toEqual([expect.objectContaining({ attempt: 1, delayMs: 3000, method })]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const h = makeClient();
    const date = new Date(Date.now() + 10_000).toUTCString();
    nock(BASE).get(ONE).query(true).reply(429, errorEnvelope(429), { 'Retry-After': date });
    mockSuccess('GET');
    await call(h, 'GET');
    expect(h.sleeps).toHaveLength(1);
    // an HTTP date has one-second precision
    expect(h.sleeps[0]).toBeGreaterThan(8000);
    expect(h.sleeps[0]).toBeLessThanOrEqual(10_000);
  });

  it('a Retry-After date in the past means retry now', async () => {
    const h = makeClient();
    nock(BASE).get(ONE).query(true).reply(429, errorEnvelope(429), { 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' });
    mockSuccess('GET');
    await call(h, 'GET');
    expect(h.sleeps).toEqual([0]);
  });

  it('an absurd Retry-After is capped by maxRetryAfterMs', async () => {
    const h = makeClient({ retry: { maxRetryAfterMs: 5000 } });
    nock(BASE).get(ONE).query(true).reply(429, errorEnvelope(429), { 'Retry-After': '3600' });
    nock(BASE)
      .get(ONE)
      .query(true)
      .reply(429, errorEnvelope(429), { 'Retry-After': new Date(Date.now() + 86_400_000).toUTCString() });
    mockSuccess('GET');
    await call(h, 'GET');
    expect(h.sleeps).toEqual([5000, 5000]);
  });

  it('the default cap is a minute', async () => {
    expect(DEFAULT_RETRY_POLICY.maxRetryAfterMs).toBe(60_000);
    const h = makeClient();
    nock(BASE).get(ONE).query(true).reply(429, errorEnvelope(429), { 'Retry-After': '86400' });
    mockSuccess('GET');
    await call(h, 'GET');
    expect(h.sleeps).toEqual([60_000]);
  });

  it.each([undefined, 'soon', ''])('without a usable Retry-After (%p) the backoff applies', async (retryAfter) => {
    const h = makeClient({ retry: { baseDelayMs: 100 }, random: () => 0.5 });
    nock(BASE)
      .get(ONE)
      .query(true)
      .reply(429, errorEnvelope(429), retryAfter === undefined ? {} : { 'Retry-After': retryAfter });
    mockSuccess('GET');
    await call(h, 'GET');
    expect(h.sleeps).toEqual([50]);
  });

  it('gives up after `retries` with SPOTINST_API_RATE_LIMITED, "retried N times"', async () => {
    const h = makeClient({ retry: { retries: 2 } });
    nock(BASE)
      .post(PATH)
      .query(true)
      .times(3)
      .reply(429, errorEnvelope(429, [], 'req-429'), { 'Retry-After': '1' });
    const error = await apiError(call(h, 'POST'));
    expect(error.status).toBe(429);
    expect(error.code).toBe('SPOTINST_API_RATE_LIMITED');
    expect(error.attempts).toBe(3);
    expect(error.message).toContain('retried 2 times');
    expect(error.message).toContain('req-429');
    expect(error.uncertain).toBe(false);
    expect(h.sleeps).toEqual([1000, 1000]);
  });
});

describe('exponential backoff with full jitter', () => {
  const policy = { retries: 7, baseDelayMs: 100, maxDelayMs: 1000 };
  const steps = [100, 200, 400, 800, 1000, 1000, 1000];

  async function delays(random: () => number): Promise<number[]> {
    const h = makeClient({ retry: policy, random });
    mockFailure('GET', 503, 8);
    await apiError(call(h, 'GET'));
    expect(h.retries.map((r) => r.delayMs)).toEqual(h.sleeps);
    return h.sleeps;
  }

  it('random → 1: each delay is the full step base*2^(n-1), capped at maxDelayMs', async () => {
    expect(await delays(() => 0.999_999)).toEqual(steps);
  });

  it('random → 0: no delay at all (full jitter)', async () => {
    expect(await delays(() => 0)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('random = 0.5: half of each step', async () => {
    expect(await delays(() => 0.5)).toEqual(steps.map((step) => step / 2));
  });

  it('with real randomness every delay stays within [0, step]', async () => {
    for (let run = 0; run < 5; run += 1) {
      const sleeps = await delays(Math.random);
      sleeps.forEach((delay, index) => {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(steps[index]);
      });
    }
  });

  it('the default policy: base 250 ms, capped at 8 s', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ retries: 4, baseDelayMs: 250, maxDelayMs: 8000, maxRetryAfterMs: 60000 });
  });

  it('sleeps for real when no sleep is injected', async () => {
    const h = makeClient({ sleep: undefined, retry: { baseDelayMs: 40, retries: 1 }, random: () => 0.999 });
    mockFailure('GET', 503, 1);
    mockSuccess('GET');
    const started = Date.now();
    await call(h, 'GET');
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
  });
});

describe('request timeout', () => {
  it('GET: a reply slower than timeoutMs is SPOTINST_API_TIMEOUT, retried, then succeeds', async () => {
    const h = makeClient({ timeoutMs: 30 });
    nock(BASE)
      .get(ONE)
      .query(true)
      .delay(300)
      .reply(200, envelope([app]));
    mockSuccess('GET');
    await expect(call(h, 'GET')).resolves.toEqual(app);
    expect(h.retries).toHaveLength(1);
    expect(h.retries[0].reason).toContain('timed out');
  });

  it('GET: timing out every time gives up with SPOTINST_API_TIMEOUT', async () => {
    const h = makeClient({ timeoutMs: 30, retry: { retries: 2 } });
    nock(BASE)
      .get(ONE)
      .query(true)
      .times(3)
      .delay(300)
      .reply(200, envelope([app]));
    const error = await apiError(call(h, 'GET'));
    expect(error.code).toBe('SPOTINST_API_TIMEOUT');
    expect(error.status).toBeUndefined();
    expect(error.attempts).toBe(3);
    expect(error.message).toContain('timed out');
    expect(error.message).toContain('retried 2 times');
  });

  it('POST: a timeout is not retried, and is uncertain', async () => {
    const h = makeClient({ timeoutMs: 30 });
    let posts = 0;
    nock(BASE)
      .post(PATH)
      .query(true)
      .delay(300)
      .reply(() => {
        posts += 1;
        return [200, envelope([app])];
      });
    const error = await apiError(call(h, 'POST'));
    expect(error.code).toBe('SPOTINST_API_TIMEOUT');
    expect(error.uncertain).toBe(true);
    expect(error.attempts).toBe(1);
    expect(error.message).toContain('may have been carried out');
    expect(h.retries).toEqual([]);
    expect(posts).toBeLessThanOrEqual(1);
  });
});

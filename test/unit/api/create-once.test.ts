import nock from 'nock';
import { SpotinstApiError, createOnce } from '../../../src/api';
import type { Application } from '../../../src/api';
import { ACCOUNT, BASE, apiError, envelope, errorEnvelope, Harness, makeClient, setUpNock } from './helpers';

setUpNock();

const PATH = '/functions/application';
const app: Application = { id: 'app-1', name: 'my-app' };

let h: Harness;
beforeEach(() => {
  h = makeClient();
});

function create(): Promise<Application> {
  return createOnce(
    () => h.client.applications.create({ name: 'my-app' }),
    () => h.client.applications.findByName('my-app'),
  );
}

function mockPost(status: number, items: Application[] = [], times = 1): { count: number } {
  const seen = { count: 0 };
  nock(BASE)
    .post(PATH, { application: { name: 'my-app' } })
    .query({ accountId: ACCOUNT })
    .times(times)
    .reply(() => {
      seen.count += 1;
      return [status, status < 400 ? envelope(items) : errorEnvelope(status)];
    });
  return seen;
}

function mockList(items: Application[]): { count: number } {
  const seen = { count: 0 };
  nock(BASE)
    .get(PATH)
    .query({ accountId: ACCOUNT })
    .reply(() => {
      seen.count += 1;
      return [200, envelope(items)];
    });
  return seen;
}

describe('createOnce with the client', () => {
  it('a successful create is returned without a lookup', async () => {
    const posts = mockPost(200, [app]);
    await expect(create()).resolves.toEqual(app);
    expect(posts.count).toBe(1);
  });

  it('uncertain failure (POST 503), then the lookup finds it: returns it without a second create', async () => {
    const posts = mockPost(503);
    const lists = mockList([{ id: 'app-other', name: 'other' }, app]);
    await expect(create()).resolves.toEqual(app);
    expect(posts.count).toBe(1);
    expect(lists.count).toBe(1);
  });

  it('uncertain failure (connection reset), then the lookup finds it', async () => {
    nock(BASE).post(PATH).query(true).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    mockList([app]);
    await expect(create()).resolves.toEqual(app);
  });

  it('uncertain failure, the lookup finds nothing: creates again', async () => {
    mockPost(502);
    const lists = mockList([]);
    const second = mockPost(200, [app]);
    await expect(create()).resolves.toEqual(app);
    expect(lists.count).toBe(1);
    expect(second.count).toBe(1);
  });

  it('gives up after `attempts` creates, with the last error', async () => {
    const posts = mockPost(500, [], 3);
    mockList([]);
    mockList([]);
    const error = await apiError(create());
    expect(posts.count).toBe(3);
    expect(error.status).toBe(500);
    expect(error.uncertain).toBe(true);
  });

  it.each([400, 401, 403, 409])('a certain failure (%i) propagates immediately, without a lookup', async (status) => {
    const posts = mockPost(status);
    const error = await apiError(create());
    expect(error.status).toBe(status);
    expect(posts.count).toBe(1);
    // no GET mock exists: a lookup would have failed the test with a nock "no match" error instead
  });
});

describe('createOnce (unit)', () => {
  function uncertain(): SpotinstApiError {
    return new SpotinstApiError({
      call: { method: 'POST', path: '/x' },
      status: 503,
      attempts: 1,
      uncertain: true,
      apiUrl: BASE,
    });
  }

  it('non-SpotinstApiError errors propagate without a lookup', async () => {
    const lookup = jest.fn(async () => 'found');
    await expect(createOnce(async () => Promise.reject(new TypeError('boom')), lookup)).rejects.toThrow('boom');
    expect(lookup).not.toHaveBeenCalled();
  });

  it('a certain SpotinstApiError propagates without a lookup', async () => {
    const lookup = jest.fn(async () => 'found');
    const certain = new SpotinstApiError({
      call: { method: 'POST', path: '/x' },
      status: 409,
      attempts: 1,
      uncertain: false,
      apiUrl: BASE,
    });
    await expect(createOnce(async () => Promise.reject(certain), lookup)).rejects.toBe(certain);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('looks up between creates and stops at the first find', async () => {
    const calls: string[] = [];
    const result = await createOnce(
      async () => {
        calls.push('create');
        throw uncertain();
      },
      async () => {
        calls.push('lookup');
        return calls.length >= 4 ? 'existing' : undefined;
      },
    );
    expect(result).toBe('existing');
    expect(calls).toEqual(['create', 'lookup', 'create', 'lookup']);
  });

  it('respects `attempts`', async () => {
    let creates = 0;
    const lookup = jest.fn(async () => undefined);
    await expect(
      createOnce(
        async () => {
          creates += 1;
          throw uncertain();
        },
        lookup,
        2,
      ),
    ).rejects.toBeInstanceOf(SpotinstApiError);
    expect(creates).toBe(2);
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('a failing lookup propagates', async () => {
    await expect(
      createOnce(
        async () => Promise.reject(uncertain()),
        async () => Promise.reject(new Error('lookup failed')),
      ),
    ).rejects.toThrow('lookup failed');
  });
});

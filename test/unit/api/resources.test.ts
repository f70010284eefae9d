import { SpotinstClient, SpotinstApiError } from '../../../src/api';
import type {
  Alias,
  AliasInput,
  Application,
  ApplicationInput,
  CronJob,
  CronJobInput,
  Environment,
  EnvironmentInput,
  Pattern,
  PatternInput,
} from '../../../src/api';
import type { Resource } from '../../../src/api/resource';
import { SpotinstError } from '../../../src/framework/errors';
import { ACCOUNT, apiError, envelope, errorEnvelope, expectCall, expectClientHeaders, makeClient, setUpNock } from './helpers';

setUpNock();

let client: SpotinstClient;
beforeEach(() => {
  client = makeClient().client;
});

interface CrudSpec<Item extends { id: string }, Input, Update> {
  title: string;
  api: (client: SpotinstClient) => Resource<Item, Input, Update>;
  path: string;
  /** the body wrapper key, also the word in 404 messages */
  key: string;
  id: string;
  input: Input;
  item: Item;
  /** undefined for resources that cannot be updated */
  update?: Update;
  filters: Array<{
    title: string;
    call: (client: SpotinstClient) => Promise<Item[]>;
    query: Record<string, string>;
    reply: Item[];
    expected: Item[];
  }>;
}

function describeCrud<Item extends { id: string }, Input, Update>(spec: CrudSpec<Item, Input, Update>): void {
  describe(spec.title, () => {
    const one = `${spec.path}/${spec.id}`;

    it(`list: GET ${spec.path}?accountId= unwraps the envelope, with the client headers`, async () => {
      const calls = expectCall('GET', spec.path, { reply: envelope([spec.item, { ...spec.item, id: 'other' }]) });
      await expect(spec.api(client).list()).resolves.toEqual([spec.item, { ...spec.item, id: 'other' }]);
      expect(calls).toHaveLength(1);
      expect(calls[0].uri).toBe(`${spec.path}?accountId=${ACCOUNT}`);
      expect(calls[0].body).toBeUndefined();
      expectClientHeaders(calls[0].headers);
    });

    it('list: an envelope without items is an empty list', async () => {
      const reply = envelope([spec.item]);
      delete reply.response.items;
      expectCall('GET', spec.path, { reply });
      await expect(spec.api(client).list()).resolves.toEqual([]);
    });

    for (const filter of spec.filters) {
      it(`${filter.title}: GET ${spec.path} with ${Object.keys(filter.query).join('&') || 'no filter'} and accountId`, async () => {
        const calls = expectCall('GET', spec.path, { query: filter.query, reply: envelope(filter.reply) });
        await expect(filter.call(client)).resolves.toEqual(filter.expected);
        expect(calls).toHaveLength(1);
        expectClientHeaders(calls[0].headers);
      });
    }

    it(`get: GET ${one}`, async () => {
      const calls = expectCall('GET', one, { reply: envelope([spec.item]) });
      await expect(spec.api(client).get(spec.id)).resolves.toEqual(spec.item);
      expectClientHeaders(calls[0].headers);
    });

    it('get: a 404 is a SpotinstApiError that names the resource', async () => {
      expectCall('GET', one, {
        status: 404,
        reply: errorEnvelope(404, [{ code: 'NOT_FOUND', message: 'no such thing' }], 'req-404'),
      });
      const error = await apiError(spec.api(client).get(spec.id));
      expect(error.status).toBe(404);
      expect(error.code).toBe('SPOTINST_API_NOT_FOUND');
      expect(error.message).toContain(`${spec.key} ${spec.id}`);
      expect(error.message).toContain('404');
      expect(error.message).toContain('req-404');
      expect(error.call).toEqual({ method: 'GET', path: one, resource: `${spec.key} ${spec.id}` });
      expect(error.attempts).toBe(1);
    });

    it('get: a reply without the item is an unexpected reply, not undefined', async () => {
      expectCall('GET', one, { reply: envelope([]) });
      const failure = spec.api(client).get(spec.id);
      await expect(failure).rejects.toBeInstanceOf(SpotinstError);
      await expect(failure).rejects.toMatchObject({ code: 'SPOTINST_API_UNEXPECTED_REPLY' });
    });

    it('find: returns the item, or undefined on 404', async () => {
      expectCall('GET', one, { reply: envelope([spec.item]) });
      await expect(spec.api(client).find(spec.id)).resolves.toEqual(spec.item);
      expectCall('GET', one, { status: 404, reply: errorEnvelope(404) });
      await expect(spec.api(client).find(spec.id)).resolves.toBeUndefined();
    });

    it('find: other errors propagate', async () => {
      expectCall('GET', one, { status: 403, reply: errorEnvelope(403) });
      const error = await apiError(spec.api(client).find(spec.id));
      expect(error.status).toBe(403);
    });

    it(`create: POST ${spec.path} with {"${spec.key}": …}`, async () => {
      const calls = expectCall('POST', spec.path, { body: { [spec.key]: spec.input }, reply: envelope([spec.item]) });
      await expect(spec.api(client).create(spec.input)).resolves.toEqual(spec.item);
      expect(calls).toHaveLength(1);
      expect(calls[0].body).toEqual({ [spec.key]: spec.input });
      expect(calls[0].uri).toBe(`${spec.path}?accountId=${ACCOUNT}`);
      expectClientHeaders(calls[0].headers);
    });

    it('create: a reply without the item is an unexpected reply', async () => {
      expectCall('POST', spec.path, { reply: envelope([]) });
      await expect(spec.api(client).create(spec.input)).rejects.toMatchObject({
        code: 'SPOTINST_API_UNEXPECTED_REPLY',
      });
    });

    const update = spec.update;
    if (update !== undefined) {
      it(`update: PUT ${one} with {"${spec.key}": …}`, async () => {
        const calls = expectCall('PUT', one, { body: { [spec.key]: update }, reply: envelope([spec.item]) });
        await expect(spec.api(client).update(spec.id, update)).resolves.toEqual(spec.item);
        expect(calls[0].body).toEqual({ [spec.key]: update });
        expectClientHeaders(calls[0].headers);
      });

      it('update: a 404 names the resource', async () => {
        expectCall('PUT', one, { status: 404, reply: errorEnvelope(404) });
        const error = await apiError(spec.api(client).update(spec.id, update));
        expect(error.message).toContain(`${spec.key} ${spec.id}`);
      });
    }

    it(`delete: DELETE ${one} → true`, async () => {
      const calls = expectCall('DELETE', one, { reply: envelope([]) });
      await expect(spec.api(client).delete(spec.id)).resolves.toBe(true);
      expect(calls[0].uri).toBe(`${one}?accountId=${ACCOUNT}`);
      expectClientHeaders(calls[0].headers);
    });

    it('delete: 404 → false (already gone)', async () => {
      expectCall('DELETE', one, { status: 404, reply: errorEnvelope(404) });
      await expect(spec.api(client).delete(spec.id)).resolves.toBe(false);
    });

    it('delete: other errors propagate', async () => {
      expectCall('DELETE', one, { status: 409, reply: errorEnvelope(409, [{ code: 'IN_USE', message: 'in use' }]) });
      const error = await apiError(spec.api(client).delete(spec.id));
      expect(error.status).toBe(409);
      expect(error.code).toBe('SPOTINST_API_CONFLICT');
    });

    it('ids are escaped in the path', async () => {
      expectCall('GET', `${spec.path}/a%2Fb%20c`, { reply: envelope([spec.item]) });
      await expect(spec.api(client).get('a/b c')).resolves.toEqual(spec.item);
    });
  });
}

const application: Application = { id: 'app-1a2b3c4d', name: 'my-app', description: 'demo' };
describeCrud<Application, ApplicationInput, Partial<ApplicationInput>>({
  title: 'applications',
  api: (c) => c.applications,
  path: '/functions/application',
  key: 'application',
  id: application.id,
  input: { name: 'my-app', description: 'demo' },
  item: application,
  update: { description: 'changed' },
  filters: [],
});

describe('applications.findByName', () => {
  it('lists and picks by name, undefined when absent', async () => {
    const other: Application = { id: 'app-2', name: 'other' };
    expectCall('GET', '/functions/application', { reply: envelope([other, application]) });
    await expect(client.applications.findByName('my-app')).resolves.toEqual(application);
    expectCall('GET', '/functions/application', { reply: envelope([other]) });
    await expect(client.applications.findByName('my-app')).resolves.toBeUndefined();
  });
});

const environment: Environment = {
  id: 'env-1a2b3c4d',
  name: 'dev',
  applicationId: 'app-1a2b3c4d',
  providers: ['aws', 'gcp'],
  locations: ['us-east-1'],
  strategy: 'least-expensive',
  url: 'https://app-1a2b3c4d-env-1a2b3c4d.example.test',
};
describeCrud<Environment, EnvironmentInput, Partial<EnvironmentInput>>({
  title: 'environments',
  api: (c) => c.environments,
  path: '/functions/environment',
  key: 'environment',
  id: environment.id,
  input: {
    name: 'dev',
    applicationId: 'app-1a2b3c4d',
    providers: ['aws', 'gcp'],
    locations: ['us-east-1'],
    strategy: 'least-expensive',
  },
  item: environment,
  update: { strategy: 'highest-performance' },
  filters: [
    {
      title: 'listByApplication',
      call: (c) => c.environments.listByApplication('app-1a2b3c4d'),
      query: { applicationId: 'app-1a2b3c4d' },
      reply: [environment],
      expected: [environment],
    },
  ],
});

const pattern: Pattern = {
  id: 'pat-1a2b3c4d',
  environmentId: 'env-1a2b3c4d',
  functionId: 'fx-1a2b3c4d',
  pattern: '/users/*',
  method: 'GET',
};
describeCrud<Pattern, PatternInput, Partial<PatternInput>>({
  title: 'patterns',
  api: (c) => c.patterns,
  path: '/functions/pattern',
  key: 'pattern',
  id: pattern.id,
  input: { environmentId: 'env-1a2b3c4d', functionId: 'fx-1a2b3c4d', pattern: '/users/*', method: 'GET' },
  item: pattern,
  update: { method: 'ALL' },
  filters: [
    {
      title: 'listByEnvironment',
      call: (c) => c.patterns.listByEnvironment('env-1a2b3c4d'),
      query: { environmentId: 'env-1a2b3c4d' },
      reply: [pattern],
      expected: [pattern],
    },
  ],
});

const alias: Alias = { id: 'als-1a2b3c4d', host: 'api.example.test', environmentId: 'env-1a2b3c4d' };
const otherAlias: Alias = { id: 'als-2', host: 'other.example.test', environmentId: 'env-other' };
describeCrud<Alias, AliasInput, never>({
  title: 'aliases',
  api: (c) => c.aliases,
  path: '/functions/alias',
  key: 'alias',
  id: alias.id,
  input: { host: 'api.example.test', environmentId: 'env-1a2b3c4d' },
  item: alias,
  filters: [
    {
      // The API has no environment filter for aliases: the client lists all and keeps one environment's.
      title: 'listByEnvironment',
      call: (c) => c.aliases.listByEnvironment('env-1a2b3c4d'),
      query: {},
      reply: [otherAlias, alias],
      expected: [alias],
    },
  ],
});

const job: CronJob = {
  id: 'job-1a2b3c4d',
  environmentId: 'env-1a2b3c4d',
  action: 'INVOKE_FUNCTION',
  resourceId: 'fx-1a2b3c4d',
  isEnabled: true,
  cronExpression: '*/5 * * * *',
  config: { body: '{"hello":"world"}', queryParams: [{ key: 'a', value: '1' }] },
};
describeCrud<CronJob, CronJobInput, Partial<CronJobInput>>({
  title: 'cronJobs',
  api: (c) => c.cronJobs,
  path: '/spectrum/events/job',
  key: 'job',
  id: job.id,
  input: {
    environmentId: 'env-1a2b3c4d',
    action: 'INVOKE_FUNCTION',
    resourceId: 'fx-1a2b3c4d',
    isEnabled: true,
    cronExpression: '*/5 * * * *',
    config: { body: '{"hello":"world"}', queryParams: [{ key: 'a', value: '1' }] },
  },
  item: job,
  update: { isEnabled: false },
  filters: [
    {
      title: 'listByFunction',
      call: (c) => c.cronJobs.listByFunction('fx-1a2b3c4d'),
      query: { resourceId: 'fx-1a2b3c4d', action: 'INVOKE_FUNCTION' },
      reply: [job],
      expected: [job],
    },
  ],
});

describe('the client', () => {
  it('has one property per resource of SPEC §2', () => {
    expect(Object.keys(client).sort()).toEqual(
      ['aliases', 'applications', 'cronJobs', 'documents', 'environments', 'functions', 'http', 'logs', 'patterns'].sort(),
    );
  });

  it('strips a trailing slash from the API URL', async () => {
    const slashed = makeClient({ apiUrl: 'http://127.0.0.1:7711///' }).client;
    expectCall('GET', '/functions/application', { reply: envelope([application]) });
    await expect(slashed.applications.list()).resolves.toEqual([application]);
    slashed.close();
  });

  it('the account given is the accountId sent, and a query cannot override it', async () => {
    const calls = expectCall('GET', '/functions/pattern', { reply: envelope([]) });
    await client.patterns.list({ accountId: 'act-evil' });
    expect(calls[0].uri).toBe(`/functions/pattern?accountId=${ACCOUNT}`);
  });

  it('undefined filters are left out of the query', async () => {
    const calls = expectCall('GET', '/functions/pattern', { query: { environmentId: 'env-1' }, reply: envelope([]) });
    await client.patterns.list({ environmentId: 'env-1', functionId: undefined });
    expect(calls).toHaveLength(1);
  });

  it('a 204 reply (no body) to a delete counts as deleted', async () => {
    const calls = expectCall('DELETE', '/functions/alias/als-1', { status: 204, reply: '' });
    await expect(client.aliases.delete('als-1')).resolves.toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('a SpotinstApiError is a SpotinstError', async () => {
    expectCall('GET', '/functions/alias/als-1', { status: 404, reply: errorEnvelope(404) });
    const error = await apiError(client.aliases.get('als-1'));
    expect(error).toBeInstanceOf(SpotinstError);
    expect(error).toBeInstanceOf(SpotinstApiError);
    expect(error.name).toBe('SpotinstApiError');
  });
});

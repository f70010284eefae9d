/**
 * deploy, deploy function, info and remove, in-process against spotinst-local: every
 * assertion on what was written is read from the platform's own request counters.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SpotinstClient } from '../../../src/api';
import { MEMORY_FILE, ServiceMemory } from '../../../src/package/memory';
import { restartTestPlatform, startTestPlatform, stopTestPlatform, type TestPlatform } from '../../helpers/platform';
import { callsBetween, helloFiles, ServiceDir, writesBetween, type ServiceSpec } from './harness';

const DEPLOY = ['deploy:deploy'];
/** The package hooks around the framework's zip step (the harness has zipped already). */
const PACKAGE = ['before:package:createDeploymentArtifacts', 'after:package:createDeploymentArtifacts'];

function service(platform: TestPlatform, functions: ServiceSpec['functions'], spotinst: Record<string, unknown> = {}): ServiceSpec {
  return { service: 'shop', spotinst: { apiUrl: platform.platform.url, ...spotinst }, functions };
}

const base = {
  hello: {
    runtime: 'nodejs8.3',
    handler: 'handler.main',
    access: 'public',
    cron: { active: true, value: '*/5 * * * *' },
    endpoint: { path: '/hello', method: 'get' },
  },
  orders: { runtime: 'nodejs8.3', handler: 'handler.main', memory: 256 },
  report: { runtime: 'nodejs8.3', handler: 'handler.main', cron: { active: true, value: '0 3 * * *' } },
};

/** Everything in the account, to compare "before" and "after". */
async function accountContents(client: SpotinstClient) {
  const applications = await client.applications.list();
  const environments = await client.environments.list();
  const functions = (await Promise.all(environments.map((env) => client.functions.list(env.id)))).flat();
  return {
    applications: applications.map((app) => app.name),
    environments: environments.map((env) => env.name),
    functions: functions.map((fn) => fn.name).sort(),
    jobs: (await client.cronJobs.list()).length,
    patterns: (await client.patterns.list()).length,
    aliases: (await client.aliases.list()).length,
  };
}

describe('deploy against spotinst-local', () => {
  let local: TestPlatform;
  let dir: ServiceDir;
  const saved = { ...process.env };

  beforeEach(async () => {
    local = await startTestPlatform();
    process.env.SPOTINST_TOKEN = local.platform.token;
    process.env.SPOTINST_ACCOUNT = local.platform.account;
    dir = new ServiceDir();
  });
  afterEach(async () => {
    process.env = { ...saved };
    dir.cleanup();
    await stopTestPlatform(local);
  });

  it('creates the application, environment, functions and triggers on the first deploy', async () => {
    const before = local.platform.stats();
    const output = await dir.run(service(local, base, { alias: 'shop.example.test' }), DEPLOY);
    expect(writesBetween(before, local.platform.stats())).toEqual({
      'POST /functions/application': 1,
      'POST /functions/environment': 1,
      'POST /functions/function': 3,
      'POST /spectrum/events/job': 2,
      'POST /functions/pattern': 1,
      'POST /functions/alias': 1,
    });
    const contents = await accountContents(local.client);
    expect(contents).toEqual({
      applications: ['shop'],
      environments: ['dev'],
      functions: ['hello', 'orders', 'report'],
      jobs: 2,
      patterns: 1,
      aliases: 1,
    });
    expect(output.err).toMatch(/\+ create function hello/);
    expect(output.out).toMatch(/hello:\n {4}id: fx-\w+[\s\S]*cron: \*\/5 \* \* \* \*[\s\S]*endpoint: GET \/hello/);
  });

  it('prints the service as info reads it back, without reading it again after the writes', async () => {
    const config = service(local, base, { alias: 'shop.example.test' });
    const before = local.platform.stats();
    const deployed = (await dir.run(config, DEPLOY)).out;
    // one listing of applications (to find none), writes, and the job listing that looks
    // for duplicate jobs (apply.ts): nothing reads the functions or patterns back
    const reads = Object.entries(local.platform.stats().requests).filter(
      ([route, count]) => route.startsWith('GET ') && count > (before.requests[route] ?? 0),
    );
    expect(reads.map(([route]) => route).sort()).toEqual(['GET /functions/application', 'GET /spectrum/events/job']);
    expect(deployed).toBe((await dir.run(config, ['info:info'])).out);

    const { report: _dropped, ...rest } = base;
    const changed = { ...rest, hello: { ...base.hello, cron: { active: true, value: '0 5 * * *' } } };
    const pruned = (await dir.run(service(local, changed, { alias: 'shop.example.test' }), DEPLOY, { prune: true })).out;
    expect(pruned).toMatch(/cron: 0 5 \* \* \*/);
    expect(pruned).not.toContain('report:');
    expect(pruned).toBe((await dir.run(service(local, changed, { alias: 'shop.example.test' }), ['info:info'])).out);
  });

  it('makes no write call and uploads no code when nothing changed', async () => {
    await dir.run(service(local, base), DEPLOY);
    const before = local.platform.stats();
    const output = await dir.run(service(local, base), DEPLOY);
    const after = local.platform.stats();
    expect(writesBetween(before, after)).toEqual({});
    expect(after.codeBytesUploaded - before.codeBytesUploaded).toBe(0);
    // remote state first: one lookup of the application, then one list per resource kind
    expect(Object.values(callsBetween(before, after)).reduce((sum, count) => sum + count, 0)).toBeLessThanOrEqual(6);
    expect(output.err).toMatch(/up to date: nothing to deploy/);
  });

  it('reads a redeploy in one round by the ids of the last deploy, checked in that round', async () => {
    await dir.run(service(local, base), DEPLOY);
    const before = local.platform.stats();
    await dir.run(service(local, base), DEPLOY);
    expect(callsBetween(before, local.platform.stats())).toEqual({
      'GET /functions/application/{id}': 1,
      'GET /functions/environment/{id}': 1,
      'GET /functions/function': 1,
      'GET /spectrum/events/job': 1,
      'GET /functions/pattern': 1,
      'GET /functions/alias': 1,
    });
  });

  it('falls back to names when the remembered ids no longer hold, and never mixes stages', async () => {
    await dir.run(service(local, base), DEPLOY);
    // someone else removes the service (no shared .serverless/), so the ids here are stale
    const elsewhere = new ServiceDir();
    try {
      await elsewhere.run(service(local, base), ['remove:remove']);
    } finally {
      elsewhere.cleanup();
    }
    await dir.run(service(local, base), DEPLOY);
    expect(await accountContents(local.client)).toMatchObject({
      applications: ['shop'],
      environments: ['dev'],
      functions: ['hello', 'orders', 'report'],
    });

    await dir.run({ ...service(local, base), stage: 'prod' }, DEPLOY);
    expect((await accountContents(local.client)).environments.sort()).toEqual(['dev', 'prod']);
    const environments = await local.client.environments.list();
    for (const env of environments) expect((await local.client.functions.list(env.id)).length).toBe(3);
  });

  it('updates and uploads exactly the function whose handler changed', async () => {
    await dir.run(service(local, base), DEPLOY);
    const before = local.platform.stats();
    const changed = { ...base, orders: { ...base.orders, files: helloFiles('orders v2') } };
    await dir.run(service(local, changed), DEPLOY);
    const after = local.platform.stats();
    expect(writesBetween(before, after)).toEqual({ 'PUT /functions/function/{id}': 1 });
    expect(after.codeBytesUploaded - before.codeBytesUploaded).toBeGreaterThan(0);
    const orders = (await local.client.functions.list((await local.client.environments.list())[0].id)).find((fn) => fn.name === 'orders');
    expect(orders?.latestVersion).toBe(1);
  });

  it('updates only the cron job whose expression changed', async () => {
    await dir.run(service(local, base), DEPLOY);
    const before = local.platform.stats();
    const output = await dir.run(
      service(local, { ...base, report: { ...base.report, cron: { active: true, value: '0 4 * * *' } } }),
      DEPLOY,
    );
    expect(writesBetween(before, local.platform.stats())).toEqual({ 'PUT /spectrum/events/job/{id}': 1 });
    expect(output.err).toMatch(/~ update cron of report: expression 0 3 \* \* \* → 0 4 \* \* \*/);
    const jobs = await local.client.cronJobs.list();
    expect(jobs.map((job) => job.cronExpression).sort()).toEqual(['*/5 * * * *', '0 4 * * *']);
  });

  it('leaves functions removed from the file alone, and deletes them with their triggers under --prune', async () => {
    await dir.run(service(local, base), DEPLOY);
    const { hello: _gone, ...rest } = base;

    let before = local.platform.stats();
    const kept = await dir.run(service(local, rest), DEPLOY);
    expect(writesBetween(before, local.platform.stats())).toEqual({});
    expect(kept.err).toMatch(/· leave {2}function hello: not in the file; --prune deletes it/);

    before = local.platform.stats();
    await dir.run(service(local, rest), DEPLOY, { prune: true });
    expect(writesBetween(before, local.platform.stats())).toEqual({
      'DELETE /spectrum/events/job/{id}': 1,
      'DELETE /functions/pattern/{id}': 1,
      'DELETE /functions/function/{id}': 1,
    });
    expect(await accountContents(local.client)).toMatchObject({ functions: ['orders', 'report'], jobs: 1, patterns: 0 });
  });

  it('prunes when provider.spotinst.prune is set in the file', async () => {
    await dir.run(service(local, base), DEPLOY);
    const { orders: _gone, ...rest } = base;
    await dir.run(service(local, rest, { prune: true }), DEPLOY);
    expect((await accountContents(local.client)).functions).toEqual(['hello', 'report']);
  });

  it('--dry-run prints the plan on stdout and writes nothing', async () => {
    await dir.run(service(local, base), DEPLOY);
    const before = local.platform.stats();
    const changed = { ...base, orders: { ...base.orders, memory: 512 } };
    const output = await dir.run(service(local, changed), DEPLOY, { 'dry-run': true });
    expect(writesBetween(before, local.platform.stats())).toEqual({});
    expect(output.out).toMatch(/~ update function orders: memory 256 → 512[\s\S]*Dry run: nothing was changed\./);
  });

  it('--dry-run of a first deploy creates neither application nor environment', async () => {
    const output = await dir.run(service(local, base), DEPLOY, { 'dry-run': true });
    expect(await accountContents(local.client)).toEqual({
      applications: [],
      environments: [],
      functions: [],
      jobs: 0,
      patterns: 0,
      aliases: 0,
    });
    expect(output.out).toMatch(/\+ create application shop[\s\S]*\+ create environment dev/);
  });

  it('--force updates and uploads every function', async () => {
    await dir.run(service(local, base), DEPLOY);
    const before = local.platform.stats();
    await dir.run(service(local, base), DEPLOY, { force: true });
    expect(writesBetween(before, local.platform.stats())).toEqual({ 'PUT /functions/function/{id}': 3 });
  });

  it('deploy function touches that function only, and --update-config uploads no code', async () => {
    await dir.run(service(local, base), DEPLOY);
    const changed = {
      ...base,
      hello: { ...base.hello, files: helloFiles('hello v2') },
      orders: { ...base.orders, files: helloFiles('orders v2'), timeout: 60 },
    };
    let before = local.platform.stats();
    await dir.run(service(local, changed), ['deploy:function:initialize', 'deploy:function:deploy'], { function: 'orders' });
    let after = local.platform.stats();
    expect(writesBetween(before, after)).toEqual({ 'PUT /functions/function/{id}': 1 });
    expect(after.codeBytesUploaded).toBeGreaterThan(before.codeBytesUploaded);

    before = local.platform.stats();
    await dir.run(service(local, { ...changed, hello: { ...changed.hello, memory: 256 } }), ['deploy:function:deploy'], {
      function: 'hello',
      'update-config': true,
    });
    after = local.platform.stats();
    expect(writesBetween(before, after)).toEqual({ 'PUT /functions/function/{id}': 1 });
    expect(after.codeBytesUploaded).toBe(before.codeBytesUploaded);
    const env = (await local.client.environments.list())[0];
    const hello = (await local.client.functions.list(env.id)).find((fn) => fn.name === 'hello');
    expect(hello).toMatchObject({ latestVersion: 0, limits: { memory: 256, timeout: 30 } });
  });

  it('deploy function names the functions that exist when -f is wrong', async () => {
    await expect(dir.run(service(local, base), ['deploy:function:initialize'], { function: 'nope' })).rejects.toThrow(
      'Function "nope" is not in serverless.yml. Functions of this service: hello, orders, report.',
    );
  });

  it('info shows every function from the API, and -f one of them', async () => {
    await dir.run(service(local, base), DEPLOY);
    const all = (await dir.run(service(local, base), ['info:info'])).out;
    expect(all).toMatch(/^service: shop\nstage: dev\napplication: shop \(app-\w+\)\nenvironment: dev \(env-\w+\)\nfunctions:/);
    for (const name of ['hello', 'orders', 'report']) expect(all).toContain(`  ${name}:\n    id: fx-`);
    expect(all).toMatch(/orders:\n(.*\n){2} {4}memory: 256 MB/);
    const one = (await dir.run(service(local, base), ['info:info'], { function: 'report' })).out;
    expect(one).toContain('report:');
    expect(one).not.toContain('orders:');
    expect(one).toMatch(/cron: 0 3 \* \* \*/);
  });

  it("-f takes a function's remote name as well as its key, as invoke and logs do", async () => {
    const named = { ...base, orders: { ...base.orders, name: 'shop-orders' } };
    await dir.run(service(local, named), DEPLOY);
    const info = (await dir.run(service(local, named), ['info:info'], { function: 'shop-orders' })).out;
    expect(info).toMatch(/^ {2}orders: \(shop-orders\)$/m);
    expect(info).not.toContain('hello:');
    const before = local.platform.stats();
    await dir.run(service(local, { ...named, orders: { ...named.orders, memory: 512 } }), ['deploy:function:deploy'], {
      function: 'shop-orders',
      'update-config': true,
    });
    expect(writesBetween(before, local.platform.stats())).toEqual({ 'PUT /functions/function/{id}': 1 });
  });

  it('shows the URL each endpoint answers on, and on spotinst-local it answers there', async () => {
    const output = await dir.run(service(local, base, { alias: 'shop.example.test' }), DEPLOY);
    const line = /endpoint: GET \/hello → http:\/\/shop\.example\.test\/hello \(on spotinst-local: (\S+)\)/.exec(output.out);
    expect(line?.[1]).toBe(`${local.platform.url}/alias/shop.example.test/hello`);
    const reply = await fetch(line?.[1] ?? '', { method: 'GET' });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toMatchObject({ hello: expect.anything() as unknown });
  });

  it('says that endpoints need provider.spotinst.alias, and how to set it', async () => {
    const output = await dir.run(service(local, base), DEPLOY);
    expect(output.out).toContain('    endpoint: GET /hello (unreachable: no provider.spotinst.alias)');
    expect(output.out.split('\n').filter((text) => text.includes('alias: api.example.com'))).toHaveLength(1);
    const info = (await dir.run(service(local, base), ['info:info'])).out;
    expect(info).toMatch(
      /Endpoints answer only on the host named by provider\.spotinst\.alias, which is not set\. Add it under provider\.spotinst/,
    );
  });

  it('package checks every artifact before any API call, and deploy in the same command uses that check', async () => {
    const load = jest.spyOn(ServiceMemory, 'load');
    const before = local.platform.stats();
    const broken = { ...base, orders: { ...base.orders, files: { 'index.js': 'exports.main = () => 1;\n' } } };
    await expect(dir.run(service(local, broken), PACKAGE)).rejects.toMatchObject({ code: 'SPOTINST_HANDLER_NOT_PACKAGED' });
    expect(local.platform.stats().requests).toEqual(before.requests);

    load.mockClear();
    const output = await dir.run(service(local, base), [...PACKAGE, ...DEPLOY]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(output.err).toMatch(/Service shop packaged: 3 artifacts\.\n {2}\.serverless\/hello\.zip +\d+ B {2}hello/);
    expect(fs.readdirSync(path.join(dir.dir, '.serverless')).filter((name) => name.endsWith('.json'))).toEqual([MEMORY_FILE]);
    load.mockRestore();
  });

  it('info of a service that is not deployed says so and how to fix it', async () => {
    await expect(dir.run(service(local, base), ['info:info'])).rejects.toThrow(
      /Service shop is not deployed: there is no application "shop" in this account \(stage dev\)\. Deploy it with `serverless deploy --stage dev`/,
    );
  });

  it('remove leaves the account as it was before the first deploy, and a second remove is not an error', async () => {
    const untouched = await local.client.applications.create({ name: 'someone-else' });
    const before = await accountContents(local.client);
    await dir.run(service(local, base, { alias: 'shop.example.test' }), DEPLOY);
    const fresh = new ServiceDir(); // no .serverless: as a fresh clone
    try {
      const output = await fresh.run(service(local, base, { alias: 'shop.example.test' }), ['remove:remove']);
      expect(output.err).toMatch(
        /Removed service shop \(stage dev\): 3 functions, 2 cron jobs, 1 endpoint, alias shop.example.test, environment dev, application shop\./,
      );
      expect(await accountContents(local.client)).toEqual(before);
      const again = await fresh.run(service(local, base), ['remove:remove']);
      expect(again.err).toMatch(/Nothing to remove/);
    } finally {
      fresh.cleanup();
    }
    expect((await local.client.applications.list()).map((app) => app.id)).toEqual([untouched.id]);
  });

  it('remove keeps an application the plugin did not create', async () => {
    await local.client.applications.create({ name: 'shop', description: 'made in the console' });
    await dir.run(service(local, base), DEPLOY);
    const output = await dir.run(service(local, base), ['remove:remove']);
    expect(await accountContents(local.client)).toMatchObject({ applications: ['shop'], environments: ['dev'], functions: [] });
    expect(output.err).toMatch(/Removed service shop \(stage dev\): 3 functions/);
  });

  it('deploys into an explicit env- id as is, and refuses one that does not exist', async () => {
    const app = await local.client.applications.create({ name: 'console-app' });
    const env = await local.client.environments.create({ name: 'prod', applicationId: app.id });
    await dir.run(service(local, base, { environment: env.id }), DEPLOY);
    expect((await local.client.functions.list(env.id)).map((fn) => fn.name).sort()).toEqual(['hello', 'orders', 'report']);
    await expect(dir.run(service(local, base, { environment: 'env-00000000' }), DEPLOY)).rejects.toThrow(
      /env-00000000, which does not exist/,
    );
  });

  it('reconciles environment settings written in the file', async () => {
    await dir.run(service(local, base, { environment: { name: 'dev', providers: ['aws'] } }), DEPLOY);
    const before = local.platform.stats();
    const output = await dir.run(service(local, base, { environment: { name: 'dev', providers: ['gcp', 'azure'] } }), DEPLOY);
    expect(writesBetween(before, local.platform.stats())).toEqual({ 'PUT /functions/environment/{id}': 1 });
    expect(output.err).toMatch(/~ update environment dev \(env-\w+\): providers \["aws"\] → \["gcp","azure"\]/);
    expect((await local.client.environments.list())[0].providers).toEqual(['gcp', 'azure']);
  });

  it('reports a function the platform rejects, deploys the others, and converges when rerun', async () => {
    const broken = {
      ...base,
      orders: {
        ...base.orders,
        activeVersions: [
          { version: '$LATEST', percentage: 80 },
          { version: 2, percentage: 20 },
        ],
      },
    };
    const failure = dir.run(service(local, broken), DEPLOY);
    await expect(failure).rejects.toMatchObject({ code: 'SPOTINST_DEPLOY_INCOMPLETE' });
    await expect(failure).rejects.toThrow(
      /1 of 6 changes failed[\s\S]*✖ create function orders failed: .*version 2 does not exist[\s\S]*✔ create function hello/,
    );
    expect((await accountContents(local.client)).functions).toEqual(['hello', 'report']);

    await dir.run(service(local, base), DEPLOY);
    expect(await accountContents(local.client)).toMatchObject({ functions: ['hello', 'orders', 'report'], jobs: 2, patterns: 1 });
    const before = local.platform.stats();
    await dir.run(service(local, base), DEPLOY);
    expect(writesBetween(before, local.platform.stats())).toEqual({});
  });
});

describe('deploy against a failing API', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('converges without duplicates when calls fail, reset and get rate-limited', async () => {
    // Many small functions so that every kind of call meets faults.
    const functions: ServiceSpec['functions'] = {};
    for (let index = 0; index < 12; index += 1) {
      functions[`fn${index}`] = {
        runtime: 'nodejs8.3',
        handler: 'handler.main',
        files: helloFiles(`fn${index}`),
        ...(index % 2 === 0 ? { cron: { active: true, value: `${index} * * * *` } } : {}),
        ...(index % 3 === 0 ? { endpoint: { path: `/fn${index}`, method: 'post' } } : {}),
      };
    }
    const local = await startTestPlatform({ faults: 'rate=0.5,codes=500|502|503|429,reset=0.1,seed=7' });
    process.env.SPOTINST_TOKEN = local.platform.token;
    process.env.SPOTINST_ACCOUNT = local.platform.account;
    const dir = new ServiceDir();
    const spec: ServiceSpec = { service: 'flaky', spotinst: { apiUrl: local.platform.url }, functions };
    try {
      let runs = 0;
      for (;;) {
        runs += 1;
        try {
          await dir.run(spec, DEPLOY);
          break;
        } catch (error) {
          // every failure is a reported, partial one: never a crash
          expect((error as { code?: string }).code).toMatch(/^SPOTINST_/);
          if (runs >= 8) throw error;
        }
      }
      // the faults did hit creates: some were sent more than once, none was duplicated
      expect(local.platform.stats().requests['POST /functions/function']).toBeGreaterThan(12);
      // Read the outcome from the same data, served without faults.
      const clean = await restartTestPlatform(local);
      try {
        const [env] = await clean.client.environments.list();
        const deployed = await clean.client.functions.list(env.id);
        expect(deployed.map((fn) => fn.name).sort()).toEqual(Object.keys(functions).sort());
        const jobs = await clean.client.cronJobs.list();
        const patterns = await clean.client.patterns.list();
        const owner = (id: string) => deployed.find((fn) => fn.id === id)?.name;
        expect(jobs.map((job) => owner(job.resourceId)).sort()).toEqual(['fn0', 'fn10', 'fn2', 'fn4', 'fn6', 'fn8']);
        expect(patterns.map((pattern) => owner(pattern.functionId)).sort()).toEqual(['fn0', 'fn3', 'fn6', 'fn9']);
        expect((await clean.client.applications.list()).length).toBe(1);
      } finally {
        await stopTestPlatform(clean, false);
      }
    } finally {
      dir.cleanup();
      await stopTestPlatform(local);
    }
  });
});

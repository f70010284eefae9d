/** Finding where a service lives and reading what is deployed there, against spotinst-local. */
import { findPlacement, readEnvironment } from '../../../src/remote/placement';
import type { ServiceModel } from '../../../src/framework/service-model';
import { fixtureZip } from '../../fixtures/functions/build';
import { createEnvironment, startTestPlatform, stopTestPlatform, TestPlatform } from '../../helpers/platform';

let local: TestPlatform;
beforeAll(async () => {
  local = await startTestPlatform();
});
afterAll(() => stopTestPlatform(local));

function service(environment: ServiceModel['environment'], application = 'shop'): ServiceModel {
  return { service: 'shop', stage: 'dev', application, environment, prune: false, functions: [] };
}

describe('findPlacement', () => {
  it('reports what must be created when the application does not exist', async () => {
    const placement = await findPlacement(local.client, service({ kind: 'managed', name: 'dev' }, 'absent-app'));
    expect(placement).toEqual({ environmentAction: 'create', environmentChanges: [], managed: true });
  });

  it('finds an existing environment by application and stage name, and names setting changes', async () => {
    const application = await local.client.applications.create({ name: 'found-app' });
    const environment = await local.client.environments.create({
      name: 'prod',
      applicationId: application.id,
      providers: ['aws'],
      locations: ['us-east'],
      strategy: 'least-expensive',
    });
    const same = await findPlacement(local.client, service({ kind: 'managed', name: 'prod' }, 'found-app'));
    expect(same).toMatchObject({ environmentAction: 'keep', managed: true, environment: { id: environment.id } });

    const changed = await findPlacement(
      local.client,
      service({ kind: 'managed', name: 'prod', providers: ['aws', 'gcp'], strategy: 'location' }, 'found-app'),
    );
    expect(changed.environmentAction).toBe('update');
    expect(changed.environmentChanges).toEqual(['providers ["aws"] → ["aws","gcp"]', 'strategy least-expensive → location']);

    const otherStage = await findPlacement(local.client, service({ kind: 'managed', name: 'staging' }, 'found-app'));
    expect(otherStage).toMatchObject({ environmentAction: 'create', application: { id: application.id } });
  });

  it('uses an explicit environment id as is, and explains a missing one', async () => {
    const { environmentId } = await createEnvironment(local.client);
    await expect(findPlacement(local.client, service({ kind: 'id', id: environmentId }))).resolves.toMatchObject({
      environmentAction: 'use',
      managed: false,
      environment: { id: environmentId },
    });
    await expect(findPlacement(local.client, service({ kind: 'id', id: 'env-00000000' }))).rejects.toMatchObject({
      code: 'SPOTINST_ENVIRONMENT_NOT_FOUND',
      message: expect.stringContaining('provider.spotinst.environment is env-00000000'),
    });
  });
});

describe('readEnvironment', () => {
  it("reads the environment's functions, jobs, patterns and aliases, and nothing of other environments", async () => {
    const mine = await createEnvironment(local.client);
    const other = await createEnvironment(local.client);
    const source = (await fixtureZip('node')).toString('base64');
    const create = (environmentId: string, name: string) =>
      local.client.functions.create({
        environmentId,
        name,
        runtime: 'nodejs8.3',
        access: 'public',
        limits: { memory: 128, timeout: 30 },
        code: { handler: 'handler.main', source },
      });
    const fn = await create(mine.environmentId, 'hello');
    const foreign = await create(other.environmentId, 'hello');
    for (const [environmentId, owner] of [
      [mine.environmentId, fn.id],
      [other.environmentId, foreign.id],
    ]) {
      await local.client.cronJobs.create({
        environmentId,
        action: 'INVOKE_FUNCTION',
        resourceId: owner,
        isEnabled: false,
        cronExpression: '0 0 * * *',
      });
      await local.client.patterns.create({ environmentId, functionId: owner, pattern: '/hello', method: 'GET' });
    }
    await local.client.aliases.create({ host: 'mine.example.test', environmentId: mine.environmentId });
    await local.client.aliases.create({ host: 'other.example.test', environmentId: other.environmentId });

    const state = await readEnvironment(local.client, mine.environmentId, { [fn.id]: { handler: 'h.main', sha256: 'remembered' } });
    expect(state.functions.map((f) => f.id)).toEqual([fn.id]);
    expect(state.functions[0].runtime).toBe('nodejs8.3');
    expect(state.jobs.map((job) => job.resourceId)).toEqual([fn.id]);
    expect(state.patterns.map((pattern) => pattern.functionId)).toEqual([fn.id]);
    expect(state.aliases.map((alias) => alias.host)).toEqual(['mine.example.test']);
    expect(state.knownCode).toEqual({ [fn.id]: { handler: 'h.main', sha256: 'remembered' } });
  });
});

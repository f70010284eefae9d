/** Applying a plan against spotinst-local, where another deploy is writing too. */
import { applyPlan } from '../../../src/remote/apply';
import { AdaptiveLimiter } from '../../../src/remote/limiter';
import { emptyState, readEnvironment } from '../../../src/remote/placement';
import { planDeploy } from '../../../src/remote/plan';
import { sha256, type Artifact } from '../../../src/package/artifacts';
import { functionModel } from '../../helpers/command-context';
import { zipFiles } from '../../fixtures/functions/build';
import { createEnvironment, startTestPlatform, stopTestPlatform, type TestPlatform } from '../../helpers/platform';

let local: TestPlatform;
beforeEach(async () => {
  local = await startTestPlatform();
});
afterEach(() => stopTestPlatform(local));

const report = functionModel('report', { access: 'private', cron: { active: true, expression: '0 3 * * *' } });

async function artifactOf(): Promise<Artifact> {
  const bytes = await zipFiles({ 'handler.js': 'exports.main = async () => ({ statusCode: 200 });\n' });
  return { path: 'report.zip', sha256: sha256(bytes), size: bytes.length, bytes: () => Promise.resolve(bytes) };
}

it('leaves one cron job per function when another deploy created one after this one read the state', async () => {
  const { environmentId } = await createEnvironment(local.client);
  const artifact = await artifactOf();
  // this deploy read the environment while the function existed without a job…
  const fn = await local.client.functions.create({
    environmentId,
    name: 'report',
    runtime: 'nodejs8.3',
    access: 'private',
    limits: { memory: 128, timeout: 30 },
    environmentVariables: {},
    code: { handler: 'handler.main', source: (await artifact.bytes()).toString('base64') },
  });
  const actual = await readEnvironment(local.client, environmentId, {});
  const plan = planDeploy([{ model: report, code: { sha256: fn.code?.sha256 ?? artifact.sha256, size: artifact.size } }], actual, {
    force: false,
    prune: false,
  });
  expect(plan.jobs.map((job) => job.action)).toEqual(['create']);
  // …then a deploy from another checkout gave it one
  const theirs = await local.client.cronJobs.create({
    environmentId,
    action: 'INVOKE_FUNCTION',
    resourceId: fn.id,
    isEnabled: true,
    cronExpression: '0 3 * * *',
    config: { body: '', queryParams: [] },
  });

  const result = await applyPlan(plan, {
    client: local.client,
    environmentId,
    limiter: new AdaptiveLimiter(4),
    artifacts: new Map([['report', artifact]]),
    actual,
  });

  expect(result.results.filter((step) => step.outcome !== 'done')).toEqual([]);
  const jobs = await local.client.cronJobs.listByFunction(fn.id);
  expect(jobs.map((job) => job.id)).toEqual([theirs.id]);
  expect(result.state.jobs.map((job) => job.id)).toEqual([theirs.id]);
});

it('reports the state it wrote without reading it back', async () => {
  const { environmentId } = await createEnvironment(local.client);
  const artifact = await artifactOf();
  const plan = planDeploy([{ model: report, code: { sha256: artifact.sha256, size: artifact.size } }], emptyState(), {
    force: false,
    prune: false,
    alias: 'report.example.test',
  });
  const result = await applyPlan(plan, {
    client: local.client,
    environmentId,
    limiter: new AdaptiveLimiter(4),
    artifacts: new Map([['report', artifact]]),
    actual: emptyState(),
  });
  const read = await readEnvironment(local.client, environmentId, {});
  const ids = (state: {
    functions: Array<{ id: string }>;
    jobs: Array<{ id: string }>;
    patterns: Array<{ id: string }>;
    aliases: Array<{ id: string }>;
  }) => [state.functions, state.jobs, state.patterns, state.aliases].map((list) => list.map((item) => item.id).sort());
  expect(ids(result.state)).toEqual(ids(read));
  expect(result.state.functions[0]).toEqual(read.functions[0]);
});

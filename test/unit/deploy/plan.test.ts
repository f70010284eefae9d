import { planDeploy, summarize, isNoop, DesiredFunction } from '../../../src/deploy/plan';
import type { ActualState } from '../../../src/remote/state';
import type { FunctionModel } from '../../../src/framework/service-model';
import type { CronJob, Pattern, SpotinstFunction } from '../../../src/spec/wire';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

function model(name: string, extra: Partial<FunctionModel> = {}): FunctionModel {
  return {
    key: name,
    name,
    runtime: 'nodejs8.3',
    handler: 'handler.main',
    memory: 128,
    timeout: 30,
    access: 'private',
    environmentVariables: {},
    ...extra,
  };
}

function desired(name: string, extra: Partial<FunctionModel> = {}, sha = SHA_A): DesiredFunction {
  return { model: model(name, extra), codeSha256: sha, codeSize: 100 };
}

/** What the API would report after deploying `model(name)` with code `sha` (null: a server that reports no hash). */
function remote(name: string, extra: Partial<SpotinstFunction> = {}, sha: string | null = SHA_A): SpotinstFunction {
  return {
    id: `fx-${name}`,
    name,
    environmentId: 'env-1',
    runtime: 'nodejs8.3',
    access: 'private',
    limits: { memory: 128, timeout: 30 },
    latestVersion: 0,
    activeVersions: [{ version: '$LATEST', percentage: 100 }],
    url: `http://127.0.0.1/fn/env-1/fx-${name}`,
    environmentVariables: {},
    code: sha === null ? undefined : { handler: 'handler.main', sha256: sha, size: 100 },
    ...extra,
  };
}

function state(partial: Partial<ActualState>): ActualState {
  return { functions: [], jobs: [], patterns: [], aliases: [], knownCode: {}, ...partial };
}

const job = (fn: string, expression = '*/5 * * * *', id = `job-${fn}`): CronJob => ({
  id,
  environmentId: 'env-1',
  action: 'INVOKE_FUNCTION',
  resourceId: `fx-${fn}`,
  isEnabled: true,
  cronExpression: expression,
});

const pattern = (fn: string, path = '/hello', method: Pattern['method'] = 'GET', id = `pat-${fn}`): Pattern => ({
  id,
  environmentId: 'env-1',
  functionId: `fx-${fn}`,
  pattern: path,
  method,
});

const defaults = { force: false, prune: false };

describe('planDeploy: functions', () => {
  it('creates what is missing and uploads its code', () => {
    const plan = planDeploy([desired('hello')], state({}), defaults);
    expect(plan.functions).toEqual([expect.objectContaining({ action: 'create', name: 'hello', uploadCode: true })]);
    expect(isNoop(plan)).toBe(false);
  });

  it('keeps an unchanged function: no write, no upload', () => {
    const plan = planDeploy([desired('hello')], state({ functions: [remote('hello')] }), defaults);
    expect(plan.functions).toEqual([expect.objectContaining({ action: 'keep', uploadCode: false, changes: [] })]);
    expect(isNoop(plan)).toBe(true);
  });

  it('uploads code when the hash differs, and says so', () => {
    const plan = planDeploy([desired('hello', {}, SHA_B)], state({ functions: [remote('hello')] }), defaults);
    expect(plan.functions[0]).toMatchObject({ action: 'update', uploadCode: true, id: 'fx-hello' });
    expect(plan.functions[0].changes).toEqual([`code ${SHA_A.slice(0, 12)} → ${SHA_B.slice(0, 12)}`]);
  });

  it('updates configuration only when only configuration changed', () => {
    const plan = planDeploy(
      [desired('hello', { memory: 256, environmentVariables: { A: '1' } })],
      state({ functions: [remote('hello')] }),
      defaults,
    );
    expect(plan.functions[0]).toMatchObject({ action: 'update', uploadCode: false });
    expect(plan.functions[0].changes).toEqual(['memory 128 → 256', 'environmentVariables {} → {"A":"1"}']);
  });

  it('compares runtimes in the wire form, so nodejs83 equals nodejs8.3', () => {
    const plan = planDeploy([desired('hello')], state({ functions: [remote('hello', { runtime: 'nodejs83' })] }), defaults);
    expect(plan.functions[0].action).toBe('keep');
  });

  it('uses the remembered hash when the server does not report one', () => {
    const functions = [remote('hello', {}, null)];
    expect(
      planDeploy([desired('hello')], state({ functions, knownCode: { 'fx-hello': { handler: 'handler.main', sha256: SHA_A } } }), defaults)
        .functions[0].action,
    ).toBe('keep');
    const unknown = planDeploy([desired('hello')], state({ functions }), defaults).functions[0];
    expect(unknown).toMatchObject({ action: 'update', uploadCode: true, changes: ['code (remote hash unknown)'] });
  });

  it('uploads the code when only the handler changed, since the handler travels with it', () => {
    const plan = planDeploy([desired('hello', { handler: 'other.main' })], state({ functions: [remote('hello')] }), defaults);
    expect(plan.functions[0]).toMatchObject({ action: 'update', uploadCode: true, changes: ['handler handler.main → other.main'] });
  });

  it('compares the remembered handler when the server reports no code at all', () => {
    const functions = [remote('hello', {}, null)];
    const knownCode = { 'fx-hello': { handler: 'old.main', sha256: SHA_A } };
    const plan = planDeploy([desired('hello')], state({ functions, knownCode }), defaults);
    expect(plan.functions[0]).toMatchObject({ action: 'update', uploadCode: true, changes: ['handler old.main → handler.main'] });
  });

  it('configuration only (deploy function --update-config) leaves code and handler as deployed', () => {
    const functions = [remote('hello')];
    const changed = planDeploy([desired('hello', { handler: 'other.main', memory: 256 }, SHA_B)], state({ functions }), {
      ...defaults,
      configurationOnly: true,
    });
    expect(changed.functions[0]).toMatchObject({ action: 'update', uploadCode: false, changes: ['memory 128 → 256'] });
    const same = planDeploy([desired('hello', { handler: 'other.main' }, SHA_B)], state({ functions }), {
      ...defaults,
      configurationOnly: true,
    });
    expect(same.functions[0]).toMatchObject({ action: 'keep', uploadCode: false, changes: [] });
  });

  it('--force updates and uploads everything', () => {
    const plan = planDeploy([desired('hello')], state({ functions: [remote('hello')] }), { ...defaults, force: true });
    expect(plan.functions[0]).toMatchObject({ action: 'update', uploadCode: true, changes: ['forced'] });
  });

  it('leaves functions that are not in the file unless pruning', () => {
    const actual = state({ functions: [remote('hello'), remote('old')] });
    expect(planDeploy([desired('hello')], actual, defaults).functions[1]).toMatchObject({ action: 'leave', name: 'old' });
    expect(planDeploy([desired('hello')], actual, { ...defaults, prune: true }).functions[1]).toMatchObject({
      action: 'delete',
      id: 'fx-old',
    });
  });
});

describe('planDeploy: cron jobs and patterns', () => {
  const cron = { active: true, expression: '*/5 * * * *' };
  const endpoint = { path: '/hello', method: 'GET' as const };

  it('creates triggers with a new function and keeps unchanged ones', () => {
    const created = planDeploy([desired('hello', { cron, endpoint })], state({}), defaults);
    expect(created.jobs).toEqual([{ action: 'create', functionName: 'hello', wanted: cron, changes: [] }]);
    expect(created.patterns).toEqual([{ action: 'create', functionName: 'hello', wanted: endpoint, changes: [] }]);

    const kept = planDeploy(
      [desired('hello', { cron, endpoint })],
      state({ functions: [remote('hello')], jobs: [job('hello')], patterns: [pattern('hello')] }),
      defaults,
    );
    expect(isNoop(kept)).toBe(true);
    expect(summarize(kept)).toMatchObject({ keep: 3, create: 0, update: 0, delete: 0 });
  });

  it('updates only the job whose expression changed', () => {
    const plan = planDeploy(
      [desired('hello', { cron: { active: true, expression: '0 * * * *' } }), desired('other', { cron })],
      state({ functions: [remote('hello'), remote('other')], jobs: [job('hello'), job('other')] }),
      defaults,
    );
    expect(plan.functions.map((step) => step.action)).toEqual(['keep', 'keep']);
    expect(plan.jobs).toEqual([
      expect.objectContaining({ action: 'update', id: 'job-hello', changes: ['expression */5 * * * * → 0 * * * *'] }),
      expect.objectContaining({ action: 'keep', id: 'job-other' }),
    ]);
  });

  it('deletes triggers removed from the file, and duplicates', () => {
    const plan = planDeploy(
      [desired('hello', { endpoint: { path: '/v2', method: 'POST' } })],
      state({
        functions: [remote('hello')],
        jobs: [job('hello')],
        patterns: [pattern('hello'), pattern('hello', '/hello', 'GET', 'pat-dup')],
      }),
      defaults,
    );
    expect(plan.jobs).toEqual([expect.objectContaining({ action: 'delete', id: 'job-hello' })]);
    expect(plan.patterns).toEqual([
      expect.objectContaining({ action: 'update', id: 'pat-hello', changes: ['path /hello → /v2', 'method GET → POST'] }),
      expect.objectContaining({ action: 'delete', id: 'pat-dup', changes: ['duplicate endpoint'] }),
    ]);
  });

  it('deletes the triggers of pruned functions, and leaves those of functions left alone', () => {
    const actual = state({ functions: [remote('old')], jobs: [job('old')], patterns: [pattern('old')] });
    const pruned = planDeploy([], actual, { ...defaults, prune: true });
    expect(pruned.jobs).toEqual([expect.objectContaining({ action: 'delete', id: 'job-old', functionName: 'old' })]);
    expect(pruned.patterns).toEqual([expect.objectContaining({ action: 'delete', id: 'pat-old' })]);
    const left = planDeploy([], actual, defaults);
    expect(left.jobs).toEqual([]);
    expect(left.patterns).toEqual([]);
  });

  it('creates the alias once', () => {
    expect(planDeploy([], state({}), { ...defaults, alias: 'api.example.com' }).alias).toEqual({
      action: 'create',
      host: 'api.example.com',
    });
    const existing = state({ aliases: [{ id: 'al-1', host: 'api.example.com', environmentId: 'env-1' }] });
    expect(planDeploy([], existing, { ...defaults, alias: 'api.example.com' }).alias).toEqual({
      action: 'keep',
      host: 'api.example.com',
      id: 'al-1',
    });
  });
});

import { planDeploy, summarize, isNoop, type DesiredFunction, type FunctionStep } from '../../../src/remote/plan';
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
  return { model: model(name, extra), code: { sha256: sha, size: 100 } };
}

/** The same, without code: configuration only (`deploy function --update-config`). */
function configuration(name: string, extra: Partial<FunctionModel> = {}): DesiredFunction {
  return { model: model(name, extra) };
}

/** Whether applying the step uploads code. */
function uploads(step: FunctionStep): boolean {
  return step.action === 'create' || (step.action === 'update' && step.desired.code !== undefined);
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
  it('creates what is missing, carrying the function and its code', () => {
    const wanted = desired('hello');
    const plan = planDeploy([wanted], state({}), defaults);
    expect(plan.functions).toEqual([{ kind: 'function', action: 'create', name: 'hello', desired: wanted, changes: [] }]);
    expect(isNoop(plan)).toBe(false);
  });

  it('keeps an unchanged function: no write, no upload', () => {
    const plan = planDeploy([desired('hello')], state({ functions: [remote('hello')] }), defaults);
    expect(plan.functions).toEqual([{ kind: 'function', action: 'keep', name: 'hello', id: 'fx-hello', changes: [] }]);
    expect(isNoop(plan)).toBe(true);
  });

  it('uploads code when the hash differs, and says so', () => {
    const plan = planDeploy([desired('hello', {}, SHA_B)], state({ functions: [remote('hello')] }), defaults);
    expect(plan.functions[0]).toMatchObject({ action: 'update', id: 'fx-hello', desired: { code: { sha256: SHA_B } } });
    expect(plan.functions[0].changes).toEqual([`code ${SHA_A.slice(0, 12)} → ${SHA_B.slice(0, 12)}`]);
  });

  it('updates configuration only when only configuration changed', () => {
    const plan = planDeploy(
      [desired('hello', { memory: 256, environmentVariables: { A: '1' } })],
      state({ functions: [remote('hello')] }),
      defaults,
    );
    expect(plan.functions[0]).toMatchObject({ action: 'update', id: 'fx-hello' });
    expect(uploads(plan.functions[0])).toBe(false);
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
    expect(unknown).toMatchObject({ action: 'update', changes: ['code (remote hash unknown)'] });
    expect(uploads(unknown)).toBe(true);
  });

  it('uploads the code when only the handler changed, since the handler travels with it', () => {
    const plan = planDeploy([desired('hello', { handler: 'other.main' })], state({ functions: [remote('hello')] }), defaults);
    expect(plan.functions[0]).toMatchObject({ action: 'update', changes: ['handler handler.main → other.main'] });
    expect(uploads(plan.functions[0])).toBe(true);
  });

  it('compares the remembered handler when the server reports no code at all', () => {
    const functions = [remote('hello', {}, null)];
    const knownCode = { 'fx-hello': { handler: 'old.main', sha256: SHA_A } };
    const plan = planDeploy([desired('hello')], state({ functions, knownCode }), defaults);
    expect(plan.functions[0]).toMatchObject({ action: 'update', changes: ['handler old.main → handler.main'] });
    expect(uploads(plan.functions[0])).toBe(true);
  });

  it('configuration only (deploy function --update-config) leaves code and handler as deployed', () => {
    const functions = [remote('hello')];
    const changed = planDeploy([configuration('hello', { handler: 'other.main', memory: 256 })], state({ functions }), defaults);
    expect(changed.functions[0]).toMatchObject({ action: 'update', changes: ['memory 128 → 256'] });
    expect(uploads(changed.functions[0])).toBe(false);
    const same = planDeploy([configuration('hello', { handler: 'other.main' })], state({ functions }), defaults);
    expect(same.functions[0]).toMatchObject({ action: 'keep', changes: [] });
    const forced = planDeploy([configuration('hello')], state({ functions }), { ...defaults, force: true });
    expect(forced.functions[0]).toMatchObject({ action: 'update', changes: ['forced'] });
    expect(uploads(forced.functions[0])).toBe(false);
  });

  it('--force updates and uploads everything', () => {
    const plan = planDeploy([desired('hello')], state({ functions: [remote('hello')] }), { ...defaults, force: true });
    expect(plan.functions[0]).toMatchObject({ action: 'update', changes: ['forced'] });
    expect(uploads(plan.functions[0])).toBe(true);
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
    expect(created.jobs).toEqual([{ kind: 'cron', action: 'create', name: 'hello', desired: cron, changes: [] }]);
    expect(created.patterns).toEqual([{ kind: 'endpoint', action: 'create', name: 'hello', desired: endpoint, changes: [] }]);

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
    expect(pruned.jobs).toEqual([expect.objectContaining({ action: 'delete', id: 'job-old', name: 'old' })]);
    expect(pruned.patterns).toEqual([expect.objectContaining({ action: 'delete', id: 'pat-old' })]);
    const left = planDeploy([], actual, defaults);
    expect(left.jobs).toEqual([]);
    expect(left.patterns).toEqual([]);
  });

  it('creates the alias once', () => {
    expect(planDeploy([], state({}), { ...defaults, alias: 'api.example.com' }).alias).toEqual({
      kind: 'alias',
      action: 'create',
      name: 'api.example.com',
      desired: 'api.example.com',
      changes: [],
    });
    const existing = state({ aliases: [{ id: 'al-1', host: 'api.example.com', environmentId: 'env-1' }] });
    expect(planDeploy([], existing, { ...defaults, alias: 'api.example.com' }).alias).toEqual({
      kind: 'alias',
      action: 'keep',
      name: 'api.example.com',
      id: 'al-1',
      changes: [],
    });
  });
});

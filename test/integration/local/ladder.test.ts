/**
 * The invocation ladder's pool level and the log service's ordering, with stand-ins for the
 * levels around them (runners that start no process, a log store that holds an append).
 */
import fs from 'node:fs';
import { WorkerPools } from '../../../src/local/invocation/worker-pools';
import type { InvocationLog } from '../../../src/local/records';
import { LogService } from '../../../src/local/services';
import type { InvocationLogStore } from '../../../src/local/store';
import { openDatabase } from '../../../src/local/store/sql/database';
import { SqlLogStore } from '../../../src/local/store/sql/log-store';
import { SqlPlatformStore } from '../../../src/local/store/sql/platform-store';
import type { InvocationInfo, RunnerOptions } from '../../../src/runtimes';
import { StandInRunner } from '../../helpers/stand-in-runner';
import { pollUntil } from '../../helpers/poll';
import { tempDir } from '../../helpers/platform';

const info = (requestId: string): InvocationInfo => ({
  requestId,
  functionId: 'fx-1',
  functionName: 'f',
  environmentId: 'env-1',
  version: 0,
});

const options = (overrides: Partial<RunnerOptions> = {}): RunnerOptions => ({
  family: 'nodejs',
  codeDir: '/code/sha-a',
  handler: 'handler.main',
  env: { A: '1' },
  memoryMb: 128,
  timeoutS: 30,
  ...overrides,
});

describe('worker pools', () => {
  let made: StandInRunner[];
  let pools: WorkerPools;

  beforeEach(() => {
    made = [];
    pools = new WorkerPools({
      idleWorkerMs: 60000,
      maxWorkersPerVersion: 2,
      createRunner: (runnerOptions) => {
        const runner = new StandInRunner(runnerOptions);
        made.push(runner);
        return runner;
      },
    });
  });

  afterEach(() => pools.close());

  test('a version keeps its warm runner; a change of what shapes the process gets a new pool', async () => {
    const owner = { functionId: 'fx-1', version: 0 };
    const first = pools.pool(owner, options()).invoke({}, info('a'));
    made[0].answer();
    await first;
    const again = pools.pool(owner, options({ getDocument: () => Promise.resolve(1) })).invoke({}, info('b'));
    expect(made).toHaveLength(1); // the document reader does not shape the process
    made[0].answer();
    await again;
    for (const changed of [options({ env: { A: '2' } }), options({ memoryMb: 256 }), options({ handler: 'other.main' })]) {
      const call = pools.pool(owner, changed).invoke({}, info('c'));
      made[made.length - 1].answer();
      await call;
    }
    expect(made).toHaveLength(4);
    expect(made.slice(1).map((runner) => [runner.options.env.A, runner.options.memoryMb, runner.options.handler])).toEqual([
      ['2', 128, 'handler.main'],
      ['1', 256, 'handler.main'],
      ['1', 128, 'other.main'],
    ]);
  });

  test('concurrent calls get runners up to the cap, then queue on them in turn', async () => {
    const pool = pools.pool({ functionId: 'fx-1', version: 0 }, options());
    const calls = ['a', 'b', 'c', 'd'].map((id) => pool.invoke({}, info(id)));
    expect(made).toHaveLength(2);
    for (const runner of made) {
      runner.answer();
      runner.answer();
    }
    expect((await Promise.all(calls)).map((outcome) => outcome.result)).toEqual(['a', 'b', 'c', 'd']);
  });

  test('deleting a function stops the runners of its versions only', async () => {
    const calls = [
      pools.pool({ functionId: 'fx-1', version: 0 }, options()).invoke({}, info('a')),
      pools.pool({ functionId: 'fx-1', version: 1 }, options({ codeDir: '/code/sha-b' })).invoke({}, info('b')),
      pools.pool({ functionId: 'fx-10', version: 0 }, options()).invoke({}, info('c')),
    ];
    for (const runner of made) runner.answer();
    await Promise.all(calls);
    await pools.disposeFunction('fx-1');
    expect(made.map((runner) => runner.disposed)).toEqual([true, true, false]);
  });
});

describe('the log service', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Logs in memory whose appends wait until released: the slow disk of a race. */
  function heldLogs(): { logs: InvocationLogStore; entries: Map<string, InvocationLog[]>; release(): void; started(): number } {
    const entries = new Map<string, InvocationLog[]>();
    let release = (): void => undefined;
    let started = 0;
    const held = new Promise<void>((resolve) => (release = resolve));
    const logs: InvocationLogStore = {
      append: async (functionId, entry) => {
        started += 1;
        await held;
        entries.set(functionId, [...(entries.get(functionId) ?? []), entry]);
      },
      window: (functionId) => Promise.resolve(entries.get(functionId) ?? []),
      summaries: () => Promise.resolve([]),
      recent: () => Promise.resolve([]),
      invocation: () => Promise.resolve(undefined),
      remove: (functionId) => Promise.resolve(void entries.delete(functionId)),
      reset: () => Promise.resolve(entries.clear()),
      close: () => Promise.resolve(),
    };
    return { logs, entries, release, started: () => started };
  }

  async function storeWithFunction(): Promise<SqlPlatformStore> {
    const dir = tempDir('spotinst-logs-');
    dirs.push(dir);
    const store = new SqlPlatformStore(await openDatabase({ dataDir: dir }), 'test-node', true);
    await store.transaction(async (tx) => {
      await tx.putApplication({ id: 'app-1', name: 'a' });
      await tx.putEnvironment({
        id: 'env-1',
        name: 'e',
        applicationId: 'app-1',
        providers: ['aws'],
        locations: ['us-east'],
        strategy: 'least-expensive',
        createdAt: '',
        updatedAt: '',
      });
      await tx.putFunction({
        id: 'fx-1',
        name: 'f',
        environmentId: 'env-1',
        runtime: 'nodejs83',
        access: 'public',
        limits: { memory: 128, timeout: 30 },
        environmentVariables: {},
        activeVersions: [{ version: '$LATEST', percentage: 100 }],
        latestVersion: 0,
        versions: [{ version: 0, handler: 'handler.main', sha256: 'sha', size: 1, createdAt: '' }],
        createdAt: '',
        updatedAt: '',
      });
    });
    return store;
  }

  test('a function deleted while its invocation was being logged keeps no log', async () => {
    const store = await storeWithFunction();
    const { logs, entries, release } = heldLogs();
    const service = new LogService(store, logs);
    const recording = service.record('fx-1', { invocationId: 'during', content: [], startedAt: 1 });
    // the delete of the function, as the function service does it, while the append waits for the disk
    await new Promise((resolve) => setImmediate(resolve));
    await store.transaction((tx) => tx.deleteFunction('fx-1'));
    const forgetting = service.forget('fx-1');
    release();
    await Promise.all([recording, forgetting]);
    expect(entries.get('fx-1')).toBeUndefined();
    await service.record('fx-1', { invocationId: 'after', content: [], startedAt: 2 });
    expect(entries.get('fx-1')).toBeUndefined();
  });

  test('records of one busy function are appended side by side, and a forget still waits for them all', async () => {
    const store = await storeWithFunction();
    const { logs, entries, release, started } = heldLogs();
    const service = new LogService(store, logs);
    const recording = [1, 2, 3].map((n) => service.record('fx-1', { invocationId: `r${n}`, content: [], startedAt: n }));
    // one after another, the second would wait for the disk to take the first
    await pollUntil(() => started() === 3, { what: 'the three appends to be in flight together' });
    await store.transaction((tx) => tx.deleteFunction('fx-1'));
    const forgetting = service.forget('fx-1');
    release();
    await Promise.all([...recording, forgetting]);
    expect(entries.get('fx-1')).toBeUndefined();
  });

  test('a window is of an existing function, the last hour by default, and never runs backwards', async () => {
    const store = await storeWithFunction();
    const dir = tempDir('spotinst-logs-');
    dirs.push(dir);
    const service = new LogService(
      store,
      new SqlLogStore(await openDatabase({ dataDir: dir }), { maxBytesPerFunction: 1024 * 1024 }, true),
    );
    await expect(service.window('fx-9')).rejects.toMatchObject({ status: 404 });
    await expect(service.window('fx-1', 10, 5)).rejects.toMatchObject({ status: 400, items: [{ field: 'from' }] });
    const now = Date.now();
    await service.record('fx-1', { invocationId: 'two-hours-ago', content: [], startedAt: now - 2 * 60 * 60 * 1000 });
    await service.record('fx-1', { invocationId: 'recent', content: [], startedAt: now - 1000 });
    expect((await service.window('fx-1')).map((entry) => entry.invocationId)).toEqual(['recent']);
    expect((await service.window('fx-1', 0)).map((entry) => entry.invocationId)).toEqual(['two-hours-ago', 'recent']);
  });
});

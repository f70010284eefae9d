/**
 * The platform-wide worker budget at the pool level, with stand-in runners that start no
 * process and answer when told to: which idle worker makes room, the order in which waiting
 * calls get a worker, the timeout of a wait, the memory budget. The same rules with real
 * workers over HTTP: worker-budget-platform.test.ts.
 */
import {
  WorkerBudgetExhaustedError,
  checkWorkerBudget,
  defaultMaxWorkers,
  parseMemorySize,
} from '../../../src/local/invocation/worker-budget';
import { WorkerPools, type WorkerPoolsOptions } from '../../../src/local/invocation/worker-pools';
import type { InvocationInfo, InvocationOutcome, RunnerOptions } from '../../../src/runtimes';
import { StandInRunner } from '../../helpers/stand-in-runner';

const info = (requestId: string): InvocationInfo => ({
  requestId,
  functionId: 'fx',
  functionName: 'f',
  environmentId: 'env-1',
  version: 0,
});

/** Lets promise callbacks run: a settled call has settled by then. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Whether a promise has settled yet, without waiting for it. */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  return { promise, settled: () => done };
}

describe('the worker budget', () => {
  let made: StandInRunner[];
  let pools: WorkerPools;

  function start(options: Partial<WorkerPoolsOptions>): void {
    pools = new WorkerPools({
      idleWorkerMs: 60000,
      maxWorkersPerVersion: 4,
      queueTimeoutMs: 60000,
      createRunner: (runnerOptions) => {
        const runner = new StandInRunner(runnerOptions);
        made.push(runner);
        return runner;
      },
      ...options,
    });
  }

  /** A call to function `fn` (each function has a pool of its own). */
  function call(fn: string, id: string): Promise<InvocationOutcome> {
    const options: RunnerOptions = {
      family: 'nodejs',
      codeDir: `/code/${fn}`,
      handler: 'h.main',
      env: { FN: fn },
      memoryMb: 128,
      timeoutS: 30,
    };
    return pools.pool({ functionId: fn, version: 0 }, options).invoke({}, info(id));
  }

  const runnerOf = (fn: string): StandInRunner[] => made.filter((runner) => runner.functionId === fn && !runner.disposed);

  beforeEach(() => {
    made = [];
  });

  afterEach(() => pools.close());

  test('a new worker over the budget stops the least recently used idle worker of another function', async () => {
    start({ maxWorkers: 3 });
    for (const fn of ['a', 'b', 'c']) {
      const done = call(fn, fn);
      runnerOf(fn)[0].answer();
      await done;
    }
    // a is used again: b is now the least recently used
    const again = call('a', 'a2');
    runnerOf('a')[0].answer();
    await again;
    const d = call('d', 'd');
    expect(made.filter((runner) => runner.disposed).map((runner) => runner.functionId)).toEqual(['b']);
    expect(pools.usage()).toMatchObject({ workers: 3, busy: 1, queued: 0 });
    runnerOf('d')[0].answer();
    await d;
  });

  test('when every worker is busy, calls wait in arrival order and take the freed worker or its place', async () => {
    start({ maxWorkers: 2 });
    const a = call('a', 'a1');
    const b = call('b', 'b1');
    const waiting = [tracked(call('c', 'c1')), tracked(call('a', 'a2')), tracked(call('d', 'd1'))];
    expect(made).toHaveLength(2);
    expect(pools.usage()).toMatchObject({ workers: 2, busy: 2, queued: 3 });

    // b's worker frees first: the oldest waiting call (c) takes its place, and b's worker is stopped
    runnerOf('b')[0].answer();
    await b;
    await settle();
    expect(made.map((runner) => [runner.functionId, runner.disposed])).toEqual([
      ['a', false],
      ['b', true],
      ['c', false],
    ]);
    expect(pools.usage()).toMatchObject({ workers: 2, busy: 2, queued: 2 });

    // a's worker frees: the next waiting call is a's own, which runs on that very worker
    runnerOf('a')[0].answer();
    await a;
    await settle();
    expect(runnerOf('a')[0].ran).toEqual(['a1', 'a2']);
    expect(made).toHaveLength(3);
    expect(waiting.map((call) => call.settled())).toEqual([false, false, false]);

    runnerOf('c')[0].answer();
    runnerOf('a')[0].answer();
    await settle();
    runnerOf('d')[0].answer();
    expect(await Promise.all(waiting.map((call) => call.promise.then((outcome) => outcome.result)))).toEqual(['c1', 'a2', 'd1']);
    expect(pools.usage()).toMatchObject({ workers: 2, busy: 0, queued: 0 });
  });

  test('a call that waits longer than the queue timeout gets WorkerBudgetExhaustedError; the busy worker is untouched', async () => {
    start({ maxWorkers: 1, queueTimeoutMs: 50 });
    const a = call('a', 'a1');
    const error = await call('b', 'b1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkerBudgetExhaustedError);
    expect((error as Error).message).toMatch(
      /all 1 warm workers are busy \(--max-workers 1\).*within 50 ms \(--queue-timeout-ms\).*larger --max-workers/,
    );
    expect(made.map((runner) => [runner.functionId, runner.disposed])).toEqual([['a', false]]);
    runnerOf('a')[0].answer();
    expect((await a).result).toBe('a1');
    // nothing else failed: the next call gets a worker
    const b = call('b', 'b2');
    runnerOf('b')[0].answer();
    expect((await b).result).toBe('b2');
  });

  test('a queue timeout of 0 refuses at once when the budget is spent', async () => {
    start({ maxWorkers: 1, queueTimeoutMs: 0 });
    const a = call('a', 'a1');
    await expect(call('b', 'b1')).rejects.toBeInstanceOf(WorkerBudgetExhaustedError);
    runnerOf('a')[0].answer();
    await a;
  });

  test('calls to a version at its own cap queue on its workers, not on the budget', async () => {
    start({ maxWorkers: 10, maxWorkersPerVersion: 1, queueTimeoutMs: 0 });
    const calls = ['a1', 'a2'].map((id) => call('a', id));
    expect(made).toHaveLength(1);
    runnerOf('a')[0].answer();
    await settle();
    runnerOf('a')[0].answer();
    expect((await Promise.all(calls)).map((outcome) => outcome.result)).toEqual(['a1', 'a2']);
  });

  test('the memory budget stops idle workers until the next one fits, counting one not read yet as the average', async () => {
    start({ maxWorkers: 10, maxWorkerMemoryMb: 150 });
    for (const fn of ['a', 'b', 'c']) {
      const done = call(fn, fn);
      runnerOf(fn)[0].answer();
      await done;
      // c's worker is not read yet
      if (fn !== 'c') runnerOf(fn)[0].residentMb = 40;
    }
    expect(made.filter((runner) => runner.disposed)).toHaveLength(0);
    // 40 + 40 + c counted as the average 40 = 120, and 40 more for d: over 150, so a (least recently used) makes room
    const d = call('d', 'd');
    expect(made.map((runner) => [runner.functionId, runner.disposed])).toEqual([
      ['a', true],
      ['b', false],
      ['c', false],
      ['d', false],
    ]);
    for (const fn of ['b', 'c', 'd']) runnerOf(fn)[0].residentMb = 30;
    // 90 held + 30 expected fits the 150 MB: no one is stopped
    const e = call('e', 'e');
    expect(made.filter((runner) => runner.disposed)).toHaveLength(1);
    for (const fn of ['d', 'e']) runnerOf(fn)[0].answer();
    await Promise.all([d, e]);
    expect(pools.usage()).toMatchObject({ workers: 4, residentMb: 90, maxWorkerMemoryMb: 150 });
  });

  test('the memory budget makes a call wait when the workers holding it are busy', async () => {
    start({ maxWorkers: 10, maxWorkerMemoryMb: 100, queueTimeoutMs: 50 });
    const a = call('a', 'a');
    runnerOf('a')[0].residentMb = 80;
    await expect(call('b', 'b')).rejects.toThrow(/holding 80 MB of the 100 MB allowed \(--max-worker-memory\)/);
    runnerOf('a')[0].answer();
    await a;
  });

  test('a call that arrives while others wait goes behind them, even when room appeared meanwhile', async () => {
    start({ maxWorkers: 10, maxWorkerMemoryMb: 100 });
    const a = call('a', 'a');
    runnerOf('a')[0].residentMb = 80;
    const b = call('b', 'b');
    // a's memory falls while it runs: room, but b was first
    runnerOf('a')[0].residentMb = 10;
    const c = call('c', 'c');
    expect(made.map((runner) => runner.functionId)).toEqual(['a']);
    runnerOf('a')[0].answer();
    await a;
    await settle();
    expect(made.map((runner) => runner.functionId)).toEqual(['a', 'b', 'c']);
    for (const fn of ['b', 'c']) runnerOf(fn)[0].answer();
    await Promise.all([b, c]);
  });

  test('a call waiting for a deleted function is refused, and its place goes to the next one', async () => {
    start({ maxWorkers: 1 });
    const a = call('a', 'a1');
    const b = call('b', 'b1');
    const c = tracked(call('c', 'c1'));
    await pools.disposeFunction('b');
    await expect(b).rejects.toThrow(/deleted/);
    expect(c.settled()).toBe(false);
    runnerOf('a')[0].answer();
    await a;
    await settle();
    runnerOf('c')[0].answer();
    expect((await c.promise).result).toBe('c1');
  });
});

describe('budget options', () => {
  test('the default number of workers is half the memory over 64 MB, within 4 and 1,024', () => {
    const gib = 1024 ** 3;
    expect([1, 2, 8, 24, 1024].map((size) => defaultMaxWorkers(size * gib))).toEqual([8, 16, 64, 192, 1024]);
    expect(defaultMaxWorkers(0.25 * gib)).toBe(4);
  });

  test('memory sizes in MB or GB', () => {
    expect(['512', '512MB', '512m', '1.5GB', '2g', ' 64 Mb '].map(parseMemorySize)).toEqual([512, 512, 512, 1536, 2048, 64]);
    expect(['', '0', '-1GB', '2TB', 'lots', '1e3'].map(parseMemorySize)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  test('an unusable option is refused naming it and its value', () => {
    expect(() => checkWorkerBudget({ maxWorkers: 0 })).toThrow('maxWorkers must be a whole number of at least 1, not 0');
    expect(() => checkWorkerBudget({ maxWorkers: 2.5 })).toThrow(/maxWorkers .* not 2.5/);
    expect(() => checkWorkerBudget({ maxWorkerMemoryMb: -5 })).toThrow(/maxWorkerMemoryMb .* not -5/);
    expect(() => checkWorkerBudget({ queueTimeoutMs: Number.NaN })).toThrow(/queueTimeoutMs .* not NaN/);
    expect(() => checkWorkerBudget({ maxWorkers: 1, maxWorkerMemoryMb: 1, queueTimeoutMs: 0 })).not.toThrow();
  });
});

/**
 * The worker budget of a running spotinst-local, with real node workers over HTTP: which
 * worker process is stopped to make room (by process id), a call that waits for a busy
 * worker, the 429 after the queue timeout, the memory budget. Busy functions wait for a
 * file the test creates: nothing here sleeps for "long enough".
 */
import fs from 'node:fs';
import path from 'node:path';
import axios, { type AxiosResponse } from 'axios';
import type { FunctionRecord } from '../../../src/api';
import type { LocalPlatformOptions } from '../../../src/local';
import { zipFiles } from '../../fixtures/functions/build';
import { pollUntil } from '../../helpers/poll';
import { alive } from '../../helpers/processes';
import { createEnvironment, startTestPlatform, stopTestPlatform, tempDir, type TestPlatform } from '../../helpers/platform';

/** Answers with its process id; with `?gate=<file>` it first says it started, then waits until the file exists. */
const HANDLER = `
const fs = require('node:fs');
exports.main = async (event) => {
  const startedAt = Date.now();
  const gate = event.query.gate;
  if (gate) {
    fs.writeFileSync(gate + '.started', '');
    while (!fs.existsSync(gate)) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { statusCode: 200, body: JSON.stringify({ pid: process.pid, startedAt, finishedAt: Date.now() }) };
};
`;

interface Reply {
  pid: number;
  startedAt: number;
  finishedAt: number;
}

const http = axios.create({ validateStatus: () => true, transitional: { silentJSONParsing: true, forcedJSONParsing: false } });

let gates: string;
let source: string;

beforeAll(async () => {
  gates = tempDir('spotinst-budget-gates-');
  source = (await zipFiles({ 'handler.js': HANDLER })).toString('base64');
});

afterAll(() => fs.rmSync(gates, { recursive: true, force: true }));

function reply(response: AxiosResponse<string>): Reply {
  expect(response.status).toBe(200);
  return JSON.parse(response.data) as Reply;
}

/** A file a busy function waits for: `open()` lets it finish. */
function gate(name: string): { file: string; started: () => Promise<unknown>; open: () => void } {
  const file = path.join(gates, name);
  return {
    file,
    started: () => pollUntil(() => fs.existsSync(`${file}.started`), { what: `the function behind gate ${name} to start` }),
    open: () => fs.writeFileSync(file, ''),
  };
}

/** Whether a promise has settled yet, without waiting for it. */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  return { promise, settled: () => done };
}

/** A platform with these budget options and `count` functions running HANDLER. */
function usePlatform(
  options: LocalPlatformOptions | (() => LocalPlatformOptions),
  count: number,
): { local: TestPlatform; fns: FunctionRecord[] } {
  const context = { fns: [] as FunctionRecord[] } as { local: TestPlatform; fns: FunctionRecord[] };
  beforeAll(async () => {
    context.local = await startTestPlatform(typeof options === 'function' ? options() : options);
    const { environmentId } = await createEnvironment(context.local.client);
    for (let i = 0; i < count; i += 1) {
      context.fns.push(
        await context.local.client.functions.create({
          environmentId,
          name: `fn${i}`,
          runtime: 'nodejs8.3',
          access: 'public',
          limits: { memory: 128, timeout: 30 },
          code: { handler: 'handler.main', source },
        }),
      );
    }
  });
  afterAll(() => stopTestPlatform(context.local));
  return context;
}

const get = (fn: FunctionRecord, gateFile?: string): Promise<AxiosResponse<string>> =>
  http.get<string>(fn.url, { params: gateFile ? { gate: gateFile } : {} });

/** A node worker's resident memory here, measured in the first group, for the memory budget of the last. */
let nodeWorkerMb = 0;

describe('--max-workers 2', () => {
  const context = usePlatform({ maxWorkers: 2 }, 3);

  test('a new worker over the budget stops the least recently used idle worker of another function', async () => {
    const [f0, f1, f2] = context.fns;
    const pid0 = reply(await get(f0)).pid;
    const pid1 = reply(await get(f1)).pid;
    expect(reply(await get(f0)).pid).toBe(pid0); // f1 is now the least recently used
    const usage = await pollUntil(
      () => {
        const now = context.local.platform.workers();
        return now.residentMb > 0 && now.workers === 2 ? now : undefined;
      },
      { what: 'both workers to have been read' },
    );
    nodeWorkerMb = usage.residentMb / usage.workers;

    const pid2 = reply(await get(f2)).pid;
    await pollUntil(() => !alive(pid1), { what: `the worker of fn1 (pid ${pid1}) to be stopped` });
    expect([alive(pid0), alive(pid2)]).toEqual([true, true]);
    expect(context.local.platform.workers()).toMatchObject({ workers: 2, maxWorkers: 2, queued: 0 });
    // fn0 kept its warm worker
    expect(reply(await get(f0)).pid).toBe(pid0);
  });
});

describe('--max-workers 1 with a long queue timeout', () => {
  const context = usePlatform({ maxWorkers: 1, queueTimeoutMs: 60000 }, 2);

  test('a call waits while the only worker is busy, and runs once it is free', async () => {
    const [slow, quick] = context.fns;
    const busy = gate('wait');
    const first = get(slow, busy.file);
    await busy.started();
    const second = tracked(get(quick));
    await pollUntil(() => context.local.platform.workers().queued === 1, { what: 'the second call to be queued' });
    expect(second.settled()).toBe(false);

    busy.open();
    const [ran, waited] = [reply(await first), reply(await second.promise)];
    expect(waited.startedAt).toBeGreaterThanOrEqual(ran.finishedAt);
    // the slow function's idle worker made room for the quick one's
    await pollUntil(() => !alive(ran.pid), { what: `the idle worker (pid ${ran.pid}) to be stopped` });
    expect(context.local.platform.workers()).toMatchObject({ workers: 1, busy: 0, queued: 0 });
  });
});

describe('--max-workers 1 with a short queue timeout', () => {
  const context = usePlatform({ maxWorkers: 1, queueTimeoutMs: 300 }, 2);

  test('a call that waits past the queue timeout gets 429 with Retry-After; the busy call and later calls succeed', async () => {
    const [slow, quick] = context.fns;
    const busy = gate('refuse');
    const first = get(slow, busy.file);
    await busy.started();
    const invocationsBefore = context.local.platform.stats().invocations;

    const refused = await get(quick);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    const body = JSON.parse(refused.data) as { errorType: string; errorMessage: string };
    expect(body.errorType).toBe('TooManyRequests');
    expect(body.errorMessage).toMatch(/all 1 warm workers are busy \(--max-workers 1\)/);
    expect(body.errorMessage).toMatch(/within 300 ms \(--queue-timeout-ms\)/);
    expect(body.errorMessage).toMatch(/larger --max-workers/);

    busy.open();
    const ran = reply(await first);
    expect(context.local.platform.stats().invocations).toBe(invocationsBefore + 1);
    expect(reply(await get(quick)).pid).not.toBe(ran.pid);
  });
});

describe('--max-worker-memory of one and a half workers', () => {
  const context = usePlatform(() => ({ maxWorkers: 10, maxWorkerMemoryMb: Math.round(nodeWorkerMb * 1.5) }), 2);

  test('the memory budget, not the worker count, stops the idle worker to make room', async () => {
    expect(nodeWorkerMb).toBeGreaterThan(0);
    const [f0, f1] = context.fns;
    const pid0 = reply(await get(f0)).pid;
    await pollUntil(() => context.local.platform.workers().residentMb > 0, { what: 'the first worker to have been read' });
    const pid1 = reply(await get(f1)).pid;
    await pollUntil(() => !alive(pid0), { what: `the worker of fn0 (pid ${pid0}) to be stopped` });
    expect(alive(pid1)).toBe(true);
    expect(context.local.platform.workers()).toMatchObject({ workers: 1, maxWorkers: 10 });
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRunner, InvocationInfo, Runner, RunnerOptions } from '../../../src/runtimes';
import { buildJavaFixture, fixtureDir } from '../../fixtures/functions/build';
import { resolveInterpreter } from '../../../src/runtimes/interpreters';
import { RuntimeUnavailableError } from '../../../src/runtimes';
import { ended } from '../../helpers/processes';
import { describeWith } from '../../helpers/requirements';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtimes-cache-'));
const runners: Runner[] = [];

function runner(overrides: Partial<RunnerOptions> & Pick<RunnerOptions, 'family' | 'handler'>): Runner {
  const created = createRunner({
    codeDir: fixtureDir(overrides.family === 'nodejs' ? 'node' : overrides.family),
    env: { SPOTINST_FUNCTION_ID: 'fx-00000001', OWN_VAR: 'mine' },
    memoryMb: 128,
    timeoutS: 10,
    cacheDir,
    ...overrides,
  });
  runners.push(created);
  return created;
}

let counter = 0;
function info(): InvocationInfo {
  counter += 1;
  return { requestId: `req-${counter}`, functionId: 'fx-00000001', functionName: 'sample', environmentId: 'env-00000001', version: 2 };
}

const event = { query: { a: '1' }, body: { name: 'x' }, headers: { 'x-test': 'yes' }, method: 'POST', path: '/' };

beforeAll(() => {
  process.env.HOST_SECRET_FOR_TEST = 'must-not-leak';
});

afterAll(async () => {
  delete process.env.HOST_SECRET_FOR_TEST;
  await Promise.all(runners.map((r) => r.dispose()));
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

describe('node runner', () => {
  test('callback handler: result, logs, cold then warm', async () => {
    const r = runner({ family: 'nodejs', handler: 'handler.main' });
    const first = await r.invoke(event, info());
    expect(first.status).toBe('success');
    expect(first.coldStart).toBe(true);
    expect(first.result).toEqual({
      statusCode: 200,
      body: JSON.stringify({ hello: 'from node', version: 2 }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(first.logs.map((l) => l.log)).toEqual(['hello from main']);
    expect(typeof first.logs[0].time).toBe('number');
    const second = await r.invoke(event, info());
    expect(second.coldStart).toBe(false);
  });

  test('async handler and stderr', async () => {
    const r = runner({ family: 'nodejs', handler: 'handler.asyncMain' });
    const outcome = await r.invoke(event, info());
    expect(outcome.result).toEqual({ statusCode: 201, body: { echoed: { name: 'x' } } });
    expect(outcome.logs.map((l) => l.log)).toEqual(['async stderr line']);
  });

  test('context and an isolated environment', async () => {
    const r = runner({ family: 'nodejs', handler: 'handler.inspect' });
    const outcome = await r.invoke(event, info());
    const body = JSON.parse((outcome.result as { body: string }).body) as {
      event: unknown;
      context: Record<string, unknown>;
      env: Record<string, string>;
      cwd: string;
    };
    expect(body.event).toEqual(event);
    expect(body.context).toMatchObject({
      functionId: 'fx-00000001',
      functionName: 'sample',
      environmentId: 'env-00000001',
      version: 2,
      memoryLimitInMB: 128,
      timeout: 10,
    });
    expect(body.context.remaining).toBeGreaterThan(0);
    expect(body.context.remaining).toBeLessThanOrEqual(10000);
    expect(Object.keys(body.env).sort()).toEqual(['LANG', 'OWN_VAR', 'PATH', 'SPOTINST_FUNCTION_ID']);
    expect(body.cwd).toBe(fixtureDir('node'));
  });

  test('getDoc with a promise and a callback', async () => {
    const r = runner({
      family: 'nodejs',
      handler: 'handler.doc',
      getDocument: (key) => Promise.resolve(key === 'greeting' ? { text: 'hi' } : undefined),
    });
    const found = await r.invoke({ ...event, body: { key: 'greeting' } }, info());
    expect(JSON.parse((found.result as { body: string }).body)).toEqual({ value: { text: 'hi' }, viaCallback: { text: 'hi' } });
    const missing = await r.invoke({ ...event, body: { key: 'nope' } }, info());
    expect(JSON.parse((missing.result as { body: string }).body)).toEqual({ value: null, viaCallback: null });
  });

  test('errors: thrown, callback error; the worker stays warm', async () => {
    const r = runner({ family: 'nodejs', handler: 'handler.throws' });
    const outcome = await r.invoke(event, info());
    expect(outcome.status).toBe('error');
    expect(outcome.error?.message).toBe('boom from node');
    expect(outcome.logs.map((l) => l.log).join('\n')).toContain('about to throw');
    expect(outcome.logs.map((l) => l.log).join('\n')).toContain('boom from node');
    expect((await r.invoke(event, info())).coldStart).toBe(false);
    const cb = runner({ family: 'nodejs', handler: 'handler.callbackError' });
    expect((await cb.invoke(event, info())).error?.message).toBe('callback error');
  });

  test('missing handler export is a clear error', async () => {
    const r = runner({ family: 'nodejs', handler: 'handler.nothere' });
    const outcome = await r.invoke(event, info());
    expect(outcome.status).toBe('error');
    expect(outcome.error?.message).toMatch(/"nothere" is not a function/);
  });

  describe('handler files: every extension of the spec list loads', () => {
    let codeDir: string;
    beforeAll(() => {
      codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtimes-node-ext-'));
      fs.mkdirSync(path.join(codeDir, 'lib'));
      fs.writeFileSync(
        path.join(codeDir, 'lib', 'common.cjs'),
        "module.exports.main = async (event) => { console.log('cjs ran'); return { statusCode: 200, body: { kind: 'cjs', got: event.body } }; };\n",
      );
      fs.writeFileSync(
        path.join(codeDir, 'lib', 'modern.mjs'),
        "export const main = async (event, context) => { console.log('mjs ran'); return { statusCode: 200, body: { kind: 'mjs', got: event.body, version: context.version } }; };\n",
      );
    });
    afterAll(() => fs.rmSync(codeDir, { recursive: true, force: true }));

    test.each([
      ['lib/common.main', 'cjs', 'cjs ran'],
      ['lib/modern.main', 'mjs', 'mjs ran'],
    ])('%s (.%s) is found and called', async (handler, kind, log) => {
      const r = runner({ family: 'nodejs', handler, codeDir });
      const outcome = await r.invoke(event, info());
      expect(outcome.error).toBeUndefined();
      expect(outcome.status).toBe('success');
      expect(outcome.result).toMatchObject({ statusCode: 200, body: { kind, got: event.body } });
      expect(outcome.logs.map((l) => l.log)).toEqual([log]);
    });

    test('a missing file names every file it may be', async () => {
      const r = runner({ family: 'nodejs', handler: 'lib/absent.main', codeDir });
      const outcome = await r.invoke(event, info());
      expect(outcome.status).toBe('error');
      expect(outcome.error?.message).toBe(
        'Cannot find the handler file "lib/absent" (lib/absent.js, lib/absent.cjs or lib/absent.mjs) in the function\'s code',
      );
    });
  });

  test('timeout kills a hang and a busy loop; the next call gets a fresh worker', async () => {
    for (const handler of ['handler.hang', 'handler.busy']) {
      const r = runner({ family: 'nodejs', handler, timeoutS: 0.5 });
      const outcome = await r.invoke(event, info());
      expect(outcome.status).toBe('timeout');
      expect(outcome.logs.map((l) => l.log)).toContain('Function timed out after 0.5 seconds');
      expect((await r.invoke(event, info())).coldStart).toBe(true);
    }
  });

  test('process.exit fails the invocation and the worker is replaced', async () => {
    const r = runner({ family: 'nodejs', handler: 'handler.exit' });
    const outcome = await r.invoke(event, info());
    expect(outcome.status).toBe('error');
    expect(outcome.error?.message).toMatch(/exited with code 3/);
    expect((await r.invoke(event, info())).coldStart).toBe(true);
  });

  test('flooding output is capped per invocation', async () => {
    const r = runner({ family: 'nodejs', handler: 'handler.flood', maxLogBytes: 64 * 1024 });
    const outcome = await r.invoke(event, info());
    expect(outcome.status).toBe('success');
    const text = outcome.logs.map((l) => l.log).join('\n');
    expect(Buffer.byteLength(text)).toBeLessThan(80 * 1024);
    expect(outcome.logs[outcome.logs.length - 1].log).toMatch(/log truncated/);
  });

  test('memory limit: running past the heap limit fails the invocation', async () => {
    const r = runner({ family: 'nodejs', handler: 'handler.memory', memoryMb: 64, timeoutS: 30 });
    const outcome = await r.invoke(event, info());
    expect(outcome.status).toBe('error');
    expect(outcome.error?.message).toMatch(/ran out of memory/);
  });

  test('memory limit: Buffers (outside the heap) past the ceiling stop the worker', async () => {
    const r = runner({ family: 'nodejs', handler: 'handler.buffers', memoryMb: 64, timeoutS: 30 });
    const outcome = await r.invoke(event, info());
    expect(outcome.status).toBe('error');
    expect(outcome.error?.message).toMatch(/ran out of memory \(limit 64 MB\): its process used \d+ MB, over the 208 MB allowed/);
    expect(outcome.durationMs).toBeLessThan(10000);
    expect((await r.invoke(event, info())).coldStart).toBe(true);
  });

  test('memory limit: an idle worker that keeps allocating is stopped; the next call starts a new one', async () => {
    const r = runner({ family: 'nodejs', handler: 'handler.leakAfterReturn', memoryMb: 64 });
    const first = await r.invoke(event, info());
    const pid = Number((first.result as { body: string }).body);
    await ended(pid, 'the worker that keeps allocating while idle', 10000);
    const second = await r.invoke(event, info());
    expect(second.coldStart).toBe(true);
    expect(Number((second.result as { body: string }).body)).not.toBe(pid);
  });
});

describeWith(['python3'], 'python runner', () => {
  test('result and print/stderr logs; a raw fd write does not break the protocol', async () => {
    const r = runner({ family: 'python', runtime: 'python27', handler: 'handler.main' });
    const outcome = await r.invoke(event, info());
    expect(outcome.status).toBe('success');
    expect(outcome.result).toEqual({
      statusCode: 200,
      body: { hello: 'from python', method: 'POST', body: { name: 'x' } },
      headers: { 'Content-Type': 'application/json' },
    });
    // os.write(1, ...) bypasses sys.stdout: it must not corrupt the protocol (it goes to the
    // stderr pipe, which is kept as log on a best-effort basis, so it is not asserted here)
    expect(outcome.logs.map((l) => l.log)).toEqual(expect.arrayContaining(['hello from python', 'python stderr line']));
  });

  test('context, env and getDoc', async () => {
    const r = runner({ family: 'python', handler: 'handler.inspect' });
    const outcome = await r.invoke(event, info());
    const body = (outcome.result as { body: { context: Record<string, unknown>; env: Record<string, string>; event: unknown } }).body;
    expect(body.event).toEqual(event);
    expect(body.context).toMatchObject({ functionId: 'fx-00000001', version: 2, memoryLimitInMB: 128 });
    expect(body.context.requestId).toBe(body.context.request_id);
    expect(body.env.HOST_SECRET_FOR_TEST).toBeUndefined();
    expect(body.env.HOME).toBeUndefined();
    expect(body.env.OWN_VAR).toBe('mine');
    const docs = runner({ family: 'python', handler: 'handler.doc', getDocument: () => Promise.resolve('stored') });
    const doc = await docs.invoke({ ...event, body: { key: 'k' } }, info());
    expect((doc.result as { body: unknown }).body).toEqual({ value: 'stored', snake: 'stored' });
  });

  test('exceptions and timeouts', async () => {
    const r = runner({ family: 'python', handler: 'handler.throws' });
    const outcome = await r.invoke(event, info());
    expect(outcome.status).toBe('error');
    expect(outcome.error).toMatchObject({ message: 'boom from python', type: 'ValueError' });
    const hang = runner({ family: 'python', handler: 'handler.hang', timeoutS: 0.5 });
    expect((await hang.invoke(event, info())).status).toBe('timeout');
  });

  test('memory limit applies', async () => {
    const r = runner({ family: 'python', handler: 'handler.memory' });
    const outcome = await r.invoke(event, info());
    expect(outcome.status).toBe('error');
    expect(outcome.error?.type).toBe('MemoryError');
  });
});

describeWith(['ruby'], 'ruby runner', () => {
  test('result, logs, env, getDoc, errors', async () => {
    const r = runner({ family: 'ruby', runtime: 'ruby241', handler: 'handler.main' });
    const outcome = await r.invoke(event, info());
    expect(outcome.status).toBe('success');
    expect(outcome.result).toEqual({
      statusCode: 200,
      body: { hello: 'from ruby', method: 'POST', body: { name: 'x' } },
      headers: { 'Content-Type': 'application/json' },
    });
    expect(outcome.logs.map((l) => l.log).sort()).toEqual(['hello from ruby', 'ruby stderr line']);

    const inspect = runner({ family: 'ruby', handler: 'handler.inspect_all' });
    const seen = (await inspect.invoke(event, info())).result as {
      body: { env: Record<string, string>; context: Record<string, unknown> };
    };
    expect(seen.body.env.HOST_SECRET_FOR_TEST).toBeUndefined();
    expect(seen.body.env.SPOTINST_FUNCTION_ID).toBe('fx-00000001');
    expect(seen.body.context).toMatchObject({ functionId: 'fx-00000001', version: 2 });

    const docs = runner({ family: 'ruby', handler: 'handler.doc', getDocument: () => Promise.resolve(42) });
    expect(((await docs.invoke({ ...event, body: { key: 'k' } }, info())).result as { body: unknown }).body).toEqual({
      value: 42,
      snake: 42,
    });

    const throws = runner({ family: 'ruby', handler: 'handler.throws' });
    expect((await throws.invoke(event, info())).error).toMatchObject({ message: 'boom from ruby', type: 'ArgumentError' });
  });
});

describeWith(['java'], 'java runner', () => {
  test('a RequestHandler class: query, body, context, env, getDoc, errors', async () => {
    const { dir } = await buildJavaFixture(cacheDir);
    try {
      const r = runner({
        family: 'java',
        runtime: 'java8',
        handler: 'com.example.Handler',
        codeDir: dir,
        getDocument: () => Promise.resolve({ a: 1 }),
      });
      const outcome = await r.invoke({ ...event, query: { name: 'duke', doc: 'd' } }, info());
      expect(outcome.status).toBe('success');
      const result = outcome.result as { statusCode: number; body: string; headers: Record<string, string> };
      expect(result.statusCode).toBe(200);
      expect(result.headers).toEqual({ 'Content-Type': 'application/json' });
      expect(JSON.parse(result.body)).toEqual({
        hello: 'duke',
        method: 'POST',
        body: '{"name":"x"}',
        functionId: 'fx-00000001',
        version: '2',
        doc: '{"a":1}',
        home: null,
        fnEnv: 'fx-00000001',
      });
      expect(outcome.logs.map((l) => l.log)).toEqual(['hello from java, name=duke']);
      const failed = await r.invoke({ ...event, query: { name: 'boom' } }, info());
      expect(failed.status).toBe('error');
      expect(failed.error?.message).toBe('boom from java');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('interpreters', () => {
  test('a missing interpreter is a clear RuntimeUnavailableError naming what to install', async () => {
    const missing = resolveInterpreter(
      'python-not-installed-here',
      ['-c', 'print(1)'],
      'The python2.7 runtime runs on the local python-not-installed-here',
    );
    await expect(missing).rejects.toBeInstanceOf(RuntimeUnavailableError);
    await expect(missing).rejects.toThrow(
      /The python2\.7 runtime runs on the local python-not-installed-here, but "python-not-installed-here" was not found.*Install it/,
    );
  });
});

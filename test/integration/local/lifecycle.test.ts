import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import axios from 'axios';
import JSZip from 'jszip';
import { CodeStore } from '../../../src/local/store/code-store';
import { openDatabase } from '../../../src/local/store/sql/database';
import { SqlLogStore } from '../../../src/local/store/sql/log-store';
import { zipFiles } from '../../fixtures/functions/build';
import { openGates, WAIT_AT_GATE, type Gates } from '../../helpers/gate';
import { createEnvironment, startTestPlatform, stopTestPlatform, tempDir, type TestPlatform } from '../../helpers/platform';
import { pollUntil } from '../../helpers/poll';
import { alive, ended } from '../../helpers/processes';

let local: TestPlatform | undefined;
const dirs: string[] = [];

afterAll(async () => {
  await stopTestPlatform(local);
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

test('an idle worker is recycled; the next call starts a new one', async () => {
  local = await startTestPlatform({ idleWorkerMs: 300 });
  const { environmentId } = await createEnvironment(local.client);
  const zip = await zipFiles({ 'handler.js': 'exports.main = async () => ({ statusCode: 200, body: String(process.pid) });' });
  const fn = await local.client.functions.create({
    environmentId,
    name: 'pid',
    runtime: 'nodejs8.3',
    access: 'public',
    limits: { memory: 128, timeout: 30 },
    code: { handler: 'handler.main', source: zip.toString('base64') },
  });
  const first = Number((await axios.get(fn.url)).data);
  expect(alive(first)).toBe(true);
  await ended(first, 'the idle worker', 10000);
  const coldBefore = local.platform.stats().coldStarts;
  const second = Number((await axios.get(fn.url)).data);
  expect(second).not.toBe(first);
  expect(local.platform.stats().coldStarts).toBe(coldBefore + 1);
});

test('deleting a function stops its workers', async () => {
  const { environmentId } = await createEnvironment(local!.client);
  const zip = await zipFiles({ 'handler.js': 'exports.main = async () => ({ statusCode: 200, body: String(process.pid) });' });
  const fn = await local!.client.functions.create({
    environmentId,
    name: 'doomed',
    runtime: 'nodejs8.3',
    access: 'public',
    limits: { memory: 128, timeout: 30 },
    code: { handler: 'handler.main', source: zip.toString('base64') },
  });
  const pid = Number((await axios.get(fn.url)).data);
  await local!.client.functions.delete(fn.id);
  expect(alive(pid)).toBe(false);
  expect((await axios.get(fn.url, { validateStatus: () => true })).status).toBe(404);
});

test('the log store keeps the newest invocations within its cap', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const logs = new SqlLogStore(await openDatabase({ dataDir: dir }), { maxBytesPerFunction: 20 * 1024 }, true);
  try {
    for (let i = 0; i < 200; i += 1) {
      await logs.append('fx-00000001', {
        invocationId: `inv-${String(i).padStart(3, '0')}`,
        content: [{ time: i, log: 'x'.repeat(200) }],
        startedAt: i,
      });
    }
    const kept = await logs.window('fx-00000001', 0, 1000);
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(100);
    expect(kept[kept.length - 1].invocationId).toBe('inv-199');
    expect(kept.reduce((sum, entry) => sum + Buffer.byteLength(JSON.stringify(entry)), 0)).toBeLessThanOrEqual(20 * 1024);
  } finally {
    await logs.close();
  }
});

test('code is unpacked once per upload and collected when no version uses it', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const code = new CodeStore(dir);
  const zip = await zipFiles({ 'a/b.txt': 'hello' });
  const saved = await code.save(zip.toString('base64'), 'function.code.source');
  expect(fs.readFileSync(path.join(code.dirFor(saved.sha256), 'a', 'b.txt'), 'utf8')).toBe('hello');
  // the same bytes again are neither parsed nor unpacked again
  const parse = jest.spyOn(JSZip, 'loadAsync');
  try {
    await code.save(zip.toString('base64'), 'function.code.source');
    expect(parse).not.toHaveBeenCalled();
    // identical uploads in flight at once are parsed and unpacked once
    const other = (await zipFiles({ 'c.txt': 'other' })).toString('base64');
    const both = await Promise.all([code.save(other, 'function.code.source'), code.save(other, 'function.code.source')]);
    expect(both[0]).toEqual(both[1]);
    expect(parse).toHaveBeenCalledTimes(1);
  } finally {
    parse.mockRestore();
  }
  await code.collectGarbage(new Set([saved.sha256]), 0);
  expect(fs.existsSync(code.dirFor(saved.sha256))).toBe(true);
  await code.collectGarbage(new Set(), 60000);
  expect(fs.existsSync(code.dirFor(saved.sha256))).toBe(true); // recent: may be about to be referenced
  await code.collectGarbage(new Set(), -1);
  expect(fs.existsSync(code.dirFor(saved.sha256))).toBe(false);
  // a missing unpacked tree comes back from the kept zip... unless the zip went too
  await expect(code.ensureUnpacked(saved.sha256)).rejects.toThrow();
});

/** A platform on a data dir of its own (removed after the file), serving one public node function. */
async function platformServing(name: string, handlerSource: string) {
  const dir = tempDir();
  dirs.push(dir);
  const platform = await startTestPlatform({ dataDir: dir });
  const { environmentId } = await createEnvironment(platform.client);
  const zip = await zipFiles({ 'handler.js': handlerSource });
  const fn = await platform.client.functions.create({
    environmentId,
    name,
    runtime: 'nodejs8.3',
    access: 'public',
    limits: { memory: 128, timeout: 30 },
    code: { handler: 'handler.main', source: zip.toString('base64') },
  });
  return { platform, fn };
}

/** Handlers that wait at a gate: the test holds an invocation in flight for as long as it needs. */
let gates: Gates;
beforeAll(async () => {
  gates = await openGates();
});
afterAll(() => gates.close());

test('close() lets an in-flight invocation finish and answer', async () => {
  const { platform, fn } = await platformServing(
    'slow',
    `${WAIT_AT_GATE}\nexports.main = async (event) => { await waitAtGate(event.body.gate); return { statusCode: 200, body: "finished" }; };`,
  );
  const reply = axios.post(fn.url, { gate: gates.url('slow') }, { validateStatus: () => true });
  await gates.arrived('slow', 10000);
  let closeEnded = false;
  const closed = platform.platform.close().then(() => {
    closeEnded = true;
  });
  // close() has begun: a new request is refused...
  await pollUntil(
    () =>
      axios.get(fn.url, { validateStatus: () => true, timeout: 2000 }).then(
        (response) => response.status === 503,
        () => true,
      ),
    { timeoutMs: 10000, what: 'the closing platform to refuse a new request' },
  );
  // ...and close() still waits for the invocation it holds
  expect(closeEnded).toBe(false);
  gates.release('slow');
  await closed;
  const response = await reply;
  expect(response.status).toBe(200);
  expect(response.data).toBe('finished');
  platform.client.close();
});

test('close() with a kept-alive client still sending: a request after close began is refused (503) and not run; close ends', async () => {
  const { platform, fn } = await platformServing(
    'keepalive',
    `${WAIT_AT_GATE}\nexports.main = async (event) => { if (event.body.gate) await waitAtGate(event.body.gate); return { statusCode: 200, body: "ran" }; };`,
  );
  // two clients, one kept-alive connection each
  const agents = [new http.Agent({ keepAlive: true, maxSockets: 1 }), new http.Agent({ keepAlive: true, maxSockets: 1 })];
  try {
    const send = (agent: http.Agent, body: unknown) =>
      axios.post(fn.url, body, { httpAgent: agent, validateStatus: () => true }).then(
        (response) => ({ status: response.status, connection: response.headers.connection as string | undefined }),
        (error: Error) => ({ status: 0, connection: error.message }),
      );
    // a long invocation keeps close() waiting while the second client's connection stays in use
    const long = send(agents[0], { gate: gates.url('long') });
    const short = send(agents[1], { gate: gates.url('short') });
    await gates.arrived('long', 10000);
    await gates.arrived('short', 10000);
    const closed = platform.platform.close();
    gates.release('short');
    expect((await short).status).toBe(200);
    // the same connection, after close began: answered, not run
    const refused = await send(agents[1], {});
    expect(refused).toEqual({ status: 503, connection: 'close' });
    gates.release('long');
    expect((await long).status).toBe(200);
    await closed;
    expect(platform.platform.stats().invocations).toBe(2);
  } finally {
    for (const agent of agents) agent.destroy();
    platform.client.close();
  }
});

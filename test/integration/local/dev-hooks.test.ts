/**
 * What `serverless dev` needs of spotinst-local, with real node workers: a function whose code
 * or configuration changes gets new workers once the old ones finish their calls, while every
 * other function keeps its warm worker; each invocation is told to `onInvocation` listeners as
 * it is logged, cold or warm; node workers listen for a debugger where `inspect` says, and a
 * debugger attached suspends the timeout.
 */
import http from 'node:http';
import net from 'node:net';
import axios from 'axios';
import type { FunctionRecord, SpotinstClient } from '../../../src/api';
import type { InvocationNotice } from '../../../src/local';
import type { ConsolePlatform } from '../../../src/local/console/api-types';
import { zipFiles } from '../../fixtures/functions/build';
import { pollUntil } from '../../helpers/poll';
import { alive, freePort } from '../../helpers/processes';
import { createEnvironment, startTestPlatform, stopTestPlatform, type TestPlatform } from '../../helpers/platform';

const HANDLER = (label: string): string =>
  [
    'const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));',
    'exports.main = async (event) => {',
    '  const ms = Number(event.query.wait || 0);',
    '  if (ms) await wait(ms);',
    `  console.log('${label} answered');`,
    `  return { statusCode: 200, body: { label: '${label}', pid: process.pid, variable: process.env.SETTING || null } };`,
    '};',
    '',
  ].join('\n');

const call = axios.create({ validateStatus: () => true });

interface Answer {
  status: number;
  label?: string;
  pid?: number;
  variable?: string | null;
}

async function ask(fn: FunctionRecord, query = ''): Promise<Answer> {
  const reply = await call.get<{ label: string; pid: number; variable: string | null }>(`${fn.url}${query}`);
  return { status: reply.status, ...(typeof reply.data === 'object' ? reply.data : {}) };
}

async function source(label: string): Promise<string> {
  return (await zipFiles({ 'handler.js': HANDLER(label) })).toString('base64');
}

describe('retiring the workers of a changed function', () => {
  let local: TestPlatform;
  let client: SpotinstClient;
  let environmentId: string;
  const notices: InvocationNotice[] = [];

  beforeAll(async () => {
    local = await startTestPlatform();
    client = local.client;
    ({ environmentId } = await createEnvironment(client));
    local.platform.onInvocation((notice) => notices.push(notice));
  });
  afterAll(() => stopTestPlatform(local));

  const create = async (name: string, label: string): Promise<FunctionRecord> =>
    client.functions.create({
      environmentId,
      name,
      runtime: 'nodejs8.3',
      access: 'public',
      limits: { memory: 128, timeout: 30 },
      code: { handler: 'handler.main', source: await source(label) },
    });

  it('a new version gets a new worker after its in-flight call ends; the other function keeps its own', async () => {
    const edited = await create('edited', 'v0');
    const other = await create('other', 'other');
    const first = await ask(edited);
    const otherFirst = await ask(other);
    expect(first).toMatchObject({ status: 200, label: 'v0' });
    const oldPid = first.pid ?? 0;

    // a call still running on the old code when the new code lands
    const inFlight = ask(edited, '?wait=700');
    await pollUntil(() => local.platform.workers().busy === 1, { what: 'the slow call to start' });
    await client.functions.update(edited.id, { environmentId, code: { handler: 'handler.main', source: await source('v1') } });

    const next = await ask(edited);
    expect(next).toMatchObject({ status: 200, label: 'v1' });
    expect(next.pid).not.toBe(oldPid);
    // the platform's worker list (console, metrics) still counts the old worker, as retiring
    const facts = await call.get<{ response: { items: ConsolePlatform[] } }>(
      `${local.platform.url}/__local/api/platform?accountId=${local.platform.account}`,
      {
        headers: { Authorization: `Bearer ${local.platform.token}` },
      },
    );
    expect(facts.data.response.items[0].processes.filter((worker) => worker.functionId === edited.id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pid: oldPid, version: 0, busy: true, retiring: true }),
        expect.objectContaining({ pid: next.pid, version: 1 }),
      ]),
    );
    // finished on the old worker, not cut short
    expect(await inFlight).toMatchObject({ status: 200, label: 'v0', pid: oldPid });
    await pollUntil(() => !alive(oldPid), { what: `the old worker ${oldPid} to exit once its call ended` });

    expect(await ask(other)).toMatchObject({ status: 200, pid: otherFirst.pid });
    expect(alive(otherFirst.pid ?? 0)).toBe(true);
  });

  it('a change of variables retires the workers too; the same upload again does not', async () => {
    const fn = await create('configured', 'conf');
    const before = await ask(fn);
    await client.functions.update(fn.id, { environmentId, code: { handler: 'handler.main', source: await source('conf') } });
    expect(await ask(fn)).toMatchObject({ pid: before.pid, variable: null });

    await client.functions.update(fn.id, { environmentId, environmentVariables: { SETTING: 'on' } });
    const after = await ask(fn);
    expect(after).toMatchObject({ status: 200, variable: 'on' });
    expect(after.pid).not.toBe(before.pid);
    await pollUntil(() => !alive(before.pid ?? 0), { what: 'the worker started with the old variables to exit' });
  });

  it('tells listeners of each invocation as it is logged: its lines, status, version, cold or warm', async () => {
    const fn = await create('told', 'told');
    notices.length = 0;
    await ask(fn);
    await ask(fn);
    const mine = notices.filter((notice) => notice.functionId === fn.id);
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({
      functionName: 'told',
      environmentId,
      entry: { status: 'success', version: 0, coldStart: true, content: [{ log: 'told answered' }] },
    });
    expect(mine[1].entry.coldStart).toBe(false);
    // the log API carries it too
    const logs = await client.logs.list(fn.id, Date.now() - 60000, Date.now() + 1000);
    expect(logs.map((entry) => entry.coldStart)).toEqual([true, false]);
  });
});

/** Opens an inspector session the way a debugger does (a WebSocket upgrade); resolves with its socket. */
function attachDebugger(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${port}/json/list`, (reply) => {
        let body = '';
        reply.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        reply.on('end', () => {
          const [target] = JSON.parse(body) as Array<{ webSocketDebuggerUrl: string }>;
          const request = http.request(target.webSocketDebuggerUrl.replace(/^ws:/, 'http:'), {
            headers: {
              Connection: 'Upgrade',
              Upgrade: 'websocket',
              'Sec-WebSocket-Version': '13',
              'Sec-WebSocket-Key': 'c3BvdGluc3QtZGV2LXRlc3Q=',
            },
          });
          request.on('upgrade', (_response, socket) => resolve(socket));
          request.on('error', reject);
          request.end();
        });
      })
      .on('error', reject);
  });
}

describe('debugging node workers', () => {
  let local: TestPlatform;
  let client: SpotinstClient;
  let environmentId: string;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    // timeoutScale: the 30 s timeout lasts 0.5 s here
    local = await startTestPlatform({ timeoutScale: 1 / 60, inspect: () => ({ host: '127.0.0.1', port }), maxWorkersPerVersion: 1 });
    client = local.client;
    ({ environmentId } = await createEnvironment(client));
  });
  afterAll(() => stopTestPlatform(local));

  it('listens where inspect says, and suspends the timeout while a debugger is attached', async () => {
    const fn = await client.functions.create({
      environmentId,
      name: 'debugged',
      runtime: 'nodejs8.3',
      access: 'public',
      limits: { memory: 128, timeout: 30 },
      code: { handler: 'handler.main', source: await source('debugged') },
    });
    expect(await ask(fn)).toMatchObject({ status: 200 });
    const targets = await axios.get<Array<{ type: string; webSocketDebuggerUrl: string }>>(`http://127.0.0.1:${port}/json/list`);
    expect(targets.data[0]).toMatchObject({
      type: 'node',
      webSocketDebuggerUrl: expect.stringContaining(`ws://127.0.0.1:${port}/`) as string,
    });

    // without a debugger, a 1 s call times out (504)
    expect((await ask(fn, '?wait=1000')).status).toBe(504);
    expect(await ask(fn)).toMatchObject({ status: 200 });

    const session = await attachDebugger(port);
    try {
      await pollUntil(() => local.platform.workers().debugged === 1, { what: 'the worker to see the debugger' });
      expect(await ask(fn, '?wait=1000')).toMatchObject({ status: 200, label: 'debugged' });
    } finally {
      session.destroy();
    }
    await pollUntil(() => local.platform.workers().debugged === 0, { what: 'the worker to see the debugger leave' });
    expect((await ask(fn, '?wait=1000')).status).toBe(504);
  });
});

/**
 * Several spotinst-local nodes on one PostgreSQL database serve one platform (issue 14,
 * part 2): any node answers any call and runs any function; documents and logs are shared;
 * each cron tick fires once across the nodes and keeps firing when a node goes; and a
 * database that goes away makes requests 503 until it is back, crashing nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import axios from 'axios';
import type { SpotinstClient } from '../../../src/api';
import type { LocalPlatform } from '../../../src/local';
import { zipFiles } from '../../fixtures/functions/build';
import { describeWith } from '../../helpers/requirements';
import { clientFor, createEnvironment, tempDir } from '../../helpers/platform';
import { pollUntil } from '../../helpers/poll';
import { usePostgres } from '../../helpers/postgres';
import { startLocalPlatform } from '../../../src/local';

const TOKEN = 'cluster-test-token';
const ACCOUNT = 'act-0c1a5e70';

interface Node {
  platform: LocalPlatform;
  client: SpotinstClient;
  dataDir: string;
}

/** Logs the occurrence a cron tick is for, and what it was asked. */
const HANDLER = `
exports.main = async (event, context) => {
  const due = event.headers['x-spotinst-job-due'];
  if (due) console.log('tick ' + due);
  const doc = await context.getDoc('shared');
  return { statusCode: 200, body: { pid: process.pid, doc: doc === undefined ? null : doc } };
};`;

const call = axios.create({ validateStatus: () => true });

describeWith(['postgresql'], 'three nodes on one PostgreSQL database', () => {
  const postgres = usePostgres();
  let database: string;
  const nodes: Node[] = [];
  const dirs: string[] = [];
  /** what the nodes said (their log option) */
  const warnings: string[] = [];

  async function startNode(): Promise<Node> {
    const dataDir = tempDir('spotinst-node-');
    dirs.push(dataDir);
    const platform = await startLocalPlatform({
      port: 0,
      dataDir,
      database,
      token: TOKEN,
      account: ACCOUNT,
      logger: (entry) => warnings.push(entry.message),
    });
    const node = { platform, client: clientFor(platform), dataDir };
    nodes.push(node);
    return node;
  }

  async function stopNode(node: Node): Promise<void> {
    node.client.close();
    await node.platform.close();
    nodes.splice(nodes.indexOf(node), 1);
  }

  beforeAll(async () => {
    database = postgres.database('cluster');
    for (let i = 0; i < 3; i += 1) await startNode();
  });

  afterAll(async () => {
    for (const node of [...nodes]) await stopNode(node);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The occurrences a function's log says it ran for (one line per cron tick). */
  async function ticksOf(client: SpotinstClient, functionId: string): Promise<string[]> {
    const entries = await client.logs.list(functionId, 0, Date.now() + 1000);
    return entries.flatMap((entry) =>
      entry.content.map((line) => /tick (\S+)/.exec(line.log)?.[1]).filter((due): due is string => due !== undefined),
    );
  }

  let environmentId: string;
  let functionId: string;
  let functionPath: string;
  let sha256: string;

  test('any node answers any management call and runs any function, caching its code by sha256', async () => {
    const [a, b, c] = nodes;
    ({ environmentId } = await createEnvironment(a.client));
    const fn = await b.client.functions.create({
      environmentId,
      name: 'shared',
      runtime: 'nodejs8.3',
      access: 'public',
      limits: { memory: 128, timeout: 30 },
      code: { handler: 'handler.main', source: (await zipFiles({ 'handler.js': HANDLER })).toString('base64') },
    });
    functionId = fn.id;
    functionPath = `/fn/${environmentId}/${fn.id}`;
    sha256 = fn.code?.sha256 ?? '';
    expect((await c.client.functions.get(fn.id, environmentId)).name).toBe('shared');
    expect((await a.client.functions.list(environmentId)).map((listed) => listed.id)).toEqual([fn.id]);

    for (const node of nodes) {
      const reply = await call.post(`${node.platform.url}${functionPath}`, {});
      expect(reply.status).toBe(200);
      expect(fs.existsSync(path.join(node.dataDir, 'cache', 'code', sha256))).toBe(true);
    }
    // nothing of the state is kept in a node's data dir: only its cache
    for (const node of nodes) expect(fs.readdirSync(node.dataDir).sort()).toEqual(['cache']);
  });

  test('a document written through one node is read through another, and by functions on a third', async () => {
    const [a, b, c] = nodes;
    await a.client.documents.create(environmentId, 'shared', { from: 'node a' });
    expect((await b.client.documents.get(environmentId, 'shared'))?.value).toEqual({ from: 'node a' });
    expect((await call.post(`${c.platform.url}${functionPath}`, {})).data).toMatchObject({ doc: { from: 'node a' } });
    await c.client.documents.update(environmentId, 'shared', 'changed on c');
    expect((await call.post(`${a.platform.url}${functionPath}`, {})).data).toMatchObject({ doc: 'changed on c' });
  });

  test('the logs of every node are kept in one place and served by any', async () => {
    const before = (await nodes[0].client.logs.list(functionId, 0, Date.now())).length;
    const ids: string[] = [];
    for (const node of nodes) {
      const reply = await call.post(`${node.platform.url}${functionPath}`, {});
      ids.push(String(reply.headers['x-spotinst-invocation-id']));
    }
    for (const node of nodes) {
      const entries = await node.client.logs.list(functionId, 0, Date.now());
      expect(entries).toHaveLength(before + 3);
      expect(entries.map((entry) => entry.invocationId)).toEqual(expect.arrayContaining(ids));
    }
  });

  test('each cron tick fires once across the nodes, and firing goes on when a node goes', async () => {
    const [creator] = nodes;
    const job = await creator.client.cronJobs.create({
      environmentId,
      action: 'INVOKE_FUNCTION',
      resourceId: functionId,
      isEnabled: true,
      cronExpression: '* * * * * *',
    });
    const reader = nodes[1].client;
    const firstTicks = await pollUntil(
      async () => {
        const ticks = await ticksOf(reader, functionId);
        return ticks.length >= 6 ? ticks : undefined;
      },
      { timeoutMs: 20000, what: 'six ticks of a job that runs every second' },
    );
    expect(new Set(firstTicks).size).toBe(firstTicks.length);

    // the node the job was created on goes: the others learnt of the job and go on firing it
    await stopNode(creator);
    const stoppedAt = Date.now();
    const later = await pollUntil(
      async () => {
        const ticks = (await ticksOf(reader, functionId)).filter((due) => Date.parse(due) > stoppedAt);
        return ticks.length >= 4 ? ticks : undefined;
      },
      { timeoutMs: 20000, what: 'ticks after a node stopped' },
    );
    const all = await ticksOf(reader, functionId);
    expect(new Set(all).size).toBe(all.length);
    // the ticks after the stop are each second, none skipped (the first may be the one the stopping node had claimed)
    const seconds = later.map((due) => Date.parse(due) / 1000).sort((x, y) => x - y);
    expect(seconds[seconds.length - 1] - seconds[0]).toBe(seconds.length - 1);
    await reader.cronJobs.delete(job.id);
  }, 60000);

  test('while the database is away, requests get 503 saying so (and cron ticks are skipped); the nodes recover by themselves', async () => {
    const [node] = nodes;
    const job = await node.client.cronJobs.create({
      environmentId,
      action: 'INVOKE_FUNCTION',
      resourceId: functionId,
      isEnabled: true,
      cronExpression: '* * * * * *',
    });
    await postgres.cluster().kill();
    try {
      const management = await call.get(`${node.platform.url}/functions/application`, {
        params: { accountId: ACCOUNT },
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      expect(management.status).toBe(503);
      const message = JSON.stringify(management.data);
      expect(message).toContain(`the database at ${database} is unreachable`);
      expect(message).toContain('spotinst-local retries on every request');
      const invocation = await call.post(`${nodes[1].platform.url}${functionPath}`, {});
      expect(invocation.status).toBe(503);
      expect(invocation.data).toMatchObject({ errorType: 'DATABASE_UNAVAILABLE' });
      // cron ticks come during the outage: they are skipped, said once, and crash nothing
      await pollUntil(
        () =>
          Promise.resolve(
            warnings.some((warning) => warning.includes('cron ticks are skipped until the store is back')) ? true : undefined,
          ),
        { timeoutMs: 10000, what: 'a cron tick during the outage' },
      );
      expect(warnings.join('\n')).toContain(`the database at ${database} is unreachable`);
    } finally {
      await postgres.cluster().start();
    }
    for (const each of nodes) {
      await pollUntil(
        async () => {
          try {
            return (await each.client.applications.list()).length > 0 ? true : undefined;
          } catch {
            return undefined;
          }
        },
        { timeoutMs: 20000, what: 'the node to serve again' },
      );
    }
    const backAt = Date.now();
    await pollUntil(async () => ((await ticksOf(nodes[0].client, functionId)).some((due) => Date.parse(due) > backAt) ? true : undefined), {
      timeoutMs: 20000,
      what: 'a cron tick after the database came back',
    });
    await nodes[0].client.cronJobs.delete(job.id);
  }, 90000);
});

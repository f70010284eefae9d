import fs from 'node:fs';
import path from 'node:path';
import axios from 'axios';
import { fixtureZip } from '../../fixtures/functions/build';
import { clientFor, createEnvironment, startTestPlatform, stopTestPlatform, tempDir, TestPlatform } from '../../helpers/platform';
import { startLocalPlatform } from '../../../src/local';

const dataDir = tempDir();
const credentials = { token: 'persist-token', account: 'act-0badf00d' };
let current: TestPlatform | undefined;

afterAll(async () => {
  await stopTestPlatform(current, false);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('state and deployed code survive a restart', async () => {
  current = await startTestPlatform({ dataDir, ...credentials });
  const { environmentId } = await createEnvironment(current.client);
  const fn = await current.client.functions.create({
    environmentId,
    name: 'survivor',
    runtime: 'nodejs8.3',
    access: 'public',
    limits: { memory: 128, timeout: 30 },
    code: { handler: 'handler.counter', source: (await fixtureZip('node')).toString('base64') },
  });
  await current.client.documents.create(environmentId, 'kept', 'yes');
  expect((await axios.get(fn.url)).data).toBe(1);
  await stopTestPlatform(current, false);
  current = undefined;

  current = await startTestPlatform({ dataDir, ...credentials });
  const client = current.client;
  const again = await client.functions.get(fn.id, environmentId);
  expect(again).toMatchObject({ name: 'survivor', latestVersion: 0, code: fn.code });
  // the URL follows the address served on now
  expect(again.url).toBe(`${current.platform.url}/fn/${environmentId}/${fn.id}`);
  expect(await client.documents.get(environmentId, 'kept')).toMatchObject({ value: 'yes' });
  const response = await axios.get(again.url);
  expect(response.status).toBe(200);
  expect(response.data).toBe(1); // a new worker after the restart
});

test('reset wipes everything and needs the token', async () => {
  const platform = current!.platform;
  expect((await axios.post(`${platform.url}/__local/reset`, null, { validateStatus: () => true })).status).toBe(401);
  const reset = await axios.post(`${platform.url}/__local/reset`, null, { headers: { Authorization: `Bearer ${platform.token}` } });
  expect(reset.status).toBe(200);
  expect(await clientFor(platform).applications.list()).toEqual([]);
  expect(platform.stats().invocations).toBe(0);
});

test('a non-loopback address is refused without an explicit token', async () => {
  await expect(startLocalPlatform({ host: '0.0.0.0', port: 0 })).rejects.toThrow(/without an explicit token/);
});

test('functions created at once with the same zip share one stored and unpacked copy, and all run', async () => {
  const local = await startTestPlatform();
  try {
    const { environmentId } = await createEnvironment(local.client);
    const source = (await fixtureZip('node')).toString('base64');
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        local.client.functions.create({
          environmentId,
          name: `same-${index}`,
          runtime: 'nodejs8.3',
          access: 'public',
          limits: { memory: 128, timeout: 30 },
          code: { handler: 'handler.main', source },
        }),
      ),
    );
    expect(new Set(created.map((fn) => fn.code?.sha256)).size).toBe(1);
    const codeDir = path.join(local.dataDir, 'code');
    const entries = fs.readdirSync(codeDir);
    expect(entries.filter((name) => name.endsWith('.zip'))).toHaveLength(1);
    expect(entries.filter((name) => !name.endsWith('.zip') && !name.includes('.tmp-'))).toHaveLength(1);
    const replies = await Promise.all(created.map((fn) => axios.post(fn.url, { n: 1 }, { validateStatus: () => true })));
    expect(replies.map((reply) => reply.status)).toEqual(Array(8).fill(200));
  } finally {
    await stopTestPlatform(local);
  }
});

import axios from 'axios';
import type { SpotinstClient } from '../../../src/api';
import { buildJavaFixture, fixtureZip } from '../../fixtures/functions/build';
import { createEnvironment, startTestPlatform, stopTestPlatform, tempDir, type TestPlatform } from '../../helpers/platform';
import { itWith } from '../../helpers/requirements';
import fs from 'node:fs';

let local: TestPlatform;
let client: SpotinstClient;
let environmentId: string;

beforeAll(async () => {
  local = await startTestPlatform();
  client = local.client;
  ({ environmentId } = await createEnvironment(client));
  await client.documents.create(environmentId, 'answer', 42);
  process.env.HOST_SECRET_FOR_LANGUAGE_TEST = 'must-not-leak';
});

afterAll(async () => {
  delete process.env.HOST_SECRET_FOR_LANGUAGE_TEST;
  await stopTestPlatform(local);
});

const call = axios.create({ validateStatus: () => true });

async function deploy(name: string, runtime: string, handler: string, source: Buffer) {
  return client.functions.create({
    environmentId,
    name,
    runtime,
    access: 'public',
    limits: { memory: 256, timeout: 30 },
    code: { handler, source: source.toString('base64') },
  });
}

itWith(['python3'], 'python2.7 runs on the local python3: result, logs, getDoc, errors', async () => {
  const zip = await fixtureZip('python');
  const fn = await deploy('py', 'python2.7', 'handler.main', zip);
  expect(fn.runtime).toBe('python2.7');
  const started = Date.now();
  const response = await call.post(fn.url, { a: 1 });
  expect(response.status).toBe(200);
  expect(response.data).toEqual({ hello: 'from python', method: 'POST', body: { a: 1 } });
  const [log] = await client.logs.list(fn.id, started, Date.now());
  expect(log.content.map((line) => line.log)).toEqual(expect.arrayContaining(['hello from python', 'python stderr line']));

  const doc = await deploy('py-doc', 'python2.7', 'handler.doc', zip);
  expect((await call.post(doc.url, { key: 'answer' })).data).toEqual({ value: 42, snake: 42 });
  const inspect = await deploy('py-inspect', 'python2.7', 'handler.inspect', zip);
  const env = (await call.get<{ env: Record<string, string> }>(inspect.url)).data.env;
  expect(env.HOST_SECRET_FOR_LANGUAGE_TEST).toBeUndefined();
  expect(env.SPOTINST_FUNCTION_ID).toBe(inspect.id);
  const throws = await deploy('py-throws', 'python2.7', 'handler.throws', zip);
  const failed = await call.get(throws.url);
  expect(failed.status).toBe(500);
  expect(failed.data).toEqual({ errorMessage: 'boom from python', errorType: 'ValueError' });
});

itWith(['ruby'], 'ruby2.4.1 runs on the local ruby', async () => {
  const zip = await fixtureZip('ruby');
  const fn = await deploy('rb', 'ruby2.4.1', 'handler.main', zip);
  const response = await call.get(`${fn.url}?q=1`);
  expect(response.status).toBe(200);
  expect(response.data).toEqual({ hello: 'from ruby', method: 'GET', body: '' });
  const doc = await deploy('rb-doc', 'ruby2.4.1', 'handler.doc', zip);
  expect((await call.post(doc.url, { key: 'answer' })).data).toEqual({ value: 42, snake: 42 });
  const throws = await deploy('rb-throws', 'ruby2.4.1', 'handler.throws', zip);
  expect((await call.get(throws.url)).data).toEqual({ errorMessage: 'boom from ruby', errorType: 'ArgumentError' });
});

itWith(['java'], 'java8: an uploaded jar with a RequestHandler class', async () => {
  const cache = tempDir('java-cache-');
  try {
    const { dir, jar } = await buildJavaFixture(cache);
    fs.rmSync(dir, { recursive: true, force: true });
    const fn = await deploy('java', 'java8', 'com.example.Handler', jar);
    const response = await call.post(`${fn.url}?name=duke&doc=answer`, 'raw body', { headers: { 'Content-Type': 'text/plain' } });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({
      hello: 'duke',
      method: 'POST',
      body: 'raw body',
      functionId: fn.id,
      version: '0',
      doc: '42',
      home: null,
      fnEnv: fn.id,
    });
    expect((await call.get(`${fn.url}?name=boom`)).status).toBe(500);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

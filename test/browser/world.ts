/**
 * What the console tests look at: spotinst-local as built into dist/ (the console's assets
 * ship there, built by `npm run build`), with an application, an environment and a few
 * functions that have been called, a cron job, an endpoint behind an alias, two versions
 * splitting traffic, and documents.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpotinstClient } from '../../src/api';
import type { LocalPlatform, LocalPlatformOptions } from '../../src/local';
import { zipFiles } from '../fixtures/functions/build';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BUILT_CONSOLE = path.join(REPO_ROOT, 'dist', 'local', 'console', 'static', 'index.html');

/** The library from dist/, as a user of the package gets it: the console there is the one that ships. */
export function builtStartLocalPlatform(): (options?: LocalPlatformOptions) => Promise<LocalPlatform> {
  if (!fs.existsSync(BUILT_CONSOLE)) {
    throw new Error(`the console is not built (${BUILT_CONSOLE} is missing): run npm run build first (npm test does)`);
  }
  return (require(path.join(REPO_ROOT, 'dist', 'local')) as typeof import('../../src/local')).startLocalPlatform;
}

export const HANDLERS = {
  'handler.js': `'use strict';
exports.hello = async (event, context) => {
  console.log('hello called with ' + JSON.stringify(event.body));
  console.log('second line of v' + context.version);
  if (event.body && event.body.fail) throw new Error('asked to fail');
  return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: { greeting: 'hello', got: event.body } };
};
exports.markup = async () => {
  console.log('<script>document.title = "pwned"</script><img src=x onerror="document.title=1">');
  return { statusCode: 200, headers: { 'Content-Type': 'text/html' }, body: '<b>bold?</b><script>alert(1)</script>' };
};
`,
};

export interface World {
  platform: LocalPlatform;
  client: SpotinstClient;
  dataDir: string;
  applicationName: string;
  environmentId: string;
  hello: { id: string; url: string; name: string };
  markup: { id: string; url: string; name: string };
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const startLocalPlatform = builtStartLocalPlatform();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-console-'));
  const platform = await startLocalPlatform({ dataDir, port: 0 });
  const client = new SpotinstClient({ apiUrl: platform.url, token: platform.token, account: platform.account, retry: { retries: 0 } });
  const application = await client.applications.create({ name: 'shop', description: 'the demo shop' });
  const environment = await client.environments.create({
    name: 'dev',
    applicationId: application.id,
    providers: ['aws'],
    locations: ['us-east'],
    strategy: 'least-expensive',
  });
  const source = (await zipFiles(HANDLERS)).toString('base64');
  const base = { environmentId: environment.id, runtime: 'nodejs20', access: 'public' as const, limits: { memory: 128, timeout: 30 } };
  const helloV0 = await client.functions.create({ ...base, name: 'orders', code: { handler: 'handler.hello', source } });
  // a second version (another upload), then traffic split 30 / 70 between them
  const v1Source = (await zipFiles({ ...HANDLERS, 'README.md': 'v1' })).toString('base64');
  await client.functions.update(helloV0.id, { environmentId: environment.id, code: { handler: 'handler.hello', source: v1Source } });
  const hello = await client.functions.update(helloV0.id, {
    environmentId: environment.id,
    activeVersions: [
      { version: 0, percentage: 30 },
      { version: '$LATEST', percentage: 70 },
    ],
    environmentVariables: { STAGE: 'dev', API_KEY: 'not-shown-by-the-console' },
  });
  const markup = await client.functions.create({ ...base, name: 'markup', code: { handler: 'handler.markup', source } });
  await client.cronJobs.create({
    environmentId: environment.id,
    resourceId: hello.id,
    action: 'INVOKE_FUNCTION',
    isEnabled: true,
    cronExpression: '0 3 * * *',
  });
  await client.aliases.create({ environmentId: environment.id, host: 'shop.example.test' });
  await client.patterns.create({ environmentId: environment.id, functionId: hello.id, method: 'POST', pattern: '/orders' });
  await client.documents.create(environment.id, 'settings', { currency: 'EUR', limits: { perOrder: 5 } });
  await client.documents.create(environment.id, 'banner', 'Winter sale');

  for (let i = 0; i < 6; i += 1) {
    await fetch(hello.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ order: i }) });
  }
  await fetch(hello.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fail: true }) });
  await fetch(markup.url);

  return {
    platform,
    client,
    dataDir,
    applicationName: application.name,
    environmentId: environment.id,
    hello: { id: hello.id, url: hello.url, name: hello.name },
    markup: { id: markup.id, url: markup.url, name: markup.name },
    async close() {
      client.close();
      await platform.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

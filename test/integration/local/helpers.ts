/** Starting and driving a spotinst-local for a test file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpotinstClient } from '../../../src/api';
import { LocalPlatform, LocalPlatformOptions, startLocalPlatform } from '../../../src/local';
import { startPostgres, type PostgresCluster } from '../../helpers/postgres';

export interface TestPlatform {
  platform: LocalPlatform;
  client: SpotinstClient;
  dataDir: string;
}

export function tempDir(prefix = 'spotinst-local-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function clientFor(platform: LocalPlatform, overrides: { token?: string; account?: string } = {}): SpotinstClient {
  return new SpotinstClient({
    apiUrl: platform.url,
    token: overrides.token ?? platform.token,
    account: overrides.account ?? platform.account,
    retry: { retries: 0 },
  });
}

export async function startTestPlatform(options: LocalPlatformOptions = {}): Promise<TestPlatform> {
  const dataDir = options.dataDir ?? tempDir();
  const platform = await startLocalPlatform({ port: 0, dataDir, ...options });
  return { platform, client: clientFor(platform), dataDir };
}

/** Closes the platform's client and the platform, and removes its data folder unless told not to. */
export async function stopTestPlatform(test: TestPlatform | undefined, removeDir = true): Promise<void> {
  if (!test) return;
  test.client.close();
  await test.platform.close();
  if (removeDir) fs.rmSync(test.dataDir, { recursive: true, force: true });
}

/** Polls until `check` returns a value, or fails after `timeoutMs` with what was last seen. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Applications → environment → ready to create functions in. */
export async function createEnvironment(
  client: SpotinstClient,
  name = 'dev',
): Promise<{ applicationId: string; applicationName: string; environmentId: string }> {
  const app = await client.applications.create({ name: `app-${Math.random().toString(16).slice(2, 8)}` });
  const env = await client.environments.create({
    name,
    applicationId: app.id,
    providers: ['aws'],
    locations: ['us-east'],
    strategy: 'least-expensive',
  });
  return { applicationId: app.id, applicationName: app.name, environmentId: env.id };
}

export interface ServicePlatform extends TestPlatform {
  applicationId: string;
  applicationName: string;
  /** the environment `dev` of the application */
  environmentId: string;
  /** an empty temp folder to run the commands of a service in */
  serviceDir: string;
}

/**
 * For a test file that runs the plugin's commands against spotinst-local. Before all its
 * tests: starts a platform, creates an application and its environment `dev`, a service
 * folder named `prefix…`, and points SPOTINST_TOKEN and SPOTINST_ACCOUNT at the platform.
 * After all: restores both variables, closes the client and the platform, removes the folders.
 *
 * The returned object is filled in by the beforeAll this registers: read it in hooks and
 * tests, not when the file is loaded. Call it before the file's own beforeAll, which then
 * runs after it.
 */
export function useServicePlatform(prefix: string): ServicePlatform {
  const service = {} as ServicePlatform;
  const saved = { SPOTINST_TOKEN: process.env.SPOTINST_TOKEN, SPOTINST_ACCOUNT: process.env.SPOTINST_ACCOUNT };
  let started: TestPlatform | undefined;

  beforeAll(async () => {
    started = await startTestPlatform();
    Object.assign(service, started, await createEnvironment(started.client), { serviceDir: tempDir(prefix) });
    process.env.SPOTINST_TOKEN = started.platform.token;
    process.env.SPOTINST_ACCOUNT = started.platform.account;
  });

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await stopTestPlatform(started);
    if (service.serviceDir) fs.rmSync(service.serviceDir, { recursive: true, force: true });
  });

  return service;
}

/**
 * A throwaway PostgreSQL cluster for the describe block it is called in (started before its
 * tests, removed after them); `database()` makes a new empty database and returns its URL.
 * Call it inside `describeWith(['postgresql'], …)`.
 */
export function usePostgres(): { cluster: () => PostgresCluster; database: (prefix?: string) => string } {
  let cluster: PostgresCluster | undefined;
  let made = 0;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 120000);
  afterAll(async () => {
    await cluster?.stop();
  });
  const started = (): PostgresCluster => {
    if (!cluster) throw new Error('the PostgreSQL cluster is not started yet: use it in a test or a hook');
    return cluster;
  };
  return {
    cluster: started,
    database: (prefix = 'db') => {
      made += 1;
      return started().createDatabase(`${prefix}_${made}`);
    },
  };
}

/**
 * The one way a test gets a spotinst-local: started in-process on a free loopback port with
 * a data dir of its own, with a client on it and the variables that point a CLI at it;
 * stopped with its client, its data dir removed. Restarts keep the data dir, the port and
 * the credentials, as a real restart would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpotinstClient } from '../../src/api';
import { startLocalPlatform, type LocalPlatform, type LocalPlatformOptions } from '../../src/local';

export interface TestPlatform {
  platform: LocalPlatform;
  /** a client on the platform, for arranging and checking state behind the code under test */
  client: SpotinstClient;
  dataDir: string;
  /** what a CLI run (or the plugin in-process) needs to reach the platform */
  env: { SPOTINST_API_URL: string; SPOTINST_TOKEN: string; SPOTINST_ACCOUNT: string };
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
  const platform = await startLocalPlatform({ port: 0, ...options, dataDir });
  return {
    platform,
    client: clientFor(platform),
    dataDir,
    env: { SPOTINST_API_URL: platform.url, SPOTINST_TOKEN: platform.token, SPOTINST_ACCOUNT: platform.account },
  };
}

/** Closes the platform's client and the platform, and removes its data folder unless told not to. */
export async function stopTestPlatform(test: TestPlatform | undefined, removeDir = true): Promise<void> {
  if (!test) return;
  test.client.close();
  await test.platform.close();
  if (removeDir) fs.rmSync(test.dataDir, { recursive: true, force: true });
}

/**
 * Stops the platform (if it still runs) and starts it again on the same data dir, port,
 * token and account, with the options given (faults, say) instead of the earlier ones.
 */
export async function restartTestPlatform(test: TestPlatform, options: LocalPlatformOptions = {}): Promise<TestPlatform> {
  test.client.close();
  await test.platform.close();
  const { token, account } = test.platform;
  return startTestPlatform({ port: Number(new URL(test.platform.url).port), token, account, ...options, dataDir: test.dataDir });
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

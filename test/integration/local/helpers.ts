/** Starting and driving a spotinst-local for a test file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpotinstClient } from '../../../src/api';
import { LocalPlatform, LocalPlatformOptions, startLocalPlatform } from '../../../src/local';

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

export async function stopTestPlatform(test: TestPlatform | undefined, removeDir = true): Promise<void> {
  if (!test) return;
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
export async function createEnvironment(client: SpotinstClient, name = 'dev'): Promise<{ applicationId: string; environmentId: string }> {
  const app = await client.applications.create({ name: `app-${Math.random().toString(16).slice(2, 8)}` });
  const env = await client.environments.create({ name, applicationId: app.id, providers: ['aws'], locations: ['us-east'], strategy: 'least-expensive' });
  return { applicationId: app.id, environmentId: env.id };
}

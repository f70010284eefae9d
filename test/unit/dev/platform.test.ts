/** The platform dev starts: its credentials and port kept for the next session, --reset, and the console line. */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPlatform, useRunningPlatform } from '../../../src/dev/platform';

describe('the platform serverless dev starts', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dev-platform-')), 'state')));
  afterEach(() => fs.rmSync(path.dirname(dataDir), { recursive: true, force: true }));

  it('keeps its token, account and port for the next session, in a file only the user reads', async () => {
    const first = await startEmbeddedPlatform({ dataDir, reset: false });
    await first.close();
    const file = path.join(dataDir, 'dev-platform.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = await startEmbeddedPlatform({ dataDir, reset: false });
    try {
      expect(second.url).toBe(first.url);
      expect(second.credentials).toMatchObject({ token: first.credentials.token, account: first.credentials.account });
      expect(second.description).not.toContain(first.credentials.token);
      // the console line: the platform's console, without the token
      expect(second.consoleUrl).toBe(`${second.url}/__local/console`);
      expect(second.consoleUrl).not.toContain(first.credentials.token);
    } finally {
      await second.close();
    }
  });

  it('starts empty with --reset', async () => {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'left-over'), 'x');
    const platform = await startEmbeddedPlatform({ dataDir, reset: true });
    await platform.close();
    expect(fs.existsSync(path.join(dataDir, 'left-over'))).toBe(false);
  });

  it('prints the console of a platform given with --platform, and none when that platform has no console', async () => {
    const running = await startEmbeddedPlatform({ dataDir, reset: false });
    const credentials = () => ({ token: 'a-token-of-the-user-0123', account: 'act-1', source: 'test' });
    try {
      const given = await useRunningPlatform(running.url, credentials);
      expect(given.consoleUrl).toBe(`${running.url}/__local/console`);
    } finally {
      await running.close();
    }
    // a release before the console answers its health check but not the console's address
    const older = http.createServer((req, res) => {
      res.writeHead(req.url === '/__local/health' ? 200 : 404, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => older.listen(0, '127.0.0.1', resolve));
    try {
      const given = await useRunningPlatform(`http://127.0.0.1:${(older.address() as AddressInfo).port}`, credentials);
      expect(given.consoleUrl).toBeUndefined();
    } finally {
      await new Promise((resolve) => older.close(resolve));
    }
  });

  it('refuses --platform when no spotinst-local answers there', async () => {
    await expect(useRunningPlatform('http://127.0.0.1:9', () => ({ token: 't', account: 'act-1', source: 'test' }))).rejects.toMatchObject({
      code: 'SPOTINST_DEV_PLATFORM_UNREACHABLE',
    });
  });
});

/** spotinst-local's own log: `--log-format json` prints one JSON object per line; text stays the default. The bin runs as it ships. */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { SpotinstClient } from '../../../src/api';
import { zipFiles } from '../../fixtures/functions/build';
import { createEnvironment, tempDir } from '../../helpers/platform';
import { pollUntil } from '../../helpers/poll';
import { transpiledBin, type TranspiledBin } from '../../helpers/transpiled-bin';

let bin: TranspiledBin;
const dirs: string[] = [];

beforeAll(() => {
  bin = transpiledBin();
});

afterAll(() => {
  bin.remove();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

function start(args: string[]): Promise<Running> {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const child = spawn(process.execPath, [bin.cli, '--port', '0', '--data-dir', dataDir, ...args], {
    env: bin.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('listening on')) resolve({ child, stdout: () => stdout, stderr: () => stderr, exited });
    });
    void exited.then((code) => reject(new Error(`spotinst-local exited with ${code}: ${stdout}${stderr}`)));
  });
}

interface JsonLine {
  time: string;
  level: string;
  message: string;
  invocationId?: string;
  [field: string]: unknown;
}

test('--log-format json prints every line as one JSON object: the banner, a failed invocation with its invocationId, the stop', async () => {
  const token = 'json-log-format-token-1234';
  const running = await start(['--log-format', 'json', '--token', token, '--account', 'act-12345678']);
  const lines = (): JsonLine[] =>
    running
      .stdout()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as JsonLine);

  const [banner] = lines();
  expect(banner).toMatchObject({
    level: 'info',
    message: expect.stringMatching(/^spotinst-local listening on http:\/\/127\.0\.0\.1:\d+$/),
    account: 'act-12345678',
  });
  expect(banner.consoleUrl).toBe(`${String(banner.url)}/__local/console`);
  expect(Number.isNaN(Date.parse(banner.time))).toBe(false);
  expect(banner).not.toHaveProperty('token');

  const client = new SpotinstClient({ apiUrl: String(banner.url), token, account: 'act-12345678', retry: { retries: 0 } });
  try {
    const { environmentId } = await createEnvironment(client);
    const source = (await zipFiles({ 'handler.js': "exports.main = async () => { throw new Error('broken on purpose'); };" })).toString(
      'base64',
    );
    const fn = await client.functions.create({
      environmentId,
      name: 'broken',
      runtime: 'nodejs8.3',
      access: 'public',
      limits: { memory: 128, timeout: 30 },
      code: { handler: 'handler.main', source },
    });
    const reply = await fetch(fn.url);
    expect(reply.status).toBe(500);
    const invocationId = reply.headers.get('x-spotinst-invocation-id');
    const failure = await pollUntil(() => lines().find((line) => line.invocationId === invocationId), {
      timeoutMs: 10000,
      what: 'the failed invocation in the log',
    });
    expect(failure).toMatchObject({
      level: 'info',
      functionId: fn.id,
      function: 'broken',
      status: 'error',
      message: expect.stringContaining('broken'),
    });
  } finally {
    client.close();
  }

  running.child.kill('SIGTERM');
  expect(await running.exited).toBe(0);
  const all = lines();
  expect(all[all.length - 1]).toMatchObject({ level: 'info', message: expect.stringContaining('SIGTERM') });
  for (const line of all) expect(Object.keys(line).slice(0, 3)).toEqual(['time', 'level', 'message']);
  expect(running.stderr()).toBe('');
  expect(running.stdout()).not.toContain(token);
});

test('text stays the default: the banner names the console, signed in by the generated token; an unknown format is refused', async () => {
  const refused = spawnSync(process.execPath, [bin.cli, '--log-format', 'xml'], { env: bin.env, encoding: 'utf8', timeout: 20000 });
  expect(refused.status).toBe(2);
  expect(refused.stderr).toContain('--log-format must be text or json, not "xml"');

  const generated = await start([]);
  expect(generated.stdout()).toMatch(/^ {2}console: {2}http:\/\/127\.0\.0\.1:\d+\/__local\/console#token=[0-9a-f]{48}$/m);
  generated.child.kill('SIGTERM');
  expect(await generated.exited).toBe(0);

  const given = await start(['--token', 'given-token-not-printed', '--account', 'act-12345678']);
  expect(given.stdout()).toMatch(/^ {2}console: {2}http:\/\/127\.0\.0\.1:\d+\/__local\/console$/m);
  given.child.kill('SIGTERM');
  expect(await given.exited).toBe(0);
  expect(given.stdout() + given.stderr()).not.toContain('given-token-not-printed');
});

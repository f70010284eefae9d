import fs from 'node:fs';
import path from 'node:path';
import axios from 'axios';
import { SpotinstClient } from '../../../src/api';
import { zipFiles } from '../../fixtures/functions/build';
import { REPO_ROOT as root, runSpotinstLocal, startSpotinstLocal } from '../../helpers/cli';
import { tempDir } from '../../helpers/platform';
import { transpiledBin, type TranspiledBin } from '../../helpers/transpiled-bin';
import { pollUntil } from '../../helpers/poll';
import { ended } from '../../helpers/processes';

let bin: TranspiledBin;
let cli: string;
const dirs: string[] = [];

beforeAll(() => {
  bin = transpiledBin();
  cli = bin.cli;
});

afterAll(() => {
  bin.remove();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** the transpiled copy resolves its dependencies from this checkout */
const env = { NODE_PATH: path.join(root, 'node_modules') };

const run = (args: string[]) => runSpotinstLocal(cli, args, env);
const start = (args: string[]) => startSpotinstLocal(cli, args, env);

test('--help, bad options and bad faults', () => {
  const help = run(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('Usage: spotinst-local');
  const unknown = run(['--bogus']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('unknown option "--bogus"');
  const faults = run(['--faults', 'rate=2']);
  expect(faults.code).toBe(2);
  expect(faults.stderr).toContain('"rate=2" must be a probability');
});

test('--help says both storage modes; a --database that is not PostgreSQL, or without credentials, is refused before anything starts, its password never shown', () => {
  const help = run(['--help']);
  expect(help.stdout).toMatch(/SQLite \(the default\)/);
  expect(help.stdout).toContain('--database <url>');
  expect(help.stdout).toContain('SPOTINST_LOCAL_DATABASE');

  const notPostgres = run(['--database', 'mysql://root:hunter2@db/app', '--token', 't', '--account', 'act-12345678']);
  expect(notPostgres.code).toBe(2);
  expect(notPostgres.stderr).toContain('--database must be a PostgreSQL URL (postgres:// or postgresql://), not mysql://root:***@db/app');

  const noCredentials = run(['--database', 'postgres://app:hunter2@db.internal:5432/platform']);
  expect(noCredentials.code).toBe(2);
  expect(noCredentials.stderr).toContain('--database needs --token and --account');

  const fromEnvironment = runSpotinstLocal(cli, [], { ...env, SPOTINST_LOCAL_DATABASE: 'postgres://app:hunter2@db.internal:5432/' });
  expect(fromEnvironment.code).toBe(2);
  expect(fromEnvironment.stderr).toContain('SPOTINST_LOCAL_DATABASE must name the database after the host');
  for (const result of [notPostgres, noCredentials, fromEnvironment]) expect(result.stdout + result.stderr).not.toContain('hunter2');
});

test('a database that cannot be reached stops the start with exit code 1, saying where (without the password)', () => {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const unreachable = run([
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--database',
    'postgres://app:hunter2@127.0.0.1:1/platform',
    '--token',
    'secret-token',
    '--account',
    'act-12345678',
  ]);
  expect(unreachable.code).toBe(1);
  expect(unreachable.stderr).toContain('cannot start: the database at postgres://app:***@127.0.0.1:1/platform is unreachable');
  expect(unreachable.stdout + unreachable.stderr).not.toContain('hunter2');
});

test('the start prints what it imported from a 2.0.0-dev data dir, before it says where it listens', async () => {
  const dataDir = tempDir();
  dirs.push(dataDir);
  fs.cpSync(path.join(root, 'test', 'fixtures', 'datadir-2.0.0-dev'), dataDir, { recursive: true });
  const started = await start(['--port', '0', '--data-dir', dataDir, '--token', 'takeover-token', '--account', 'act-12345678']);
  const output = started.output();
  expect(output).toMatch(
    /imported the 2\.0\.0-dev data of .* into .*spotinst-local\.db: 1 application, 2 environments, 3 functions \(4 versions\)/,
  );
  expect(output.indexOf('imported the 2.0.0-dev data')).toBeLessThan(output.indexOf('listening on'));
  expect(output).toContain(`database: SQLite, ${path.join(dataDir, 'spotinst-local.db')}`);
  started.cli.interrupt('SIGTERM');
  expect(await started.cli.exitsWithin()).toBe(0);
});

test('a non-loopback host without --token is refused with exit code 2', () => {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const refused = run(['--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/Refusing to serve on 0\.0\.0\.0 without an explicit token/);
});

test('generated credentials are printed, persisted and reused; SIGTERM stops cleanly', async () => {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const first = await start(['--port', '0', '--data-dir', dataDir]);
  const token = /token:\s+(\S+)/.exec(first.output())?.[1];
  const account = /account:\s+(act-[0-9a-f]{8})/.exec(first.output())?.[1];
  expect(token).toMatch(/^[0-9a-f]{48}$/);
  const apps = await axios.get(`${first.url}/functions/application`, {
    params: { accountId: account },
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(apps.status).toBe(200);
  first.cli.interrupt('SIGTERM');
  expect(await first.cli.exitsWithin()).toBe(0);
  expect((fs.statSync(path.join(dataDir, 'local-credentials.json')).mode & 0o777).toString(8)).toBe('600');

  const second = await start(['--port', '0', '--data-dir', dataDir]);
  expect(second.output()).toContain(`token:    ${token}`);
  second.cli.interrupt('SIGINT');
  expect(await second.cli.exitsWithin()).toBe(0);
});

test('a token passed on the command line is never printed', async () => {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const secret = 'passed-secret-token-123';
  const started = await start(['--port', '0', '--data-dir', dataDir, '--token', secret, '--account', 'act-12345678']);
  expect(started.output()).toContain('account:  act-12345678');
  const ok = await axios.get(`${started.url}/functions/application`, {
    params: { accountId: 'act-12345678' },
    headers: { Authorization: `Bearer ${secret}` },
  });
  expect(ok.status).toBe(200);
  started.cli.interrupt('SIGTERM');
  expect(await started.cli.exitsWithin()).toBe(0);
  expect(started.output()).not.toContain(secret);
});

test('a worker stuck in a loop dies with the platform when the platform is SIGKILLed', async () => {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const started = await start(['--port', '0', '--data-dir', dataDir, '--token', 'kill-test', '--account', 'act-0000beef']);
  const client = new SpotinstClient({ apiUrl: started.url, token: 'kill-test', account: 'act-0000beef', retry: { retries: 0 } });
  const app = await client.applications.create({ name: 'a' });
  const env = await client.environments.create({ name: 'dev', applicationId: app.id });
  const zip = await zipFiles({
    'handler.js': 'exports.main = (event) => { require("fs").writeFileSync(event.body.pidFile, String(process.pid)); for (;;) {} };',
  });
  const fn = await client.functions.create({
    environmentId: env.id,
    name: 'spin',
    runtime: 'nodejs8.3',
    access: 'public',
    limits: { memory: 128, timeout: 300 },
    code: { handler: 'handler.main', source: zip.toString('base64') },
  });
  const pidFile = path.join(dataDir, 'worker.pid');
  const pending = axios.post(fn.url, { pidFile }).catch(() => undefined);
  const workerPid = await pollUntil(() => (fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) || undefined : undefined), {
    timeoutMs: 10000,
    what: 'the worker to start',
  });
  started.cli.kill();
  await started.cli.exited;
  await pending;
  await ended(workerPid, 'the worker of the killed platform');
});

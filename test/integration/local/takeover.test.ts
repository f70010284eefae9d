/**
 * The takeover of a data directory written by 2.0.0-dev (test/fixtures/datadir-2.0.0-dev,
 * made by that release through its API): the first start of the SQLite engine imports it
 * whole, keeps the old files beside the database, and says what it imported.
 */
import fs from 'node:fs';
import path from 'node:path';
import axios from 'axios';
import type { InvocationLog } from '../../../src/local/records';
import { fromApiRuntime } from '../../../src/spec/runtimes';
import type { LegacyState } from '../../../src/local/store/legacy-2.0.0-dev';
import { startTestPlatform, stopTestPlatform, tempDir, type TestPlatform } from '../../helpers/platform';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'datadir-2.0.0-dev');
const fixtureState = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'state.json'), 'utf8')) as LegacyState;

const dirs: string[] = [];
let running: TestPlatform | undefined;

afterEach(async () => {
  await stopTestPlatform(running, false);
  running = undefined;
});

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A copy of the fixture in a temp dir, as a user's data dir would be. */
function copyOfFixture(): string {
  const dir = tempDir('spotinst-takeover-');
  dirs.push(dir);
  fs.cpSync(FIXTURE, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'README.md'));
  return dir;
}

async function start(dataDir: string): Promise<{ platform: TestPlatform; lines: string[] }> {
  const lines: string[] = [];
  running = await startTestPlatform({ dataDir, logger: (entry) => lines.push(entry.message) });
  return { platform: running, lines };
}

function legacyLogs(dir: string): Map<string, InvocationLog[]> {
  const logs = new Map<string, InvocationLog[]>();
  for (const name of fs.readdirSync(dir)) {
    const lines = fs.readFileSync(path.join(dir, name), 'utf8').split('\n').filter(Boolean);
    logs.set(
      name.replace(/\.jsonl$/, ''),
      lines.map((line) => JSON.parse(line) as InvocationLog),
    );
  }
  return logs;
}

test('a 2.0.0-dev data dir is imported whole on the first start: every record, version, document and logged invocation', async () => {
  const dataDir = copyOfFixture();
  const { platform, lines } = await start(dataDir);
  const { client } = platform;

  expect(lines.join('\n')).toContain(
    '1 application, 2 environments, 3 functions (4 versions), 2 endpoint patterns, 1 alias, 2 cron jobs, 3 documents, 5 logged invocations',
  );
  expect(lines.join('\n')).toContain(path.join(dataDir, 'imported-2.0.0-dev'));

  expect(await client.applications.list()).toEqual(Object.values(fixtureState.applications));
  const environments = await client.environments.list();
  expect(environments.map((env) => env.id)).toEqual(Object.keys(fixtureState.environments));
  for (const env of environments) expect(env).toMatchObject(fixtureState.environments[env.id]);

  for (const env of Object.values(fixtureState.environments)) {
    const functions = await client.functions.list(env.id);
    const expected = Object.values(fixtureState.functions).filter((fn) => fn.environmentId === env.id);
    expect(functions.map((fn) => fn.id)).toEqual(expected.map((fn) => fn.id));
    for (const fn of expected) {
      const { versions, ...fields } = fn;
      const latest = versions[versions.length - 1];
      expect(functions.find((candidate) => candidate.id === fn.id)).toMatchObject({
        ...fields,
        // the client shows runtimes in the framework's form
        runtime: fromApiRuntime(fn.runtime),
        code: { handler: latest.handler, sha256: latest.sha256, size: latest.size },
      });
    }
    expect(await client.patterns.listByEnvironment(env.id)).toEqual(
      Object.values(fixtureState.patterns).filter((p) => p.environmentId === env.id),
    );
    expect(await client.aliases.listByEnvironment(env.id)).toEqual(
      Object.values(fixtureState.aliases).filter((a) => a.environmentId === env.id),
    );
    expect(await client.documents.list(env.id)).toEqual(expect.arrayContaining(Object.values(fixtureState.documents[env.id] ?? {})));
    expect(await client.documents.list(env.id)).toHaveLength(Object.keys(fixtureState.documents[env.id] ?? {}).length);
  }
  for (const fn of Object.values(fixtureState.functions)) {
    expect(await client.cronJobs.listByFunction(fn.id)).toEqual(Object.values(fixtureState.jobs).filter((job) => job.resourceId === fn.id));
  }

  const logs = legacyLogs(path.join(dataDir, 'imported-2.0.0-dev', 'logs'));
  expect([...logs.values()].flat()).toHaveLength(5);
  for (const [functionId, entries] of logs) expect(await client.logs.list(functionId, 0, Date.now())).toEqual(entries);

  // the functions still run: the latest version reads a document of the store…
  const hello = fixtureState.functions['fx-481a434e'];
  const url = `${platform.platform.url}/fn/${hello.environmentId}/${hello.id}`;
  expect((await axios.post(url, { n: 1 })).data).toEqual({ version: 1, doc: 'hi from the store' });
  // …and the first version is still there to be run
  await client.functions.update(hello.id, { environmentId: hello.environmentId, activeVersions: [{ version: 0, percentage: 100 }] });
  expect((await axios.post(url, { n: 2 })).data).toEqual({ version: 0, got: { n: 2 } });
  const after = await client.logs.list(hello.id, 0, Date.now());
  expect(after).toHaveLength((logs.get(hello.id) ?? []).length + 2);

  // the old files are kept beside the database, as they were; code/ stays where it is
  expect(fs.existsSync(path.join(dataDir, 'state.json'))).toBe(false);
  expect(fs.existsSync(path.join(dataDir, 'logs'))).toBe(false);
  expect(fs.readFileSync(path.join(dataDir, 'imported-2.0.0-dev', 'state.json'))).toEqual(
    fs.readFileSync(path.join(FIXTURE, 'state.json')),
  );
  for (const name of fs.readdirSync(path.join(FIXTURE, 'logs'))) {
    expect(fs.readFileSync(path.join(dataDir, 'imported-2.0.0-dev', 'logs', name))).toEqual(
      fs.readFileSync(path.join(FIXTURE, 'logs', name)),
    );
  }
  for (const name of fs.readdirSync(path.join(FIXTURE, 'code'))) expect(fs.existsSync(path.join(dataDir, 'code', name))).toBe(true);

  // a restart imports nothing again
  await stopTestPlatform(running, false);
  const again = await start(dataDir);
  expect(again.lines).toEqual([]);
  expect(await again.platform.client.applications.list()).toHaveLength(1);
  expect(await again.platform.client.logs.list(hello.id, 0, Date.now())).toHaveLength(after.length);
});

test('an import that fails midway lands nothing and leaves the old files untouched; the next start imports again', async () => {
  const dataDir = copyOfFixture();
  const stateFile = path.join(dataDir, 'state.json');
  const original = fs.readFileSync(stateFile, 'utf8');
  // a second pattern with the first one's route: its insert fails after the applications, environments and functions were written
  const broken = JSON.parse(original) as LegacyState;
  broken.patterns['pat-0000dead'] = { ...broken.patterns['pat-6e38e04b'], id: 'pat-0000dead' };
  fs.writeFileSync(stateFile, JSON.stringify(broken));
  // (the message, not toThrow: better-sqlite3's errors come from the realm of the first test file that loaded it in this worker)
  await expect(start(dataDir)).rejects.toHaveProperty(
    'message',
    expect.stringMatching(/UNIQUE constraint failed: patterns\.environment_id, patterns\.method, patterns\.pattern/),
  );
  expect(fs.readFileSync(stateFile, 'utf8')).toBe(JSON.stringify(broken));
  expect(fs.readdirSync(path.join(dataDir, 'logs')).sort()).toEqual(fs.readdirSync(path.join(FIXTURE, 'logs')).sort());
  expect(fs.existsSync(path.join(dataDir, 'imported-2.0.0-dev'))).toBe(false);

  fs.writeFileSync(stateFile, original);
  const { platform, lines } = await start(dataDir);
  expect(lines.join('\n')).toContain('1 application, 2 environments, 3 functions (4 versions)');
  expect(await platform.client.applications.list()).toEqual(Object.values(fixtureState.applications));
});

test('a start after an import whose files were not moved yet (a crash right after the commit) only moves them', async () => {
  const dataDir = copyOfFixture();
  await start(dataDir);
  await stopTestPlatform(running, false);
  running = undefined;
  // as if the crash came between the commit and the move
  const kept = path.join(dataDir, 'imported-2.0.0-dev');
  fs.renameSync(path.join(kept, 'state.json'), path.join(dataDir, 'state.json'));
  fs.renameSync(path.join(kept, 'logs'), path.join(dataDir, 'logs'));
  fs.rmSync(kept, { recursive: true });

  const { platform, lines } = await start(dataDir);
  expect(lines.join('\n')).toMatch(/were imported by an earlier start; they are now kept in .*imported-2\.0\.0-dev/);
  expect(await platform.client.applications.list()).toHaveLength(1);
  expect(await platform.client.logs.list('fx-481a434e', 0, Date.now())).toHaveLength(
    legacyLogs(path.join(FIXTURE, 'logs')).get('fx-481a434e')?.length ?? -1,
  );
  expect(fs.existsSync(path.join(kept, 'state.json'))).toBe(true);
  expect(fs.existsSync(path.join(dataDir, 'state.json'))).toBe(false);
});

test('a torn log line left by a crash of 2.0.0-dev is skipped and said; a state.json that is not JSON is refused, untouched', async () => {
  const dataDir = copyOfFixture();
  fs.appendFileSync(path.join(dataDir, 'logs', 'fx-481a434e.jsonl'), '{"invocationId":"torn","con');
  const { lines } = await start(dataDir);
  expect(lines.join('\n')).toContain('5 logged invocations (1 torn log line left by a crash skipped)');
  await stopTestPlatform(running, false);
  running = undefined;

  const corrupt = copyOfFixture();
  fs.writeFileSync(path.join(corrupt, 'state.json'), '{"schema":1,"appl');
  await expect(start(corrupt)).rejects.toThrow(/state\.json is not valid JSON, so it cannot be imported/);
  expect(fs.readFileSync(path.join(corrupt, 'state.json'), 'utf8')).toBe('{"schema":1,"appl');
});

test('a state.json whose records refer to missing ones is refused before anything is written, naming them', async () => {
  const dataDir = copyOfFixture();
  const state = JSON.parse(fs.readFileSync(path.join(dataDir, 'state.json'), 'utf8')) as LegacyState;
  delete state.functions['fx-0a5b0904'];
  fs.writeFileSync(path.join(dataDir, 'state.json'), JSON.stringify(state));
  await expect(start(dataDir)).rejects.toThrow(
    /pattern pat-b93937c2 refers to function fx-0a5b0904, which is not in the file; cron job job-da083708 refers to function fx-0a5b0904/,
  );
});

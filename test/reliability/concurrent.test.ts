/**
 * Item 3, concurrent deploys of one service. In one directory the deploy lock lets one in
 * and stops the other with a message that names the running deploy; from two checkouts
 * (two CI jobs, say) there is no shared lock, and the API's unique names must keep the
 * account free of duplicates. Either way the state is never corrupt: after the race, a
 * deploy converges and the next one has nothing to write.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LOCK_FILE } from '../../src/package/lock';
import { CLIS, combinedOutput, runCli, startLocalWorld, type LocalWorld } from '../helpers/cli';
import { pollUntil } from '../helpers/poll';
import { readStats, writeCalls } from './cli-runs';
import { compareState, emptyAccount, inspectServerlessDir, writeReliableService } from './deployed-state';
import { recordFigure, trials } from './figures';

const TRIALS = trials(2, 20);
const LOCKED =
  /Another `serverless deploy` of this service is running \(pid \d+, since [^)]+\)\. Wait for it to finish and run the command again\./;

let world: LocalWorld;
beforeAll(async () => {
  // cloud-like round trips: a deploy's API phase lasts long enough for the races to overlap
  world = await startLocalWorld({ faults: 'rate=0,latency=60-120' });
});
afterAll(() => world.stop());

/** Resolves once a deploy in `dir` holds the lock (polled: no event tells another process's file). */
async function lockTaken(dir: string): Promise<void> {
  const file = path.join(dir, '.serverless', LOCK_FILE);
  await pollUntil(() => fs.existsSync(file), { timeoutMs: 30000, what: `a deploy to take ${file}` });
}

const deploy = (cli: (typeof CLIS)[number], cwd: string) =>
  runCli(cli, ['deploy'], { cwd, workspace: world.workspace, env: world.env, timeoutMs: 120000 });

/**
 * After a race: one more deploy converges, and the one after it writes nothing. Both with
 * one CLI: serverless 3 and osls zip the same files differently, which is a real change.
 */
async function expectSettled(dir: string, version: 1 | 2): Promise<void> {
  const settle = await deploy('serverless', dir);
  expect(settle.code).toBe(0);
  expect(await compareState(world.client, version)).toEqual({ differences: [], duplicates: 0 });
  const before = writeCalls(await readStats(world.platform.url));
  expect((await deploy('serverless', dir)).code).toBe(0);
  expect(writeCalls(await readStats(world.platform.url))).toEqual(before);
  expect(inspectServerlessDir(dir)).toEqual({ corrupt: [], debris: [] });
}

it(`two deploys in one directory: one runs, the other is stopped by the lock with a clear message (${TRIALS} trials)`, async () => {
  let locked = 0;
  let bothRan = 0;
  for (let trial = 0; trial < TRIALS; trial += 1) {
    await emptyAccount(world);
    const version = trial % 2 === 0 ? 1 : 2;
    const dir = writeReliableService(world.workspace, `same-${trial}`, 1);
    if (version === 2) {
      expect((await deploy('serverless', dir)).code).toBe(0);
      writeReliableService(world.workspace, `same-${trial}`, 2);
    }
    // even trials start both at once; odd ones start the second while the first holds the lock
    const first = deploy('serverless', dir);
    if (trial % 2 === 1) await lockTaken(dir);
    const results = await Promise.all([first, deploy('osls', dir)]);
    const failed = results.filter((result) => result.code !== 0);
    // at least one deploys; a stopped one says why and what to do, and wrote nothing
    expect(failed.length).toBeLessThan(2);
    for (const result of failed) expect(combinedOutput(result)).toMatch(LOCKED);
    if (failed.length) locked += 1;
    else bothRan += 1; // the second started after the first had finished
    expect(await compareState(world.client, version)).toEqual({ differences: [], duplicates: 0 });
    expect(inspectServerlessDir(dir)).toEqual({ corrupt: [], debris: [] });
    await expectSettled(dir, version);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  recordFigure(
    'concurrent deploys (one directory)',
    `${TRIALS} races: ${locked} stopped by the lock with "Another \`serverless deploy\` … is running", ${bothRan} ran one after the other; 0 corrupt states, 0 duplicates`,
  );
  expect(locked).toBeGreaterThan(0);
});

it(`two deploys from two checkouts of one service leave no duplicate, and a rerun converges (${TRIALS} trials)`, async () => {
  let clean = 0;
  let oneFailed = 0;
  for (let trial = 0; trial < TRIALS; trial += 1) {
    await emptyAccount(world);
    const version = trial % 2 === 0 ? 1 : 2;
    const dirs = [
      writeReliableService(world.workspace, `clone-a-${trial}`, 1),
      writeReliableService(world.workspace, `clone-b-${trial}`, 1),
    ];
    if (version === 2) {
      expect((await deploy('serverless', dirs[0])).code).toBe(0);
      expect((await deploy('osls', dirs[1])).code).toBe(0);
      for (const name of [`clone-a-${trial}`, `clone-b-${trial}`]) writeReliableService(world.workspace, name, 2);
    }
    const results = await Promise.all([deploy('serverless', dirs[0]), deploy('osls', dirs[1])]);
    const state = await compareState(world.client, version);
    expect(state.duplicates).toBe(0);
    for (const result of results.filter((r) => r.code !== 0)) {
      // the loser of a race for a name is told what failed and that a rerun finishes the job
      expect(combinedOutput(result)).toMatch(/Deploy incomplete: \d+ of \d+ changes failed|already (exists|has)/);
      expect(combinedOutput(result)).toMatch(/run the command again|Run the command again/i);
    }
    if (results.every((result) => result.code === 0)) {
      expect(state.differences).toEqual([]);
      clean += 1;
    } else oneFailed += 1;
    await expectSettled(dirs[0], version);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
  recordFigure(
    'concurrent deploys (two checkouts)',
    `${TRIALS} races: ${clean} both succeeded, ${oneFailed} with one deploy reporting the names it lost to the other; 0 duplicates, every rerun converged`,
  );
});

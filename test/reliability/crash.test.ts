/**
 * Item 2, crashes: `serverless deploy` killed with SIGKILL at a random moment between 0 and
 * 100 % of its normal duration, then run again. The rerun must exit 0 with the remote
 * state equal to the file and no duplicate; the plugin's files in `.serverless/` must
 * parse at every point (right after the kill too). Half the trials kill a first deploy
 * (empty account), half an update (v1 deployed, v2 being applied).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CLIS, combinedOutput, runCli, startCli, startLocalWorld, type CliName, type LocalWorld } from '../helpers/cli';
import { seededRandom } from '../../src/local/faults';
import { compareState, emptyAccount, inspectServerlessDir, writeReliableService } from './deployed-state';
import { recordFigure, trials } from './figures';

const TRIALS = trials(10, 100);

/** Starts a deploy and SIGKILLs it after `afterMs`; resolves when it is gone, saying whether the kill ended it. */
async function deployKilledAfter(world: LocalWorld, cli: CliName, cwd: string, afterMs: number): Promise<{ killed: boolean }> {
  const deploy = startCli(cli, ['deploy'], { cwd, workspace: world.workspace, env: world.env });
  // the moment of the kill is what the trial draws at random: a timer is the point here
  const timer = setTimeout(() => deploy.kill(), afterMs);
  try {
    await deploy.exited;
  } finally {
    clearTimeout(timer);
  }
  return { killed: deploy.signal === 'SIGKILL' };
}

it(
  `a deploy killed at a random moment converges when rerun, with intact caches (${TRIALS} trials)`,
  async () => {
    const seed = Number(process.env.SPOTINST_CRASH_SEED ?? crypto.randomInt(1, 2 ** 31));
    // repeatable, so that a failing trial can be replayed with SPOTINST_CRASH_SEED
    const next = seededRandom(seed);
    // every call costs 10-30 ms, so that the API phase is a fair share of a deploy's duration
    const world = await startLocalWorld({ faults: 'rate=0,latency=10-30' });
    let killedMidway = 0;
    let converged = 0;
    let duplicates = 0;
    let corrupt = 0;
    const moments: number[] = [];
    try {
      // the normal duration, measured once for a first deploy and once for an update
      const probe = writeReliableService(world.workspace, 'probe', 1);
      const firstRun = await runCli('serverless', ['deploy'], {
        cwd: probe,
        workspace: world.workspace,
        env: world.env,
        timeoutMs: 120000,
      });
      expect(firstRun.code).toBe(0);
      const started = Date.now();
      writeReliableService(world.workspace, 'probe', 2);
      const update = await runCli('serverless', ['deploy'], { cwd: probe, workspace: world.workspace, env: world.env, timeoutMs: 120000 });
      expect(update.code).toBe(0);
      const updateMs = Date.now() - started;
      await emptyAccount(world);
      const firstStarted = Date.now();
      const again = await runCli('serverless', ['deploy'], {
        cwd: writeReliableService(world.workspace, 'probe2', 1),
        workspace: world.workspace,
        env: world.env,
        timeoutMs: 120000,
      });
      expect(again.code).toBe(0);
      const firstMs = Date.now() - firstStarted;

      for (let trial = 0; trial < TRIALS; trial += 1) {
        await emptyAccount(world);
        const cli = CLIS[trial % CLIS.length];
        const updating = trial % 2 === 1;
        const name = `trial-${trial}`;
        let dir = writeReliableService(world.workspace, name, 1);
        if (updating) {
          const setup = await runCli(cli, ['deploy'], { cwd: dir, workspace: world.workspace, env: world.env, timeoutMs: 120000 });
          expect(setup.code).toBe(0);
          dir = writeReliableService(world.workspace, name, 2);
        }
        const fraction = next();
        moments.push(fraction);
        const { killed } = await deployKilledAfter(world, cli, dir, Math.round(fraction * (updating ? updateMs : firstMs)));
        if (killed) killedMidway += 1;
        const afterKill = inspectServerlessDir(dir);
        corrupt += afterKill.corrupt.length;
        expect(afterKill.corrupt).toEqual([]);

        const rerun = await runCli(CLIS[(trial + 1) % CLIS.length], ['deploy'], {
          cwd: dir,
          workspace: world.workspace,
          env: world.env,
          timeoutMs: 120000,
        });
        if (rerun.code !== 0)
          throw new Error(
            `trial ${trial} (seed ${seed}, killed at ${(fraction * 100).toFixed(0)} %): the rerun failed:\n${combinedOutput(rerun)}`,
          );
        const state = await compareState(world.client, updating ? 2 : 1);
        duplicates += state.duplicates;
        expect({ trial, seed, ...state }).toEqual({ trial, seed, differences: [], duplicates: 0 });
        const afterRerun = inspectServerlessDir(dir);
        corrupt += afterRerun.corrupt.length;
        expect(afterRerun).toEqual({ corrupt: [], debris: [] });
        converged += 1;
        fs.rmSync(path.join(world.workspace.root, name), { recursive: true, force: true });
      }
    } finally {
      await world.stop();
    }
    const sorted = [...moments].sort((a, b) => a - b);
    recordFigure(
      'crashes',
      `${converged}/${TRIALS} killed deploys converged on rerun (${killedMidway} killed mid-run, the rest had finished; ` +
        `kill moments ${(sorted[0] * 100).toFixed(0)}–${(sorted[sorted.length - 1] * 100).toFixed(0)} % of a normal deploy, seed ${seed}), ` +
        `${duplicates} duplicates, ${corrupt} corrupt cache files`,
    );
    // most kills must land while the deploy runs, or the item proves nothing
    expect(killedMidway).toBeGreaterThanOrEqual(Math.ceil(TRIALS / 2));
  },
  120000 + TRIALS * 40000,
);

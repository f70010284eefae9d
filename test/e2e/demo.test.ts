/** `npm run demo` is the README's main job: it must succeed and leave nothing behind. */
import { stripVTControlCharacters } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { combinedOutput, finish, REPO_ROOT, startNode } from '../helpers/cli';

it('npm run demo deploys, invokes, reads logs, redeploys nothing, removes, and cleans up', async () => {
  const demo = startNode(path.join(REPO_ROOT, 'scripts', 'demo.js'), [], { env: { ...process.env, SPOTINST_DEMO_SKIP_BUILD: '1' } });
  const finished = await finish(demo, 55000);
  // what a user reads in the terminal, both streams
  const result = { code: finished.code, stdout: combinedOutput(finished) };
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/\+ create function hello/);
  expect(result.stdout).toMatch(/"message": "Hello demo"/);
  expect(result.stdout).toMatch(/hello: greeting demo/);
  expect(result.stdout).toMatch(/nothing to deploy/);
  expect(result.stdout).toMatch(/Removed service my-service/);
  expect(stripVTControlCharacters(result.stdout)).toBe(result.stdout); // no colour codes when not on a terminal
  const work = /Working in (\S+)/.exec(result.stdout)?.[1];
  expect(work).toBeDefined();
  expect(fs.existsSync(work as string)).toBe(false);
}, 60000);

/** `npm run demo` is the README's main job: it must succeed and leave nothing behind. */
import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/cli';

it('npm run demo deploys, invokes, reads logs, redeploys nothing, removes, and cleans up', async () => {
  const result = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'demo.js')], {
      env: { ...process.env, SPOTINST_DEMO_SKIP_BUILD: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
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

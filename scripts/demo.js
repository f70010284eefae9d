#!/usr/bin/env node
/*
 * `npm run demo`: the whole user path on this machine, with no Spotinst account.
 * Builds the plugin, starts spotinst-local on a free port in a temporary directory,
 * creates a service from the nodejs template with the plugin from this checkout, and runs
 * the real CLI: deploy, invoke, logs, info, deploy again (nothing to change), remove.
 * Everything it makes lives in one temporary directory, removed at the end.
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');
const started = Date.now();

const BOLD = process.stdout.isTTY ? ['\x1b[1m', '\x1b[0m'] : ['', ''];

function heading(text) {
  process.stdout.write(`\n${BOLD[0]}${text}${BOLD[1]}\n`);
}

/** Runs the CLI like a user would, showing its output as it comes; resolves its exit code. */
function serverless(args, cwd, env) {
  heading(`$ serverless ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

async function main() {
  // The test of this script runs it beside other tests that use dist/, so it skips the rebuild.
  if (process.env.SPOTINST_DEMO_SKIP_BUILD !== '1') {
    heading('Building the plugin (npm run build)');
    const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the build failed');
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-demo-'));
  process.stdout.write(`\nWorking in ${work}\n`);
  const { startLocalPlatform } = require(path.join(ROOT, 'dist', 'local'));
  let platform;
  try {
    platform = await startLocalPlatform({ port: 0, dataDir: path.join(work, 'spotinst-local') });
    heading(`spotinst-local is serving the Spotinst API on ${platform.url} (data in ${path.join(work, 'spotinst-local')})`);

    // What `npm i -D serverless-spotinst-functions` would give the service: the plugin in node_modules.
    fs.mkdirSync(path.join(work, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(work, 'node_modules', 'serverless-spotinst-functions'), 'dir');
    const home = path.join(work, 'home');
    fs.mkdirSync(home);
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      LANG: 'C.UTF-8',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      SPOTINST_API_URL: platform.url,
      SPOTINST_TOKEN: platform.token,
      SPOTINST_ACCOUNT: platform.account,
    };

    const template = path.join(work, 'node_modules', 'serverless-spotinst-functions', 'templates', 'spotinst-nodejs');
    const steps = [
      [['create', '--template-path', template, '--path', 'my-service'], work],
      [['deploy'], null],
      [['invoke', '-f', 'hello', '--data', '{"name": "demo"}'], null],
      [['logs', '-f', 'hello'], null],
      [['info'], null],
      [['deploy'], null],
      [['remove'], null],
    ];
    const service = path.join(work, 'my-service');
    for (const [args, cwd] of steps) {
      const code = await serverless(args, cwd || service, env);
      if (code !== 0) throw new Error(`serverless ${args.join(' ')} exited with ${code}`);
    }
  } finally {
    if (platform) await platform.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
  heading(`Demo finished in ${((Date.now() - started) / 1000).toFixed(1)} s; spotinst-local stopped and its temporary directory removed.`);
}

main().catch((error) => {
  process.stderr.write(`\ndemo failed: ${error.message}\n`);
  process.exit(1);
});

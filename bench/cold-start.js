// @ts-check
/**
 * Cold start per runtime: the four templates, deployed to spotinst-local as a user would
 * (`serverless deploy`, java after `sh build.sh`), then the first request to each function
 * URL timed against the second (warm) one.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { REPO_ROOT, PRIMARY_CLI, createWorkspace, runCli, startPlatform, figure, runWhenMain, progress } = require('./lib');

const RUNTIMES = /** @type {const} */ ([
  ['node', 'spotinst-nodejs'],
  ['python', 'spotinst-python'],
  ['ruby', 'spotinst-ruby'],
  ['java', 'spotinst-java8'],
]);

/** @param {string} url @param {string} token */
async function timedRequest(url, token) {
  const started = process.hrtime.bigint();
  const reply = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{"name":"bench"}',
  });
  const body = await reply.text();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (reply.status !== 200) throw new Error(`${url} answered ${reply.status}: ${body}`);
  return ms;
}

/** @returns {Promise<Record<string, import('./lib').Figure>>} */
async function run() {
  const workspace = createWorkspace();
  const platform = await startPlatform({ dataDir: path.join(workspace.root, 'platform') });
  /** @type {Record<string, import('./lib').Figure>} */
  const results = {};
  try {
    for (const [runtime, template] of RUNTIMES) {
      const dir = path.join(workspace.root, template);
      fs.cpSync(path.join(REPO_ROOT, 'templates', template), dir, { recursive: true });
      if (runtime === 'java') {
        progress('building the java8 template (sh build.sh: javac + jar)');
        execFileSync('sh', ['build.sh'], { cwd: dir, stdio: 'ignore' });
      }
      progress(`deploying ${template}`);
      const deployed = await runCli(PRIMARY_CLI, ['deploy'], { cwd: dir, workspace, env: platform.env });
      const url = /url: (http:\/\/\S+)/.exec(deployed.stdout)?.[1];
      if (!url) throw new Error(`no function URL in the deploy output of ${template}:\n${deployed.stdout}`);
      const coldStartsBefore = (await platform.stats()).coldStarts;
      const cold = await timedRequest(url, platform.token);
      const warm = await timedRequest(url, platform.token);
      const coldStarts = (await platform.stats()).coldStarts - coldStartsBefore;
      if (coldStarts !== 1)
        throw new Error(`${runtime}: expected the first request to be the one cold start, the platform counted ${coldStarts}`);
      results[`cold_start_ms_${runtime}`] = figure({
        value: cold,
        unit: 'ms',
        baseline: warm,
        ratio: cold / warm,
        target: 'report',
        note: `first request after deploy ${Math.round(cold)} ms; baseline: the second (warm) request`,
      });
    }
    return results;
  } finally {
    await platform.stop();
    workspace.cleanup();
  }
}

module.exports = { run };

runWhenMain(module, run);

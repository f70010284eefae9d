// @ts-check
/**
 * The local platform under load: one warm node hello on spotinst-local against the same
 * handler on serverless-offline@13 (the serverless v3 line's local HTTP emulator), both
 * driven by autocannon from this process with the same connections and duration.
 */
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');
const autocannon = require('autocannon');
const {
  PRIMARY_CLI,
  cliEntry,
  cliEnvironment,
  freePort,
  createWorkspace,
  writeService,
  runCli,
  startPlatform,
  checked,
  runWhenMain,
  progress,
} = require('./lib');

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;

const HANDLER =
  "exports.main = async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hello: 'world' }) });\n";

/**
 * @param {string} url
 * @param {number} seconds
 * @returns {Promise<{ rps: number, p99: number, non2xx: number, errors: number, total: number }>}
 */
async function load(url, seconds) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
  };
}

/** @param {string} label @param {string} url */
async function measure(label, url) {
  const first = await fetch(url);
  if (first.status !== 200) throw new Error(`${label}: ${url} answered ${first.status}: ${await first.text()}`);
  progress(`${label}: warm-up ${WARMUP_SECONDS} s, then ${SECONDS} s at ${CONNECTIONS} connections`);
  await load(url, WARMUP_SECONDS);
  const measured = await load(url, SECONDS);
  if (measured.non2xx > 0 || measured.errors > 0)
    throw new Error(`${label}: ${measured.non2xx} non-2xx replies and ${measured.errors} errors under load`);
  return measured;
}

/**
 * @param {import('./lib').Workspace} workspace
 * @returns {Promise<{ url: string, stop(): Promise<void> }>}
 */
async function startOffline(workspace) {
  const dir = writeService(
    path.join(workspace.root, 'offline'),
    {
      service: 'bench-offline',
      frameworkVersion: '>=3',
      provider: { name: 'aws', stage: 'dev', region: 'us-east-1', runtime: 'nodejs20.x' },
      functions: { hello: { handler: 'handler.main', events: [{ http: { path: 'hello', method: 'get' } }] } },
      plugins: ['serverless-offline'],
    },
    { 'handler.js': HANDLER },
  );
  const offline = await spawnOffline(dir, workspace);
  return { url: `${offline.url}/dev/hello`, stop: offline.stop };
}

/**
 * Runs `serverless offline start` in a service folder until it says it is ready.
 * @param {string} dir
 * @param {import('./lib').Workspace} workspace
 * @returns {Promise<{ url: string, pid: number, stop(): Promise<void> }>} url: the HTTP server's root
 */
async function spawnOffline(dir, workspace) {
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [
      cliEntry('serverless'),
      'offline',
      'start',
      '--httpPort',
      String(httpPort),
      '--lambdaPort',
      String(lambdaPort),
      '--host',
      '127.0.0.1',
      '--noTimeout',
    ],
    {
      cwd: dir,
      env: cliEnvironment(workspace),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise((resolve, reject) => {
    let output = '';
    const onData = (/** @type {string} */ chunk) => {
      output += chunk;
      if (/Server ready/.test(output)) resolve(undefined);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => reject(new Error(`serverless offline exited ${code}: ${output}`)));
  });
  return {
    url: `http://127.0.0.1:${httpPort}`,
    pid: child.pid ?? 0,
    stop: async () => {
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** @returns {Promise<Record<string, import('./lib').Figure>>} */
async function run() {
  const workspace = createWorkspace();
  const platform = await startPlatform({ dataDir: path.join(workspace.root, 'platform') });
  try {
    const dir = writeService(
      path.join(workspace.root, 'spotinst'),
      {
        service: 'bench-local',
        frameworkVersion: '>=3',
        provider: { name: 'spotinst', stage: 'dev' },
        functions: { hello: { runtime: 'nodejs8.3', handler: 'handler.main', access: 'public', memory: 128, timeout: 30 } },
        plugins: ['serverless-spotinst-functions'],
      },
      { 'handler.js': HANDLER },
    );
    progress('deploying the node hello to spotinst-local');
    const deployed = await runCli(PRIMARY_CLI, ['deploy'], { cwd: dir, workspace, env: platform.env });
    const url = /url: (http:\/\/\S+)/.exec(deployed.stdout)?.[1];
    if (!url) throw new Error(`no function URL in the deploy output:\n${deployed.stdout}`);
    const before = (await platform.stats()).invocations;
    const ours = await measure('spotinst-local', url);
    // every reply must come from a real run of the function, not from anything in front of it
    const invocations = (await platform.stats()).invocations - before;
    if (invocations < ours.total)
      throw new Error(`spotinst-local answered ${ours.total} requests but ran the function ${invocations} times`);

    progress('starting serverless-offline@13 with the same handler');
    const offline = await startOffline(workspace);
    let theirs;
    try {
      theirs = await measure('serverless-offline', offline.url);
    } finally {
      await offline.stop();
    }
    const note = `${CONNECTIONS} connections, ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up, autocannon`;
    return {
      local_rps_ratio: checked({
        value: ours.rps / theirs.rps,
        baseline: theirs.rps,
        target: '>= 1.5',
        note: `spotinst-local ${Math.round(ours.rps)} req/s / serverless-offline ${Math.round(theirs.rps)} req/s; ${note}`,
      }),
      local_p99_ratio: checked({
        value: ours.p99 / theirs.p99,
        baseline: theirs.p99,
        target: '<= 1.0',
        note: `p99 spotinst-local ${ours.p99} ms / serverless-offline ${theirs.p99} ms; ${note}`,
      }),
    };
  } finally {
    await platform.stop();
    workspace.cleanup();
  }
}

module.exports = { run, spawnOffline };

runWhenMain(module, run);

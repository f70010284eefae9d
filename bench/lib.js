// @ts-check
/**
 * What every benchmark needs: temp workspaces that resolve the plugin to this checkout (as
 * an install would), the real CLIs timed from spawn to exit, a spotinst-local in its own
 * process (so the load it serves does not share an event loop with the tool measuring it),
 * and small statistics. Benchmarks run against dist/ (`npm run bench` builds first).
 */
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const yaml = require('js-yaml');
const { freePort } = require('../scripts/free-port');

const REPO_ROOT = path.resolve(__dirname, '..');

/** @typedef {'serverless' | 'osls'} CliName */
/** The host the headline figures are measured on; BENCH_CLI=osls measures the fork instead. */
const PRIMARY_CLI = /** @type {CliName} */ (process.env.BENCH_CLI === 'osls' ? 'osls' : 'serverless');

/**
 * @typedef {{ root: string, home: string, cleanup(): void }} Workspace
 * @returns {Workspace}
 */
function createWorkspace() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-bench-'));
  const modules = path.join(root, 'node_modules');
  fs.mkdirSync(modules);
  fs.symlinkSync(REPO_ROOT, path.join(modules, 'serverless-spotinst-functions'), 'dir');
  // the baseline plugin of the local-platform benchmark, resolved the same way
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', 'serverless-offline'), path.join(modules, 'serverless-offline'), 'dir');
  const home = path.join(root, 'home');
  fs.mkdirSync(home);
  return { root, home, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/**
 * @param {string} dir
 * @param {Record<string, unknown>} config serverless.yml as an object
 * @param {Record<string, string>} [files]
 */
function writeService(dir, config, files = {}) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'serverless.yml'), yaml.dump(config));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/**
 * @param {Workspace} workspace
 * @param {NodeJS.ProcessEnv} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
function cliEnvironment(workspace, extra = {}) {
  return {
    PATH: process.env.PATH,
    HOME: workspace.home,
    LANG: 'C.UTF-8',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_SCHEMA_CACHE_BASE_DIR: path.join(workspace.home, '.sls-schema-cache'),
    SPOTINST_CREDENTIALS_FILE: path.join(workspace.home, '.spotinst', 'credentials'),
    // the aws baselines must never reach for real credentials or the network
    AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
    AWS_SECRET_ACCESS_KEY: 'benchmark',
    AWS_REGION: 'us-east-1',
    ...extra,
  };
}

/** @param {CliName} cli */
function cliEntry(cli) {
  return path.join(REPO_ROOT, 'node_modules', cli, 'bin', 'serverless.js');
}

/**
 * Runs a CLI to its exit and times it (spawn to exit, as a user waits for it).
 * @param {CliName} cli
 * @param {string[]} args
 * @param {{ cwd: string, workspace: Workspace, env?: NodeJS.ProcessEnv, allowFailure?: boolean }} options
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string, ms: number }>}
 */
function runCli(cli, args, options) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [cliEntry(cli), ...args], {
      cwd: options.cwd,
      env: cliEnvironment(options.workspace, options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0 && !options.allowFailure) {
        reject(new Error(`${cli} ${args.join(' ')} exited ${code}:\n${stdout}\n${stderr}`));
        return;
      }
      resolve({ code, stdout, stderr, ms });
    });
  });
}

/**
 * @typedef {{ requests: Record<string, number>, requestBytes: number, codeBytesUploaded: number, invocations: number, coldStarts: number }} LocalStats
 * @typedef {{ url: string, token: string, account: string, pid: number, env: NodeJS.ProcessEnv, stats(): Promise<LocalStats>, reset(): Promise<void>, stop(): Promise<void> }} Platform
 */

/**
 * Starts `spotinst-local` (the CLI from dist/) in a child process on a free loopback port.
 * @param {{ dataDir: string, faults?: string, args?: string[], cli?: string }} options `args`: more CLI options (e.g. the worker
 *   budget); `cli`: another build's CLI script (a baseline release), instead of this checkout's dist/local/cli.js
 * @returns {Promise<Platform>}
 */
function startPlatform(options) {
  const token = crypto.randomBytes(20).toString('hex');
  const account = 'act-bench0001';
  const args = [
    options.cli ?? path.join(REPO_ROOT, 'dist', 'local', 'cli.js'),
    '--port',
    '0',
    '--data-dir',
    options.dataDir,
    '--token',
    token,
    '--account',
    account,
  ];
  if (options.faults) args.push('--faults', options.faults);
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, LANG: 'C.UTF-8' } });
  return new Promise((resolve, reject) => {
    let banner = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => reject(new Error(`spotinst-local exited ${code} before listening: ${stderr}`)));
    child.stdout.setEncoding('utf8').on('data', function onData(chunk) {
      banner += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(banner);
      if (!match) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      const url = match[1];
      const exited = new Promise((done) => child.once('exit', done));
      resolve({
        url,
        token,
        account,
        pid: child.pid ?? 0,
        env: { SPOTINST_API_URL: url, SPOTINST_TOKEN: token, SPOTINST_ACCOUNT: account },
        stats: async () => /** @type {LocalStats} */ (await (await fetch(`${url}/__local/stats`)).json()),
        reset: async () => {
          const reply = await fetch(`${url}/__local/reset`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
          if (!reply.ok) throw new Error(`reset failed: ${reply.status}`);
        },
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** @param {LocalStats} stats */
function writeCalls(stats) {
  return Object.entries(stats.requests)
    .filter(([route]) => /^(POST|PUT|DELETE|PATCH) /.test(route))
    .reduce((sum, [, count]) => sum + count, 0);
}

/** @param {LocalStats} stats */
function totalCalls(stats) {
  return Object.values(stats.requests).reduce((sum, count) => sum + count, 0);
}

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** @param {number} value */
function round(value, digits = 3) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * One figure of bench/results.json.
 * @typedef {{ value: number, unit: string, baseline: number | null, ratio: number | null, target?: string, met?: boolean, note?: string }} Figure
 * @param {{ value: number, unit: string, baseline?: number | null, ratio?: number | null, target?: string, met?: boolean, note?: string }} figure
 * @returns {Figure}
 */
function figure({ value, unit, baseline = null, ratio = null, target, met, note }) {
  return {
    value: round(value),
    unit,
    baseline: baseline === null ? null : round(baseline),
    ratio: ratio === null ? null : round(ratio),
    ...(target ? { target } : {}),
    ...(met === undefined ? {} : { met }),
    ...(note ? { note } : {}),
  };
}

/**
 * A figure compared with its target, written as in the issue: "<= 0.25", ">= 4" or "0".
 * @param {{ value: number, unit?: string, baseline?: number | null, ratio?: number | null, target: string, note?: string }} measured
 * @returns {Figure}
 */
function checked({ value, unit = 'ratio', baseline = null, ratio = unit === 'ratio' ? value : null, target, note }) {
  const [, op, bound] = /^(<=|>=)?\s*(-?[\d.]+)$/.exec(target) ?? [];
  if (bound === undefined) throw new Error(`unreadable target "${target}"`);
  const met = op === '<=' ? value <= Number(bound) : op === '>=' ? value >= Number(bound) : value === Number(bound);
  return figure({ value, unit, baseline, ratio, target, met, note });
}

/**
 * Lets a benchmark module run on its own (`node bench/deploy.js`), printing its figures.
 * @param {NodeJS.Module} mod
 * @param {() => Promise<Record<string, Figure>>} run
 */
function runWhenMain(mod, run) {
  if (require.main !== mod) return;
  run().then(
    (results) => process.stdout.write(`${JSON.stringify(results, null, 2)}\n`),
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exit(1);
    },
  );
}

/** @param {string} message */
function progress(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

/** A client of the platform, from the built plugin (npm run bench builds first). @param {Platform} platform */
function clientFor(platform) {
  const { SpotinstClient } = require(path.join(REPO_ROOT, 'dist', 'api'));
  return new SpotinstClient({ apiUrl: platform.url, token: platform.token, account: platform.account, retry: { retries: 0 } });
}

/**
 * An application named `applicationName` with an environment `dev` in it; resolves the environment's id.
 * @param {ReturnType<typeof clientFor>} client @param {string} applicationName @returns {Promise<string>}
 */
async function createEnvironment(client, applicationName) {
  const app = await client.applications.create({ name: applicationName });
  const env = await client.environments.create({
    name: 'dev',
    applicationId: app.id,
    providers: ['aws'],
    locations: ['us-east'],
    strategy: 'least-expensive',
  });
  return env.id;
}

module.exports = {
  clientFor,
  createEnvironment,
  freePort,
  REPO_ROOT,
  PRIMARY_CLI,
  createWorkspace,
  writeService,
  cliEntry,
  cliEnvironment,
  runCli,
  startPlatform,
  writeCalls,
  totalCalls,
  median,
  round,
  figure,
  checked,
  runWhenMain,
  progress,
};

// @ts-check
/**
 * `serverless dev` figures, on the 20-function service of the deploy benchmark (3,000 files in
 * node_modules), with fn18 written in python and fn19 in TypeScript, each function packaged
 * on its own (its handler and the one library it requires), as docs/dev.md recommends:
 *   - dev_edit_to_live_ms (node, in the 20-function service): from the write of a handler file
 *     until its function URL answers with the new code, p50 and p95 over EDITS saves; the same
 *     for the python and the TypeScript handler (reported);
 *   - dev_edit_to_live_ms_one_zip: the same save when the service is one zip of every file
 *     (all 3,000), which every function shares: each save re-zips it and redeploys all 19
 *     (reported, not a target: what packaging individually saves);
 *   - dev_start_ms: from spawning `serverless dev` until every function URL is printed
 *     (median of 3 starts from a clean service folder);
 *   - noop_redeploy_vs_print: a no-op `serverless deploy` of the same service divided by
 *     `serverless print` of it (medians of interleaved runs), against a spotinst-local
 *     without injected latency: the plugin's own share of a redeploy.
 */
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const {
  PRIMARY_CLI,
  createWorkspace,
  writeService,
  cliEntry,
  cliEnvironment,
  runCli,
  startPlatform,
  median,
  checked,
  figure,
  runWhenMain,
  progress,
} = require('./lib');
const { functions, handlerFiles, nodeModules, serviceConfig } = require('./deploy');

const EDITS = Number(process.env.BENCH_DEV_EDITS ?? 25);
const STARTS = Number(process.env.BENCH_DEV_STARTS ?? 3);
const PRINT_RUNS = Number(process.env.BENCH_PRINT_RUNS ?? 9);
const ONE_ZIP_EDITS = Number(process.env.BENCH_DEV_ONE_ZIP_EDITS ?? 5);

/** serverless 3 runs `serverless dev` only in a terminal (its onboarding's check); this is its switch for a pipe. */
const TERMINAL = PRIMARY_CLI === 'serverless' ? { SLS_INTERACTIVE_SETUP_ENABLE: '1' } : {};

/** @param {number} marker */
const nodeHandler = (marker) =>
  `const lib = require('../node_modules/lib-0/index.js');\nexports.main = async () => ({ statusCode: 200, body: JSON.stringify({ marker: ${marker}, lib: lib.name }) });\n`;
/** @param {number} marker */
const pythonHandler = (marker) => `def main(event, context):\n    return {"statusCode": 200, "body": {"marker": ${marker}}}\n`;
/** @param {number} marker */
const typescriptHandler = (marker) =>
  `interface Reply { statusCode: number; body: { marker: number } }\nexport const main = async (): Promise<Reply> => ({ statusCode: 200, body: { marker: ${marker} } });\n`;

/**
 * The deploy benchmark's 20 functions, fn18 in python and fn19 in TypeScript; `individually`:
 * each function's zip holds its handler and lib-0, else one zip holds every file.
 * @param {boolean} individually
 */
function devService(individually) {
  const fns = /** @type {Record<string, Record<string, unknown>>} */ (
    functions(20, (i) => (i % 2 ? { cron: { active: true, value: `${i} * * * *` } } : { endpoint: { path: `/fn${i}`, method: 'get' } }))
  );
  fns.fn18 = { ...fns.fn18, runtime: 'python3.11', handler: 'py/handler.main' };
  fns.fn19 = { ...fns.fn19, handler: 'ts/handler.main' };
  for (const [key, fn] of Object.entries(fns)) {
    fn.access = 'public';
    if (individually && key !== 'fn19')
      fn.package = { patterns: [key === 'fn18' ? 'py/handler.py' : `handlers/fn${Number(key.slice(2))}.js`] };
  }
  const files = { ...handlerFiles(18), ...nodeModules(), 'py/handler.py': pythonHandler(0), 'ts/handler.ts': typescriptHandler(0) };
  const config = serviceConfig('bench-dev', fns, { alias: 'dev.example.test' });
  if (individually) config.package = { individually: true, patterns: ['!**', 'node_modules/lib-0/**'] };
  return { config, files };
}

/** @param {number[]} values @param {number} fraction */
function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

/**
 * @param {string} dir
 * @param {import('./lib').Workspace} workspace
 */
function startDev(dir, workspace) {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [cliEntry(PRIMARY_CLI), 'dev'], { cwd: dir, env: cliEnvironment(workspace, TERMINAL) });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  /** @type {Promise<{ ms: number, urls: Record<string, string> }>} */
  const printed = new Promise((resolve, reject) => {
    const check = () => {
      const urls = Object.fromEntries([...output.matchAll(/^ {2}(fn\d+)\s+(http:\/\/\S+)/gm)].map((match) => [match[1], match[2]]));
      if (Object.keys(urls).length === 20) {
        resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, urls });
        return;
      }
      if (child.exitCode !== null) {
        reject(new Error(`serverless dev ended before printing the URLs:\n${output}`));
        return;
      }
      setTimeout(check, 5);
    };
    check();
  });
  const watching = async () => {
    while (!output.includes('Ctrl-C stops')) {
      if (child.exitCode !== null) throw new Error(`serverless dev ended:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return {
    printed,
    watching,
    output: () => output,
    stop: async () => {
      child.kill('SIGINT');
      const code = await exited;
      if (code !== 0) throw new Error(`serverless dev exited ${code} on Ctrl-C:\n${output}`);
    },
  };
}

/** @param {string} url */
async function marker(url) {
  try {
    const reply = await fetch(url);
    if (reply.status !== 200) return undefined;
    const body = /** @type {{ marker?: number }} */ (await reply.json());
    return body.marker;
  } catch {
    return undefined;
  }
}

/**
 * Saves `file` `count` times with a new marker and times each save until `url` answers with it.
 * @param {string} file @param {(marker: number) => string} content @param {string} url @param {number} first
 */
async function editToLive(file, content, url, first, count = EDITS) {
  /** @type {number[]} */
  const times = [];
  for (let edit = 0; edit < count; edit += 1) {
    const next = first + edit;
    // the save lands while nothing else happens: the previous one is live and idle
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = process.hrtime.bigint();
    fs.writeFileSync(file, content(next));
    const deadline = Date.now() + 60000;
    while ((await marker(url)) !== next) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer with marker ${next} within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times;
}

/** @returns {Promise<Record<string, import('./lib').Figure>>} */
async function run() {
  const workspace = createWorkspace();
  /** @type {Record<string, import('./lib').Figure>} */
  const results = {};
  try {
    const { config, files } = devService(true);
    const dir = writeService(path.join(workspace.root, 'dev'), config, files);

    /** @type {number[]} */
    const starts = [];
    for (let round = 1; round <= STARTS; round += 1) {
      fs.rmSync(path.join(dir, '.serverless'), { recursive: true, force: true });
      progress(`${PRIMARY_CLI} dev, 20 functions + 3,000 files, from a clean folder (start ${round}/${STARTS})`);
      const dev = startDev(dir, workspace);
      starts.push((await dev.printed).ms);
      await dev.watching();
      await dev.stop();
    }
    results.dev_start_ms = figure({
      value: median(starts),
      unit: 'ms',
      note: `median of ${STARTS} starts from a clean folder (${starts.map((ms) => Math.round(ms)).join(', ')} ms): spawn to every URL printed`,
    });

    progress(`${PRIMARY_CLI} dev: ${EDITS} saves each of a node, a python and a TypeScript handler`);
    const dev = startDev(dir, workspace);
    const { urls } = await dev.printed;
    await dev.watching();
    try {
      const node = await editToLive(path.join(dir, 'handlers', 'fn3.js'), nodeHandler, urls.fn03, 1);
      const python = await editToLive(path.join(dir, 'py', 'handler.py'), pythonHandler, urls.fn18, 1);
      const typescript = await editToLive(path.join(dir, 'ts', 'handler.ts'), typescriptHandler, urls.fn19, 1);
      const p50 = percentile(node, 0.5);
      const p95 = percentile(node, 0.95);
      results.dev_edit_to_live_ms = checked({
        value: p50,
        unit: 'ms',
        baseline: null,
        target: '<= 300',
        note: `node, 20-function service: p50 ${Math.round(p50)} ms, p95 ${Math.round(p95)} ms over ${EDITS} saves (file write to the URL answering the new code)`,
      });
      results.dev_edit_to_live_p95_ms = checked({
        value: p95,
        unit: 'ms',
        target: '<= 600',
        note: `node, the same ${EDITS} saves`,
      });
      results.dev_edit_to_live_ms_python = figure({
        value: percentile(python, 0.5),
        unit: 'ms',
        note: `p50; p95 ${Math.round(percentile(python, 0.95))} ms over ${EDITS} saves`,
      });
      results.dev_edit_to_live_ms_typescript = figure({
        value: percentile(typescript, 0.5),
        unit: 'ms',
        note: `p50; p95 ${Math.round(percentile(typescript, 0.95))} ms over ${EDITS} saves (esbuild bundle, its own zip)`,
      });
    } finally {
      await dev.stop();
    }

    const oneZip = devService(false);
    const zipped = writeService(path.join(workspace.root, 'one-zip'), oneZip.config, oneZip.files);
    progress(`${PRIMARY_CLI} dev, the service as one zip: ${ONE_ZIP_EDITS} saves of a node handler`);
    const shared = startDev(zipped, workspace);
    const sharedUrls = (await shared.printed).urls;
    await shared.watching();
    try {
      const times = await editToLive(path.join(zipped, 'handlers', 'fn3.js'), nodeHandler, sharedUrls.fn03, 1, ONE_ZIP_EDITS);
      results.dev_edit_to_live_ms_one_zip = figure({
        value: percentile(times, 0.5),
        unit: 'ms',
        note: `p50 of ${ONE_ZIP_EDITS} saves when all 20 functions share one zip of every file (3,000 in node_modules): each save re-zips it and redeploys 19 functions`,
      });
    } finally {
      await shared.stop();
    }

    // ---- no-op deploy against print, the plugin's own share -----------------------------
    const platform = await startPlatform({ dataDir: path.join(workspace.root, 'platform') });
    try {
      const options = { workspace, env: platform.env, cwd: dir };
      fs.rmSync(path.join(dir, '.serverless'), { recursive: true, force: true });
      progress(`${PRIMARY_CLI} deploy once, then no-op deploys and prints alternately, ${PRINT_RUNS} each`);
      await runCli(PRIMARY_CLI, ['deploy'], options);
      /** @type {number[]} */
      const deploys = [];
      /** @type {number[]} */
      const prints = [];
      // one unmeasured run each warms the file-system caches and the framework's schema cache
      for (let round = -1; round < PRINT_RUNS; round += 1) {
        const deployed = await runCli(PRIMARY_CLI, ['deploy'], options);
        if (!/is up to date: nothing to deploy/.test(deployed.stderr))
          throw new Error(`the second deploy was not a no-op:\n${deployed.stderr}`);
        const printed = await runCli(PRIMARY_CLI, ['print'], options);
        if (round >= 0) {
          deploys.push(deployed.ms);
          prints.push(printed.ms);
        }
      }
      const ratio = median(deploys) / median(prints);
      results.noop_redeploy_vs_print = checked({
        value: ratio,
        baseline: median(prints),
        target: '<= 1.15',
        note: `median of ${PRINT_RUNS}: no-op deploy ${Math.round(median(deploys))} ms / print ${Math.round(median(prints))} ms`,
      });
    } finally {
      await platform.stop();
    }
    return results;
  } finally {
    workspace.cleanup();
  }
}

module.exports = { run };

runWhenMain(module, run);

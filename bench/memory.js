// @ts-check
/**
 * Memory of warm functions (issue 14, part 3), read from /proc as VmRSS, the figure `ps`
 * shows and spotinst-local's memory watch reads (each process counts the shared pages it
 * maps, such as the node binary).
 *
 * - `warm_rss_mb_per_function_node`, `_python`: N functions each called once on
 *   spotinst-local, the workers' total RSS / N; against serverless-offline@13 serving the
 *   same N handlers, measured in the same run as the growth of its process tree (node runs
 *   handlers in worker threads of its own process, python in a child process per function)
 *   from after a warm-up call of one more function to after the N calls, / N.
 * - `thousand_functions`: 1,000 node functions each called once (16 at a time) on a
 *   spotinst-local started with `--max-workers 32 --max-worker-memory 1536MB`: every call
 *   answered 200, and the platform's peak RSS (its own process and its workers, sampled
 *   every 50 ms) within the budget: the workers' 1,536 MB and 256 MB for the platform's own
 *   process.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { clientFor, createEnvironment, createWorkspace, writeService, startPlatform, figure, runWhenMain, progress } = require('./lib');
const { spawnOffline } = require('./local');

const FUNCTIONS = Number(process.env.BENCH_MEMORY_FUNCTIONS ?? 20);
const THOUSAND = Number(process.env.BENCH_THOUSAND ?? 1000);
const THOUSAND_CONCURRENCY = 16;
const BUDGET_WORKERS = 32;
const BUDGET_WORKER_MB = 1536;
/** what the platform's own process may hold beside its workers: its heap, the state of 1,000 functions, sockets */
const BUDGET_PLATFORM_MB = 256;
const SAMPLE_MS = 50;

const NODE_HANDLER = "exports.main = async () => ({ statusCode: 200, body: 'hello' });\n";
const PYTHON_HANDLER = "def main(event, context):\n    return {'statusCode': 200, 'body': 'hello'}\n";

/** @typedef {'node' | 'python'} Language */
/** @type {Record<Language, { file: string, code: string, ours: string, theirs: string }>} */
const LANGUAGES = {
  node: { file: 'handler.js', code: NODE_HANDLER, ours: 'nodejs8.3', theirs: 'nodejs20.x' },
  python: { file: 'handler.py', code: PYTHON_HANDLER, ours: 'python2.7', theirs: 'python3.11' },
};

/** @param {number} pid @returns {number} MB, 0 when the process is gone */
function rssMb(pid) {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Every process below `root`, read from the parent ids in /proc/<pid>/stat. @param {number} root */
function descendants(root) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // the command may contain spaces and parentheses: the parent id follows the last ')'
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
  }
  const found = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(/** @type {number} */ (queue.shift())) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * RSS in MB of the root process and of everything below it, and how many processes below it
 * hold memory (a killed worker not yet reaped holds none).
 * @param {number} root @returns {{ own: number, below: number, count: number }}
 */
function treeRss(root) {
  const below = descendants(root).map(rssMb);
  return { own: rssMb(root), below: below.reduce((sum, mb) => sum + mb, 0), count: below.filter((mb) => mb > 0).length };
}

/**
 * Deploys `count` functions of one handler to the platform, `concurrency` at a time.
 * @param {import('./lib').Platform} platform
 * @param {Language} language
 * @param {number} count
 * @returns {Promise<string[]>} their URLs
 */
async function deployFunctions(platform, language, count, concurrency = 8) {
  const JSZip = require('jszip');
  const zip = new JSZip();
  zip.file(LANGUAGES[language].file, LANGUAGES[language].code);
  const source = (await zip.generateAsync({ type: 'nodebuffer' })).toString('base64');
  const client = clientFor(platform);
  try {
    const environmentId = await createEnvironment(client, `bench-memory-${language}`);
    /** @type {string[]} */
    const urls = new Array(count);
    await forEachLimited(count, concurrency, async (i) => {
      const fn = await client.functions.create({
        environmentId,
        name: `${language}${i}`,
        runtime: LANGUAGES[language].ours,
        access: 'public',
        limits: { memory: 128, timeout: 30 },
        code: { handler: 'handler.main', source },
      });
      urls[i] = fn.url;
    });
    return urls;
  } finally {
    client.close();
  }
}

/**
 * Runs `work(0..count-1)` with at most `limit` at once.
 * @param {number} count @param {number} limit @param {(index: number) => Promise<void>} work
 */
async function forEachLimited(count, limit, work) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await work(index);
    }
  });
  await Promise.all(lanes);
}

/** @param {string} url */
async function callOnce(url) {
  const reply = await fetch(url);
  const body = await reply.text();
  if (reply.status !== 200) throw new Error(`${url} answered ${reply.status}: ${body}`);
}

/**
 * spotinst-local: N functions each called once, the workers' RSS / N.
 * @param {import('./lib').Workspace} workspace @param {Language} language
 */
async function oursPerFunction(workspace, language) {
  const platform = await startPlatform({ dataDir: path.join(workspace.root, `platform-${language}`) });
  try {
    const urls = await deployFunctions(platform, language, FUNCTIONS);
    const before = treeRss(platform.pid);
    for (const url of urls) await callOnce(url);
    const after = treeRss(platform.pid);
    if (after.count < FUNCTIONS) throw new Error(`spotinst-local holds ${after.count} workers after calling ${FUNCTIONS} functions`);
    return { perFunction: after.below / FUNCTIONS, treeGrowth: (after.own + after.below - before.own - before.below) / FUNCTIONS };
  } finally {
    await platform.stop();
  }
}

/**
 * serverless-offline: the growth of its process tree over N functions called once, / N,
 * after a warm-up call of one more function (its first call loads the runner itself).
 * @param {import('./lib').Workspace} workspace @param {Language} language
 */
async function offlinePerFunction(workspace, language) {
  const { file, code, theirs } = LANGUAGES[language];
  /** @type {Record<string, unknown>} */
  const functions = {};
  for (let i = 0; i <= FUNCTIONS; i += 1) {
    functions[`f${i}`] = { handler: 'handler.main', events: [{ http: { path: `f${i}`, method: 'get' } }] };
  }
  const dir = writeService(
    path.join(workspace.root, `offline-${language}`),
    {
      service: `bench-memory-${language}`,
      frameworkVersion: '>=3',
      provider: { name: 'aws', stage: 'dev', region: 'us-east-1', runtime: theirs },
      functions,
      plugins: ['serverless-offline'],
    },
    { [file]: code },
  );
  const offline = await spawnOffline(dir, workspace);
  /** @type {number[]} */
  let seen = [];
  try {
    await callOnce(`${offline.url}/dev/f0`);
    const before = treeRss(offline.pid);
    for (let i = 1; i <= FUNCTIONS; i += 1) await callOnce(`${offline.url}/dev/f${i}`);
    const after = treeRss(offline.pid);
    seen = descendants(offline.pid);
    return (after.own + after.below - before.own - before.below) / FUNCTIONS;
  } finally {
    await offline.stop();
    // its python processes run under a shell and may outlive it
    for (const pid of seen) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** @param {import('./lib').Workspace} workspace */
async function thousandFunctions(workspace) {
  const platform = await startPlatform({
    dataDir: path.join(workspace.root, 'platform-thousand'),
    args: ['--max-workers', String(BUDGET_WORKERS), '--max-worker-memory', `${BUDGET_WORKER_MB}MB`],
  });
  let peak = { total: 0, own: 0, workers: 0 };
  let mostWorkers = 0;
  let timer;
  try {
    progress(`thousand_functions: deploying ${THOUSAND} node functions`);
    const urls = await deployFunctions(platform, 'node', THOUSAND);
    const sample = () => {
      const now = treeRss(platform.pid);
      if (now.own + now.below > peak.total) peak = { total: now.own + now.below, own: now.own, workers: now.below };
      mostWorkers = Math.max(mostWorkers, now.count);
    };
    timer = setInterval(sample, SAMPLE_MS);
    progress(`thousand_functions: calling each once, ${THOUSAND_CONCURRENCY} at a time`);
    const started = Date.now();
    /** @type {Record<string, number>} */
    const statuses = {};
    await forEachLimited(urls.length, THOUSAND_CONCURRENCY, async (i) => {
      const reply = await fetch(urls[i]);
      await reply.arrayBuffer();
      statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
    });
    sample();
    return { statuses, peak, mostWorkers, seconds: (Date.now() - started) / 1000 };
  } finally {
    clearInterval(timer);
    await platform.stop();
  }
}

/** @returns {Promise<Record<string, import('./lib').Figure>>} */
async function run() {
  if (!fs.existsSync('/proc/self/status')) throw new Error('the memory benchmarks read /proc: run them on Linux');
  const workspace = createWorkspace();
  /** @type {Record<string, import('./lib').Figure>} */
  const results = {};
  try {
    for (const language of /** @type {Language[]} */ (['node', 'python'])) {
      progress(`warm_rss_mb_per_function_${language}: ${FUNCTIONS} functions on spotinst-local`);
      const ours = await oursPerFunction(workspace, language);
      progress(`warm_rss_mb_per_function_${language}: the same on serverless-offline@13`);
      const theirs = await offlinePerFunction(workspace, language);
      results[`warm_rss_mb_per_function_${language}`] = figure({
        value: ours.perFunction,
        unit: 'MB',
        baseline: theirs,
        ratio: ours.perFunction / theirs,
        note:
          `${FUNCTIONS} ${language} functions each called once: spotinst-local's workers' VmRSS / ${FUNCTIONS} ` +
          `(its whole process tree grew ${ours.treeGrowth.toFixed(1)} MB per function); baseline: serverless-offline@13's ` +
          `process tree growth per function (${language === 'node' ? 'worker threads in one process' : 'a python process per function'})`,
      });
    }

    const { statuses, peak, mostWorkers, seconds } = await thousandFunctions(workspace);
    const answered = statuses[200] ?? 0;
    const budget = BUDGET_WORKER_MB + BUDGET_PLATFORM_MB;
    results.thousand_functions = figure({
      value: peak.total,
      unit: 'MB peak',
      baseline: budget,
      ratio: peak.total / budget,
      target: `${THOUSAND} × 200, peak <= budget`,
      met: answered === THOUSAND && peak.total <= budget,
      note:
        `${THOUSAND} node functions each called once, ${THOUSAND_CONCURRENCY} at a time, in ${seconds.toFixed(0)} s, with ` +
        `--max-workers ${BUDGET_WORKERS} --max-worker-memory ${BUDGET_WORKER_MB}MB: ${answered}/${THOUSAND} answered 200 ` +
        `(${JSON.stringify(statuses)}); peak RSS ${peak.total.toFixed(0)} MB = platform ${peak.own.toFixed(0)} + workers ` +
        `${peak.workers.toFixed(0)}, at most ${mostWorkers} workers at once; budget = ${BUDGET_WORKER_MB} MB of workers + ` +
        `${BUDGET_PLATFORM_MB} MB for the platform's own process`,
    });
    return results;
  } finally {
    workspace.cleanup();
  }
}

module.exports = { run };

runWhenMain(module, run);

// @ts-check
/**
 * The storage of spotinst-local (issue 14): each figure against a spotinst-local CLI in its
 * own process, the load from this one.
 *
 * - `docstore_writes_per_s_1k`, `_20k`: 50 writers updating 1 KB documents (PUT of a key
 *   picked at random, so the store holds exactly 1,000 or 20,000 documents while measured),
 *   on SQLite; baseline: the 2.0.0-dev release (its JSON store), built from git history in a
 *   temp dir and measured the same way in the same run.
 * - `logs_window_ms`: a one-minute window of a function with 1,000,000 logged lines, through
 *   GET /functions/function/log (the rows written straight into the SQLite file, see fillLog).
 * - `deploy_1000_functions`: `serverless deploy` of 1,000 functions into an empty node.
 * - `invoke_p99_during_writes_ratio`: invocations at a steady rate, p99 while 50 writers
 *   write 5,000 documents at 1,000 a second (the docstore target's rate) / p99 with nothing
 *   else going on; `invoke_p99_during_flat_out_writes_ratio` (reported): the same while the
 *   writers go as fast as the node takes them.
 * - `cluster_rps_ratio`: invocations per second of two nodes on one PostgreSQL / one node.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const {
  REPO_ROOT,
  PRIMARY_CLI,
  createWorkspace,
  writeService,
  runCli,
  startPlatform,
  totalCalls,
  median,
  round,
  figure,
  checked,
  runWhenMain,
  progress,
  clientFor,
} = require('./lib');
const { startPostgres } = require('../scripts/postgres-cluster');
const { buildRelease, fillStateFile } = require('./release');
const {
  WRITERS,
  HANDLER,
  INVOKE_INTERVAL_MS,
  percentile,
  authorization,
  setUp,
  account,
  createDocuments,
  createDocumentsInWorker,
  writesTo,
  steadyInvocations,
  updateRates,
  ROUND_MS,
} = require('./storage-load');

/** the last commit with 2.0.0-dev's JSON store (state.json rewritten on every change) */
const BASELINE_COMMIT = '8d255f4';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** the SQLite rounds are short: more of them, taking turns between the two nodes */
const DOCSTORE_ROUNDS = Math.max(ROUNDS, 5);
const LOG_LINES = Number(process.env.BENCH_LOG_LINES ?? 1_000_000);
/** one invocation (of one line) every 600 ms: 1,000,000 span 6.9 days, a minute holds 100 */
const LOG_SPACING_MS = 600;
const LOG_QUERIES = 11;
const DEPLOY_FUNCTIONS = Number(process.env.BENCH_DEPLOY_FUNCTIONS ?? 1000);
const DURING_WRITES_DOCUMENTS = 5000;
const IDLE_MS = 3000;
const WARM_UP_DOCUMENTS = 2000;
const PACED_WRITES = 1000;
const CLUSTER_CONNECTIONS = 16;
const CLUSTER_SECONDS = 10;

// ---- docstore_writes_per_s ------------------------------------------------------------

/**
 * SQLite, this checkout: two nodes, one filled with 1,000 documents and one with 20,000
 * (through the API, creates), measured taking turns. @param {import('./lib').Workspace} workspace
 */
async function currentRates(workspace) {
  /** @type {import('./lib').Platform[]} */
  const platforms = [];
  try {
    /** @type {import('./storage-load').Filled[]} */
    const stores = [];
    let creates = 0;
    for (const count of [1000, 20000]) {
      const platform = await startPlatform({ dataDir: path.join(workspace.root, `docstore-sqlite-${count}`) });
      platforms.push(platform);
      const { environmentId } = await setUp(platform, false);
      progress(`docstore: SQLite, creating ${count.toLocaleString('en')} documents through the API`);
      creates = (await createDocuments(writesTo(platform, environmentId, 0, count))).perSecond;
      stores.push({ platform, environmentId, count });
    }
    progress(`docstore: SQLite, updates at 1,000 and at 20,000 documents, ${DOCSTORE_ROUNDS} rounds each, taking turns`);
    const [at1k, at20k] = await updateRates(stores, DOCSTORE_ROUNDS);
    return { at1k, at20k, creates };
  } finally {
    for (const platform of platforms) await platform.stop();
  }
}

/** @param {import('./lib').Workspace} workspace @param {string} cli */
async function baselineRates(workspace, cli) {
  const dataDir = path.join(workspace.root, 'docstore-2.0.0-dev');
  let platform = await startPlatform({ dataDir, cli });
  const { environmentId } = await setUp(platform, false);
  await platform.stop();
  /** @type {Record<number, import('./storage-load').Rate>} */
  const rates = {};
  for (const count of [1000, 20000]) {
    fillStateFile(dataDir, environmentId, count);
    platform = await startPlatform({ dataDir, cli });
    try {
      progress(`docstore: 2.0.0-dev, updates at ${count.toLocaleString('en')} documents`);
      [rates[count]] = await updateRates([{ platform, environmentId, count }], ROUNDS);
    } finally {
      await platform.stop();
    }
  }
  return { at1k: rates[1000], at20k: rates[20000] };
}

/** @param {import('./lib').Workspace} workspace @returns {Promise<Record<string, import('./lib').Figure>>} */
async function docstore(workspace) {
  progress(`docstore: building the 2.0.0-dev release (${BASELINE_COMMIT}) in a temp dir`);
  const release = buildRelease(BASELINE_COMMIT);
  let baseline;
  try {
    const ours = await currentRates(workspace);
    baseline = 'cli' in release ? await baselineRates(workspace, release.cli) : undefined;
    const how =
      `${WRITERS} writers updating random 1 KB documents, median of ${DOCSTORE_ROUNDS} rounds of ${ROUND_MS / 1000} s after a 1 s warm-up, the 1,000 and 20,000 nodes taking turns; ` +
      `spotinst-local CLI on SQLite (filled through the API: 20,000 creates at ${Math.round(ours.creates)}/s)`;
    const against = (/** @type {{ rate: number, rounds: number[], resets: number } | undefined} */ theirs) =>
      theirs
        ? `; baseline: 2.0.0-dev (${BASELINE_COMMIT}, JSON store, filled by writing its state.json) ${Math.round(theirs.rate)}/s` +
          `${rounds(theirs.rounds)}${theirs.resets ? `, ${theirs.resets} requests sent again after it closed their idle kept-alive connection while blocked` : ''}`
        : `; baseline: not measured, ${'missing' in release ? release.missing : ''}`;
    const rounds = (/** @type {number[]} */ list) => ` (rounds ${list.map((rate) => Math.round(rate)).join(', ')})`;
    const relative = ours.at20k.rate / ours.at1k.rate;
    return {
      docstore_writes_per_s_1k: figure({
        value: ours.at1k.rate,
        unit: 'writes/s',
        baseline: baseline?.at1k.rate ?? null,
        ratio: baseline ? ours.at1k.rate / baseline.at1k.rate : null,
        note: `at 1,000 documents${rounds(ours.at1k.rounds)}: ${how}${against(baseline?.at1k)}`,
      }),
      docstore_writes_per_s_20k: figure({
        value: ours.at20k.rate,
        unit: 'writes/s',
        baseline: baseline?.at20k.rate ?? null,
        ratio: baseline ? ours.at20k.rate / baseline.at20k.rate : null,
        target: '>= 1000 and >= 0.6 × the 1k rate',
        met: ours.at20k.rate >= 1000 && relative >= 0.6,
        note:
          `at 20,000 documents${rounds(ours.at20k.rounds)}, ${round(relative, 2)} × the rate at 1,000: ${how}` + against(baseline?.at20k),
      }),
    };
  } finally {
    if ('cleanup' in release) release.cleanup();
  }
}

// ---- logs_window_ms ---------------------------------------------------------------------

/**
 * Writes LOG_LINES invocations of one line each (one every LOG_SPACING_MS, up to now) into
 * the SQLite file of a stopped spotinst-local: straight into its tables, in rows made by the
 * log store's own invocationRow(), with log_usage saying what they hold, in transactions of
 * 100,000 rows. Through the API it would take a million invocations. Retention is not applied
 * (the default 8 MB per function would keep a few thousand such entries): the window query is
 * what is measured, over a function that holds a million rows.
 * @param {string} dataDir @param {string} functionId @returns {{ first: number }} the first entry's start
 */
function fillLog(dataDir, functionId) {
  const Database = require('better-sqlite3');
  const { invocationRow } = require(path.join(REPO_ROOT, 'dist', 'local', 'store', 'sql', 'log-store'));
  const first = Date.now() - LOG_LINES * LOG_SPACING_MS;
  const db = new Database(path.join(dataDir, 'spotinst-local.db'));
  try {
    /** @param {number} i */
    const rowOf = (i) => {
      const startedAt = first + i * LOG_SPACING_MS;
      return invocationRow(functionId, {
        invocationId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        content: [{ time: startedAt + 1, log: `INFO handled request ${i} for /orders/${i % 977} in 3 ms` }],
        version: 0,
        status: 'success',
        durationMs: 3.2,
        startedAt,
      });
    };
    const columns = Object.keys(rowOf(0));
    const insert = db.prepare(`insert into invocations (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
    let bytes = 0;
    const batch = db.transaction((/** @type {number} */ from, /** @type {number} */ to) => {
      for (let i = from; i < to; i += 1) {
        const row = rowOf(i);
        bytes += row.size_bytes;
        insert.run(...columns.map((column) => row[column]));
      }
    });
    for (let from = 0; from < LOG_LINES; from += 100_000) batch(from, Math.min(LOG_LINES, from + 100_000));
    db.prepare(
      'insert into log_usage (function_id, entries, bytes) values (?, ?, ?) on conflict (function_id) do update set entries = excluded.entries, bytes = excluded.bytes',
    ).run(functionId, LOG_LINES, bytes);
  } finally {
    db.close();
  }
  return { first };
}

/** @param {import('./lib').Workspace} workspace @returns {Promise<Record<string, import('./lib').Figure>>} */
async function logsWindow(workspace) {
  const dataDir = path.join(workspace.root, 'logs');
  let platform = await startPlatform({ dataDir });
  let functionId;
  try {
    ({ functionId } = await setUp(platform, true));
  } finally {
    await platform.stop();
  }
  if (!functionId) throw new Error('no function');
  progress(`logs_window_ms: writing ${LOG_LINES.toLocaleString('en')} log lines into the SQLite file`);
  const filling = Date.now();
  const { first } = fillLog(dataDir, functionId);
  const fillSeconds = (Date.now() - filling) / 1000;
  const fileMb = fs.statSync(path.join(dataDir, 'spotinst-local.db')).size / 2 ** 20;
  platform = await startPlatform({ dataDir });
  try {
    /** @type {number[]} */
    const times = [];
    let entries = 0;
    for (let query = 0; query < LOG_QUERIES; query += 1) {
      // a different minute each time, anywhere in the week the log spans
      const from = first + Math.floor(Math.random() * (LOG_LINES * LOG_SPACING_MS - 60_000));
      const to = from + 60_000;
      const url = `${platform.url}/functions/function/log?functionId=${functionId}&from=${from}&to=${to}&${account(platform)}`;
      const started = process.hrtime.bigint();
      const reply = await fetch(url, { headers: authorization(platform) });
      const text = await reply.text();
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (reply.status !== 200) throw new Error(`the log window answered ${reply.status}: ${text.slice(0, 500)}`);
      const items = JSON.parse(text).response.items;
      const expected = Math.floor((to - first) / LOG_SPACING_MS) - Math.ceil((from - first) / LOG_SPACING_MS) + 1;
      if (items.length !== expected) throw new Error(`the window [${from}, ${to}] held ${items.length} entries, not ${expected}`);
      entries = items.length;
    }
    return {
      logs_window_ms: checked({
        value: median(times),
        unit: 'ms',
        target: '<= 50',
        note:
          `median of ${LOG_QUERIES} GETs of /functions/function/log for a random one-minute window (${entries} entries of one line) ` +
          `of a function with ${LOG_LINES.toLocaleString('en')} logged lines over ${((LOG_LINES * LOG_SPACING_MS) / 86_400_000).toFixed(1)} days ` +
          `(slowest ${Math.round(Math.max(...times))} ms); rows written straight into the SQLite file in ${fillSeconds.toFixed(0)} s ` +
          `with the log store's invocationRow(), ${fileMb.toFixed(0)} MB`,
      }),
    };
  } finally {
    await platform.stop();
  }
}

// ---- deploy_1000_functions ----------------------------------------------------------------

/** @param {import('./lib').Workspace} workspace @returns {Promise<Record<string, import('./lib').Figure>>} */
async function deployMany(workspace) {
  /** @type {Record<string, unknown>} */
  const functions = {};
  for (let i = 0; i < DEPLOY_FUNCTIONS; i += 1) {
    functions[`fn${String(i).padStart(4, '0')}`] = { runtime: 'nodejs8.3', handler: 'handler.main', memory: 128, timeout: 30 };
  }
  const dir = writeService(
    path.join(workspace.root, 'thousand'),
    {
      service: 'bench-thousand',
      frameworkVersion: '>=3',
      provider: { name: 'spotinst', stage: 'dev' },
      functions,
      plugins: ['serverless-spotinst-functions'],
    },
    { 'handler.js': HANDLER },
  );
  const platform = await startPlatform({ dataDir: path.join(workspace.root, 'deploy-platform') });
  try {
    progress(`deploy_1000_functions: ${PRIMARY_CLI} deploy of ${DEPLOY_FUNCTIONS} functions into an empty node`);
    const deployed = await runCli(PRIMARY_CLI, ['deploy'], { cwd: dir, workspace, env: platform.env });
    const stats = await platform.stats();
    const calls = totalCalls(stats);
    const client = clientFor(platform);
    let listed = 0;
    try {
      for (const app of await client.applications.list()) {
        for (const env of await client.environments.list({ applicationId: app.id })) listed += (await client.functions.list(env.id)).length;
      }
    } finally {
      client.close();
    }
    if (listed !== DEPLOY_FUNCTIONS) throw new Error(`the deploy left ${listed} functions, not ${DEPLOY_FUNCTIONS}`);
    const perFunction = calls / DEPLOY_FUNCTIONS;
    return {
      deploy_1000_functions: figure({
        value: deployed.ms / 1000,
        unit: 's',
        baseline: calls,
        ratio: perFunction,
        target: '<= 3 calls per function',
        met: perFunction <= 3,
        note:
          `\`${PRIMARY_CLI} deploy\` of ${DEPLOY_FUNCTIONS} node functions into an empty spotinst-local on SQLite (no injected latency), ` +
          `spawn to exit; baseline: all API calls (${round(perFunction, 2)} per function, from /__local/stats)`,
      }),
    };
  } finally {
    await platform.stop();
  }
}

// ---- invoke_p99_during_writes_ratio ---------------------------------------------------------

/**
 * Invocations at a steady rate, with nothing else going on, then while WRITERS writers create
 * 5,000 documents as fast as the node takes them (reported), then while they create 5,000
 * more at PACED_WRITES a second (the docstore target's rate: the figure with the target); ROUNDS times, and
 * each p99 is the median of the rounds' (a p99 of a few hundred calls is at the mercy of one
 * stall of a shared disk). The writers run in a worker thread, so that their replies do not
 * delay the invocations' timings.
 * @param {import('./lib').Workspace} workspace @returns {Promise<Record<string, import('./lib').Figure>>}
 */
async function invokeDuringWrites(workspace) {
  const platform = await startPlatform({ dataDir: path.join(workspace.root, 'during-writes') });
  try {
    const { environmentId, functionUrl } = await setUp(platform, true);
    if (!functionUrl) throw new Error('no function URL');
    const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
    // the first writes of a fresh process run cold (JIT, page cache): not what is measured
    progress(`invoke_p99_during_writes_ratio: warm-up, ${WARM_UP_DOCUMENTS} documents and invocations`);
    await steadyInvocations(functionUrl, createDocumentsInWorker(writesTo(platform, environmentId, 0, WARM_UP_DOCUMENTS)));
    let written = WARM_UP_DOCUMENTS;
    /** @param {number} [rate] */
    const during = async (rate) => {
      const writes = createDocumentsInWorker(writesTo(platform, environmentId, written, written + DURING_WRITES_DOCUMENTS, rate));
      written += DURING_WRITES_DOCUMENTS;
      const latencies = await steadyInvocations(functionUrl, writes);
      return { latencies, writes: await writes };
    };
    /** @type {Array<{ idle: number[], flatOut: { latencies: number[], writes: { perSecond: number, ms: number } }, paced: { latencies: number[] } }>} */
    const rounds = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      progress(
        `invoke_p99_during_writes_ratio (round ${round}/${ROUNDS}): invocations alone, then while ${WRITERS} writers create ` +
          `${DURING_WRITES_DOCUMENTS} documents flat out, then ${DURING_WRITES_DOCUMENTS} at ${PACED_WRITES}/s`,
      );
      const idle = await steadyInvocations(functionUrl, sleep(IDLE_MS));
      rounds.push({ idle, flatOut: await during(), paced: await during(PACED_WRITES) });
    }
    const p99 = (/** @type {number[]} */ latencies) => percentile(latencies, 0.99);
    const idleP99 = median(rounds.map((r) => p99(r.idle)));
    const flatP99 = median(rounds.map((r) => p99(r.flatOut.latencies)));
    const pacedP99 = median(rounds.map((r) => p99(r.paced.latencies)));
    const ms = (/** @type {number} */ value) => `${value.toFixed(1)} ms`;
    const list = (/** @type {number[]} */ values) => values.map((value) => value.toFixed(0)).join(', ');
    const setting =
      `a node hello called every ${INVOKE_INTERVAL_MS} ms on SQLite, medians of ${ROUNDS} rounds after a warm-up of ${WARM_UP_DOCUMENTS} writes, ` +
      `p99 with nothing else going on ${ms(idleP99)} (p99s ${list(rounds.map((r) => p99(r.idle)))} ms)`;
    return {
      // The writes at the rate the document store is specified to serve (the docstore target): what
      // "an invocation waits while a write happens" was about.
      invoke_p99_during_writes_ratio: checked({
        value: pacedP99 / idleP99,
        baseline: idleP99,
        target: '<= 2',
        note:
          `${setting}; p99 ${ms(pacedP99)} while ${WRITERS} writers (another thread) created ${DURING_WRITES_DOCUMENTS} 1 KB documents ` +
          `at ${PACED_WRITES}/s (p99s ${list(rounds.map((r) => p99(r.paced.latencies)))} ms)`,
      }),
      // Writers as fast as the node takes them keep its one event loop busy: the invocations queue
      // behind their requests, whatever the store does (docs/scaling.md).
      invoke_p99_during_flat_out_writes_ratio: figure({
        value: flatP99 / idleP99,
        unit: 'ratio',
        baseline: idleP99,
        ratio: flatP99 / idleP99,
        note:
          `${setting}; p99 ${ms(flatP99)} while ${WRITERS} writers created ${DURING_WRITES_DOCUMENTS} documents flat out ` +
          `(${list(rounds.map((r) => r.flatOut.writes.perSecond))} writes/s; p99s ${list(rounds.map((r) => p99(r.flatOut.latencies)))} ms)`,
      }),
    };
  } finally {
    await platform.stop();
  }
}

// ---- cluster_rps_ratio --------------------------------------------------------------------

/** @param {string[]} urls @param {number} seconds @returns {Promise<number>} requests per second, all urls together */
async function invocationRate(urls, seconds) {
  const results = await Promise.all(
    urls.map((url) => autocannon({ url, connections: CLUSTER_CONNECTIONS / urls.length, duration: seconds })),
  );
  for (const result of results) {
    if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
      throw new Error(`cluster: ${result.non2xx} non-2xx replies, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return results.reduce((sum, result) => sum + result.requests.total / seconds, 0);
}

/** @param {import('./lib').Workspace} workspace @returns {Promise<Record<string, import('./lib').Figure>>} */
async function cluster(workspace) {
  let postgres;
  try {
    postgres = await startPostgres({ fsync: true });
  } catch (error) {
    progress(`cluster_rps_ratio: skipped, ${/** @type {Error} */ (error).message}`);
    return {};
  }
  /** @type {import('./lib').Platform[]} */
  const nodes = [];
  try {
    const database = postgres.createDatabase('bench_cluster');
    const first = await startPlatform({ dataDir: path.join(workspace.root, 'node-a'), args: ['--database', database] });
    nodes.push(first);
    const { functionUrl } = await setUp(first, true);
    if (!functionUrl) throw new Error('no function URL');
    const urlOn = (/** @type {import('./lib').Platform} */ node) => `${node.url}${new URL(functionUrl).pathname}`;
    progress(`cluster_rps_ratio: one node on PostgreSQL, ${CLUSTER_CONNECTIONS} connections, ${CLUSTER_SECONDS} s`);
    await invocationRate([urlOn(first)], 2);
    const one = await invocationRate([urlOn(first)], CLUSTER_SECONDS);
    // every node of one platform accepts the same credentials: the second takes the first's token
    const second = await startPlatform({
      dataDir: path.join(workspace.root, 'node-b'),
      args: ['--database', database, '--token', first.token],
    });
    nodes.push(second);
    progress(`cluster_rps_ratio: two nodes on the same PostgreSQL, ${CLUSTER_CONNECTIONS / 2} connections each`);
    await invocationRate([urlOn(first), urlOn(second)], 2);
    const two = await invocationRate([urlOn(first), urlOn(second)], CLUSTER_SECONDS);
    return {
      cluster_rps_ratio: figure({
        value: two / one,
        unit: 'ratio',
        baseline: one,
        ratio: two / one,
        target: 'report',
        note:
          `a node hello, ${CLUSTER_CONNECTIONS} connections for ${CLUSTER_SECONDS} s after a 2 s warm-up (autocannon): two nodes on one ` +
          `PostgreSQL ${Math.round(two)} req/s (connections split between them) / one node ${Math.round(one)} req/s; ` +
          `PostgreSQL, both nodes, their workers and the load share this machine's ${os.cpus().length} cores`,
      }),
    };
  } finally {
    for (const node of nodes) await node.stop();
    postgres.stop();
  }
}

// ---- the group ---------------------------------------------------------------------------

const PARTS = { docstore, logs: logsWindow, deploy: deployMany, 'during-writes': invokeDuringWrites, cluster };

/**
 * Every figure, or those of the parts named in BENCH_STORAGE (e.g. "docstore,logs").
 * @returns {Promise<Record<string, import('./lib').Figure>>}
 */
async function run() {
  const wanted = (process.env.BENCH_STORAGE ?? Object.keys(PARTS).join(',')).split(',');
  const workspace = createWorkspace();
  /** @type {Record<string, import('./lib').Figure>} */
  const results = {};
  try {
    for (const [name, part] of Object.entries(PARTS)) {
      if (wanted.includes(name)) Object.assign(results, await part(workspace));
    }
    return results;
  } finally {
    workspace.cleanup();
  }
}

module.exports = { run };

runWhenMain(module, run);

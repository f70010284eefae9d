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
 *   write 5,000 documents / p99 with nothing else going on.
 * - `cluster_rps_ratio`: invocations per second of two nodes on one PostgreSQL / one node.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const http = require('node:http');
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
} = require('./lib');
const { startPostgres } = require('./postgres');

/** the last commit with 2.0.0-dev's JSON store (state.json rewritten on every change) */
const BASELINE_COMMIT = '8d255f4';
const WRITERS = 50;
/** a 1,024-byte JSON value */
const VALUE = 'v'.repeat(1022);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ROUND_MS = 3000;
/** the SQLite rounds are short: more of them, taking turns between the two nodes */
const DOCSTORE_ROUNDS = Math.max(ROUNDS, 5);
const LOG_LINES = Number(process.env.BENCH_LOG_LINES ?? 1_000_000);
/** one invocation (of one line) every 600 ms: 1,000,000 span 6.9 days, a minute holds 100 */
const LOG_SPACING_MS = 600;
const LOG_QUERIES = 11;
const DEPLOY_FUNCTIONS = Number(process.env.BENCH_DEPLOY_FUNCTIONS ?? 1000);
const DURING_WRITES_DOCUMENTS = 5000;
const INVOKE_INTERVAL_MS = 5;
const IDLE_MS = 3000;
const WARM_UP_DOCUMENTS = 2000;
const PACED_WRITES = 1000;
const CLUSTER_CONNECTIONS = 16;
const CLUSTER_SECONDS = 10;

const HANDLER = "exports.main = async () => ({ statusCode: 200, body: 'hello' });\n";

// ---- load ---------------------------------------------------------------------------

/**
 * @typedef {{ method: string, path: string, body?: string }} Request
 * @typedef {{ ms: number, done: number, statuses: Record<number, number>, latencies: number[] }} Load
 */

/**
 * `connections` kept-alive clients sending requests one after another, until `amount`
 * requests were sent or `forMs` passed; elapsed time runs until the last reply. With `rate`,
 * request i is not sent before i / rate seconds from the start.
 * @param {string} base the platform's URL
 * @param {{ connections: number, amount?: number, forMs?: number, rate?: number, headers?: Record<string, string>, request(index: number): Request }} load
 * @returns {Promise<Load>}
 */
async function drive(base, load) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: load.connections });
  const { hostname, port } = new URL(base);
  const amount = load.amount ?? Number.POSITIVE_INFINITY;
  const started = process.hrtime.bigint();
  const startedAt = Date.now();
  const deadline = load.forMs === undefined ? Number.POSITIVE_INFINITY : startedAt + load.forMs;
  /** @type {Record<number, number>} */
  const statuses = {};
  /** @type {number[]} */
  const latencies = [];
  let next = 0;
  const lane = async () => {
    while (next < amount && Date.now() < deadline) {
      const index = next;
      next += 1;
      const due = load.rate === undefined ? 0 : startedAt + (index * 1000) / load.rate - Date.now();
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
      const spec = load.request(index);
      const { status, ms } = await send(agent, hostname, Number(port), spec, load.headers ?? {});
      statuses[status] = (statuses[status] ?? 0) + 1;
      latencies.push(ms);
    }
  };
  try {
    await Promise.all(Array.from({ length: load.connections }, lane));
  } finally {
    agent.destroy();
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, done: latencies.length, statuses, latencies };
}

/** requests sent again after their kept-alive connection was closed under them (see send) */
let resets = 0;

/**
 * @param {http.Agent} agent @param {string} hostname @param {number} port @param {Request} spec @param {Record<string, string>} headers
 * @returns {Promise<{ status: number, ms: number }>}
 */
function send(agent, hostname, port, spec, headers) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
    const request = http.request(
      {
        agent,
        hostname,
        port,
        method: spec.method,
        path: spec.path,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}) },
      },
      (reply) => {
        reply.resume();
        reply.on('end', () => resolve({ status: reply.statusCode ?? 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      },
    );
    request.on('error', (error) => {
      // A kept-alive connection the server closed as this request went out (Node's server
      // closes one left idle 5 s, which an event loop blocked that long does): as Node's
      // documentation advises, send it again on a new connection.
      if (request.reusedSocket && /** @type {NodeJS.ErrnoException} */ (error).code === 'ECONNRESET') {
        resets += 1;
        send(agent, hostname, port, spec, headers).then(resolve, reject);
      } else reject(error);
    });
    request.end(body);
  });
}

/** @param {number[]} values @param {number} share e.g. 0.99 */
function percentile(values, share) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * share) - 1)];
}

/** @param {string} what @param {Load} load */
function allOk(what, load) {
  const failed = Object.entries(load.statuses).filter(([status]) => Number(status) >= 300);
  if (failed.length) throw new Error(`${what}: replies other than 2xx: ${JSON.stringify(load.statuses)}`);
}

/** @param {import('./lib').Platform} platform */
function authorization(platform) {
  return { authorization: `Bearer ${platform.token}` };
}

// ---- set-up through the API -----------------------------------------------------------

/** @param {import('./lib').Platform} platform */
function clientFor(platform) {
  const { SpotinstClient } = require(path.join(REPO_ROOT, 'dist', 'api'));
  return new SpotinstClient({ apiUrl: platform.url, token: platform.token, account: platform.account, retry: { retries: 0 } });
}

/**
 * An application and environment, and a public node hello in it when `withFunction`.
 * @param {import('./lib').Platform} platform @param {boolean} withFunction
 * @returns {Promise<{ environmentId: string, functionId?: string, functionUrl?: string }>}
 */
async function setUp(platform, withFunction) {
  const client = clientFor(platform);
  try {
    const app = await client.applications.create({ name: 'bench-storage' });
    const env = await client.environments.create({
      name: 'dev',
      applicationId: app.id,
      providers: ['aws'],
      locations: ['us-east'],
      strategy: 'least-expensive',
    });
    if (!withFunction) return { environmentId: env.id };
    const JSZip = require('jszip');
    const zip = new JSZip();
    zip.file('handler.js', HANDLER);
    const source = (await zip.generateAsync({ type: 'nodebuffer' })).toString('base64');
    const fn = await client.functions.create({
      environmentId: env.id,
      name: 'hello',
      runtime: 'nodejs8.3',
      access: 'public',
      limits: { memory: 128, timeout: 30 },
      code: { handler: 'handler.main', source },
    });
    return { environmentId: env.id, functionId: fn.id, functionUrl: fn.url };
  } finally {
    client.close();
  }
}

/** @param {import('./lib').Platform} platform @param {string} environmentId */
function documentsPath(platform, environmentId) {
  return `/functions/environment/${environmentId}/userDocument`;
}

/** @param {import('./lib').Platform} platform */
function account(platform) {
  return `accountId=${platform.account}`;
}

// ---- docstore_writes_per_s ------------------------------------------------------------

/**
 * @typedef {{ url: string, token: string, account: string, environmentId: string, from: number, to: number, rate?: number }} Writes
 * Creates documents d<from>…d<to - 1> through the API, `WRITERS` at a time, at most `rate` a second when given.
 * @param {Writes} writes
 * @returns {Promise<{ perSecond: number, ms: number }>}
 */
async function createDocuments(writes) {
  const load = await drive(writes.url, {
    connections: WRITERS,
    amount: writes.to - writes.from,
    rate: writes.rate,
    headers: { authorization: `Bearer ${writes.token}` },
    request: (i) => ({
      method: 'POST',
      path: `/functions/environment/${writes.environmentId}/userDocument?accountId=${writes.account}`,
      body: JSON.stringify({ userDocument: { key: `d${writes.from + i}`, value: VALUE } }),
    }),
  });
  allOk('creating documents', load);
  return { perSecond: (load.done / load.ms) * 1000, ms: load.ms };
}

/**
 * The same from a worker thread: its own event loop, so that the writers' replies do not
 * delay this one's measurements of something else. @param {Writes} writes
 * @returns {Promise<{ perSecond: number, ms: number }>}
 */
function createDocumentsInWorker(writes) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: { writes } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the writers' thread exited ${code} without a result`)));
  });
}

/** @param {import('./lib').Platform} platform @param {string} environmentId @param {number} from @param {number} to @param {number} [rate] @returns {Writes} */
function writesTo(platform, environmentId, from, to, rate) {
  return { url: platform.url, token: platform.token, account: platform.account, environmentId, from, to, ...(rate ? { rate } : {}) };
}

/**
 * @typedef {{ platform: import('./lib').Platform, environmentId: string, count: number }} Filled a node holding d0…d<count - 1>
 * @typedef {{ rate: number, rounds: number[], resets: number }} Rate the median of the rounds, in writes per second
 */

/**
 * One round of updates of documents picked at random, for `forMs`. @param {Filled} store @param {number} forMs
 * @returns {Promise<number>} writes per second
 */
async function updateRound({ platform, environmentId, count }, forMs) {
  const load = await drive(platform.url, {
    connections: WRITERS,
    forMs,
    headers: authorization(platform),
    request: () => ({
      method: 'PUT',
      path: `${documentsPath(platform, environmentId)}/d${Math.floor(Math.random() * count)}?${account(platform)}`,
      body: JSON.stringify({ userDocument: { value: VALUE } }),
    }),
  });
  allOk(`updating ${count} documents`, load);
  return (load.done / load.ms) * 1000;
}

/**
 * Each store: a 1 s warm-up, then `rounds` rounds of ROUND_MS taking turns with the others,
 * so that a noisy neighbour on the machine weighs on all of them alike.
 * @param {Filled[]} stores @param {number} rounds @returns {Promise<Rate[]>}
 */
async function updateRates(stores, rounds) {
  const resetsBefore = resets;
  for (const store of stores) await updateRound(store, 1000);
  /** @type {number[][]} */
  const measured = stores.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (const [i, store] of stores.entries()) measured[i].push(await updateRound(store, ROUND_MS));
  }
  return measured.map((list) => ({ rate: median(list), rounds: list, resets: resets - resetsBefore }));
}

/**
 * SQLite, this checkout: two nodes, one filled with 1,000 documents and one with 20,000
 * (through the API, creates), measured taking turns. @param {import('./lib').Workspace} workspace
 */
async function currentRates(workspace) {
  /** @type {import('./lib').Platform[]} */
  const platforms = [];
  try {
    /** @type {Filled[]} */
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

/**
 * Builds the release of `commit` from git history in a temp dir (this checkout's
 * node_modules, its own scripts/build.js). @param {string} commit
 * @returns {{ cli: string, cleanup(): void } | { missing: string }}
 */
function buildRelease(commit) {
  try {
    execFileSync('git', ['cat-file', '-e', `${commit}^{commit}`], { cwd: REPO_ROOT, stdio: 'ignore' });
  } catch {
    return { missing: `commit ${commit} (2.0.0-dev's JSON store) is not in this clone's history: clone without --depth to measure it` };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-bench-2.0.0-dev-'));
  try {
    const archive = path.join(dir, 'release.tar');
    execFileSync('git', ['archive', '--format=tar', '-o', archive, commit], { cwd: REPO_ROOT });
    execFileSync('tar', ['-xf', archive, '-C', dir]);
    fs.rmSync(archive);
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    execFileSync(process.execPath, [path.join(dir, 'scripts', 'build.js')], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { cli: path.join(dir, 'dist', 'local', 'cli.js'), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * 2.0.0-dev keeps everything in state.json and rewrites it on each change, so filling it
 * through the API would take minutes: the documents are written into state.json while it is
 * stopped (in the shape its API writes them), then it is started on it.
 * @param {string} dataDir @param {string} environmentId @param {number} count
 */
function fillStateFile(dataDir, environmentId, count) {
  const file = path.join(dataDir, 'state.json');
  const state = JSON.parse(fs.readFileSync(file, 'utf8'));
  const stamp = new Date().toISOString();
  /** @type {Record<string, unknown>} */
  const documents = {};
  for (let i = 0; i < count; i += 1) documents[`d${i}`] = { key: `d${i}`, value: VALUE, createdAt: stamp, updatedAt: stamp };
  state.documents = { ...state.documents, [environmentId]: documents };
  fs.writeFileSync(file, JSON.stringify(state));
}

/** @param {import('./lib').Workspace} workspace @param {string} cli */
async function baselineRates(workspace, cli) {
  const dataDir = path.join(workspace.root, 'docstore-2.0.0-dev');
  let platform = await startPlatform({ dataDir, cli });
  const { environmentId } = await setUp(platform, false);
  await platform.stop();
  /** @type {Record<number, Rate>} */
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
 * Invocations at a steady rate (one every INVOKE_INTERVAL_MS, each on its own whatever the
 * others' latency) until `until` resolves. @param {string} url @param {Promise<unknown>} until
 * @returns {Promise<number[]>} latencies in ms
 */
async function steadyInvocations(url, until) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const { hostname, port, pathname } = new URL(url);
  /** @type {number[]} */
  const latencies = [];
  /** @type {Promise<void>[]} */
  const inFlight = [];
  let over = false;
  const stop = () => (over = true);
  until.then(stop, stop);
  try {
    while (!over) {
      inFlight.push(
        send(agent, hostname, Number(port), { method: 'GET', path: pathname }, {}).then(({ status, ms }) => {
          if (status !== 200) throw new Error(`an invocation answered ${status}`);
          latencies.push(ms);
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, INVOKE_INTERVAL_MS));
    }
    await Promise.all(inFlight);
  } finally {
    agent.destroy();
  }
  return latencies;
}

/**
 * Invocations at a steady rate, with nothing else going on, then while WRITERS writers create
 * 5,000 documents as fast as the node takes them (the figure), then while they create 5,000
 * more at PACED_WRITES a second (the docstore target's rate, in the note); ROUNDS times, and
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
    return {
      invoke_p99_during_writes_ratio: checked({
        value: flatP99 / idleP99,
        baseline: idleP99,
        target: '<= 2',
        note:
          `a node hello called every ${INVOKE_INTERVAL_MS} ms on SQLite, medians of ${ROUNDS} rounds after a warm-up of ${WARM_UP_DOCUMENTS} writes: p99 ${ms(flatP99)} while ${WRITERS} ` +
          `writers (another thread) created ${DURING_WRITES_DOCUMENTS} 1 KB documents as fast as the node took them ` +
          `(${list(rounds.map((r) => r.flatOut.writes.perSecond))} writes/s; p99s ${list(rounds.map((r) => p99(r.flatOut.latencies)))} ms) ` +
          `/ p99 ${ms(idleP99)} with nothing else going on (p99s ${list(rounds.map((r) => p99(r.idle)))} ms); ` +
          `with the writes held to ${PACED_WRITES}/s: p99 ${ms(pacedP99)} (${list(rounds.map((r) => p99(r.paced.latencies)))}), ` +
          `ratio ${(pacedP99 / idleP99).toFixed(2)}`,
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
    postgres = await startPostgres();
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

if (!isMainThread && workerData?.writes) {
  createDocuments(workerData.writes).then((result) => parentPort?.postMessage(result));
} else runWhenMain(module, run);

// @ts-check
/**
 * The load of the storage benchmarks (bench/storage.js): kept-alive HTTP clients, document
 * writers (also in a worker thread of their own), invocations at a steady rate, and the API
 * set-up they need. The bench process drives a spotinst-local CLI in another process.
 */
'use strict';

const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { clientFor, createEnvironment, median } = require('./lib');

const WRITERS = 50;
/** a 1,024-byte JSON value */
const VALUE = 'v'.repeat(1022);
const INVOKE_INTERVAL_MS = 5;
const ROUND_MS = 3000;
const HANDLER = "exports.main = async () => ({ statusCode: 200, body: 'hello' });\n";

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

/**
 * An application and environment, and a public node hello in it when `withFunction`.
 * @param {import('./lib').Platform} platform @param {boolean} withFunction
 * @returns {Promise<{ environmentId: string, functionId?: string, functionUrl?: string }>}
 */
async function setUp(platform, withFunction) {
  const client = clientFor(platform);
  try {
    const environmentId = await createEnvironment(client, 'bench-storage');
    if (!withFunction) return { environmentId };
    const JSZip = require('jszip');
    const zip = new JSZip();
    zip.file('handler.js', HANDLER);
    const source = (await zip.generateAsync({ type: 'nodebuffer' })).toString('base64');
    const fn = await client.functions.create({
      environmentId,
      name: 'hello',
      runtime: 'nodejs8.3',
      access: 'public',
      limits: { memory: 128, timeout: 30 },
      code: { handler: 'handler.main', source },
    });
    return { environmentId, functionId: fn.id, functionUrl: fn.url };
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

// ---- writers and invocations ----------------------------------------------------------

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
 * Invocations at a steady rate (one every INVOKE_INTERVAL_MS, each on its own whatever the
 * others' latency) until `until` resolves. @param {string} url @param {Promise<unknown>} until
 * @returns {Promise<number[]>} latencies in ms
 */
async function steadyInvocations(url, until) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const { hostname, port, pathname } = new URL(url);
  /** @type {number[]} */
  const latencies = [];
  /** @type {string[]} */
  const failures = [];
  /** @type {Promise<void>[]} */
  const inFlight = [];
  let over = false;
  const stop = () => (over = true);
  until.then(stop, stop);
  try {
    while (!over) {
      inFlight.push(
        send(agent, hostname, Number(port), { method: 'GET', path: pathname }, {}).then(
          ({ status, ms }) => {
            if (status === 200) latencies.push(ms);
            else failures.push(`an invocation answered ${status}`);
          },
          (/** @type {Error} */ error) => void failures.push(`an invocation failed: ${error.message}`),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, INVOKE_INTERVAL_MS));
    }
    await Promise.all(inFlight);
    if (failures.length) throw new Error(`${failures.length} of ${failures.length + latencies.length} invocations failed: ${failures[0]}`);
  } finally {
    agent.destroy();
  }
  return latencies;
}

// ---- updates of documents -----------------------------------------------------------

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

module.exports = {
  WRITERS,
  VALUE,
  HANDLER,
  INVOKE_INTERVAL_MS,
  drive,
  percentile,
  allOk,
  authorization,
  setUp,
  documentsPath,
  account,
  createDocuments,
  createDocumentsInWorker,
  writesTo,
  steadyInvocations,
  updateRates,
  ROUND_MS,
};

if (!isMainThread && workerData?.writes) {
  createDocuments(workerData.writes).then((result) => parentPort?.postMessage(result));
}

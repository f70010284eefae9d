/**
 * Issue 8, item 6: hostile functions on spotinst-local. Each hostile behaviour runs while a
 * well-behaved function (the bystander) is called concurrently, and must be contained: the
 * hostile call gets its own error, its worker (and what it started) is gone when it should
 * be, and every bystander call answers correctly. Then the platform is restarted while
 * requests are in flight, and nothing deployed may be lost.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import axios, { AxiosResponse } from 'axios';
import type { FunctionRecord, SpotinstClient } from '../../src/api';
import { ensureJavaRuntime, memoryCeilingMb, MINIMAL_PATH } from '../../src/runtimes';
import { zipDirectory, zipFiles } from '../fixtures/functions/build';
import {
  clientFor,
  createEnvironment,
  restartTestPlatform,
  startTestPlatform,
  stopTestPlatform,
  tempDir,
  type TestPlatform,
} from '../helpers/platform';
import { pollUntil } from '../helpers/poll';
import { ended } from '../helpers/processes';
import { available, describeWith, type Component } from '../helpers/requirements';
import { recordFigure, trials } from './figures';

/** A function's 30 s timeout lasts 1 s here: hangs and busy loops are cut quickly. */
const TIMEOUT_SCALE = 1 / 30;
const MEMORY_MB = 128;
/** Bystander calls made while each hostile call runs. */
const BYSTANDER_CALLS = trials(5, 25);
/** How often the behaviours that end in a kill (hang, busy loop, exit, memory) are repeated. */
const ROUNDS = trials(1, 3);
const HOST_SECRET = 'HOSTILE_TEST_HOST_SECRET';

const call = axios.create({
  validateStatus: () => true,
  maxBodyLength: Infinity,
  maxContentLength: Infinity,
  // keep replies as text: the tests parse what they expect to be JSON
  transitional: { silentJSONParsing: true, forcedJSONParsing: false, clarifyTimeoutError: false },
  transformResponse: [(data: unknown) => data],
});

const NODE_HOSTILE = `
const fs = require('fs');
const { spawn, spawnSync } = require('child_process');
// by rename, so that a kill between two writes never leaves the marker empty
const mark = (event, ...extra) => {
  if (!event.query.marker) return;
  fs.writeFileSync(event.query.marker + '.tmp', [process.pid, ...extra].join(' '));
  fs.renameSync(event.query.marker + '.tmp', event.query.marker);
};
exports.echo = async (event) => ({ statusCode: 200, body: JSON.stringify({ echo: event.body, pid: process.pid }) });
exports.throws = async (event) => {
  mark(event);
  console.log('about to throw');
  throw new Error('hostile throw');
};
exports.hang = (event) => {
  // something of its own that must die with it
  const child = spawn('sleep', ['300'], { stdio: 'ignore' });
  mark(event, child.pid);
  setInterval(() => undefined, 1000);
  return new Promise(() => undefined);
};
exports.busy = (event) => {
  mark(event);
  for (;;) {
    // only a kill ends this
  }
};
exports.exit = async (event) => {
  mark(event);
  if (event.query.exit) process.exit(7);
  return { statusCode: 200, body: 'alive' };
};
exports.heap = async (event) => {
  mark(event);
  const hog = [];
  for (;;) hog.push(new Array(1e6).fill(Math.random()));
};
// memory outside the JS heap (Buffers): --max-old-space-size does not see it
exports.buffers = async (event) => {
  const hog = [];
  for (let mb = 16; mb <= 3072; mb += 16) {
    hog.push(Buffer.alloc(16 * 1024 * 1024, 1));
    mark(event, mb);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return new Promise(() => undefined);
};
// 50 MB through console/process.stdout, which the worker captures
exports.flood = async (event) => {
  mark(event);
  const line = 'x'.repeat(1023) + '\\n';
  for (let i = 0; i < 50 * 1024; i += 1) process.stdout.write(line);
  return { statusCode: 200, body: 'flooded' };
};
// 50 MB straight into the worker's stdout and stderr pipes, by a program it runs
exports.floodRaw = async (event) => {
  mark(event);
  spawnSync('sh', ['-c', 'yes 0123456789012345678901234567890123456789012345678901234567890123456789 | head -c 26214400; yes e | head -c 26214400 >&2'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return { statusCode: 200, body: 'flooded raw' };
};
exports.env = async (event) => {
  mark(event);
  return { statusCode: 200, body: JSON.stringify(process.env) };
};
`;

const PYTHON_HOSTILE = `
import json, os, time

def _mark(event):
    marker = event["query"].get("marker")
    if marker:
        with open(marker, "w") as out:
            out.write(str(os.getpid()))

def throws(event, context):
    _mark(event)
    raise ValueError("hostile throw")

def hang(event, context):
    _mark(event)
    while True:
        time.sleep(1)

def exit(event, context):
    _mark(event)
    if event["query"].get("exit"):
        os._exit(7)
    return {"statusCode": 200, "body": "alive"}

def env(event, context):
    _mark(event)
    return {"statusCode": 200, "body": json.dumps(dict(os.environ))}
`;

const RUBY_HOSTILE = `
require 'json'

def mark(event)
  marker = event['query']['marker']
  File.write(marker, Process.pid.to_s) if marker
end

def throws(event, _context)
  mark(event)
  raise ArgumentError, 'hostile throw'
end

def hang(event, _context)
  mark(event)
  loop { sleep 1 }
end

def exit(event, _context)
  mark(event)
  exit!(7) if event['query']['exit']
  { 'statusCode' => 200, 'body' => 'alive' }
end

def env(event, _context)
  mark(event)
  { 'statusCode' => 200, 'body' => JSON.generate(ENV.to_h) }
end
`;

/** One class per behaviour; each writes its pid to the marker named in the query. */
const JAVA_HOSTILE: Record<string, string> = {
  Mark: `package hostile;
import java.io.FileWriter;
import java.lang.management.ManagementFactory;
import java.util.Map;
final class Mark {
  static void mark(Map<String, String> query) {
    String marker = query.get("marker");
    if (marker == null) return;
    try (FileWriter out = new FileWriter(marker)) {
      out.write(ManagementFactory.getRuntimeMXBean().getName().split("@")[0]);
    } catch (java.io.IOException e) {
      throw new RuntimeException(e);
    }
  }
}`,
  Throws: `package hostile;
import com.spotinst.functions.runtime.*;
public class Throws implements RequestHandler {
  public Response handleRequest(Request request, Context context) {
    Mark.mark(request.getQueryParams());
    throw new IllegalStateException("hostile throw");
  }
}`,
  Hang: `package hostile;
import com.spotinst.functions.runtime.*;
public class Hang implements RequestHandler {
  public Response handleRequest(Request request, Context context) {
    Mark.mark(request.getQueryParams());
    while (true) {
      try { Thread.sleep(1000); } catch (InterruptedException ignored) { }
    }
  }
}`,
  Exit: `package hostile;
import com.spotinst.functions.runtime.*;
public class Exit implements RequestHandler {
  public Response handleRequest(Request request, Context context) {
    Mark.mark(request.getQueryParams());
    if (request.getQueryParams().containsKey("exit")) System.exit(7);
    return new Response(200, "alive");
  }
}`,
  Env: `package hostile;
import com.spotinst.functions.runtime.*;
import java.util.Map;
public class Env implements RequestHandler {
  public Response handleRequest(Request request, Context context) {
    Mark.mark(request.getQueryParams());
    StringBuilder json = new StringBuilder("{");
    for (Map.Entry<String, String> entry : System.getenv().entrySet()) {
      if (json.length() > 1) json.append(',');
      json.append(quote(entry.getKey())).append(':').append(quote(entry.getValue()));
    }
    return new Response(200, json.append('}').toString());
  }
  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\\\') out.append('\\\\').append(c);
      else if (c < 0x20) out.append(String.format("\\\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }
}`,
};

// ---- the platform, the bystander and the tally ----------------------------------------

let local: TestPlatform;
let client: SpotinstClient;
let environmentId: string;
let workDir: string;
let bystander: FunctionRecord;
const contained = new Set<string>();
const attempted = new Set<string>();
const bystanderTally = { answered: 0, sent: 0 };
let markerCount = 0;
/** every worker process seen: none may outlive the platform */
const workerPids = new Set<number>();
/** what the Buffer hog had allocated when it was stopped */
let bufferPeakMb: number | undefined;
/** how much this process (the platform) grew at most while a function printed 50 MB */
let floodGrowthMb = 0;
const savedSecret = process.env[HOST_SECRET];

beforeAll(async () => {
  // the platform process has a secret in its environment that no function may see
  process.env[HOST_SECRET] = 'host-only-value';
  workDir = tempDir('hostile-work-');
  local = await startTestPlatform({ timeoutScale: TIMEOUT_SCALE });
  client = local.client;
  ({ environmentId } = await createEnvironment(client));
  bystander = await deploy('bystander', 'nodejs8.3', 'handler.echo', await nodeZip());
  await bystanderCall(); // warm: the cold start is not what is measured
});

afterAll(async () => {
  if (savedSecret === undefined) delete process.env[HOST_SECRET];
  else process.env[HOST_SECRET] = savedSecret;
  await stopTestPlatform(local);
  fs.rmSync(workDir, { recursive: true, force: true });
  for (const pid of workerPids) await ended(pid, 'a worker (or what it started) after the platform closed');
  recordFigure(
    'hostile functions',
    `${contained.size}/${attempted.size} contained (a ${MEMORY_MB} MB function's Buffers stopped at ${bufferPeakMb ?? '?'} MB, ceiling ${memoryCeilingMb(MEMORY_MB)} MB; ` +
      `50 MB printed: log capped at 1 MB, platform +${floodGrowthMb} MB); ` +
      `bystander answered ${bystanderTally.answered}/${bystanderTally.sent}; ` +
      `restart mid-traffic: ${restartTally.lost} of ${restartTally.functions} functions lost over ${restartTally.restarts} restarts ` +
      `(${restartTally.inFlightAtClose} requests in flight at the closes; ${restartTally.answered} correct answers, ${restartTally.wrong} wrong)`,
  );
});

let nodeZipCache: Buffer | undefined;
async function nodeZip(): Promise<Buffer> {
  nodeZipCache = nodeZipCache ?? (await zipFiles({ 'handler.js': NODE_HOSTILE }));
  return nodeZipCache;
}

function deploy(name: string, runtime: string, handler: string, zip: Buffer, timeout = 30): Promise<FunctionRecord> {
  return client.functions.create({
    environmentId,
    name,
    runtime,
    access: 'public',
    limits: { memory: MEMORY_MB, timeout },
    code: { handler, source: zip.toString('base64') },
    environmentVariables: { OWN_SETTING: 'own-value' },
  });
}

/** One call of the well-behaved function: it must echo what it was sent. */
async function bystanderCall(): Promise<void> {
  const n = Math.random();
  bystanderTally.sent += 1;
  const response = await call.post(bystander.url, { n });
  let reply: { echo?: unknown; pid?: number } = {};
  try {
    reply = JSON.parse(String(response.data)) as typeof reply;
  } catch {
    // not JSON: the comparison below shows what came instead
  }
  expect({ status: response.status, echo: reply.echo ?? String(response.data) }).toEqual({ status: 200, echo: { n } });
  if (reply.pid) workerPids.add(reply.pid);
  bystanderTally.answered += 1;
}

interface HostileRun {
  response: AxiosResponse;
  /** what the function wrote to its marker: its pid, then extras */
  marker: string[];
}

/**
 * Calls a hostile function and, once it runs (it wrote its marker) or has already ended,
 * calls the bystander BYSTANDER_CALLS times at once; all of them must answer correctly.
 */
async function underFire(name: string, fn: FunctionRecord, query: Record<string, string> = {}, body?: unknown): Promise<HostileRun> {
  attempted.add(name);
  markerCount += 1;
  const marker = path.join(workDir, `marker-${markerCount}`);
  const url = `${fn.url}?${new URLSearchParams({ ...query, marker }).toString()}`;
  let settled = false;
  const hostile = (body === undefined ? call.get(url) : call.post(url, body)).finally(() => {
    settled = true;
  });
  await pollUntil(() => settled || fs.existsSync(marker), { timeoutMs: 20000, what: `${name} to start` });
  await Promise.all(Array.from({ length: BYSTANDER_CALLS }, () => bystanderCall()));
  const response = await hostile;
  const text = fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : '';
  const written = text === '' ? [] : text.split(' ');
  for (const pid of written) workerPids.add(Number(pid));
  return { response, marker: written };
}

function errorOf(response: AxiosResponse): { status: number; errorMessage?: string; errorType?: string } {
  const parsed = JSON.parse(String(response.data)) as { errorMessage?: string; errorType?: string };
  return { status: response.status, errorMessage: parsed.errorMessage, errorType: parsed.errorType };
}

async function logOf(response: AxiosResponse, fn: FunctionRecord) {
  const id = response.headers['x-spotinst-invocation-id'];
  const entries = await client.logs.list(fn.id, 0, Date.now() + 1000);
  const entry = entries.find((candidate) => candidate.invocationId === id);
  if (!entry) throw new Error(`no log of invocation ${id} of ${fn.name}`);
  return entry;
}

function expectedEnvironment(fn: FunctionRecord): Record<string, string> {
  return {
    PATH: MINIMAL_PATH,
    LANG: 'C.UTF-8',
    OWN_SETTING: 'own-value',
    SPOTINST_FUNCTION_ID: fn.id,
    SPOTINST_ENVIRONMENT_ID: environmentId,
    SPOTINST_FUNCTION_VERSION: '0',
  };
}

// ---- node: every hostile behaviour ------------------------------------------------------

describe('hostile node functions', () => {
  test('throw: a 500 with the message, logged; the worker stays warm', async () => {
    const fn = await deploy('node-throws', 'nodejs8.3', 'handler.throws', await nodeZip());
    const first = await underFire('node throw', fn);
    expect(errorOf(first.response)).toEqual({ status: 500, errorMessage: 'hostile throw', errorType: 'Error' });
    const log = await logOf(first.response, fn);
    expect(log.status).toBe('error');
    expect(log.content.map((line) => line.log).join('\n')).toMatch(/about to throw[\s\S]*hostile throw/);
    const second = await underFire('node throw', fn);
    expect(second.response.status).toBe(500);
    expect(second.marker[0]).toBe(first.marker[0]);
    contained.add('node throw');
  });

  test('hang past the timeout: a 504; the worker and the process it started are killed', async () => {
    const fn = await deploy('node-hang', 'nodejs8.3', 'handler.hang', await nodeZip());
    for (let round = 0; round < ROUNDS; round += 1) {
      const started = Date.now();
      const run = await underFire('node hang', fn);
      expect(errorOf(run.response)).toMatchObject({ status: 504, errorType: 'Timeout', errorMessage: 'Function timed out after 1 second' });
      expect(Date.now() - started).toBeLessThan(10000);
      const [worker, grandchild] = run.marker.map(Number);
      await ended(worker, 'the hung worker');
      await ended(grandchild, 'the sleep the hung worker started');
      expect((await logOf(run.response, fn)).status).toBe('timeout');
    }
    contained.add('node hang');
  });

  test('busy loop: a 504 and the spinning worker is killed', async () => {
    const fn = await deploy('node-busy', 'nodejs8.3', 'handler.busy', await nodeZip());
    for (let round = 0; round < ROUNDS; round += 1) {
      const run = await underFire('node busy loop', fn);
      expect(errorOf(run.response)).toMatchObject({ status: 504, errorType: 'Timeout' });
      await ended(Number(run.marker[0]), 'the spinning worker');
    }
    contained.add('node busy loop');
  });

  test('process.exit: a 500 that says so; the next call gets a fresh worker', async () => {
    const fn = await deploy('node-exit', 'nodejs8.3', 'handler.exit', await nodeZip());
    for (let round = 0; round < ROUNDS; round += 1) {
      const run = await underFire('node process.exit', fn, { exit: '1' });
      expect(errorOf(run.response)).toMatchObject({
        status: 500,
        errorType: 'WorkerExited',
        errorMessage: expect.stringMatching(/exited with code 7/),
      });
      await ended(Number(run.marker[0]), 'the exited worker');
      const after = await underFire('node process.exit', fn);
      expect({ status: after.response.status, body: after.response.data }).toEqual({ status: 200, body: 'alive' });
      expect(after.marker[0]).not.toBe(run.marker[0]);
    }
    contained.add('node process.exit');
  });

  test('heap past the memory limit: a 500 "ran out of memory"', async () => {
    // 300 s scaled is 10 s: room for V8 to give up on its own before the timeout
    const fn = await deploy('node-heap', 'nodejs8.3', 'handler.heap', await nodeZip(), 300);
    for (let round = 0; round < ROUNDS; round += 1) {
      const run = await underFire('node heap allocation', fn);
      expect(errorOf(run.response)).toMatchObject({
        status: 500,
        errorType: 'WorkerExited',
        errorMessage: expect.stringMatching(/ran out of memory \(limit 128 MB\)/),
      });
      await ended(Number(run.marker[0]), 'the worker out of memory');
    }
    contained.add('node heap allocation');
  });

  test('Buffers past the memory limit: stopped near the limit, a 500 "ran out of memory"', async () => {
    const fn = await deploy('node-buffers', 'nodejs8.3', 'handler.buffers', await nodeZip(), 300);
    for (let round = 0; round < ROUNDS; round += 1) {
      const run = await underFire('node Buffer allocation', fn);
      const [pid, reachedMb] = run.marker.map(Number);
      expect(errorOf(run.response)).toMatchObject({
        status: 500,
        errorMessage: expect.stringMatching(/ran out of memory \(limit 128 MB\)/),
      });
      // what it got to allocate before it was stopped: the ceiling, and what one check interval lets through
      expect(reachedMb).toBeLessThanOrEqual(memoryCeilingMb(MEMORY_MB) + 128);
      bufferPeakMb = Math.max(bufferPeakMb ?? 0, reachedMb);
      await ended(pid, 'the worker out of memory');
    }
    contained.add('node Buffer allocation');
  });

  test('50 MB printed through stdout: answered, the log capped with a visible marker, the platform bounded', async () => {
    const fn = await deploy('node-flood', 'nodejs8.3', 'handler.flood', await nodeZip());
    const peak = watchMemory();
    const run = await underFire('node 50 MB print', fn);
    const grownMb = peak.stop();
    expect({ status: run.response.status, body: run.response.data }).toEqual({ status: 200, body: 'flooded' });
    const log = await logOf(run.response, fn);
    const kept = log.content.reduce((sum, line) => sum + Buffer.byteLength(line.log) + 1, 0);
    expect(kept).toBeLessThanOrEqual(1024 * 1024 + 1024);
    expect(log.content[log.content.length - 1].log).toMatch(
      /^\[log truncated: \d+ more bytes were printed than the 1048576-byte limit per invocation\]$/,
    );
    floodGrowthMb = Math.max(floodGrowthMb, grownMb);
    expect(grownMb).toBeLessThan(100);
    contained.add('node 50 MB print');
  });

  test('50 MB written to the raw stdout and stderr pipes: the same', async () => {
    const fn = await deploy('node-flood-raw', 'nodejs8.3', 'handler.floodRaw', await nodeZip(), 300);
    const peak = watchMemory();
    const run = await underFire('node 50 MB raw print', fn);
    const grownMb = peak.stop();
    expect({ status: run.response.status, body: run.response.data }).toEqual({ status: 200, body: 'flooded raw' });
    const log = await logOf(run.response, fn);
    const kept = log.content.reduce((sum, line) => sum + Buffer.byteLength(line.log) + 1, 0);
    expect(kept).toBeLessThanOrEqual(1024 * 1024 + 1024);
    const truncated = /^\[log truncated: (\d+) more bytes/.exec(log.content[log.content.length - 1].log);
    expect(Number(truncated?.[1])).toBeGreaterThan(48 * 1024 * 1024);
    floodGrowthMb = Math.max(floodGrowthMb, grownMb);
    expect(grownMb).toBeLessThan(100);
    contained.add('node 50 MB raw print');
  });

  test("the host's environment: the function sees only its own variables and the platform's", async () => {
    const fn = await deploy('node-env', 'nodejs8.3', 'handler.env', await nodeZip());
    const run = await underFire('node host environment', fn);
    expect(run.response.status).toBe(200);
    const seen = JSON.parse(String(run.response.data)) as Record<string, string>;
    expect(seen).toEqual(expectedEnvironment(fn));
    expect(String(run.response.data)).not.toContain('host-only-value');
    contained.add('node host environment');
  });
});

/** Samples this process's resident memory (the platform runs in it) until stop(): growth in MB. */
function watchMemory(): { stop(): number } {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return Math.round((peak - base) / 1024 / 1024);
    },
  };
}

// ---- hostile input: a zip that escapes, a body over the limit ---------------------------

/** A zip (stored, no compression) with the names given as they are: jszip would clean them. */
function rawZip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const nameBytes = Buffer.from(name);
    const data = Buffer.from(content);
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Every file under `dir`, relative. */
function filesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) found.push(path.relative(dir, path.join(entry.parentPath, entry.name)));
  }
  return found.sort();
}

describe('hostile input', () => {
  test('a zip whose entries point outside its directory is rejected at upload, and writes nothing', async () => {
    attempted.add('../ zip');
    const good = await deploy('zip-target', 'nodejs8.3', 'handler.echo', await nodeZip());
    const before = filesUnder(path.dirname(local.dataDir)).filter((name) => name.includes('escaped'));
    const evil = ['../escaped.js', 'lib/../../escaped.js', '/tmp/escaped.js', '..\\escaped.js', 'a/../../../escaped.js'];
    for (const name of evil) {
      const zip = rawZip({ 'handler.js': 'exports.echo = async () => "evil";', [name]: 'pwned' });
      const created = await client.functions
        .create({
          environmentId,
          name: 'evil',
          runtime: 'nodejs8.3',
          access: 'public',
          limits: { memory: 128, timeout: 30 },
          code: { handler: 'handler.echo', source: zip.toString('base64') },
        })
        .then(
          () => undefined,
          (error: { status?: number; errors?: Array<{ message: string }> }) => error,
        );
      expect({ name, status: created?.status, message: created?.errors?.[0]?.message }).toEqual({
        name,
        status: 400,
        message: expect.stringContaining('points outside'),
      });
      const updated = await client.functions
        .update(good.id, { environmentId, code: { handler: 'handler.echo', source: zip.toString('base64') } })
        .then(
          () => undefined,
          (error: { status?: number }) => error,
        );
      expect({ name, status: updated?.status }).toEqual({ name, status: 400 });
    }
    // nothing escaped: neither beside the data directory nor in the system temp directory
    expect(filesUnder(path.dirname(local.dataDir)).filter((name) => name.includes('escaped'))).toEqual(before);
    expect(fs.existsSync('/tmp/escaped.js')).toBe(false);
    // the function the bad updates aimed at is untouched and still answers
    expect((await client.functions.get(good.id, environmentId)).latestVersion).toBe(0);
    expect((await client.functions.list(environmentId)).map((fn) => fn.name)).not.toContain('evil');
    const answer = await call.post(good.url, { still: 'here' });
    expect((JSON.parse(String(answer.data)) as { echo?: unknown }).echo).toEqual({ still: 'here' });
    await bystanderCall();
    contained.add('../ zip');
  });

  test('a request body over 6 MB gets 413 (declared or chunked); 6 MB exactly is served', async () => {
    attempted.add('6 MB body');
    const fn = await deploy('body-limit', 'nodejs8.3', 'handler.echo', await nodeZip());
    const limit = 6 * 1024 * 1024;
    const declared = await call.post(fn.url, Buffer.alloc(limit + 1, 0x61), { headers: { 'Content-Type': 'text/plain' } });
    expect(declared.status).toBe(413);
    expect(errorOf(declared).errorType).toBe('PayloadTooLarge');

    // no Content-Length: the platform counts as the bytes arrive
    const chunked = await new Promise<number | undefined>((resolve, reject) => {
      const request = http.request(fn.url, { method: 'POST', headers: { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' } });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.on('error', reject);
      const piece = Buffer.alloc(1024 * 1024, 0x62);
      for (let i = 0; i < 7; i += 1) request.write(piece);
      request.end();
    });
    expect(chunked).toBe(413);
    await Promise.all(Array.from({ length: BYSTANDER_CALLS }, () => bystanderCall()));

    const exact = await call.post(fn.url, Buffer.alloc(limit, 0x63), { headers: { 'Content-Type': 'text/plain' } });
    expect(exact.status).toBe(200);
    expect((JSON.parse(String(exact.data)) as { echo: string }).echo).toHaveLength(limit);
    contained.add('6 MB body');
  });
});

// ---- python, ruby, java: throw, hang, exit, environment ---------------------------------

interface LanguageSetup {
  label: string;
  /** what runs it on this machine */
  component: Component;
  runtime: string;
  zip: () => Promise<Buffer>;
  handler: (behaviour: 'throws' | 'hang' | 'exit' | 'env') => string;
  thrown: { errorMessage: string; errorType: string };
}

let javaDir: string | undefined;

async function javaJar(): Promise<Buffer> {
  javaDir = tempDir('hostile-java-');
  const sources = path.join(javaDir, 'src', 'hostile');
  const classes = path.join(javaDir, 'classes');
  fs.mkdirSync(sources, { recursive: true });
  for (const [name, text] of Object.entries(JAVA_HOSTILE)) fs.writeFileSync(path.join(sources, `${name}.java`), text);
  const runtimeClasses = await ensureJavaRuntime(path.join(local.dataDir, 'cache'));
  execFileSync('javac', [
    '-cp',
    runtimeClasses,
    '-d',
    classes,
    ...Object.keys(JAVA_HOSTILE).map((name) => path.join(sources, `${name}.java`)),
  ]);
  return zipDirectory(classes);
}

const LANGUAGES: LanguageSetup[] = [
  {
    label: 'python',
    component: 'python3',
    runtime: 'python2.7',
    zip: () => zipFiles({ 'handler.py': PYTHON_HOSTILE }),
    handler: (behaviour) => `handler.${behaviour}`,
    thrown: { errorMessage: 'hostile throw', errorType: 'ValueError' },
  },
  {
    label: 'ruby',
    component: 'ruby',
    runtime: 'ruby2.4.1',
    zip: () => zipFiles({ 'handler.rb': RUBY_HOSTILE }),
    handler: (behaviour) => `handler.${behaviour}`,
    thrown: { errorMessage: 'hostile throw', errorType: 'ArgumentError' },
  },
  {
    label: 'java',
    component: 'java',
    runtime: 'java8',
    zip: javaJar,
    handler: (behaviour) => `hostile.${{ throws: 'Throws', hang: 'Hang', exit: 'Exit', env: 'Env' }[behaviour]}`,
    thrown: { errorMessage: 'hostile throw', errorType: 'java.lang.IllegalStateException' },
  },
];

afterAll(() => {
  if (javaDir) fs.rmSync(javaDir, { recursive: true, force: true });
});

for (const language of LANGUAGES)
  describeWith([language.component], `hostile ${language.label} functions`, () => {
    let zip: Buffer;
    beforeAll(async () => {
      zip = await language.zip();
    });

    const deployAs = (behaviour: 'throws' | 'hang' | 'exit' | 'env'): Promise<FunctionRecord> =>
      deploy(`${language.label}-${behaviour}`, language.runtime, language.handler(behaviour), zip);

    test('throw: a 500 with the message', async () => {
      const fn = await deployAs('throws');
      const run = await underFire(`${language.label} throw`, fn);
      expect(errorOf(run.response)).toEqual({ status: 500, ...language.thrown });
      expect((await logOf(run.response, fn)).content.map((line) => line.log).join('\n')).toContain('hostile throw');
      contained.add(`${language.label} throw`);
    });

    test('hang past the timeout: a 504 and the worker is killed', async () => {
      const fn = await deployAs('hang');
      const run = await underFire(`${language.label} hang`, fn);
      expect(errorOf(run.response)).toMatchObject({ status: 504, errorType: 'Timeout' });
      await ended(Number(run.marker[0]), `the hung ${language.label} worker`);
      contained.add(`${language.label} hang`);
    });

    test('exit: a 500 that says so; the next call gets a fresh worker', async () => {
      const fn = await deployAs('exit');
      const run = await underFire(`${language.label} exit`, fn, { exit: '1' });
      expect(errorOf(run.response)).toMatchObject({
        status: 500,
        errorType: 'WorkerExited',
        errorMessage: expect.stringMatching(/exited with code 7/),
      });
      await ended(Number(run.marker[0]), `the exited ${language.label} worker`);
      const after = await underFire(`${language.label} exit`, fn);
      expect({ status: after.response.status, body: after.response.data }).toEqual({ status: 200, body: 'alive' });
      contained.add(`${language.label} exit`);
    });

    test("the host's environment is not visible", async () => {
      const fn = await deployAs('env');
      const run = await underFire(`${language.label} host environment`, fn);
      expect(run.response.status).toBe(200);
      expect(JSON.parse(String(run.response.data))).toEqual(expectedEnvironment(fn));
      contained.add(`${language.label} host environment`);
    });
  });

// ---- restart mid-traffic ----------------------------------------------------------------

const RESTARTS = trials(2, 8);
/** Answers between two restarts, and between two creations of a function during the traffic. */
const ANSWERS_PER_RESTART = trials(40, 80);
const ANSWERS_PER_CREATE = 8;
/** At most this many creations between two restarts: each new function is one more cold start per restart. */
const CREATES_PER_RESTART = 4;
const restartTally = { restarts: 0, functions: 0, lost: 0, answered: 0, wrong: 0, inFlightAtClose: 0 };

const RESTART_CREDENTIALS = { token: 'restart-token', account: 'act-5e57a77d' };
const ALIAS_HOST = 'restart.example.test';

function taggedNode(tag: string): Promise<Buffer> {
  return zipFiles({
    'handler.js': `exports.main = async (event, context) => ({ statusCode: 200, body: JSON.stringify({ tag: ${JSON.stringify(tag)}, pid: process.pid }) });`,
  });
}

interface Expected {
  fn: FunctionRecord;
  /** the tags a correct answer may carry (two for a version split) */
  tags: string[];
  private?: boolean;
}

/** What one deployed function looks like through the API, to compare before and after a restart. */
function shape(fn: FunctionRecord) {
  return {
    id: fn.id,
    name: fn.name,
    runtime: fn.runtime,
    access: fn.access,
    latestVersion: fn.latestVersion,
    activeVersions: fn.activeVersions,
    code: fn.code,
    environmentVariables: fn.environmentVariables,
  };
}

describe('restart mid-traffic', () => {
  let dataDir: string | undefined;
  let current: TestPlatform | undefined;

  afterAll(async () => {
    await stopTestPlatform(current, false);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test(
    'close and start again on the same data dir while requests are in flight: nothing deployed is lost',
    async () => {
      const dir = tempDir('hostile-restart-');
      dataDir = dir;
      current = await startTestPlatform({ dataDir: dir, timeoutScale: TIMEOUT_SCALE, ...RESTART_CREDENTIALS });
      let { platform, client: api } = current;
      const { environmentId: envId } = await createEnvironment(api);
      const spec = (name: string, runtime: string, handler: string, zip: Buffer, access: 'public' | 'private' = 'public') => ({
        environmentId: envId,
        name,
        runtime,
        access,
        limits: { memory: 128, timeout: 30 },
        code: { handler, source: zip.toString('base64') },
        environmentVariables: { KEPT: name },
      });

      // functions with everything a restart could lose: versions, a split, access, triggers, documents, other languages
      const expected: Expected[] = [];
      const updated = await api.functions.create(spec('updated', 'nodejs8.3', 'handler.main', await taggedNode('updated-v0')));
      await api.functions.update(updated.id, {
        environmentId: envId,
        code: { handler: 'handler.main', source: (await taggedNode('updated-v1')).toString('base64') },
      });
      expected.push({ fn: await api.functions.get(updated.id, envId), tags: ['updated-v1'] });
      const split = await api.functions.create(spec('split', 'nodejs8.3', 'handler.main', await taggedNode('split-v0')));
      await api.functions.update(split.id, {
        environmentId: envId,
        code: { handler: 'handler.main', source: (await taggedNode('split-v1')).toString('base64') },
      });
      await api.functions.update(split.id, {
        environmentId: envId,
        activeVersions: [
          { version: 0, percentage: 50 },
          { version: '$LATEST', percentage: 50 },
        ],
      });
      expected.push({ fn: await api.functions.get(split.id, envId), tags: ['split-v0', 'split-v1'] });
      expected.push({
        fn: await api.functions.create(spec('private', 'nodejs8.3', 'handler.main', await taggedNode('private'), 'private')),
        tags: ['private'],
        private: true,
      });
      // workers of other languages restart too; on a machine without an interpreter the
      // restart is still tested with the node functions (the run's last line says what it lacks)
      if (available('python3')) {
        const python = await zipFiles({
          'handler.py':
            'import json, os\ndef main(event, context):\n    return {"statusCode": 200, "body": json.dumps({"tag": "python", "pid": os.getpid()})}\n',
        });
        expected.push({ fn: await api.functions.create(spec('python', 'python2.7', 'handler.main', python)), tags: ['python'] });
      }
      if (available('ruby')) {
        const ruby = await zipFiles({
          'handler.rb':
            "require 'json'\ndef main(_event, _context)\n  { 'statusCode' => 200, 'body' => JSON.generate('tag' => 'ruby', 'pid' => Process.pid) }\nend\n",
        });
        expected.push({ fn: await api.functions.create(spec('ruby', 'ruby2.4.1', 'handler.main', ruby)), tags: ['ruby'] });
      }
      const triggered = await api.functions.create(spec('triggered', 'nodejs8.3', 'handler.main', await taggedNode('triggered')));
      expected.push({ fn: triggered, tags: ['triggered'] });
      const job = await api.cronJobs.create({
        environmentId: envId,
        action: 'INVOKE_FUNCTION',
        resourceId: triggered.id,
        isEnabled: true,
        cronExpression: '0 0 1 1 *',
        config: { body: '{"from":"cron"}' },
      });
      const pattern = await api.patterns.create({ environmentId: envId, functionId: triggered.id, pattern: '/hello', method: 'GET' });
      const alias = await api.aliases.create({ host: ALIAS_HOST, environmentId: envId });
      await api.documents.create(envId, 'kept', { survives: true });
      const triggers = { job: [job], pattern: [pattern], alias: [alias] };

      // ---- traffic: invocations of every function, and creations, until told to stop ----
      const acknowledged: Expected[] = [];
      const late = await taggedNode('late');
      const tally = { answers: 0, wrong: [] as string[], refused: 0, outstanding: 0 };
      const pids = new Set<number>();
      let stopping = false;
      // resolved by each restart: a request refused while the platform is down waits for it
      let up = Promise.resolve();
      let markUp = (): void => undefined;
      let answersWanted = 0;
      let enoughAnswers = (): void => undefined;
      let createCredit = (): void => undefined;
      let createsLeft = CREATES_PER_RESTART;

      const invokeOnce = async (entry: Expected): Promise<void> => {
        const headers = entry.private ? { Authorization: `Bearer ${RESTART_CREDENTIALS.token}` } : {};
        let response: AxiosResponse;
        tally.outstanding += 1;
        try {
          response = await call.post(entry.fn.url, { n: Math.random() }, { headers, timeout: 30000 });
        } catch (error) {
          if (axios.isAxiosError(error) && error.code === 'ECONNABORTED') {
            tally.wrong.push(`${entry.fn.name}: no answer within 30 s`);
            return;
          }
          tally.refused += 1; // the platform is down (or going down): the request never got in
          await up;
          return;
        } finally {
          tally.outstanding -= 1;
        }
        if (response.status === 503 && String(response.data).includes('shutting down')) {
          tally.refused += 1; // arrived while the platform was closing: refused, not carried out
          await up;
          return;
        }
        let tag: string | undefined;
        try {
          const parsed = JSON.parse(String(response.data)) as { tag?: string; pid?: number };
          tag = parsed.tag;
          if (parsed.pid) pids.add(parsed.pid);
        } catch {
          tag = undefined;
        }
        if (response.status !== 200 || !tag || !entry.tags.includes(tag)) {
          tally.wrong.push(`${entry.fn.name}: ${response.status} ${String(response.data).slice(0, 200)}`);
          return;
        }
        tally.answers += 1;
        if (tally.answers >= answersWanted) enoughAnswers();
        if (tally.answers % ANSWERS_PER_CREATE === 0 && createsLeft > 0) {
          createsLeft -= 1;
          createCredit();
        }
      };

      const invoker = async (offset: number): Promise<void> => {
        for (let i = offset; !stopping; i += 1) {
          const all = [...expected, ...acknowledged];
          await invokeOnce(all[i % all.length]);
        }
      };
      const creator = async (): Promise<void> => {
        for (let i = 0; !stopping; i += 1) {
          // one creation per ANSWERS_PER_CREATE answers: writes keep coming, a few per restart
          await new Promise<void>((resolve) => {
            createCredit = resolve;
          });
          if (stopping) break;
          const client = clientFor(platform);
          tally.outstanding += 1;
          try {
            const fn = await client.functions.create(spec(`late-${i}`, 'nodejs8.3', 'handler.main', late));
            acknowledged.push({ fn, tags: ['late'] });
          } catch {
            await up; // not acknowledged: it may or may not exist, and either is right
          } finally {
            tally.outstanding -= 1;
            client.close();
          }
        }
      };

      const traffic = [invoker(0), invoker(1), invoker(2), invoker(3), creator()];
      const lostIds = new Set<string>();
      const checked = new Set<string>();

      const verify = async (client: SpotinstClient): Promise<void> => {
        const listed = new Map((await client.functions.list(envId)).map((fn) => [fn.id, fn]));
        for (const entry of [...expected, ...acknowledged]) {
          checked.add(entry.fn.id);
          const now = listed.get(entry.fn.id);
          if (!now) {
            lostIds.add(entry.fn.id);
            continue;
          }
          // same versions, same code, same configuration
          expect(shape(now)).toEqual(shape(entry.fn));
        }
        expect(await client.cronJobs.listByFunction(triggered.id)).toEqual(triggers.job);
        expect(await client.patterns.listByEnvironment(envId)).toEqual(triggers.pattern);
        expect(await client.aliases.listByEnvironment(envId)).toEqual(triggers.alias);
        expect((await client.documents.get(envId, 'kept'))?.value).toEqual({ survives: true });
        // each invocable now, the alias route too
        for (const entry of [...expected, ...acknowledged]) {
          if (!lostIds.has(entry.fn.id)) await invokeOnce(entry);
        }
        const routed = await call.get(`${platform.url}/alias/${ALIAS_HOST}/hello`);
        expect({ status: routed.status, tag: (JSON.parse(String(routed.data)) as { tag?: string }).tag }).toEqual({
          status: 200,
          tag: 'triggered',
        });
      };

      try {
        for (let cycle = 0; cycle < RESTARTS; cycle += 1) {
          // let traffic build up, then restart in the middle of it
          answersWanted = tally.answers + ANSWERS_PER_RESTART;
          await new Promise<void>((resolve) => {
            enoughAnswers = resolve;
          });
          up = new Promise<void>((resolve) => {
            markUp = resolve;
          });
          restartTally.inFlightAtClose += tally.outstanding;
          // same data dir, port and credentials: what a restart of the service is
          current = await restartTestPlatform(current, { timeoutScale: TIMEOUT_SCALE });
          ({ platform, client: api } = current);
          markUp();
          createsLeft = CREATES_PER_RESTART;
          restartTally.restarts += 1;
          await verify(api);
        }
      } finally {
        stopping = true;
        markUp();
        enoughAnswers();
        createCredit();
        await Promise.all(traffic);
      }
      // one last restart with no traffic: what is on disk is the whole truth
      current = await restartTestPlatform(current, { timeoutScale: TIMEOUT_SCALE });
      ({ platform, client: api } = current);
      await verify(api);
      // both versions of the split still run their own code
      const seen = new Set<string>();
      for (let i = 0; i < 100 && seen.size < 2; i += 1) {
        seen.add((JSON.parse(String((await call.post(split.url, {})).data)) as { tag: string }).tag);
      }
      expect([...seen].sort()).toEqual(['split-v0', 'split-v1']);
      await stopTestPlatform(current, false);
      current = undefined;
      // closing stopped every worker the traffic met
      for (const pid of pids) await ended(pid, 'a worker of a closed platform');

      restartTally.functions = checked.size;
      restartTally.lost = lostIds.size;
      restartTally.answered = tally.answers;
      restartTally.wrong = tally.wrong.length;
      expect(tally.wrong).toEqual([]);
      expect([...lostIds]).toEqual([]);
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(restartTally.inFlightAtClose).toBeGreaterThan(0);
      // every restart starts every worker cold again: the chaos pass has eight
    },
    trials(60000, 180000),
  );
});

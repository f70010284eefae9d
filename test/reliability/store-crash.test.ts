/**
 * Issue 14, reliability: the `spotinst-local` CLI (dist/local/cli.js, built by `npm run
 * build`) is killed with SIGKILL while a client writes to it (documents and function creates,
 * several at a time), then started again on the same data dir or database. Every write it
 * acknowledged (200) must be there, and the platform must serve: on SQLite and on PostgreSQL.
 *
 * Trials: 3 per engine in `npm test`, 100 in `npm run chaos`; SPOTINST_STORE_CRASH_TRIALS sets
 * another count, SPOTINST_CRASH_SEED replays a run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import axios from 'axios';
import { SpotinstClient } from '../../src/api';
import { seededRandom } from '../../src/local/faults';
import { zipFiles } from '../fixtures/functions/build';
import { describeWith } from '../helpers/requirements';
import { tempDir } from '../helpers/platform';
import { usePostgres } from '../helpers/postgres';
import { recordFigure, trials } from './figures';

const TRIALS = Number(process.env.SPOTINST_STORE_CRASH_TRIALS ?? trials(3, 100));
const WRITERS = 4;
const TOKEN = 'store-crash-token';
const ACCOUNT = 'act-0c0ffee0';
const CLI = path.join(__dirname, '..', '..', 'dist', 'local', 'cli.js');
const HANDLER = 'exports.main = async () => ({ statusCode: 200, body: "alive" });';

interface Running {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

function startCli(dataDir: string, database: string | undefined): Promise<Running> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const args = [CLI, '--port', '0', '--data-dir', dataDir, '--token', TOKEN, '--account', ACCOUNT];
  if (database) args.push('--database', database);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SPOTINST_LOCAL_FAULTS: '' } });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match && output.includes('Configure the plugin')) resolve({ child, url: match[1], exited });
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    void exited.then(() => reject(new Error(`spotinst-local exited before it served: ${output}`)));
  });
}

function clientOf(running: Running): SpotinstClient {
  return new SpotinstClient({ apiUrl: running.url, token: TOKEN, account: ACCOUNT, retry: { retries: 0 }, timeoutMs: 15000 });
}

interface Acknowledged {
  documents: string[];
  functions: string[];
}

/**
 * Writers that each create documents and functions one after another until stopped, keeping
 * what was acknowledged. A write cut by the kill fails: it was not acknowledged, and may or
 * may not be there.
 */
function writeUntilStopped(client: SpotinstClient, environmentId: string, source: string, trial: number) {
  const acknowledged: Acknowledged = { documents: [], functions: [] };
  let stopped = false;
  let firstAck: () => void = () => undefined;
  const acked = new Promise<void>((resolve) => (firstAck = resolve));
  const writer = async (writerIndex: number): Promise<void> => {
    for (let n = 0; !stopped; n += 1) {
      const name = `t${trial}-w${writerIndex}-${n}`;
      try {
        if (n % 3 === 2) {
          await client.functions.create({
            environmentId,
            name,
            runtime: 'nodejs8.3',
            access: 'public',
            limits: { memory: 128, timeout: 30 },
            code: { handler: 'handler.main', source },
          });
          acknowledged.functions.push(name);
        } else {
          await client.documents.create(environmentId, name, { trial, writer: writerIndex, n, padding: 'x'.repeat(512) });
          acknowledged.documents.push(name);
        }
        firstAck();
      } catch {
        return; // the platform is gone
      }
    }
  };
  const done = Promise.all(Array.from({ length: WRITERS }, (_, index) => writer(index)));
  return {
    acknowledged,
    acked,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

async function crashTrials(engine: string, dataDir: string, database: string | undefined): Promise<void> {
  const seed = Number(process.env.SPOTINST_CRASH_SEED ?? crypto.randomInt(1, 2 ** 31));
  const next = seededRandom(seed);
  const source = (await zipFiles({ 'handler.js': HANDLER })).toString('base64');
  let running = await startCli(dataDir, database);
  let client = clientOf(running);
  let acknowledgedWrites = 0;
  try {
    const app = await client.applications.create({ name: 'crash' });
    const env = await client.environments.create({ name: 'dev', applicationId: app.id });
    const all: Acknowledged = { documents: [], functions: [] };
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const writes = writeUntilStopped(client, env.id, source, trial);
      await writes.acked;
      // somewhere in the middle of the writes
      const delay = 50 + Math.round(next() * 400);
      await new Promise((resolve) => setTimeout(resolve, delay));
      running.child.kill('SIGKILL');
      await running.exited;
      await writes.stop();
      client.close();
      all.documents.push(...writes.acknowledged.documents);
      all.functions.push(...writes.acknowledged.functions);
      acknowledgedWrites += writes.acknowledged.documents.length + writes.acknowledged.functions.length;

      running = await startCli(dataDir, database);
      client = clientOf(running);
      const documents = new Set((await client.documents.list(env.id)).map((document) => document.key));
      const functions = await client.functions.list(env.id);
      const names = new Set(functions.map((fn) => fn.name));
      const where = `${engine}, trial ${trial} (seed ${seed}, killed ${delay} ms after the first acknowledged write)`;
      expect({ where, lostDocuments: all.documents.filter((key) => !documents.has(key)) }).toEqual({ where, lostDocuments: [] });
      expect({ where, lostFunctions: all.functions.filter((name) => !names.has(name)) }).toEqual({ where, lostFunctions: [] });
      // and the platform serves: a function created before a kill runs, a new write lands
      const survivor = functions.find((fn) => fn.name === all.functions[all.functions.length - 1]) ?? functions[0];
      if (survivor) expect((await axios.get(survivor.url, { validateStatus: () => true })).status).toBe(200);
      await client.documents.create(env.id, `after-trial-${trial}`, 'written after the restart');
    }
    recordFigure(
      `store-crash-${engine.toLowerCase()}`,
      `${TRIALS}/${TRIALS} SIGKILLs of spotinst-local on ${engine} during concurrent writes lost none of ${acknowledgedWrites} acknowledged writes (seed ${seed})`,
    );
  } finally {
    client.close();
    running.child.kill('SIGTERM');
    await running.exited;
  }
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function newDir(): string {
  const dir = tempDir('store-crash-');
  dirs.push(dir);
  return dir;
}

const TIMEOUT = 60000 + TRIALS * 20000;

test(
  `SQLite: every acknowledged write survives a SIGKILL mid-write (${TRIALS} trials)`,
  () => crashTrials('SQLite', newDir(), undefined),
  TIMEOUT,
);

describeWith(['postgresql'], 'PostgreSQL', () => {
  const postgres = usePostgres();
  test(
    `PostgreSQL: every acknowledged write survives a SIGKILL of a node mid-write (${TRIALS} trials)`,
    () => crashTrials('PostgreSQL', newDir(), postgres.database('crash')),
    TIMEOUT,
  );
});

/**
 * A throwaway PostgreSQL cluster for one test file: initdb in a temp dir, a free loopback
 * port, removed by stop(). PostgreSQL refuses to run as root, so under root (CI) the
 * cluster runs as `nobody`, which owns the temp dir.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { locate } from './requirements';
import { pollUntil } from './poll';
import { freePort } from './processes';

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** a new empty database on this cluster, as a URL */
  createDatabase(name: string): string;
  /** stops the server at once, as a crash would; start() brings it back on the same port and data */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const RUN_AS = process.getuid?.() === 0 ? 'nobody' : undefined;

function asClusterUser(command: string, args: string[]): [string, string[]] {
  return RUN_AS ? ['runuser', ['-u', RUN_AS, '--', command, ...args]] : [command, args];
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startPostgres(): Promise<PostgresCluster> {
  const bin = locate('postgresql');
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-pg-'));
  if (RUN_AS) execFileSync('chown', [RUN_AS, root]);
  const data = path.join(root, 'data');
  const [initdb, initArgs] = asClusterUser(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  execFileSync(initdb, initArgs, { stdio: 'ignore' });
  const port = await freePort();
  const pgCtl = (args: string[]): void => {
    const [command, full] = asClusterUser(path.join(bin, 'pg_ctl'), ['-D', data, ...args]);
    execFileSync(command, full, { stdio: 'ignore' });
  };
  const start = async (): Promise<void> => {
    // fsync off: the tests kill spotinst-local nodes, not the database's machine
    const options = `-p ${port} -h 127.0.0.1 -k ${root} -c fsync=off -c max_connections=200`;
    pgCtl(['-o', options, '-l', path.join(root, 'server.log'), '-w', '-t', '60', 'start']);
    await pollUntil(() => canConnect(port), { timeoutMs: 30000, what: `PostgreSQL to accept connections on port ${port}` });
  };
  /** immediate: every backend ends at once and the next start recovers, as after a crash */
  const halt = (mode: 'immediate' | 'fast'): void => {
    if (fs.existsSync(path.join(data, 'postmaster.pid'))) pgCtl(['-m', mode, '-w', 'stop']);
  };
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    createDatabase(name) {
      const [command, args] = asClusterUser(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
      execFileSync(command, args, { stdio: 'ignore' });
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async kill() {
      halt('immediate');
      await pollUntil(async () => !(await canConnect(port)), { timeoutMs: 30000, what: 'PostgreSQL to stop' });
    },
    start,
    stop() {
      halt('fast');
      fs.rmSync(root, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

/**
 * A throwaway PostgreSQL cluster for the describe block it is called in (started before its
 * tests, removed after them); `database()` makes a new empty database and returns its URL.
 * Call it inside `describeWith(['postgresql'], …)`.
 */
export function usePostgres(): { cluster: () => PostgresCluster; database: (prefix?: string) => string } {
  let cluster: PostgresCluster | undefined;
  let made = 0;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 120000);
  afterAll(async () => {
    await cluster?.stop();
  });
  const started = (): PostgresCluster => {
    if (!cluster) throw new Error('the PostgreSQL cluster is not started yet: use it in a test or a hook');
    return cluster;
  };
  return {
    cluster: started,
    database: (prefix = 'db') => {
      made += 1;
      return started().createDatabase(`${prefix}_${made}`);
    },
  };
}

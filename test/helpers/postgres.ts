/**
 * A throwaway PostgreSQL cluster for one test file (scripts/postgres-cluster.js, shared with
 * the benchmarks), with waits for the tests that stop and start it under spotinst-local.
 */
import net from 'node:net';
import { startPostgres as startCluster } from '../../scripts/postgres-cluster';
import { pollUntil } from './poll';

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
  // fsync off: the tests kill spotinst-local nodes, not the database's machine
  const cluster = await startCluster({ fsync: false });
  const { port } = cluster;
  return {
    url: cluster.url,
    port,
    createDatabase: (name) => cluster.createDatabase(name),
    async kill() {
      cluster.halt('immediate');
      await pollUntil(async () => !(await canConnect(port)), { timeoutMs: 30000, what: 'PostgreSQL to stop' });
    },
    async start() {
      cluster.start();
      await pollUntil(() => canConnect(port), { timeoutMs: 30000, what: `PostgreSQL to accept connections on port ${port}` });
    },
    stop() {
      cluster.stop();
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

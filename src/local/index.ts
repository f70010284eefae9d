/**
 * spotinst-local as a library: `startLocalPlatform()` serves the Spotinst Functions API
 * (SPEC §2, §7) for real, on this machine.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { FaultInjector, parseFaults } from './faults';
import { checkDatabaseUrl } from './database-url';
import { isLoopback } from './http-util';
import { newId } from './ids';
import { PlatformLog, type PlatformLogger } from './logger';
import { Platform } from './platform';
import { createRequestListener } from './server';
import type { LocalStats } from './stats';
import { checkWorkerBudget, type WorkerUsage } from './invocation/worker-budget';
import type { InspectorAddresses, InvocationNotice } from './invocation/invoker';

export type { LocalStats } from './stats';
export { parseFaults, FaultSpecError } from './faults';
export type { FaultSpec } from './faults';
export { isLoopback } from './http-util';
export { defaultMaxWorkers, parseMemorySize } from './invocation/worker-budget';
export type { WorkerUsage } from './invocation/worker-budget';
export { checkDatabaseUrl, DatabaseUrlError, redactDatabaseUrl } from './database-url';
export { LOG_FORMATS, jsonLogLine, textLogLine, streamLogger } from './logger';
export type { LogFormat, LogLevel, LogFields, PlatformLogEntry, PlatformLogger } from './logger';
export type { InspectorAddresses, InvocationNotice } from './invocation/invoker';

export interface LocalPlatformOptions {
  /** 0 (the default) picks a free port */
  port?: number;
  /** default 127.0.0.1; any other address needs an explicit `token` */
  host?: string;
  /**
   * where state, code and logs live (SQLite: `spotinst-local.db` and `code/`; with `database`,
   * only this node's cache); default: a new temp directory, removed by close()
   */
  dataDir?: string;
  /**
   * a PostgreSQL URL (`postgres://user:password@host:port/db`): everything is kept there, and
   * every node started with the same URL (and the same token and account) serves one platform.
   * Default: SQLite in the data directory.
   */
  database?: string;
  /**
   * Where the platform's own log goes, one entry per message (time, level, message, and the
   * invocationId of a message about one): what the start imported from a 2.0.0-dev data dir,
   * cron ticks skipped while the database is away, invocations that failed, requests that
   * broke. `streamLogger('text' | 'json')` prints them as the CLI does. Default: warnings
   * and errors are process warnings, information is not said.
   */
  logger?: PlatformLogger;
  /** default: a random token */
  token?: string;
  /** default: a random `act-xxxxxxxx` */
  account?: string;
  /** e.g. "rate=0.2,codes=500|502|503|429,reset=0.05,latency=0-300" (see faults.ts) */
  faults?: string;
  /** a warm worker unused this long is stopped (default 5 minutes) */
  idleWorkerMs?: number;
  /** warm workers per function version (default 4) */
  maxWorkersPerVersion?: number;
  /** warm worker processes across all functions (default: half the machine's memory / 64 MB, see defaultMaxWorkers) */
  maxWorkers?: number;
  /** the most the warm workers' resident memory may add up to, in MB (default: no memory budget; Linux only) */
  maxWorkerMemoryMb?: number;
  /** how long a call waits for a worker when the budget is spent, before it gets 429 (default 5000) */
  queueTimeoutMs?: number;
  /** multiplies every function's timeout; for tests that exercise timeouts quickly (default 1) */
  timeoutScale?: number;
  /** where compiled runtime helpers are cached (default: `<dataDir>/cache`) */
  cacheDir?: string;
  /** where each node function's workers listen for a debugger (`serverless dev --inspect`); default: nowhere */
  inspect?: InspectorAddresses;
}

export interface LocalPlatform {
  /** `http://host:port`, the apiUrl to give the client */
  url: string;
  /** the web console: `${url}/__local/console` (sign in with `#token=<token>`) */
  consoleUrl: string;
  token: string;
  account: string;
  dataDir: string;
  /** where the data is: the SQLite file, or the PostgreSQL URL without its password */
  database: string;
  stats(): LocalStats;
  /** What the warm workers hold now, against the worker budget. */
  workers(): WorkerUsage;
  /**
   * Calls `listener` with each invocation as soon as it is logged (its log lines, status,
   * duration, version, cold or warm), in this process; returns the unsubscribe.
   */
  onInvocation(listener: (notice: InvocationNotice) => void): () => void;
  /**
   * Stops serving (a request that arrives meanwhile, even on an open connection, gets 503 and
   * is not carried out), lets the requests in flight finish (an invocation ends or times
   * out), stops every worker and timer. With `graceMs`, invocations still running after it
   * are cut short (their workers stopped): `serverless dev` ends on Ctrl-C even while a
   * debugger holds a function at a breakpoint.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

const DEFAULT_IDLE_WORKER_MS = 5 * 60 * 1000;
const CLOSE_REPLY_GRACE_MS = 1000;

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Beyond loopback a token is all that stands between the network and running code: it must not be guessable. */
export const MIN_EXPOSED_TOKEN_LENGTH = 12;

export class InsecureBindError extends Error {
  constructor(host: string, token: string | undefined) {
    super(
      token === undefined
        ? `Refusing to serve on ${host} without an explicit token: anyone who can reach this address could deploy and run code. ` +
            'Pass --token <secret> (or the token option), or bind 127.0.0.1.'
        : `Refusing to serve on ${host} with a token of ${token.length} characters: beyond loopback it must have at least ` +
            `${MIN_EXPOSED_TOKEN_LENGTH}, or anyone who can reach this address could guess it. Pass a longer --token, or bind 127.0.0.1.`,
    );
    this.name = 'InsecureBindError';
  }
}

/** Why serving on `host` with `token` would be unsafe, or undefined when it is not. */
export function bindRefusal(host: string, token: string | undefined): InsecureBindError | undefined {
  if (isLoopback(host)) return undefined;
  if (!token || token.length < MIN_EXPOSED_TOKEN_LENGTH) return new InsecureBindError(host, token || undefined);
  return undefined;
}

export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  const host = options.host ?? '127.0.0.1';
  const refused = bindRefusal(host, options.token);
  if (refused) throw refused;
  const faults = options.faults ? new FaultInjector(parseFaults(options.faults)) : undefined;
  const workerBudget = {
    maxWorkers: options.maxWorkers,
    maxWorkerMemoryMb: options.maxWorkerMemoryMb,
    queueTimeoutMs: options.queueTimeoutMs,
  };
  checkWorkerBudget(workerBudget);
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-local-'));
  const token = options.token ?? randomBytes(24).toString('hex');
  const account = options.account ?? newId('account');
  if (options.database !== undefined) checkDatabaseUrl(options.database, 'database');

  const platform = await Platform.open({
    dataDir,
    token,
    account,
    cacheDir: options.cacheDir ?? path.join(dataDir, 'cache'),
    idleWorkerMs: options.idleWorkerMs ?? DEFAULT_IDLE_WORKER_MS,
    maxWorkersPerVersion: options.maxWorkersPerVersion ?? 4,
    workerBudget,
    timeoutScale: options.timeoutScale ?? 1,
    database: options.database,
    log: new PlatformLog(options.logger),
  }).catch((error: unknown) => {
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });

  if (options.inspect) platform.invoker.listenForDebuggers(options.inspect);

  // known once the server is bound, which needs the listener first
  const served: { fixedBaseUrl?: string } = {};
  const handling = createRequestListener(platform, {
    faults,
    faultsText: options.faults,
    fixedBaseUrl: () => served.fixedBaseUrl,
    // beyond loopback, Prometheus sends the token like any other client (docs/local-platform.md § Metrics)
    metricsNeedToken: !isLoopback(host),
  });
  const server = http.createServer(handling.listener);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await platform.close(0);
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const wildcard = host === '0.0.0.0' || host === '::' || host === '[::]';
  const url = `http://${urlHost(wildcard ? '127.0.0.1' : host)}:${port}`;
  // bound to every address: URLs in replies follow the Host the caller used
  served.fixedBaseUrl = wildcard ? undefined : url;

  let closing: Promise<void> | undefined;
  return {
    url,
    consoleUrl: `${url}/__local/console`,
    token,
    account,
    dataDir,
    database: platform.location,
    stats: () => platform.stats.snapshot(),
    workers: () => platform.invoker.workers(),
    onInvocation: (listener) => platform.invoker.onInvocation(listener),
    close(closeOptions = {}) {
      const graceMs = closeOptions.graceMs ?? Number.POSITIVE_INFINITY;
      closing =
        closing ??
        (async () => {
          const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          const drained = handling.drain();
          if (Number.isFinite(graceMs)) {
            let timer: NodeJS.Timeout | undefined;
            const late = await Promise.race([
              drained.then(() => false),
              new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
            ]);
            clearTimeout(timer);
            // the calls still running end as errors once their workers are gone
            if (late) await platform.invoker.disposeAll();
          }
          await drained;
          await platform.close(graceMs);
          // the last replies are on their way: let them finish, briefly, before cutting connections
          server.closeIdleConnections();
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([stopped, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_REPLY_GRACE_MS)))]);
          clearTimeout(timer);
          server.closeAllConnections();
          await stopped;
          if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
        })();
      return closing;
    },
  };
}

#!/usr/bin/env node
/**
 * `spotinst-local`: serves the local Spotinst Functions platform until SIGINT/SIGTERM.
 *
 * Credentials: a token passed with --token is used and never printed. Without one (only
 * allowed on a loopback address), the CLI uses a random token it generated once and keeps
 * in `<data-dir>/local-credentials.json` (mode 0600), and prints it so the user can
 * configure the plugin (SPOTINST_TOKEN / SPOTINST_ACCOUNT). It is stable across restarts of
 * the same data directory, yet not a well-known value another local user or process could
 * guess. The account works the same way (--account, else a generated, persisted one).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { bindRefusal, checkDatabaseUrl, DatabaseUrlError, LocalPlatform, redactDatabaseUrl, startLocalPlatform } from './index';
import { FaultSpecError, parseFaults } from './faults';
import { newId } from './ids';
import { defaultMaxWorkers, DEFAULT_QUEUE_TIMEOUT_MS, parseMemorySize } from './invocation/worker-budget';
import { jsonLogLine, LOG_FORMATS, streamLogger, type LogFields, type LogFormat, type PlatformLogger } from './logger';
import { writeFileAtomic } from '../util/atomic-file';
import { redactor } from '../util/redact';

const USAGE = `Usage: spotinst-local [options]

Serves the Spotinst Functions API and runs functions on this machine.

Storage, one of two modes:
  SQLite (the default)  everything in --data-dir: the database spotinst-local.db and
                        the uploaded code in code/. A 2.0.0-dev data dir (state.json,
                        logs/) is imported on the first start; its files are kept in
                        imported-2.0.0-dev/.
  PostgreSQL            --database postgres://user:password@host:5432/db (or
                        SPOTINST_LOCAL_DATABASE): state, documents, logs and code in
                        the database; --data-dir only caches unpacked code. Every node
                        started with the same database, --token and --account serves
                        the same platform (put them behind any load balancer).

Options:
  --port <n>          port to listen on (default 7711; 0 picks a free one)
  --host <address>    address to bind (default 127.0.0.1; others need --token)
  --data-dir <dir>    where state, code and logs are kept (default .spotinst-local)
  --database <url>    keep everything in PostgreSQL instead (needs --token and --account)
  --token <token>     API token to require (default: generated once, kept in the data dir)
  --account <id>      account id to accept (default: generated once, kept in the data dir)
  --faults <spec>     inject failures into the management API, e.g.
                      "rate=0.2,codes=500|502|503|429,reset=0.05,latency=0-300"
                      (also SPOTINST_LOCAL_FAULTS)
  --idle-worker-ms <n> stop warm workers unused this long (default 300000)
  --max-workers <n>   warm worker processes across all functions (default ${defaultMaxWorkers()} here:
                      half this machine's memory / 64 MB); the least recently used idle
                      one is stopped when a new one is needed
  --max-worker-memory <MB|GB>
                      the most the workers' resident memory may add up to, e.g. 2GB
                      (default: no memory budget)
  --queue-timeout-ms <n>
                      how long a call waits for a worker when all are busy and the budget
                      is spent, before it gets 429 (default ${DEFAULT_QUEUE_TIMEOUT_MS})
  --log-format <text|json>
                      the platform's own log: text for a terminal (the default), or json,
                      one object per line on stdout (time, level, message, invocationId…)
  --help              show this help
`;

interface CliOptions {
  port: number;
  host: string;
  dataDir: string;
  database?: string;
  token?: string;
  account?: string;
  faults?: string;
  idleWorkerMs?: number;
  maxWorkers?: number;
  maxWorkerMemoryMb?: number;
  queueTimeoutMs?: number;
  logFormat: LogFormat;
}

class UsageError extends Error {}

const VALUE_OPTIONS = new Set([
  'port',
  'host',
  'data-dir',
  'database',
  'token',
  'account',
  'faults',
  'idle-worker-ms',
  'max-workers',
  'max-worker-memory',
  'queue-timeout-ms',
  'log-format',
]);

/** The worker budget's options, each undefined when not given. */
function budgetOptions(values: Map<string, string>): Pick<CliOptions, 'maxWorkers' | 'maxWorkerMemoryMb' | 'queueTimeoutMs'> {
  const workers = values.get('max-workers');
  const maxWorkers = workers === undefined ? undefined : Number(workers);
  if (maxWorkers !== undefined && !(Number.isInteger(maxWorkers) && maxWorkers >= 1)) {
    throw new UsageError(`--max-workers must be a whole number of worker processes (at least 1), not "${workers}"`);
  }
  const memory = values.get('max-worker-memory');
  const maxWorkerMemoryMb = memory === undefined ? undefined : parseMemorySize(memory);
  if (memory !== undefined && maxWorkerMemoryMb === undefined) {
    throw new UsageError(`--max-worker-memory must be a size in MB or GB, such as 1536MB or 2GB, not "${memory}"`);
  }
  const timeout = values.get('queue-timeout-ms');
  const queueTimeoutMs = timeout === undefined ? undefined : Number(timeout);
  if (queueTimeoutMs !== undefined && !(Number.isFinite(queueTimeoutMs) && queueTimeoutMs >= 0)) {
    throw new UsageError(`--queue-timeout-ms must be a number of milliseconds (0 answers 429 at once), not "${timeout}"`);
  }
  return { maxWorkers, maxWorkerMemoryMb, queueTimeoutMs };
}

function parseArgs(argv: string[]): CliOptions | 'help' {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !VALUE_OPTIONS.has(match[1])) throw new UsageError(`unknown option "${arg}"`);
    let value = match[2];
    if (value === undefined) {
      value = argv[i + 1];
      i += 1;
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${match[1]} needs a value`);
    }
    values.set(match[1], value);
  }
  const port = Number(values.get('port') ?? '7711');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number (0-65535), not "${values.get('port')}"`);
  const idle = values.get('idle-worker-ms');
  const idleWorkerMs = idle === undefined ? undefined : Number(idle);
  if (idleWorkerMs !== undefined && (!Number.isFinite(idleWorkerMs) || idleWorkerMs < 100)) {
    throw new UsageError('--idle-worker-ms must be a number of milliseconds (at least 100)');
  }
  const token = values.get('token');
  if (token !== undefined && token.trim() === '') throw new UsageError('--token must not be empty');
  const database = databaseOption(values.get('database'), token, values.get('account'));
  const logFormat = values.get('log-format') ?? 'text';
  if (!(LOG_FORMATS as readonly string[]).includes(logFormat)) {
    throw new UsageError(`--log-format must be ${LOG_FORMATS.join(' or ')}, not "${logFormat}"`);
  }
  return {
    port,
    host: values.get('host') ?? '127.0.0.1',
    dataDir: path.resolve(values.get('data-dir') ?? '.spotinst-local'),
    database,
    token,
    account: values.get('account'),
    faults: values.get('faults') ?? (process.env.SPOTINST_LOCAL_FAULTS || undefined),
    idleWorkerMs,
    ...budgetOptions(values),
    logFormat: logFormat as LogFormat,
  };
}

/**
 * `--database`, else SPOTINST_LOCAL_DATABASE: checked here, before anything connects. The
 * nodes of one platform must accept the same credentials, so they are given, not generated
 * per data dir.
 */
function databaseOption(given: string | undefined, token: string | undefined, account: string | undefined): string | undefined {
  const fromEnvironment = given === undefined && (process.env.SPOTINST_LOCAL_DATABASE ?? '') !== '';
  const database = given ?? (fromEnvironment ? process.env.SPOTINST_LOCAL_DATABASE : undefined);
  if (database === undefined) return undefined;
  const option = fromEnvironment ? 'SPOTINST_LOCAL_DATABASE' : '--database';
  try {
    checkDatabaseUrl(database, option);
  } catch (error) {
    if (error instanceof DatabaseUrlError) throw new UsageError(error.message);
    throw error;
  }
  if (token === undefined || account === undefined) {
    throw new UsageError(
      `${option} needs --token and --account: every node on one database serves the same platform, so each must accept the same ` +
        'credentials (e.g. --token "$(openssl rand -hex 24)" --account act-12345678, the same on every node)',
    );
  }
  return database;
}

/** A message as it may be printed: the database URL redacted, and its password nowhere, however it was quoted. */
function withoutSecrets(message: string, database: string | undefined): string {
  if (database === undefined) return message;
  let text = message.split(database).join(redactDatabaseUrl(database));
  let password = '';
  try {
    password = new URL(database).password;
  } catch {
    // not a URL: checked before starting, so not here
  }
  for (const secret of new Set([password, safeDecode(password)])) if (secret !== '') text = text.split(secret).join('***');
  return text;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

interface StoredCredentials {
  token: string;
  account: string;
}

/** The generated credentials of a data directory, created on first use. */
function localCredentials(dataDir: string): StoredCredentials {
  const file = path.join(dataDir, 'local-credentials.json');
  try {
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StoredCredentials>;
    if (typeof stored.token === 'string' && typeof stored.account === 'string') return { token: stored.token, account: stored.account };
  } catch {
    // absent (or unreadable): generate
  }
  const created = { token: randomBytes(24).toString('hex'), account: newId('account') };
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileAtomic(file, JSON.stringify(created, null, 2));
  return created;
}

async function main(): Promise<number> {
  let options: CliOptions | 'help';
  try {
    options = parseArgs(process.argv.slice(2));
    if (options !== 'help' && options.faults) parseFaults(options.faults);
  } catch (error) {
    if (error instanceof UsageError || error instanceof FaultSpecError) {
      process.stderr.write(`spotinst-local: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const { logFormat, database } = options;
  // the platform's messages never show the token a user passed, nor the database password
  const hideToken = options.token === undefined ? (text: string): string => text : redactor(options.token);
  const logger: PlatformLogger = streamLogger(logFormat, undefined, (text) => withoutSecrets(hideToken(text), database));
  /** What the CLI itself says (a refusal, a start that failed, a signal): in text as it always was, on stderr; in json as the platform's log. */
  const say = (level: 'info' | 'error', message: string): void => {
    if (logFormat === 'json') logger({ time: new Date().toISOString(), level, message });
    else process.stderr.write(`spotinst-local: ${withoutSecrets(message, database)}\n`);
  };

  const refused = bindRefusal(options.host, options.token);
  if (refused) {
    say('error', refused.message);
    return 2;
  }

  const generated = options.token === undefined || options.account === undefined ? localCredentials(options.dataDir) : undefined;
  const token = options.token ?? generated?.token ?? '';
  const account = options.account ?? generated?.account ?? '';

  let platform: LocalPlatform;
  try {
    platform = await startLocalPlatform({
      port: options.port,
      host: options.host,
      dataDir: options.dataDir,
      token,
      account,
      faults: options.faults,
      idleWorkerMs: options.idleWorkerMs,
      maxWorkers: options.maxWorkers,
      maxWorkerMemoryMb: options.maxWorkerMemoryMb,
      queueTimeoutMs: options.queueTimeoutMs,
      database: options.database,
      // what the start did (an import of a 2.0.0-dev data dir) comes before the banner
      logger,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EADDRINUSE'
        ? `port ${options.port} is already in use (pick another with --port, or 0 for any free port)`
        : (error as Error).message;
    say('error', `cannot start: ${reason}`);
    return 1;
  }

  // handlers first, banner second: whoever waits for the banner may signal right away
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        say('info', `${signal} again, stopping now`);
        resolve(1);
        return;
      }
      stopping = true;
      say('info', `${signal}, finishing in-flight invocations and stopping workers…`);
      platform.close().then(
        () => resolve(0),
        (error: Error) => {
          say('error', `shutdown failed: ${error.message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

  process.stdout.write(`${banner(options, platform, { token, account, generatedToken: options.token === undefined })}\n`);
  return stopped;
}

/**
 * Where the platform listens and how to use it. A token the user passed is theirs and stays
 * unprinted; a generated one must be shown to be usable (and signs the console link in).
 */
function banner(
  options: CliOptions,
  platform: LocalPlatform,
  credentials: { token: string; account: string; generatedToken: boolean },
): string {
  const { token, account, generatedToken } = credentials;
  const database = options.database === undefined ? `SQLite, ${platform.database}` : `PostgreSQL, ${platform.database}`;
  const consoleLink = generatedToken ? `${platform.consoleUrl}#token=${token}` : platform.consoleUrl;
  const maxWorkers = options.maxWorkers ?? defaultMaxWorkers();
  const configure = `SPOTINST_API_URL=${platform.url} SPOTINST_ACCOUNT=${account} SPOTINST_TOKEN=<token>`;
  if (options.logFormat === 'json') {
    const fields: LogFields = {
      url: platform.url,
      consoleUrl: consoleLink,
      dataDir: options.dataDir,
      database,
      account,
      token: generatedToken ? token : undefined,
      faults: options.faults,
      maxWorkers,
      maxWorkerMemoryMb: options.maxWorkerMemoryMb,
      configure,
    };
    return jsonLogLine({ time: new Date().toISOString(), level: 'info', message: `spotinst-local listening on ${platform.url}`, fields });
  }
  const lines = [
    `spotinst-local listening on ${platform.url}`,
    `  console:  ${consoleLink}`,
    `  data dir: ${options.dataDir}`,
    `  database: ${database}`,
    `  account:  ${account}`,
  ];
  if (generatedToken) lines.push(`  token:    ${token}`);
  if (options.faults) lines.push(`  faults:   ${options.faults}`);
  const memoryBudget = options.maxWorkerMemoryMb === undefined ? '' : `, ${options.maxWorkerMemoryMb} MB between them`;
  lines.push(`  workers:  at most ${maxWorkers}${memoryBudget} (--max-workers, --max-worker-memory)`);
  lines.push(`Configure the plugin with: ${configure}`);
  return lines.join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    const args = process.argv;
    const database =
      args.find((_, index) => args[index - 1] === '--database') ??
      args.find((arg) => arg.startsWith('--database='))?.slice('--database='.length) ??
      process.env.SPOTINST_LOCAL_DATABASE;
    const message = withoutSecrets(error.stack ?? error.message, database || undefined);
    const json = args.some((arg, index) => arg === '--log-format=json' || (arg === 'json' && args[index - 1] === '--log-format'));
    if (json) process.stdout.write(`${jsonLogLine({ time: new Date().toISOString(), level: 'error', message })}\n`);
    else process.stderr.write(`spotinst-local: ${message}\n`);
    process.exit(1);
  },
);

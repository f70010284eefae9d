import os from 'node:os';

/**
 * What one warm worker is taken to hold when the budget is derived from the machine's
 * memory, and when a worker not yet read is counted against a memory budget. Measured at
 * rest after one call (bench/memory.js): a node worker holds about 40 MB resident, a python
 * one about 14 MB (a JVM, not measured here, takes more); 64 MB leaves room for what a function keeps.
 */
export const TYPICAL_WORKER_MB = 64;

/**
 * The share of the machine's memory warm workers get by default: the other half is for the
 * platform itself, the operating system and whatever else runs beside it (an IDE, a
 * database), and for the workers' growth past the typical size while they run.
 */
const DEFAULT_MEMORY_SHARE = 0.5;
/** Every machine runs a few workers at once; past this many, processes and pipes run short before memory does. */
const MIN_DEFAULT_WORKERS = 4;
const MAX_DEFAULT_WORKERS = 1024;

/** How long a call waits for a worker when every worker is busy and the budget is spent, before its 429. */
export const DEFAULT_QUEUE_TIMEOUT_MS = 5000;

/** The `Retry-After` of a 429 for a spent budget: workers free up as invocations end, usually within a second. */
export const BUDGET_RETRY_AFTER_S = 1;

const MIB = 1024 * 1024;

/**
 * The default `--max-workers`: half of the machine's memory divided by a typical worker's
 * footprint, between 4 and 1,024 (24 GiB: 192 workers; 8 GiB: 64; 2 GiB: 16).
 */
export function defaultMaxWorkers(totalMemoryBytes = os.totalmem()): number {
  const fitting = Math.floor((totalMemoryBytes * DEFAULT_MEMORY_SHARE) / (TYPICAL_WORKER_MB * MIB));
  return Math.min(MAX_DEFAULT_WORKERS, Math.max(MIN_DEFAULT_WORKERS, fitting));
}

/** The platform-wide budget of warm workers. */
export interface WorkerBudgetOptions {
  /** worker processes across all functions (default: defaultMaxWorkers()) */
  maxWorkers?: number;
  /** the most the workers' resident memory may add up to, in MB (default: no memory budget) */
  maxWorkerMemoryMb?: number;
  /** how long a call waits for a worker when the budget is spent, before it gets 429 (default 5000) */
  queueTimeoutMs?: number;
}

/** Throws a RangeError naming the option, the value and what it takes, when a budget option is not usable. */
export function checkWorkerBudget(options: WorkerBudgetOptions): void {
  const { maxWorkers, maxWorkerMemoryMb, queueTimeoutMs } = options;
  if (maxWorkers !== undefined && !(Number.isInteger(maxWorkers) && maxWorkers >= 1)) {
    throw new RangeError(`maxWorkers must be a whole number of at least 1, not ${maxWorkers}`);
  }
  if (maxWorkerMemoryMb !== undefined && !(Number.isFinite(maxWorkerMemoryMb) && maxWorkerMemoryMb > 0)) {
    throw new RangeError(`maxWorkerMemoryMb must be a number of MB above 0, not ${maxWorkerMemoryMb}`);
  }
  if (queueTimeoutMs !== undefined && !(Number.isFinite(queueTimeoutMs) && queueTimeoutMs >= 0)) {
    throw new RangeError(`queueTimeoutMs must be a number of milliseconds (0 or more), not ${queueTimeoutMs}`);
  }
}

/**
 * A memory size as `--max-worker-memory` takes it, in MB: `512`, `512MB`, `512M`, `1.5GB`,
 * `2G` (binary units: 1 GB = 1,024 MB). Undefined when the text is not one.
 */
export function parseMemorySize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(mb|m|gb|g)?\s*$/i.exec(text);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const megabytes = (match[2] ?? 'mb').toLowerCase().startsWith('g') ? amount * 1024 : amount;
  return megabytes > 0 ? Math.round(megabytes) : undefined;
}

/** What the workers hold now, for `LocalPlatform.workers()`. */
export interface WorkerUsage {
  /** worker slots taken (each runner holds at most one process) */
  workers: number;
  /** of them, running or about to run an invocation */
  busy: number;
  /** calls waiting for a worker */
  queued: number;
  /** the workers' resident memory at their last readings, MB (those not read yet count 0) */
  residentMb: number;
  maxWorkers: number;
  maxWorkerMemoryMb?: number;
  /** workers a debugger is attached to (`serverless dev --inspect`): never stopped for being idle */
  debugged: number;
}

/**
 * A call that waited its `queueTimeoutMs` for a worker while every worker was busy and the
 * budget was spent: the HTTP trigger answers it 429 with `Retry-After`.
 */
export class WorkerBudgetExhaustedError extends Error {
  readonly retryAfterS = BUDGET_RETRY_AFTER_S;

  constructor(usage: WorkerUsage, queueTimeoutMs: number) {
    const memory =
      usage.maxWorkerMemoryMb === undefined
        ? ''
        : `, holding ${Math.round(usage.residentMb)} MB of the ${usage.maxWorkerMemoryMb} MB allowed (--max-worker-memory)`;
    super(
      `spotinst-local is at its worker budget: all ${usage.workers} warm workers are busy (--max-workers ${usage.maxWorkers})${memory}, ` +
        `and none became free within ${queueTimeoutMs} ms (--queue-timeout-ms). Retry later, or start spotinst-local with a ` +
        `larger --max-workers${usage.maxWorkerMemoryMb === undefined ? '' : ' or --max-worker-memory'} (options maxWorkers, ` +
        'maxWorkerMemoryMb and queueTimeoutMs of startLocalPlatform).',
    );
    this.name = 'WorkerBudgetExhaustedError';
  }
}

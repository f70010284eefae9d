import { parseExpression } from 'cron-parser';
import { checkCronExpression } from '../../spec/cron';
import { parseBody, type FunctionEvent } from '../../spec/contract';
import { ApiFailure, notFound } from '../envelope';
import type { RecordedRequest } from '../exchange';
import type { Invocation } from '../invocation/invoker';
import type { ConsoleWorker } from '../console/api-types';
import type { WorkerProcessInfo } from '../invocation/worker-pools';
import type { Alias, Application, CronJob, Pattern, StoredEnvironment, StoredFunction } from '../records';
import type { InvocationLogStore, InvocationRecord, InvocationSummary, PlatformStore } from '../store';
import { existing } from './lookups';

/** How far back the console's charts look, and the width of one bar. */
export const SERIES_WINDOW_MS = 60 * 60 * 1000;
export const SERIES_BUCKET_MS = 60 * 1000;
/** Next runs shown per cron job. */
const NEXT_RUNS = 3;

/** Runs a function (the invoker). */
export interface ConsoleInvoker {
  invoke(fn: StoredFunction, event: FunctionEvent): Promise<Invocation>;
}

export interface ConsoleServiceDeps {
  store: PlatformStore;
  logs: InvocationLogStore;
  invoker: ConsoleInvoker;
}

/** An environment as the console shows it, with what is deployed in it. */
export interface EnvironmentContents {
  environment: StoredEnvironment;
  functions: StoredFunction[];
  patterns: Pattern[];
  aliases: Alias[];
  jobs: CronJob[];
}

export interface ApplicationContents {
  application: Application;
  environments: EnvironmentContents[];
}

/** The next occurrences of a cron expression (UTC, as the scheduler fires it), or why there are none. */
export function nextRuns(expression: string, from: number, count = NEXT_RUNS): { runs: number[]; problem?: string } {
  const checked = checkCronExpression(expression);
  if (!checked.ok) return { runs: [], problem: `the expression ${checked.reason.problem}` };
  const schedule = parseExpression(checked.expression, { utc: true, currentDate: new Date(from) });
  const runs: number[] = [];
  while (runs.length < count && schedule.hasNext()) runs.push(schedule.next().getTime());
  return { runs };
}

/** The value at the nearest rank: p50 of [1, 2, 3, 4] is 2. `sorted` ascending, not empty. */
function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)];
}

/** One minute of a function's invocations: how many, how many failed, p50 and p95 of their durations (ms). */
export interface BucketFigures {
  start: number;
  count: number;
  errors: number;
  p50?: number;
  p95?: number;
}

/**
 * What the web console reads beyond the management API: everything deployed in one tree,
 * a function's recent invocations with their requests and responses, its latency and errors
 * per minute, and invoking or replaying it.
 */
export class ConsoleService {
  constructor(private readonly deps: ConsoleServiceDeps) {}

  async overview(): Promise<ApplicationContents[]> {
    const { store } = this.deps;
    const [applications, environments, patterns, aliases, jobs] = await Promise.all([
      store.applications(),
      store.environments(),
      store.patterns(),
      store.aliases(),
      store.jobs(),
    ]);
    const functions = new Map(await Promise.all(environments.map(async (env) => [env.id, await store.functions(env.id)] as const)));
    const contents = (environment: StoredEnvironment): EnvironmentContents => ({
      environment,
      functions: functions.get(environment.id) ?? [],
      patterns: patterns.filter((pattern) => pattern.environmentId === environment.id),
      aliases: aliases.filter((alias) => alias.environmentId === environment.id),
      jobs: jobs.filter((job) => job.environmentId === environment.id),
    });
    return applications.map((application) => ({
      application,
      environments: environments.filter((env) => env.applicationId === application.id).map(contents),
    }));
  }

  async function(functionId: string): Promise<StoredFunction> {
    return existing(await this.deps.store.function(functionId), 'function', functionId);
  }

  /** The newest invocations of a function, newest first. */
  async invocations(functionId: string, limit: number): Promise<InvocationSummary[]> {
    await this.function(functionId);
    return this.deps.logs.recent(functionId, limit);
  }

  async invocation(functionId: string, invocationId: string): Promise<InvocationRecord> {
    await this.function(functionId);
    const record = await this.deps.logs.invocation(functionId, invocationId);
    if (!record) throw notFound('invocation', `${invocationId} of function ${functionId}`);
    return record;
  }

  /** The last hour of a function's invocations, per minute: how many, how many failed, p50 and p95 of their durations. */
  async series(functionId: string, now = Date.now()): Promise<{ from: number; to: number; buckets: BucketFigures[] }> {
    await this.function(functionId);
    const to = Math.ceil(now / SERIES_BUCKET_MS) * SERIES_BUCKET_MS;
    const from = to - SERIES_WINDOW_MS;
    const summaries = await this.deps.logs.summaries(functionId, from, to - 1);
    const buckets: Array<{ start: number; durations: number[]; count: number; errors: number }> = [];
    for (let start = from; start < to; start += SERIES_BUCKET_MS) buckets.push({ start, durations: [], count: 0, errors: 0 });
    for (const summary of summaries) {
      const bucket = buckets[Math.floor((summary.startedAt - from) / SERIES_BUCKET_MS)];
      if (!bucket) continue;
      bucket.count += 1;
      if (summary.status === 'error' || summary.status === 'timeout') bucket.errors += 1;
      if (summary.durationMs !== undefined) bucket.durations.push(summary.durationMs);
    }
    return {
      from,
      to,
      buckets: buckets.map(({ start, durations, count, errors }) => {
        const sorted = durations.sort((a, b) => a - b);
        return sorted.length === 0
          ? { start, count, errors }
          : { start, count, errors, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };
      }),
    };
  }

  /** Runs the function with this event, as a request to its URL would. */
  async invoke(functionId: string, event: FunctionEvent): Promise<Invocation> {
    return this.deps.invoker.invoke(await this.function(functionId), event);
  }

  /** Runs the function again with the request a past invocation was given. */
  async replay(functionId: string, invocationId: string): Promise<Invocation> {
    const { request } = await this.invocation(functionId, invocationId);
    if (!request) {
      throw new ApiFailure(
        409,
        'NOT_REPLAYABLE',
        `invocation ${invocationId} was logged without its request (before spotinst-local kept them)`,
      );
    }
    if (request.truncated) {
      throw new ApiFailure(
        409,
        'NOT_REPLAYABLE',
        `invocation ${invocationId} cannot be replayed: its request body (${request.bodyBytes} bytes) was kept only in part ` +
          `(${Buffer.byteLength(request.body)} bytes); invoke the function with the whole body instead`,
      );
    }
    return this.invoke(functionId, eventOf(request));
  }

  /** The workers with the names of the functions they run. */
  async describeWorkers(processes: WorkerProcessInfo[]): Promise<ConsoleWorker[]> {
    const names = new Map<string, string | undefined>();
    for (const { functionId } of processes) {
      if (!names.has(functionId)) names.set(functionId, (await this.deps.store.function(functionId))?.name);
    }
    return processes.map((worker) => {
      const functionName = names.get(worker.functionId);
      return functionName === undefined ? worker : { ...worker, functionName };
    });
  }
}

/** The event a recorded request stands for (its body parsed again, as the trigger parsed it). */
export function eventOf(request: RecordedRequest): FunctionEvent {
  return {
    method: request.method,
    path: request.path,
    query: { ...request.query },
    headers: { ...request.headers },
    body: parseBody(request.body),
  };
}

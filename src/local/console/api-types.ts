/**
 * The console's API under `/__local/api/` as the page sees it: the shapes of its replies
 * (each in the management API's envelope, as `items`) and of its requests. The page and the
 * routes both import these, so the two cannot drift apart. Types only: the page's bundle
 * takes nothing else from the server side.
 */
import type { ActiveVersion, FunctionLimits, CorsConfig, PatternMethod } from '../../spec/wire';
import type { RecordedRequest, RecordedResponse } from '../exchange';
import type { InvocationRecord, InvocationSummary } from '../records';
import type { WorkerUsage } from '../invocation/worker-budget';
import type { WorkerProcessInfo } from '../invocation/worker-pools';
import type { LocalStats } from '../stats';

export type { RecordedRequest, RecordedResponse, InvocationRecord, InvocationSummary, WorkerUsage, LocalStats };

/** `GET /__local/api/session` (the token alone): whom the token speaks for. */
export interface ConsoleSession {
  account: string;
  version: string;
}

export interface OverviewVersion {
  version: number;
  handler: string;
  sha256: string;
  size: number;
  createdAt: string;
}

/** An endpoint pattern of the function, with the URL it answers on through each alias of its environment. */
export interface OverviewEndpoint {
  id: string;
  method: PatternMethod;
  pattern: string;
  urls: string[];
}

export interface OverviewJob {
  id: string;
  cronExpression: string;
  isEnabled: boolean;
  /** the next occurrences (epoch ms, UTC schedule), none when disabled */
  nextRuns: number[];
  /** why no next run can be computed (an expression the scheduler does not run) */
  problem?: string;
}

export interface OverviewFunction {
  id: string;
  name: string;
  environmentId: string;
  runtime: string;
  access: string;
  limits: FunctionLimits;
  environmentVariableNames: string[];
  cors?: CorsConfig;
  activeVersions: ActiveVersion[];
  latestVersion: number;
  versions: OverviewVersion[];
  url: string;
  endpoints: OverviewEndpoint[];
  jobs: OverviewJob[];
  updatedAt: string;
}

export interface OverviewAlias {
  id: string;
  host: string;
  /** where it answers on this platform without DNS: `/alias/<host>` */
  url: string;
}

export interface OverviewEnvironment {
  id: string;
  name: string;
  url: string;
  aliases: OverviewAlias[];
  functions: OverviewFunction[];
}

/** `GET /__local/api/overview`: everything deployed, application → environment → function. */
export interface OverviewApplication {
  id: string;
  name: string;
  description?: string;
  environments: OverviewEnvironment[];
}

/** One minute of a function's invocations (`GET /__local/api/functions/{id}/series`). */
export interface SeriesBucket {
  /** epoch ms of the minute's start */
  start: number;
  count: number;
  /** invocations that failed or timed out */
  errors: number;
  /** milliseconds; absent when the minute had no invocation with a duration */
  p50?: number;
  p95?: number;
}

export interface FunctionSeries {
  functionId: string;
  from: number;
  to: number;
  bucketMs: number;
  buckets: SeriesBucket[];
}

/** `POST /__local/api/functions/{id}/invoke`: the request the function gets (its event). */
export interface ConsoleInvokeRequest {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** the body as text; JSON text arrives in the event parsed, as through a function URL */
  body?: string;
}

/** What an invoke or a replay ran: the new invocation and the reply it made. */
export interface ConsoleInvokeResult {
  functionId: string;
  invocationId: string;
  version: number;
  status: 'success' | 'error' | 'timeout';
  durationMs: number;
  coldStart: boolean;
  response: RecordedResponse;
}

export interface ConsoleWorker extends WorkerProcessInfo {
  /** absent when the function is gone */
  functionName?: string;
}

/** `GET /__local/api/platform`. */
export interface ConsolePlatform {
  version: string;
  startedAt: string;
  database: string;
  stats: LocalStats;
  workers: WorkerUsage;
  processes: ConsoleWorker[];
  /** the `--faults` in force, as given; absent when none */
  faults?: string;
  /** whether `/__local/metrics` needs the token */
  metricsNeedToken: boolean;
}

/** An event of `GET /__local/api/functions/{id}/tail` (Server-Sent Events, `event: invocation`). */
export interface TailEvent {
  functionId: string;
  invocation: InvocationSummary;
}

/**
 * `GET /__local/metrics`: the platform in Prometheus' text format (SPEC §7.1, names fixed).
 *
 * Each platform counts in a registry of its own, so two platforms in one process (tests, a
 * library user) never add to each other's counters; the process's own metrics (CPU, memory,
 * event loop, GC) are the same for every platform of the process, so they live in one
 * registry per process, started on the first scrape (a platform nobody scrapes pays nothing).
 *
 * `function` is the function's name (what a dashboard shows); its id is `function_id`, since
 * names repeat across environments. Counters are never reset, not even by `/__local/reset`:
 * Prometheus expects them to only grow while the process lives.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { InvocationNotice } from './invocation/invoker';

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Seconds: from a warm hello (a few ms) to the longest timeout a function may have (900 s). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

let processRegistry: Registry | undefined;

function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** What the workers gauge counts: one entry per warm worker process. */
export type WorkerList = () => ReadonlyArray<{ functionId: string }>;

export class PlatformMetrics {
  private readonly registry = new Registry();
  /** function id → the name it was last invoked under: labels of the workers gauge */
  private readonly names = new Map<string, string>();
  private readonly invocations: Counter<'function' | 'function_id' | 'environment' | 'status'>;
  private readonly durations: Histogram<'function' | 'function_id'>;
  private readonly coldStarts: Counter<'function' | 'function_id'>;
  private readonly httpRequests: Counter<'route' | 'status'>;

  constructor(workers: WorkerList) {
    const registers = [this.registry];
    this.invocations = new Counter({
      name: 'spotinst_local_invocations_total',
      help: 'Function invocations, by function, environment (id) and outcome (success, error, timeout).',
      labelNames: ['function', 'function_id', 'environment', 'status'],
      registers,
    });
    this.durations = new Histogram({
      name: 'spotinst_local_invocation_duration_seconds',
      help: 'How long invocations ran, in seconds, by function.',
      labelNames: ['function', 'function_id'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.coldStarts = new Counter({
      name: 'spotinst_local_cold_starts_total',
      help: 'Invocations that started a new worker process, by function.',
      labelNames: ['function', 'function_id'],
      registers,
    });
    this.httpRequests = new Counter({
      name: 'spotinst_local_http_requests_total',
      help: 'HTTP requests served, by route (METHOD and path template, ids as {id}) and status code.',
      labelNames: ['route', 'status'],
      registers,
    });
    const names = this.names;
    new Gauge({
      name: 'spotinst_local_workers',
      help: 'Warm worker processes, by function.',
      labelNames: ['function', 'function_id'],
      registers,
      collect() {
        this.reset();
        const counts = new Map<string, number>();
        for (const worker of workers()) counts.set(worker.functionId, (counts.get(worker.functionId) ?? 0) + 1);
        for (const [functionId, count] of counts)
          this.set({ function: names.get(functionId) ?? functionId, function_id: functionId }, count);
      },
    });
  }

  /** Counts an invocation once it is logged (the invoker's onInvocation). */
  observeInvocation(notice: InvocationNotice): void {
    const fn = { function: notice.functionName, function_id: notice.functionId };
    this.names.set(notice.functionId, notice.functionName);
    const { status = 'success', durationMs, coldStart } = notice.entry;
    this.invocations.inc({ ...fn, environment: notice.environmentId, status });
    if (durationMs !== undefined) this.durations.observe(fn, durationMs / 1000);
    if (coldStart === true) this.coldStarts.inc(fn);
  }

  /** Counts a request once its reply is sent; `status` is the HTTP code, or `none` when the connection closed without one. */
  countHttpRequest(route: string, status: string): void {
    this.httpRequests.inc({ route, status });
  }

  /** The text Prometheus scrapes: this platform's metrics, then the process's. */
  async scrape(): Promise<string> {
    const own = await this.registry.metrics();
    return `${own}\n${await processMetrics().metrics()}`;
  }
}

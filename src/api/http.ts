import http from 'node:http';
import https from 'node:https';
import axios, { AxiosInstance, AxiosResponse, isAxiosError } from 'axios';
import { SpotinstApiError, CallDescription } from './errors';
import type { ApiErrorItem, Envelope } from '../spec/wire';
import { USER_AGENT } from '../util/version';
import { redactor } from '../util/redact';

export { DEFAULT_API_URL } from '../spec/defaults';

export interface RetryPolicy {
  /** retries after the first attempt */
  retries: number;
  /** first backoff step; doubles each retry, with full jitter */
  baseDelayMs: number;
  maxDelayMs: number;
  /** an absurd Retry-After is capped to this */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  baseDelayMs: 250,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60000,
};

export interface RetryEvent {
  call: CallDescription;
  attempt: number;
  delayMs: number;
  reason: string;
  /** HTTP status of the failed attempt; undefined when no reply arrived */
  status?: number;
}

export interface TransportOptions {
  apiUrl: string;
  token: string;
  account: string;
  /** per-request timeout */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** described in error messages, e.g. `profile "default" in ~/.spotinst/credentials` */
  credentialsSource?: string;
  /** injected by tests so backoff does not cost wall time */
  sleep?: (ms: number) => Promise<void>;
  /** random in [0, 1); injected by tests for deterministic jitter */
  random?: () => number;
  onRetry?: (event: RetryEvent) => void;
  /** one line per call, for `--debug`; never receives the token */
  debug?: (line: string) => void;
}

export type QueryValue = string | number | boolean | undefined;

export interface CallOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** names the resource in a 404 message */
  resource?: string;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'PUT', 'DELETE', 'HEAD', 'OPTIONS']);

/** Network failures where the request certainly never reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Network failures that are worth another try (for idempotent calls, or when not sent). */
const TRANSIENT_CODES = new Set([...NOT_SENT_CODES, 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds or an HTTP date, as RFC 9110 allows. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

type Outcome<T> =
  { kind: 'ok'; items: T[] } | { kind: 'retry'; error: SpotinstApiError; delayMs?: number } | { kind: 'fail'; error: SpotinstApiError };

/**
 * The HTTP layer under every resource module: authentication, the `accountId` query, the
 * envelope, retries with backoff, and errors that say what to do.
 */
export class HttpTransport {
  readonly apiUrl: string;
  private readonly axios: AxiosInstance;
  private readonly account: string;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly options: TransportOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.account = options.account;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.httpAgent = new http.Agent({ keepAlive: true, scheduling: 'lifo' });
    this.httpsAgent = new https.Agent({ keepAlive: true, scheduling: 'lifo' });
    this.axios = axios.create({
      baseURL: this.apiUrl,
      timeout: options.timeoutMs ?? 30000,
      headers: {
        Authorization: `Bearer ${options.token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'User-Agent': USER_AGENT,
      },
      // Statuses are interpreted here, not thrown by axios: its errors carry the headers.
      validateStatus: () => true,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
      transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: true },
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
    });
  }

  /** Closes the kept-alive connections, so that the process can exit. The transport stays usable. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** Calls the API and returns the envelope's items. */
  async request<T>(method: string, path: string, options: CallOptions = {}): Promise<T[]> {
    const call: CallDescription = { method, path, resource: options.resource };
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.attempt<T>(call, options, attempt);
      if (outcome.kind === 'ok') return outcome.items;
      if (outcome.kind === 'fail' || attempt > this.policy.retries) throw outcome.error;
      const delayMs = outcome.delayMs ?? this.backoff(attempt);
      this.options.onRetry?.({ call, attempt, delayMs, reason: outcome.error.message, status: outcome.error.status });
      await this.sleep(delayMs);
    }
  }

  /** Full jitter: a uniformly random delay up to the exponential step. */
  private backoff(attempt: number): number {
    const step = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(this.random() * step);
  }

  private async attempt<T>(call: CallDescription, options: CallOptions, attempt: number): Promise<Outcome<T>> {
    const started = Date.now();
    const idempotent = IDEMPOTENT_METHODS.has(call.method);
    const base = {
      call,
      attempts: attempt,
      apiUrl: this.apiUrl,
      credentialsSource: this.options.credentialsSource,
    };
    let response: AxiosResponse<unknown>;
    try {
      response = await this.axios.request({
        method: call.method,
        url: call.path,
        params: { ...options.query, accountId: this.account },
        data: options.body,
      });
    } catch (caught) {
      const networkCode = (isAxiosError(caught) && caught.code) || (caught as NodeJS.ErrnoException).code || 'ERROR';
      this.trace(call, `failed: ${networkCode}`, started);
      const sent = !NOT_SENT_CODES.has(networkCode);
      const uncertain = sent && !idempotent;
      const error = new SpotinstApiError({ ...base, networkCode, uncertain });
      const retryable = TRANSIENT_CODES.has(networkCode) && !uncertain;
      return retryable ? { kind: 'retry', error } : { kind: 'fail', error };
    }

    this.trace(call, String(response.status), started);
    const envelope = asEnvelope<T>(response.data);
    if (response.status < 400) {
      // 204 No Content has no body to wrap in an envelope, and nothing to return.
      if (response.status === 204) return { kind: 'ok', items: [] };
      if (!envelope) {
        // SpotinstApiError explains a reply below 400 as "not the Spotinst API".
        return {
          kind: 'fail',
          error: new SpotinstApiError({ ...base, status: response.status, uncertain: !idempotent }),
        };
      }
      return { kind: 'ok', items: envelope.response.items ?? [] };
    }

    const status = response.status;
    // A 429 means the server refused to start the work, so even a POST may be repeated.
    const uncertain = status >= 500 && !idempotent;
    const error = new SpotinstApiError({
      ...base,
      status,
      errors: this.redactErrors(envelope?.response.errors),
      requestId: envelope?.request?.id,
      uncertain,
    });
    if (status === 429) {
      const retryAfter = parseRetryAfter(response.headers['retry-after']);
      const delayMs = retryAfter === undefined ? undefined : Math.min(retryAfter, this.policy.maxRetryAfterMs);
      return { kind: 'retry', error, delayMs };
    }
    if (status >= 500 && !uncertain) return { kind: 'retry', error };
    return { kind: 'fail', error };
  }

  /** A server that echoes the token back ("token tok-… is invalid") must not put it in our messages. */
  private redactErrors(errors: ApiErrorItem[] | undefined): ApiErrorItem[] | undefined {
    if (!Array.isArray(errors)) return undefined;
    const hide = redactor(this.options.token);
    const redact = (text: unknown): string =>
      hide(typeof text === 'string' ? text : text === undefined || text === null ? '' : JSON.stringify(text));
    return errors.map((item) => ({
      code: redact(item?.code),
      message: redact(item?.message),
      ...(item?.field === undefined || item?.field === null ? {} : { field: redact(item.field) }),
    }));
  }

  private trace(call: CallDescription, result: string, started: number): void {
    this.options.debug?.(`${call.method} ${call.path} → ${result} (${Date.now() - started} ms)`);
  }
}

function asEnvelope<T>(data: unknown): Envelope<T> | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const candidate = data as Partial<Envelope<T>>;
  if (typeof candidate.response !== 'object' || candidate.response === null) return undefined;
  return candidate as Envelope<T>;
}

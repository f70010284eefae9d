import { readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { SpotinstClient, SpotinstApiError } from '../../../src/api';
import type { ApiErrorItem, Envelope, TransportOptions } from '../../../src/api';

export const BASE = 'http://127.0.0.1:7711';
/** Distinctive, so that its absence from every message can be asserted. */
export const TOKEN = 'tok-SECRET-123';
export const ACCOUNT = 'act-12345678';

export const PACKAGE_VERSION = (
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

export interface Harness {
  client: SpotinstClient;
  /** delays the transport slept for, in order */
  sleeps: number[];
  /** `--debug` lines the transport printed */
  debugLines: string[];
  retries: Array<{ attempt: number; delayMs: number; reason: string; method: string; path: string }>;
}

/** Every client makeClient made; setUpNock closes them after each test. */
const openClients: SpotinstClient[] = [];

/**
 * A client against the nock base whose sleeps are recorded instead of waited for. A file that
 * calls setUpNock() need not close it: that is done after each test.
 */
export function makeClient(options: Partial<TransportOptions> = {}): Harness {
  const sleeps: number[] = [];
  const debugLines: string[] = [];
  const retries: Harness['retries'] = [];
  const client = new SpotinstClient({
    apiUrl: BASE,
    token: TOKEN,
    account: ACCOUNT,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onRetry: (event) =>
      retries.push({
        attempt: event.attempt,
        delayMs: event.delayMs,
        reason: event.reason,
        method: event.call.method,
        path: event.call.path,
      }),
    debug: (line) => debugLines.push(line),
    ...options,
  });
  openClients.push(client);
  return { client, sleeps, debugLines, retries };
}

let requestCounter = 0;

export function envelope<T>(items: T[], kind = 'spotinst:functions:test', method = 'GET'): Envelope<T> {
  requestCounter += 1;
  return {
    request: {
      id: `req-${requestCounter}`,
      url: '/test',
      method,
      timestamp: '2024-01-01T00:00:00.000Z',
    },
    response: { status: { code: 200, message: 'OK' }, kind, items, count: items.length },
  };
}

export function errorEnvelope(
  status: number,
  errors: ApiErrorItem[] = [],
  requestId = 'req-err-1',
  statusMessage = 'Error',
): Envelope<never> {
  return {
    request: { id: requestId, url: '/test', method: 'GET', timestamp: '2024-01-01T00:00:00.000Z' },
    response: { status: { code: status, message: statusMessage }, errors },
  };
}

export interface Captured {
  method: string;
  /** path with query string, as the server saw it */
  uri: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * Mocks exactly one request: `method` on `pathname` with exactly `query` (accountId is added
 * here, so every mock also proves the client sent it) and, when given, exactly `body`.
 * Returns the list the request is recorded into.
 */
export function expectCall(
  method: string,
  pathname: string,
  options: { query?: Record<string, string>; body?: unknown; status?: number; reply?: unknown } = {},
): Captured[] {
  const captured: Captured[] = [];
  const query = { ...options.query, accountId: ACCOUNT };
  const bodyMatcher = options.body === undefined ? undefined : (body: unknown): boolean => isDeepStrictEqual(body, options.body);
  nock(BASE)
    .intercept(pathname, method, bodyMatcher)
    .query(query)
    .reply(function (uri, body) {
      captured.push({ method, uri, headers: { ...this.req.headers }, body: parseBody(body) });
      return [options.status ?? 200, (options.reply ?? envelope([])) as nock.Body];
    });
  return captured;
}

function parseBody(body: nock.Body): unknown {
  if (typeof body !== 'string') return body;
  if (body === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, item]) => [key, sortKeys(item)]),
    );
  }
  return value;
}

/** Headers a request may carry besides the four the client sets itself. */
const TRANSPORT_HEADERS = new Set(['accept-encoding', 'host', 'content-length', 'connection']);

export function expectClientHeaders(headers: Record<string, string>): void {
  expect(headers.authorization).toBe(`Bearer ${TOKEN}`);
  expect(headers['content-type']).toBe('application/json');
  expect(headers.accept).toBe('application/json');
  expect(headers['user-agent']).toBe(`serverless-spotinst-functions/${PACKAGE_VERSION}`);
  const others = Object.keys(headers).filter(
    (name) => !['authorization', 'content-type', 'accept', 'user-agent'].includes(name) && !TRANSPORT_HEADERS.has(name),
  );
  expect(others).toEqual([]);
}

/** Awaits a promise that must reject with a SpotinstApiError, and returns it. */
export async function apiError(promise: Promise<unknown>): Promise<SpotinstApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SpotinstApiError);
    return error as SpotinstApiError;
  }
  throw new Error('expected the call to fail with a SpotinstApiError, but it succeeded');
}

/** The token must not be anywhere a user or a log could see it. */
export function expectNoToken(error: unknown, debugLines: string[] = []): void {
  const places: string[] = [String(error), JSON.stringify(error), ...debugLines];
  if (error instanceof Error) {
    places.push(error.message, error.stack ?? '');
  }
  for (const place of places) {
    expect(place).not.toContain(TOKEN);
    expect(place).not.toContain('SECRET');
  }
}

/**
 * nock for a test file: no real connections, no mock carried from one test to the next, every
 * mock used by the end of its test, and every makeClient client closed after each test.
 */
export function setUpNock(): void {
  beforeAll(() => {
    nock.disableNetConnect();
  });
  beforeEach(() => {
    nock.cleanAll();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    for (const client of openClients.splice(0)) client.close();
    // A mock left over means the client made fewer calls than the test expected.
    expect(pending).toEqual([]);
  });
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}

/**
 * The console's calls: the management API and `/__local/api/`, with the management API's
 * auth. The token travels only in the Authorization header, never in a URL (URLs end up in
 * logs, history and Referer headers); the account is not a secret and goes in the query.
 */
import type { ConsoleSession, TailEvent } from '../api-types';

/** A refusal of the API, with its status and the message of its first error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface Envelope<T> {
  response?: {
    items?: T[];
    errors?: Array<{ code: string; message: string; field?: string }>;
  };
}

/** Waits before reconnecting a tail that dropped: short at first, then up to 10 s. */
const TAIL_RETRY_MS = [500, 1000, 2000, 5000, 10000];

export class ConsoleApi {
  private constructor(
    private readonly token: string,
    readonly account: string,
    readonly version: string,
  ) {}

  /** Checks the token (a 401 rejects with ApiError) and learns the account it speaks for. */
  static async signIn(token: string): Promise<ConsoleApi> {
    const [session] = await request<ConsoleSession>(token, 'GET', '/__local/api/session');
    if (!session) throw new ApiError(500, 'the platform did not say which account the token is for');
    return new ConsoleApi(token, session.account, session.version);
  }

  get<T>(path: string, query: Record<string, string> = {}): Promise<T[]> {
    return request<T>(this.token, 'GET', this.withAccount(path, query));
  }

  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T[]> {
    return request<T>(this.token, method, this.withAccount(path, {}), body);
  }

  /**
   * Follows a function's invocations as they are logged, until `signal` aborts; reconnects
   * after a drop. EventSource cannot send the Authorization header, so this reads the
   * Server-Sent Events stream with fetch().
   */
  async tail(
    functionId: string,
    onEvent: (event: TailEvent) => void,
    onState: (live: boolean) => void,
    signal: AbortSignal,
  ): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      try {
        const reply = await fetch(this.withAccount(`/__local/api/functions/${encodeURIComponent(functionId)}/tail`, {}), {
          headers: { Authorization: `Bearer ${this.token}`, Accept: 'text/event-stream' },
          signal,
          cache: 'no-store',
        });
        if (!reply.ok || !reply.body) throw new ApiError(reply.status, `the tail was refused (${reply.status})`);
        onState(true);
        attempt = 0;
        await readEvents(reply.body, (type, data) => {
          if (type === 'invocation') onEvent(JSON.parse(data) as TailEvent);
        });
      } catch (error) {
        if (signal.aborted) return;
        // a function that is gone, or a token no longer accepted, will not come back by retrying
        if (error instanceof ApiError && (error.status === 401 || error.status === 404)) {
          onState(false);
          return;
        }
      }
      onState(false);
      const wait = TAIL_RETRY_MS[Math.min(attempt, TAIL_RETRY_MS.length - 1)];
      attempt += 1;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private withAccount(path: string, query: Record<string, string>): string {
    const params = new URLSearchParams({ ...query, accountId: this.account });
    return `${path}?${params.toString()}`;
  }
}

async function request<T>(token: string, method: string, url: string, body?: unknown): Promise<T[]> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const reply = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  let envelope: Envelope<T> | undefined;
  try {
    envelope = (await reply.json()) as Envelope<T>;
  } catch {
    envelope = undefined;
  }
  if (!reply.ok) {
    const first = envelope?.response?.errors?.[0];
    throw new ApiError(reply.status, first?.message ?? `${method} ${url.split('?')[0]} failed with ${reply.status}`, first?.code);
  }
  return envelope?.response?.items ?? [];
}

/** Reads a Server-Sent Events stream, calling `onEvent` with each event's type and data, until the stream ends. */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (type: string, data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) onEvent(type, data.join('\n'));
    }
  }
}

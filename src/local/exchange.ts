/**
 * What an invocation was asked and what it answered, as the platform keeps them beside its
 * log for the console (a request to look at and replay, the reply the caller got). Bodies
 * are kept up to MAX_RECORDED_BODY_BYTES each: a record is for reading, not an archive of
 * payloads (which may be up to 6 MB), and it counts against the function's log retention.
 */
import type { FunctionEvent } from '../spec/contract';

/** The most of a request or response body kept with an invocation, in bytes of UTF-8. */
export const MAX_RECORDED_BODY_BYTES = 64 * 1024;

/** Headers a recorded request never keeps: the credentials of whoever called. */
const UNRECORDED_HEADERS = new Set(['authorization', 'proxy-authorization']);

/** A body as kept: its text (cut at MAX_RECORDED_BODY_BYTES), its size, and whether it was cut. */
export interface RecordedBody {
  body: string;
  /** the whole body's size in bytes */
  bodyBytes: number;
  /** true when `body` is only its first MAX_RECORDED_BODY_BYTES */
  truncated: boolean;
}

export interface RecordedRequest extends RecordedBody {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

export interface RecordedResponse extends RecordedBody {
  status: number;
  headers: Record<string, string>;
}

export interface InvocationExchange {
  request: RecordedRequest;
  response: RecordedResponse;
}

/** The text, cut to at most `maxBytes` of UTF-8 without splitting a character. */
export function recordedBody(text: string, maxBytes = MAX_RECORDED_BODY_BYTES): RecordedBody {
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return { body: text, bodyBytes: bytes, truncated: false };
  // a character cut in two decodes as U+FFFD at the end: drop it
  const cut = Buffer.from(text)
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
  return { body: cut, bodyBytes: bytes, truncated: true };
}

/**
 * The event's body as text: a string as it came, anything else (a body the platform
 * JSON-parsed) as JSON. Parsing it again (spec/contract's parseBody) gives the same event body.
 */
export function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body === undefined) return '';
  return JSON.stringify(body) ?? '';
}

export function recordRequest(event: FunctionEvent): RecordedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers)) {
    if (!UNRECORDED_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  return { method: event.method, path: event.path, query: { ...event.query }, headers, ...recordedBody(bodyText(event.body)) };
}

export function recordResponse(reply: { status: number; headers: Record<string, string>; body: string }): RecordedResponse {
  return { status: reply.status, headers: { ...reply.headers }, ...recordedBody(reply.body) };
}

import http from 'node:http';
import { isShapedResult, resultStatus } from '../../spec/contract';
import type { InvocationOutcome } from '../../runtimes';

/** The HTTP reply an invocation makes: what a trigger sends and what the invocation's record keeps. */
export interface InvocationReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Headers a function may not set: the platform frames the reply itself. */
const RESERVED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade']);
const JSON_TYPE = 'application/json; charset=utf-8';

/** A header value a function returned, as text: a list is joined as HTTP joins repeated headers. */
function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return value.map(headerText).join(', ');
  return JSON.stringify(value) ?? '';
}

/** The function's reply headers that can be sent as they are. */
function replyHeaders(raw: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (typeof raw !== 'object' || raw === null) return headers;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === undefined || value === null || RESERVED_HEADERS.has(name.toLowerCase())) continue;
    const text = headerText(value);
    try {
      http.validateHeaderName(name);
      http.validateHeaderValue(name, text);
      headers[name] = text;
    } catch {
      // a header Node cannot send is left out rather than failing the reply
    }
  }
  return headers;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function failure(status: number, type: string, message: string, headers: Record<string, string>): InvocationReply {
  return { status, headers: { ...headers, 'Content-Type': JSON_TYPE }, body: JSON.stringify({ errorMessage: message, errorType: type }) };
}

/**
 * What an invocation answers: the handler's `{statusCode, body, headers}`; a string body as
 * is, anything else as JSON. A failed invocation is 500 and a timed out one 504, with the
 * message (the details are in the logs); a result with an invalid statusCode is 502.
 */
export function invocationReply(invocationId: string, version: number, outcome: InvocationOutcome): InvocationReply {
  // a function cannot replace the platform's own headers
  const own: Record<string, string> = {
    'X-Spotinst-Invocation-Id': invocationId,
    'X-Spotinst-Function-Version': String(version),
  };
  if (outcome.status === 'timeout') return failure(504, 'Timeout', outcome.error?.message ?? 'Function timed out', own);
  if (outcome.status === 'error') return failure(500, outcome.error?.type ?? 'Error', outcome.error?.message ?? 'Function failed', own);
  const result = outcome.result;
  const status = resultStatus(result);
  if (status === undefined) {
    const statusCode = isShapedResult(result) ? result.statusCode : undefined;
    return failure(502, 'InvalidResult', `the function returned an invalid statusCode (${JSON.stringify(statusCode)})`, own);
  }
  const headers: Record<string, string> = { ...own };
  let body: unknown = result;
  if (isShapedResult(result)) {
    for (const [name, value] of Object.entries(replyHeaders(result.headers))) {
      if (!hasHeader(own, name.toLowerCase())) headers[name] = value;
    }
    body = result.body;
  }
  if (body === undefined || body === null) return { status, headers, body: '' };
  if (typeof body === 'string') return { status, headers, body };
  if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = JSON_TYPE;
  return { status, headers, body: JSON.stringify(body) };
}

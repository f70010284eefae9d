import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { ApiErrorItem, Envelope, RequestInfo } from '../spec/wire';

/**
 * A refusal the API reports to the caller: thrown anywhere under a route handler and
 * turned into the error envelope of SPEC §2 by the router.
 */
export class ApiFailure extends Error {
  readonly items: ApiErrorItem[];

  constructor(
    readonly status: number,
    code: string,
    message: string,
    field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiFailure';
    this.items = [field === undefined ? { code, message } : { code, message, field }];
  }
}

export function badRequest(message: string, field?: string, code = 'VALIDATION_ERROR'): ApiFailure {
  return new ApiFailure(400, code, message, field);
}

export function notFound(kind: string, id: string): ApiFailure {
  return new ApiFailure(404, `${kind.toUpperCase()}_NOT_FOUND`, `${kind} ${id} does not exist`);
}

export function conflict(code: string, message: string, field?: string): ApiFailure {
  return new ApiFailure(409, code, message, field);
}

export function requestInfo(req: http.IncomingMessage): RequestInfo {
  return {
    id: randomUUID(),
    url: req.url ?? '/',
    method: req.method ?? 'GET',
    timestamp: new Date().toISOString(),
  };
}

export function successEnvelope<T>(request: RequestInfo, kind: string, items: T[]): Envelope<T> {
  return {
    request,
    response: { status: { code: 200, message: 'OK' }, kind, items, count: items.length },
  };
}

export function errorEnvelope(request: RequestInfo, status: number, errors: ApiErrorItem[]): Envelope<never> {
  return {
    request,
    response: { status: { code: status, message: http.STATUS_CODES[status] ?? 'Error' }, errors },
  };
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

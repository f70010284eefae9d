import http from 'node:http';
import type { Alias, CorsConfig, Pattern } from '../spec/wire';
import { bearerToken, BodyTooLargeError, closeAfterReply, readBody, sameSecret } from './http-util';
import { isShapedResult, parseBody, resultStatus, type FunctionEvent } from '../spec/contract';
import { sendJson } from './envelope';
import type { Invocation } from './invoker';
import type { Platform } from './platform';
import type { StoredFunction } from './store';

/** Like the cloud's function payload limit: bigger request bodies get 413. */
export const MAX_INVOKE_BODY_BYTES = 6 * 1024 * 1024;

const DEFAULT_CORS_METHODS = 'GET,POST,PUT,DELETE,PATCH,OPTIONS';
/** Headers a function may not set: the platform frames the reply itself. */
const RESERVED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade']);

function sendText(res: http.ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendError(res: http.ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { errorMessage: message, errorType: code }, headers);
}

function corsOrigin(cors: CorsConfig, req: http.IncomingMessage): string | undefined {
  const configured = (cors.origin ?? '*').trim() || '*';
  if (configured === '*') return '*';
  const allowed = configured.split(',').map((origin) => origin.trim());
  const origin = req.headers.origin;
  if (typeof origin === 'string' && allowed.includes(origin)) return origin;
  return allowed.length === 1 ? allowed[0] : undefined;
}

function corsHeaders(fn: StoredFunction, req: http.IncomingMessage): Record<string, string> {
  if (!fn.cors?.enabled) return {};
  const origin = corsOrigin(fn.cors, req);
  if (origin === undefined) return {};
  const headers: Record<string, string> = { 'Access-Control-Allow-Origin': origin };
  if (origin !== '*') headers.Vary = 'Origin';
  return headers;
}

function toEventHeaders(req: http.IncomingMessage, dropAuthorization: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    // the platform token that opened a private function is not the function's to see
    if (dropAuthorization && name === 'authorization') continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function toQuery(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  return query;
}

/** The function's reply headers that can be sent as they are. */
function replyHeaders(raw: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (typeof raw !== 'object' || raw === null) return headers;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === undefined || value === null || RESERVED_HEADERS.has(name.toLowerCase())) continue;
    const text = typeof value === 'string' ? value : String(value);
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

/**
 * Sends what an invocation produced: the handler's `{statusCode, body, headers}`; a string
 * body as is, anything else as JSON. A failed invocation is 500 and a timed out one 504,
 * with the message (the details are in the logs).
 */
function sendInvocation(res: http.ServerResponse, invocation: Invocation, extra: Record<string, string>): void {
  // a function cannot replace the platform's own headers
  const own: Record<string, string> = {
    'X-Spotinst-Invocation-Id': invocation.invocationId,
    'X-Spotinst-Function-Version': String(invocation.version),
  };
  const headers: Record<string, string> = { ...own, ...extra };
  const { outcome } = invocation;
  if (outcome.status === 'timeout') {
    sendError(res, 504, 'Timeout', outcome.error?.message ?? 'Function timed out', headers);
    return;
  }
  if (outcome.status === 'error') {
    sendError(res, 500, outcome.error?.type ?? 'Error', outcome.error?.message ?? 'Function failed', headers);
    return;
  }
  const result = outcome.result;
  const status = resultStatus(result);
  if (status === undefined) {
    const statusCode = isShapedResult(result) ? result.statusCode : undefined;
    sendError(res, 502, 'InvalidResult', `the function returned an invalid statusCode (${JSON.stringify(statusCode)})`, headers);
    return;
  }
  let body: unknown = result;
  if (isShapedResult(result)) {
    for (const [name, value] of Object.entries(replyHeaders(result.headers))) {
      if (!hasHeader(own, name.toLowerCase())) headers[name] = value;
    }
    body = result.body;
  }
  let text: string;
  if (body === undefined || body === null) text = '';
  else if (typeof body === 'string') text = body;
  else {
    text = JSON.stringify(body);
    if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  sendText(res, status, text, headers);
}

interface MatchedPattern {
  pattern: Pattern;
  score: number;
}

/** Scores how specifically a pattern matches: literal segments beat `{param}`, which beats `*`. */
function matchPath(pattern: string, path: string): number | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  let score = 0;
  for (let i = 0; i < want.length; i += 1) {
    const segment = want[i];
    const last = i === want.length - 1;
    if (last && (segment === '*' || /^\{[^}]+\+\}$/.test(segment))) return score + 1;
    if (i >= have.length) return undefined;
    if (/^\{[^}]+\}$/.test(segment)) score += 10;
    else if (segment === have[i]) score += 100;
    else return undefined;
  }
  return want.length === have.length ? score + 1000 : undefined;
}

/** HTTP triggers: function URLs and alias hosts routed by endpoint patterns. */
export class Triggers {
  constructor(private readonly platform: Platform) {}

  /** `/fn/<environmentId>/<functionId>[/<path>]` */
  async functionUrl(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const [, , environmentId, functionId, ...rest] = url.pathname.split('/');
    const fn = functionId ? this.platform.store.state.functions[functionId] : undefined;
    if (!fn || fn.environmentId !== environmentId) {
      sendError(res, 404, 'NotFound', `no function at ${url.pathname}`);
      return;
    }
    await this.serve(req, res, fn, `/${rest.join('/')}`, url);
  }

  findAlias(host: string): Alias | undefined {
    return Object.values(this.platform.store.state.aliases).find((candidate) => candidate.host === host.toLowerCase());
  }

  /** `/alias/<host>[/<path>]`: the alias named in the path. */
  async alias(req: http.IncomingMessage, res: http.ServerResponse, host: string, path: string, url: URL): Promise<void> {
    const alias = this.findAlias(host);
    if (!alias) {
      sendError(res, 404, 'NotFound', `no alias for the host ${host}`);
      return;
    }
    await this.serveAlias(req, res, alias, path, url);
  }

  /** Routes a request for an alias host by its environment's patterns. */
  async serveAlias(req: http.IncomingMessage, res: http.ServerResponse, alias: Alias, path: string, url: URL): Promise<void> {
    const state = this.platform.store.state;
    const method = (req.method ?? 'GET').toUpperCase();
    let best: MatchedPattern | undefined;
    for (const pattern of Object.values(state.patterns)) {
      if (pattern.environmentId !== alias.environmentId) continue;
      if (pattern.method !== 'ALL' && pattern.method !== method) continue;
      const score = matchPath(pattern.pattern, path);
      if (score === undefined) continue;
      const total = score * 2 + (pattern.method === 'ALL' ? 0 : 1);
      if (!best || total > best.score) best = { pattern, score: total };
    }
    const fn = best ? state.functions[best.pattern.functionId] : undefined;
    if (!fn) {
      sendError(res, 404, 'NotFound', `no endpoint pattern of ${alias.host} matches ${method} ${path}`);
      return;
    }
    await this.serve(req, res, fn, path, url);
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse, fn: StoredFunction, path: string, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const cors = corsHeaders(fn, req);
    if (fn.cors?.enabled && method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      // a preflight carries no credentials, so it is answered before the access check
      const requested = req.headers['access-control-request-headers'];
      sendText(res, 204, '', {
        ...cors,
        'Access-Control-Allow-Methods': fn.cors.methods ?? DEFAULT_CORS_METHODS,
        'Access-Control-Allow-Headers': fn.cors.headers ?? (typeof requested === 'string' ? requested : 'Content-Type,Authorization'),
        'Access-Control-Max-Age': '600',
      });
      req.resume();
      return;
    }
    if (fn.access === 'private' && !sameSecret(bearerToken(req), this.platform.config.token)) {
      closeAfterReply(res);
      sendError(res, 401, 'Unauthorized', 'this function is private: send Authorization: Bearer <token>', {
        ...cors,
        'WWW-Authenticate': 'Bearer',
      });
      return;
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_INVOKE_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        closeAfterReply(res);
        sendError(
          res,
          413,
          'PayloadTooLarge',
          `the request body is larger than the ${MAX_INVOKE_BODY_BYTES / 1024 / 1024} MB a function accepts`,
          cors,
        );
      }
      return;
    }
    const event: FunctionEvent = {
      query: toQuery(url),
      body: parseBody(raw.toString('utf8')),
      headers: toEventHeaders(req, fn.access === 'private'),
      method,
      path,
    };
    const invocation = await this.platform.invoker.invoke(fn, event);
    sendInvocation(res, invocation, cors);
  }
}

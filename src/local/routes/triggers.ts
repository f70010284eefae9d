import http from 'node:http';
import type { CorsConfig } from '../../spec/wire';
import { parseBody, type FunctionEvent } from '../../spec/contract';
import { sendJson } from '../envelope';
import { bearerToken, BodyTooLargeError, closeAfterReply, readBody, sameSecret } from '../http-util';
import type { Invocation, Invoker } from '../invocation/invoker';
import { WorkerBudgetExhaustedError } from '../invocation/worker-budget';
import type { Alias, StoredFunction } from '../records';
import type { AliasService, FunctionService, PatternService } from '../services';

/** Like the cloud's function payload limit: bigger request bodies get 413. */
export const MAX_INVOKE_BODY_BYTES = 6 * 1024 * 1024;

const DEFAULT_CORS_METHODS = 'GET,POST,PUT,DELETE,PATCH,OPTIONS';

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

/** Sends the reply of an invocation (invocation/reply.ts) with the trigger's own headers (CORS) beside the function's. */
function sendInvocation(res: http.ServerResponse, invocation: Invocation, extra: Record<string, string>): void {
  const { reply } = invocation;
  sendText(res, reply.status, reply.body, { ...extra, ...reply.headers });
}

export interface TriggerDeps {
  functions: FunctionService;
  aliases: AliasService;
  patterns: PatternService;
  invoker: Invoker;
  /** the platform's token, which opens private functions */
  token: string;
}

/** HTTP triggers: function URLs and alias hosts routed by endpoint patterns. */
export class Triggers {
  constructor(private readonly deps: TriggerDeps) {}

  /** `/fn/<environmentId>/<functionId>[/<path>]` */
  async functionUrl(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const [, , environmentId, functionId, ...rest] = url.pathname.split('/');
    const fn = functionId ? await this.deps.functions.find(functionId) : undefined;
    if (!fn || fn.environmentId !== environmentId) {
      sendError(res, 404, 'NotFound', `no function at ${url.pathname}`);
      return;
    }
    await this.serve(req, res, fn, `/${rest.join('/')}`, url);
  }

  findAlias(host: string): Promise<Alias | undefined> {
    return this.deps.aliases.forHost(host);
  }

  /** `/alias/<host>[/<path>]`: the alias named in the path. */
  async alias(req: http.IncomingMessage, res: http.ServerResponse, host: string, path: string, url: URL): Promise<void> {
    const alias = await this.findAlias(host);
    if (!alias) {
      sendError(res, 404, 'NotFound', `no alias for the host ${host}`);
      return;
    }
    await this.serveAlias(req, res, alias, path, url);
  }

  /** Routes a request for an alias host by its environment's patterns. */
  async serveAlias(req: http.IncomingMessage, res: http.ServerResponse, alias: Alias, path: string, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const fn = await this.deps.patterns.route(alias.environmentId, method, path);
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
    if (fn.access === 'private' && !sameSecret(bearerToken(req), this.deps.token)) {
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
    let invocation: Invocation;
    try {
      invocation = await this.deps.invoker.invoke(fn, event);
    } catch (error) {
      if (!(error instanceof WorkerBudgetExhaustedError)) throw error;
      sendError(res, 429, 'TooManyRequests', error.message, { ...cors, 'Retry-After': String(error.retryAfterS) });
      return;
    }
    sendInvocation(res, invocation, cors);
  }
}

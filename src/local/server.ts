import http from 'node:http';
import { ApiFailure, errorEnvelope, requestInfo, sendJson, successEnvelope } from './envelope';
import type { FaultDecision, FaultInjector } from './faults';
import { bearerToken, BodyTooLargeError, closeAfterReply, hostName, isLoopback, readBody, sameSecret } from './http-util';
import type { Platform } from './platform';
import { Router } from './router';
import { managementRoutes, Triggers } from './routes';
import { PACKAGE_VERSION } from '../util/version';
import type { RequestInfo } from '../spec/wire';

/** Management request bodies carry base64 code: room for the largest zip the platform takes. */
const MAX_MANAGEMENT_BODY_BYTES = 80 * 1024 * 1024;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface ServerOptions {
  faults?: FaultInjector;
  /** `http://host:port` when bound to a specific address; undefined when bound to all of them */
  fixedBaseUrl: () => string | undefined;
}

export interface RequestHandling {
  listener: http.RequestListener;
  /**
   * From now on every request is answered 503 with `Connection: close` and does nothing:
   * kept-alive connections would otherwise bring work in for as long as their clients keep
   * sending. Resolves when the requests already being handled are done (an invocation ends
   * by itself or by its timeout), so no late write of this platform can land after a
   * successor started on the same data directory.
   */
  drain(): Promise<void>;
}

/**
 * The HTTP surface: `/__local/*` extras, function URLs (`/fn/…`), aliases (`/alias/<host>/…`
 * or a request whose Host is an alias), and the management API of SPEC §2 for the rest.
 */
export function createRequestListener(platform: Platform, options: ServerOptions): RequestHandling {
  const router = new Router(managementRoutes(platform.services));
  const triggers = new Triggers({ ...platform.services, invoker: platform.invoker, token: platform.config.token });

  const baseUrl = (req: http.IncomingMessage): string => options.fixedBaseUrl() ?? `http://${req.headers.host ?? '127.0.0.1'}`;

  async function local(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (path === '/__local/health' && method === 'GET') {
      sendJson(res, 200, { status: 'ok', version: PACKAGE_VERSION });
    } else if (path === '/__local/stats' && method === 'GET') {
      sendJson(res, 200, platform.stats.snapshot());
    } else if (path === '/__local/reset' && method === 'POST') {
      if (!sameSecret(bearerToken(req), platform.config.token)) {
        sendJson(res, 401, { error: 'reset needs Authorization: Bearer <token>' });
        return;
      }
      await platform.reset();
      sendJson(res, 200, { status: 'reset' });
    } else {
      sendJson(res, 404, {
        error: `no such local endpoint: ${method} ${path} (GET /__local/health, GET /__local/stats, POST /__local/reset)`,
      });
    }
  }

  /** The 401 of a missing or wrong token, the 403 of another (or no) account; undefined when allowed. */
  function authFailure(req: http.IncomingMessage, url: URL): ApiFailure | undefined {
    if (!sameSecret(bearerToken(req), platform.config.token)) {
      return new ApiFailure(401, 'UNAUTHORIZED', 'missing or invalid token: send Authorization: Bearer <token>', undefined, {
        'WWW-Authenticate': 'Bearer',
      });
    }
    const account = url.searchParams.get('accountId');
    if (account !== platform.config.account) {
      return new ApiFailure(
        403,
        'FORBIDDEN',
        account ? `the token is not allowed to act on account ${account}` : 'accountId is required (?accountId=act-…)',
        'accountId',
      );
    }
    return undefined;
  }

  async function management(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const info: RequestInfo = requestInfo(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const fail = (error: ApiFailure): void => sendJson(res, error.status, errorEnvelope(info, error.status, error.items), error.headers);

    const match = router.match(method, url.pathname);
    if (match && 'route' in match) platform.stats.countRequest(`${method} ${match.route.template}`);

    // who is asking comes first: a stranger's body (up to 80 MB) is never read
    const refused = authFailure(req, url);
    if (refused) {
      closeAfterReply(res);
      fail(refused);
      return;
    }

    let body: Buffer;
    try {
      body = await readBody(req, MAX_MANAGEMENT_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        closeAfterReply(res);
        fail(new ApiFailure(413, 'REQUEST_TOO_LARGE', `the request body is larger than ${MAX_MANAGEMENT_BODY_BYTES / 1024 / 1024} MB`));
      }
      return;
    }
    platform.stats.addRequestBytes(body.length);

    let fault: FaultDecision = { kind: 'none' };
    if (options.faults) {
      const delay = options.faults.latency();
      if (delay > 0) await sleep(delay);
      fault = options.faults.decide();
      if (fault.kind === 'reset-before') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'status-before') {
        fail(injected(fault.status));
        return;
      }
    }

    try {
      if (!match) throw new ApiFailure(404, 'NOT_FOUND', `no such API route: ${method} ${url.pathname}`);
      if (!('route' in match)) {
        throw new ApiFailure(
          405,
          'METHOD_NOT_ALLOWED',
          `${method} is not supported on ${url.pathname} (allowed: ${match.allowedMethods.join(', ')})`,
          undefined,
          {
            Allow: match.allowedMethods.join(', '),
          },
        );
      }
      let parsed: unknown;
      if (body.length > 0) {
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch (error) {
          throw new ApiFailure(400, 'INVALID_JSON', `the request body is not valid JSON: ${(error as Error).message}`);
        }
      }
      const items = await match.route.handle({ params: match.params, query: url.searchParams, body: parsed, baseUrl: baseUrl(req) });
      if (fault.kind === 'reset-after') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'status-after') {
        fail(injected(fault.status));
        return;
      }
      sendJson(res, 200, successEnvelope(info, match.route.kind, items));
    } catch (error) {
      if (error instanceof ApiFailure) fail(error);
      else {
        process.emitWarning(`spotinst-local: ${method} ${url.pathname} failed: ${(error as Error).stack ?? String(error)}`);
        fail(new ApiFailure(500, 'INTERNAL_ERROR', `spotinst-local failed: ${(error as Error).message}`));
      }
    }
  }

  /** A request to one of this platform's alias hosts is served by the alias's patterns; any other is the API's. */
  async function aliasOrManagement(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const host = hostName(req);
    const alias = isLoopback(host) ? undefined : await triggers.findAlias(host);
    await (alias ? triggers.serveAlias(req, res, alias, url.pathname, url) : management(req, res, url));
  }

  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const listener: http.RequestListener = (req, res) => {
    if (draining) {
      closeAfterReply(res);
      sendJson(res, 503, { error: 'spotinst-local is shutting down: the request was not carried out' }, { 'Retry-After': '1' });
      req.resume();
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://local');
    } catch {
      sendJson(res, 400, { error: 'bad request URL' });
      return;
    }
    const path = url.pathname;
    let handled: Promise<void>;
    if (path.startsWith('/__local/')) handled = local(req, res, path);
    else if (path.startsWith('/fn/')) handled = triggers.functionUrl(req, res, url);
    else if (path.startsWith('/alias/')) {
      const [, , host = '', ...rest] = path.split('/');
      handled = triggers.alias(req, res, host, `/${rest.join('/')}`, url);
    } else handled = aliasOrManagement(req, res, url);
    inFlight += 1;
    handled
      .catch((error: Error) => {
        if (error instanceof ApiFailure) {
          // e.g. the 503 of a database gone away, met while serving a function URL: said as a function's error is
          if (!res.headersSent)
            sendJson(res, error.status, { errorMessage: error.message, errorType: error.items[0]?.code }, error.headers);
          else res.destroy();
          return;
        }
        process.emitWarning(`spotinst-local: ${req.method} ${path} failed: ${error.stack ?? error.message}`);
        if (!res.headersSent) sendJson(res, 500, { error: `spotinst-local failed: ${error.message}` });
        else res.destroy();
      })
      .finally(() => {
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      });
  };

  return {
    listener,
    drain() {
      draining = true;
      if (inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => {
        drained = resolve;
      });
    },
  };
}

function injected(status: number): ApiFailure {
  const headers: Record<string, string> = status === 429 ? { 'Retry-After': String(Math.round(Math.random())) } : {};
  return new ApiFailure(
    status,
    status === 429 ? 'RATE_LIMITED' : 'INJECTED_FAULT',
    `fault injected by spotinst-local --faults (${status})`,
    undefined,
    headers,
  );
}

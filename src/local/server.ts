import http from 'node:http';
import type { ConsolePlatform, ConsoleSession } from './console/api-types';
import { ConsoleAssets } from './console/static';
import { ApiFailure, errorEnvelope, requestInfo, sendJson, successEnvelope } from './envelope';
import type { FaultDecision, FaultInjector } from './faults';
import { bearerToken, BodyTooLargeError, closeAfterReply, hostName, isLoopback, readBody, sameSecret } from './http-util';
import { METRICS_CONTENT_TYPE } from './metrics';
import type { Platform } from './platform';
import { Router, type RouteMatch } from './router';
import { managementRoutes, Triggers } from './routes';
import { consoleRoutes } from './routes/console';
import { InvocationTail } from './routes/console-tail';
import { PACKAGE_VERSION } from '../util/version';
import type { RequestInfo } from '../spec/wire';

/** Management request bodies carry base64 code: room for the largest zip the platform takes. */
const MAX_MANAGEMENT_BODY_BYTES = 80 * 1024 * 1024;
/** The console's requests carry at most an invocation body (6 MB), JSON-escaped. */
const MAX_CONSOLE_BODY_BYTES = 16 * 1024 * 1024;
const TAIL_ROUTE = /^\/__local\/api\/functions\/([^/]+)\/tail\/?$/;
/** The console API's replies are the signed-in user's data: never cached, never sniffed. */
const CONSOLE_API_HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
/** The `/__local/*` paths counted by their own name in the HTTP metrics (any other is one label, so labels stay few). */
const LOCAL_PATHS = new Set(['/__local/health', '/__local/stats', '/__local/reset', '/__local/metrics', '/__local/api/session']);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface ServerOptions {
  faults?: FaultInjector;
  /** the `--faults` spec as given, shown by the console */
  faultsText?: string;
  /** `http://host:port` when bound to a specific address; undefined when bound to all of them */
  fixedBaseUrl: () => string | undefined;
  /** `/__local/metrics` without a token is refused (the platform is reachable beyond loopback) */
  metricsNeedToken: boolean;
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
  const log = platform.config.log;
  const startedAt = new Date().toISOString();
  const consoleRouter = new Router(consoleRoutes(platform.console, consolePlatform));
  const tail = new InvocationTail(platform.invoker, platform.console);
  const assets = new ConsoleAssets();
  /** the route a request was served by, as the HTTP metrics label it (METHOD and template) */
  const routeOf = new WeakMap<http.IncomingMessage, string>();

  const baseUrl = (req: http.IncomingMessage): string => options.fixedBaseUrl() ?? `http://${req.headers.host ?? '127.0.0.1'}`;

  async function consolePlatform(): Promise<ConsolePlatform> {
    return {
      version: PACKAGE_VERSION,
      startedAt,
      database: platform.location,
      stats: platform.stats.snapshot(),
      workers: platform.invoker.workers(),
      processes: await platform.console.describeWorkers(platform.invoker.workerProcesses()),
      ...(options.faultsText ? { faults: options.faultsText } : {}),
      metricsNeedToken: options.metricsNeedToken,
    };
  }

  async function local(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (ConsoleAssets.owns(path)) {
      routeOf.set(req, ConsoleAssets.has(path) ? `${method} ${path}` : `${method} /__local/console/(unknown)`);
      assets.serve(req, res, path);
      return;
    }
    if (path.startsWith('/__local/api/')) {
      await consoleApi(req, res, url);
      return;
    }
    routeOf.set(req, LOCAL_PATHS.has(path) ? `${method} ${path}` : `${method} /__local/(unknown)`);
    if (path === '/__local/health' && method === 'GET') {
      sendJson(res, 200, { status: 'ok', version: PACKAGE_VERSION });
    } else if (path === '/__local/stats' && method === 'GET') {
      sendJson(res, 200, platform.stats.snapshot());
    } else if (path === '/__local/metrics' && method === 'GET') {
      const given = bearerToken(req);
      // a token sent must be the right one; none at all is enough only on loopback
      if (given === undefined ? options.metricsNeedToken : !sameSecret(given, platform.config.token)) {
        sendJson(res, 401, { error: 'metrics need Authorization: Bearer <token> here' }, { 'WWW-Authenticate': 'Bearer' });
        return;
      }
      const text = await platform.metrics.scrape();
      res.writeHead(200, { 'Content-Type': METRICS_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    } else if (path === '/__local/reset' && method === 'POST') {
      if (!sameSecret(bearerToken(req), platform.config.token)) {
        sendJson(res, 401, { error: 'reset needs Authorization: Bearer <token>' });
        return;
      }
      await platform.reset();
      sendJson(res, 200, { status: 'reset' });
    } else {
      sendJson(res, 404, {
        error:
          `no such local endpoint: ${method} ${path} (GET /__local/health, GET /__local/stats, GET /__local/metrics, ` +
          'GET /__local/console, POST /__local/reset)',
      });
    }
  }

  /** The 401 of a missing or wrong token, the 403 of another (or no) account; undefined when allowed. */
  function authFailure(req: http.IncomingMessage, url: URL, accountNeeded = true): ApiFailure | undefined {
    if (!sameSecret(bearerToken(req), platform.config.token)) {
      return new ApiFailure(401, 'UNAUTHORIZED', 'missing or invalid token: send Authorization: Bearer <token>', undefined, {
        'WWW-Authenticate': 'Bearer',
      });
    }
    if (!accountNeeded) return undefined;
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

  /** A matched route's reply: the body parsed as JSON, then the route's items in the success envelope. */
  async function handleRoute(
    match: RouteMatch,
    method: string,
    url: URL,
    body: Buffer,
    req: http.IncomingMessage,
  ): Promise<[string, unknown[]]> {
    if (!match) throw new ApiFailure(404, 'NOT_FOUND', `no such API route: ${method} ${url.pathname}`);
    if (!('route' in match)) {
      const allowed = match.allowedMethods.join(', ');
      throw new ApiFailure(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${url.pathname} (allowed: ${allowed})`, undefined, {
        Allow: allowed,
      });
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
    return [match.route.kind, items];
  }

  /** An error that is not an ApiFailure is the platform's own: said in its log, answered 500. */
  function internalFailure(method: string, path: string, error: unknown): ApiFailure {
    const failed = error instanceof Error ? error : new Error(String(error));
    log.error(`${method} ${path} failed: ${failed.message}`, { method, path, stack: failed.stack });
    return new ApiFailure(500, 'INTERNAL_ERROR', `spotinst-local failed: ${failed.message}`);
  }

  /** `/__local/api/*`: the console's reads and actions, authenticated as the management API is; never faulted nor counted in stats. */
  async function consoleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const info: RequestInfo = requestInfo(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const fail = (error: ApiFailure): void =>
      sendJson(res, error.status, errorEnvelope(info, error.status, error.items), { ...CONSOLE_API_HEADERS, ...error.headers });
    const session = url.pathname === '/__local/api/session';
    const tailOf = TAIL_ROUTE.exec(url.pathname);
    const match = session || tailOf ? undefined : consoleRouter.match(method, url.pathname);
    const template = session
      ? url.pathname
      : tailOf
        ? '/__local/api/functions/{id}/tail'
        : match && 'route' in match
          ? match.route.template
          : undefined;
    routeOf.set(req, template ? `${method} ${template}` : `${method} /__local/(unknown)`);

    // the session names the account a token speaks for, so it cannot ask for the account first
    const refused = authFailure(req, url, !session);
    if (refused) {
      closeAfterReply(res);
      fail(refused);
      return;
    }
    try {
      if (session) {
        if (method !== 'GET')
          throw new ApiFailure(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${url.pathname} (allowed: GET)`);
        const reply: ConsoleSession = { account: platform.config.account, version: PACKAGE_VERSION };
        sendJson(res, 200, successEnvelope(info, 'spotinst-local:console:session', [reply]), CONSOLE_API_HEADERS);
        return;
      }
      if (tailOf) {
        if (method !== 'GET')
          throw new ApiFailure(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${url.pathname} (allowed: GET)`);
        req.resume();
        await tail.serve(res, decodeURIComponent(tailOf[1]));
        return;
      }
      const body = await readBody(req, MAX_CONSOLE_BODY_BYTES);
      const [kind, items] = await handleRoute(match, method, url, body, req);
      sendJson(res, 200, successEnvelope(info, kind, items), CONSOLE_API_HEADERS);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        closeAfterReply(res);
        fail(new ApiFailure(413, 'REQUEST_TOO_LARGE', `the request body is larger than ${MAX_CONSOLE_BODY_BYTES / 1024 / 1024} MB`));
      } else if (res.headersSent) {
        res.destroy();
      } else {
        fail(error instanceof ApiFailure ? error : internalFailure(method, url.pathname, error));
      }
    }
  }

  async function management(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const info: RequestInfo = requestInfo(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const fail = (error: ApiFailure): void => sendJson(res, error.status, errorEnvelope(info, error.status, error.items), error.headers);

    const match = router.match(method, url.pathname);
    if (match && 'route' in match) {
      platform.stats.countRequest(`${method} ${match.route.template}`);
      routeOf.set(req, `${method} ${match.route.template}`);
    } else routeOf.set(req, `${method} (no route)`);

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
      const [kind, items] = await handleRoute(match, method, url, body, req);
      if (fault.kind === 'reset-after') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'status-after') {
        fail(injected(fault.status));
        return;
      }
      sendJson(res, 200, successEnvelope(info, kind, items));
    } catch (error) {
      fail(error instanceof ApiFailure ? error : internalFailure(method, url.pathname, error));
    }
  }

  /** A request to one of this platform's alias hosts is served by the alias's patterns; any other is the API's. */
  async function aliasOrManagement(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const host = hostName(req);
    const alias = isLoopback(host) ? undefined : await triggers.findAlias(host);
    if (alias) routeOf.set(req, `${(req.method ?? 'GET').toUpperCase()} /alias/{host}`);
    await (alias ? triggers.serveAlias(req, res, alias, url.pathname, url) : management(req, res, url));
  }

  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const listener: http.RequestListener = (req, res) => {
    // counted once the reply is sent, under the route that served it
    res.once('close', () => {
      const route = routeOf.get(req) ?? `${(req.method ?? 'GET').toUpperCase()} (no route)`;
      platform.metrics.countHttpRequest(route, res.headersSent ? String(res.statusCode) : 'none');
    });
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
    const method = (req.method ?? 'GET').toUpperCase();
    let handled: Promise<void>;
    if (path.startsWith('/__local/') || path === '/__local') handled = local(req, res, url);
    else if (path.startsWith('/fn/')) {
      routeOf.set(req, `${method} /fn/{id}/{id}`);
      handled = triggers.functionUrl(req, res, url);
    } else if (path.startsWith('/alias/')) {
      routeOf.set(req, `${method} /alias/{host}`);
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
        log.error(`${req.method} ${path} failed: ${error.message}`, { method, path, stack: error.stack });
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
      // a live tail never ends by itself
      tail.endAll();
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

/** What a management route handler gets: path parameters, query, the parsed JSON body. */
export interface RouteRequest {
  params: string[];
  query: URLSearchParams;
  body: unknown;
  /** `http://host:port` the platform serves on, for the URLs in replies */
  baseUrl: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** path with `{id}` for every parameter; also the key of the route in /__local/stats */
  template: string;
  /** the envelope's `kind` */
  kind: string;
  handle(request: RouteRequest): Promise<unknown[]> | unknown[];
}

export type RouteMatch = { route: Route; params: string[] } | { allowedMethods: string[] } | undefined;

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
}

function compile(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) => (segment === '{id}' ? '([^/]+)' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/** Matches method and path to a route; routes listed first win (literal paths before `{id}`). */
export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({ route, pattern: compile(route.template) }));
  }

  match(method: string, path: string): RouteMatch {
    const allowed: string[] = [];
    let matchedTemplate: string | undefined;
    for (const { route, pattern } of this.compiled) {
      const found = pattern.exec(path);
      if (!found) continue;
      // a literal route shadows parameter routes of other templates (GET …/function/log)
      if (matchedTemplate !== undefined && matchedTemplate !== route.template) continue;
      matchedTemplate = route.template;
      if (route.method === method) {
        let params: string[];
        try {
          params = found.slice(1).map((value) => decodeURIComponent(value));
        } catch {
          return undefined;
        }
        return { route, params };
      }
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { allowedMethods: allowed } : undefined;
  }
}

/**
 * Where the console is (its `#…` fragment) and the token it signed in with.
 *
 * The fragment never reaches the server, so `#token=<token>` can sign in without the token
 * passing through any request line or access log; the page reads it, keeps it, and takes it
 * out of the address bar at once (history.replaceState), so it is not left in the history,
 * a bookmark or a screenshot of the address bar.
 *
 * The token is kept in sessionStorage: it survives a reload and the console's own
 * navigation, but not closing the tab, and other tabs and sites do not see it. localStorage
 * would keep it on disk indefinitely; a cookie would be sent by the browser with every
 * request, on its own, which is what cross-site request forgery needs.
 */

const TOKEN_KEY = 'spotinst-local-console-token';

/** What the console shows, as its fragment says: `#function=<id>[&invocation=<id>]`, `#documents=<environmentId>`, `#platform`. */
export type Place =
  | { view: 'overview' }
  | { view: 'function'; functionId: string; invocationId?: string }
  | { view: 'documents'; environmentId: string }
  | { view: 'platform' };

export function placeOf(params: URLSearchParams): Place {
  const functionId = params.get('function');
  if (functionId) {
    const invocationId = params.get('invocation');
    return invocationId ? { view: 'function', functionId, invocationId } : { view: 'function', functionId };
  }
  const environmentId = params.get('documents');
  if (environmentId) return { view: 'documents', environmentId };
  if (params.has('platform')) return { view: 'platform' };
  return { view: 'overview' };
}

export function hashOf(place: Place): string {
  switch (place.view) {
    case 'overview':
      return '#overview';
    case 'function': {
      const params = new URLSearchParams({ function: place.functionId });
      if (place.invocationId) params.set('invocation', place.invocationId);
      return `#${params.toString()}`;
    }
    case 'documents':
      return `#${new URLSearchParams({ documents: place.environmentId }).toString()}`;
    case 'platform':
      return '#platform';
  }
}

function fragmentParams(): URLSearchParams {
  return new URLSearchParams(location.hash.replace(/^#/, ''));
}

export function currentPlace(): Place {
  return placeOf(fragmentParams());
}

/**
 * Takes a `token=` part out of the fragment, keeping the rest (`#token=…&function=fx-1`
 * becomes `#function=fx-1`), and keeps the token for this tab. Returns whether there was one.
 */
export function takeTokenFromFragment(): boolean {
  const params = fragmentParams();
  const token = params.get('token');
  if (token === null) return false;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  if (token !== '') sessionStorage.setItem(TOKEN_KEY, token);
  return token !== '';
}

export function storedToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function keepToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * The console's page: signs in with the platform's token, then shows the view its `#…`
 * fragment names. Nothing is shown before the platform accepted the token.
 */
import { ApiError, ConsoleApi } from './api';
import { button, h, link, show } from './dom';
import { currentPlace, forgetToken, hashOf, keepToken, storedToken, takeTokenFromFragment, type Place } from './session';
import type { ViewContext } from './views/context';
import { documentsView } from './views/documents';
import { functionView } from './views/function';
import { overviewView } from './views/overview';
import { platformView } from './views/platform';

const root = document.getElementById('app') ?? document.body;

function signInForm(message?: string): void {
  const token = h('input', { id: 'token', attrs: { type: 'password', autocomplete: 'off', spellcheck: 'false', required: '' } });
  const error = h('p', { class: 'error-text', attrs: { role: 'alert' } }, message ?? '');
  const submit = h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'sign-in panel',
      on: {
        submit: (event) => {
          event.preventDefault();
          submit.disabled = true;
          void start(token.value.trim()).finally(() => (submit.disabled = false));
        },
      },
    },
    h('h1', {}, 'spotinst-local console'),
    h(
      'p',
      {},
      'Sign in with the platform’s token (spotinst-local prints it when it generated it, else it is the --token it was started with).',
    ),
    h('label', { attrs: { for: 'token' } }, 'Token'),
    token,
    error,
    h('div', { class: 'actions' }, submit),
  );
  document.title = 'Sign in · spotinst-local';
  show(root, h('main', { class: 'signed-out' }, form));
  token.focus();
}

/** Signs in with `token`; on success the console replaces the form, on refusal the form says why. */
async function start(token: string): Promise<void> {
  let api: ConsoleApi;
  try {
    api = await ConsoleApi.signIn(token);
  } catch (error) {
    forgetToken();
    signInForm(
      error instanceof ApiError && error.status === 401
        ? 'The platform did not accept that token.'
        : `Cannot sign in: ${(error as Error).message}`,
    );
    return;
  }
  keepToken(token);
  new Console(api).open();
}

class Console {
  private readonly main = h('main', { id: 'main' });
  private readonly statusLine = h('p', { class: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly nav: HTMLElement;
  private current?: AbortController;
  private readonly onHashChange = (): void => void this.render(currentPlace());

  constructor(private readonly api: ConsoleApi) {
    this.nav = h(
      'nav',
      { attrs: { 'aria-label': 'Console' } },
      link(hashOf({ view: 'overview' }), 'Overview', { attrs: { 'data-view': 'overview' } }),
      link(hashOf({ view: 'platform' }), 'Platform', { attrs: { 'data-view': 'platform' } }),
    );
  }

  open(): void {
    const header = h(
      'header',
      { class: 'bar' },
      h('span', { class: 'brand' }, 'spotinst-local'),
      this.nav,
      h('span', { class: 'who' }, `account ${this.api.account}`),
      button('Sign out', () => {
        this.current?.abort();
        window.removeEventListener('hashchange', this.onHashChange);
        forgetToken();
        history.replaceState(null, '', location.pathname);
        signInForm();
      }),
    );
    show(root, header, this.statusLine, this.main);
    window.addEventListener('hashchange', this.onHashChange);
    void this.render(currentPlace());
  }

  private status(message: string, kind: 'info' | 'error' = 'info'): void {
    this.statusLine.textContent = message;
    this.statusLine.classList.toggle('error-text', kind === 'error');
  }

  private async render(place: Place): Promise<void> {
    this.current?.abort();
    const controller = new AbortController();
    this.current = controller;
    for (const item of this.nav.querySelectorAll('a')) {
      if (item.dataset.view === place.view) item.setAttribute('aria-current', 'page');
      else item.removeAttribute('aria-current');
    }
    const context: ViewContext = {
      api: this.api,
      main: this.main,
      signal: controller.signal,
      status: (message, kind) => this.status(message, kind),
      go: (next) => {
        location.hash = hashOf(next);
      },
    };
    show(this.main, h('p', { class: 'muted' }, 'Loading…'));
    try {
      if (place.view === 'function') await functionView(context, place.functionId, place.invocationId);
      else if (place.view === 'documents') await documentsView(context, place.environmentId);
      else if (place.view === 'platform') await platformView(context);
      else await overviewView(context);
    } catch (error) {
      if (controller.signal.aborted) return;
      if (error instanceof ApiError && error.status === 401) {
        // the platform no longer takes the token (restarted with another): back to the form, nothing left on screen
        controller.abort();
        window.removeEventListener('hashchange', this.onHashChange);
        forgetToken();
        signInForm('The platform no longer accepts the token: sign in again.');
        return;
      }
      show(
        this.main,
        h('h1', { attrs: { tabindex: '-1' } }, 'Something went wrong'),
        h('p', { class: 'error-text' }, (error as Error).message),
      );
    }
    if (controller.signal.aborted) return;
    const heading = this.main.querySelector<HTMLElement>(place.view === 'function' && place.invocationId ? '.detail h2' : 'h1');
    document.title = `${heading?.firstChild?.textContent ?? 'Console'} · spotinst-local`;
    heading?.focus();
  }
}

takeTokenFromFragment();
const token = storedToken();
if (token) void start(token);
else signInForm();

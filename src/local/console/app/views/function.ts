/**
 * A function's page: its configuration, Invoke with a body editor, the last hour's latency
 * and error charts, its recent invocations (live), and one invocation's request, response
 * and log lines, with replay.
 */
import type {
  ConsoleInvokeResult,
  FunctionSeries,
  InvocationRecord,
  InvocationSummary,
  RecordedRequest,
  RecordedResponse,
} from '../../api-types';
import { ApiError } from '../api';
import { errorChart, latencyChart } from '../charts';
import { button, facts, h, link, pre, show, table } from '../dom';
import { bytes, clock, dateTime, duration, prettyBody } from '../format';
import { hashOf } from '../session';
import { loadDeployed, type ViewContext } from './context';
import { functionDetails } from './overview';

const RECENT = 50;
/** The charts are drawn again at most this often while invocations stream in. */
const CHART_REFRESH_MS = 5000;
const METHODS = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE'];

function statusBadge(status: string | undefined): HTMLElement {
  return h('span', { class: `badge status-${status ?? 'unknown'}` }, status ?? 'unknown');
}

function invocationRow(functionId: string, invocation: InvocationSummary): HTMLTableRowElement {
  return h(
    'tr',
    { attrs: { 'data-invocation': invocation.invocationId } },
    h(
      'td',
      {},
      link(hashOf({ view: 'function', functionId, invocationId: invocation.invocationId }), clock(invocation.startedAt), {
        attrs: { title: dateTime(invocation.startedAt) },
      }),
    ),
    h('td', {}, statusBadge(invocation.status)),
    h('td', {}, duration(invocation.durationMs)),
    h('td', {}, invocation.version === undefined ? '–' : `v${invocation.version}`),
    h('td', {}, invocation.coldStart === undefined ? '–' : invocation.coldStart ? 'cold' : 'warm'),
  );
}

function headerTable(headers: Record<string, string>): HTMLElement {
  const names = Object.keys(headers);
  if (names.length === 0) return h('p', { class: 'muted' }, 'No headers.');
  return table(
    ['Header', 'Value'],
    names.map((name) => [h('code', {}, name), headers[name]]),
    { class: 'compact' },
  );
}

function bodyBlock(body: { body: string; bodyBytes: number; truncated: boolean }): HTMLElement[] {
  const note = body.truncated
    ? h('p', { class: 'muted' }, `Only the first ${bytes(body.body.length)} of ${bytes(body.bodyBytes)} were kept.`)
    : null;
  const text = prettyBody(body.body);
  return [text === '' ? h('p', { class: 'muted' }, 'Empty body.') : pre(text, { class: 'body' }), ...(note ? [note] : [])];
}

function requestSection(request: RecordedRequest | undefined): HTMLElement {
  if (!request) return h('section', { class: 'panel' }, h('h3', {}, 'Request'), h('p', { class: 'muted' }, 'Not recorded.'));
  const query = new URLSearchParams(request.query).toString();
  return h(
    'section',
    { class: 'panel' },
    h('h3', {}, 'Request'),
    h('p', {}, h('code', {}, `${request.method} ${request.path}${query ? `?${query}` : ''}`)),
    headerTable(request.headers),
    ...bodyBlock(request),
  );
}

function responseSection(response: RecordedResponse | undefined): HTMLElement {
  if (!response) return h('section', { class: 'panel' }, h('h3', {}, 'Response'), h('p', { class: 'muted' }, 'Not recorded.'));
  return h(
    'section',
    { class: 'panel' },
    h('h3', {}, 'Response'),
    h('p', {}, h('code', {}, `HTTP ${response.status}`)),
    headerTable(response.headers),
    ...bodyBlock(response),
  );
}

function logSection(record: InvocationRecord): HTMLElement {
  return h(
    'section',
    { class: 'panel logs' },
    h('h3', {}, 'Log lines'),
    record.content.length === 0
      ? h('p', { class: 'muted' }, 'The function printed nothing.')
      : h(
          'ol',
          { class: 'log-lines' },
          ...record.content.map((line) => h('li', {}, h('time', {}, clock(line.time)), ' ', h('span', { class: 'log-text' }, line.log))),
        ),
  );
}

async function invocationDetail(context: ViewContext, functionId: string, invocationId: string, into: HTMLElement): Promise<void> {
  const [record] = await context.api.get<InvocationRecord>(
    `/__local/api/functions/${encodeURIComponent(functionId)}/invocations/${encodeURIComponent(invocationId)}`,
  );
  if (!record) return;
  const replay = button('Replay', () => {
    replay.disabled = true;
    context.api
      .send<ConsoleInvokeResult>(
        'POST',
        `/__local/api/functions/${encodeURIComponent(functionId)}/invocations/${encodeURIComponent(invocationId)}/replay`,
      )
      .then(([result]) => {
        if (!result) return;
        context.status(`Replayed: ${result.status}, HTTP ${result.response.status} in ${duration(result.durationMs)}.`);
        context.go({ view: 'function', functionId, invocationId: result.invocationId });
      })
      .catch((error: Error) => context.status(`Replay failed: ${error.message}`, 'error'))
      .finally(() => (replay.disabled = false));
  });
  const heading = h('h2', { attrs: { tabindex: '-1' } }, `Invocation ${clock(record.startedAt ?? 0)}`);
  show(
    into,
    h(
      'div',
      { class: 'section-head' },
      heading,
      h('div', { class: 'actions' }, replay, link(hashOf({ view: 'function', functionId }), 'Close')),
    ),
    facts([
      ['Id', h('code', {}, record.invocationId)],
      ['Started', dateTime(record.startedAt ?? 0)],
      ['Status', statusBadge(record.status)],
      ['Duration', duration(record.durationMs)],
      ['Version', record.version === undefined ? '–' : `v${record.version}`],
      ['Start', record.coldStart === undefined ? '–' : record.coldStart ? 'cold (a new worker process)' : 'warm'],
    ]),
    logSection(record),
    h('div', { class: 'exchange' }, requestSection(record.request), responseSection(record.response)),
  );
  heading.focus();
}

function invokeForm(context: ViewContext, functionId: string): HTMLElement {
  const method = h('select', { id: 'invoke-method' }, ...METHODS.map((name) => h('option', { attrs: { value: name } }, name)));
  const path = h('input', { id: 'invoke-path', attrs: { type: 'text', value: '/', spellcheck: 'false', autocomplete: 'off' } });
  const body = h('textarea', { id: 'invoke-body', attrs: { rows: '6', spellcheck: 'false' } });
  body.value = '{\n  "hello": "world"\n}';
  const submit = h('button', { class: 'primary', attrs: { type: 'submit' } }, 'Invoke');
  const result = h('div', { class: 'invoke-result', attrs: { 'aria-live': 'polite' } });
  const form = h(
    'form',
    {
      class: 'invoke',
      attrs: { 'aria-labelledby': 'invoke-heading' },
      on: {
        submit: (event) => {
          event.preventDefault();
          submit.disabled = true;
          const text = body.value;
          const headers: Record<string, string> = {};
          if (text.trim() !== '') headers['content-type'] = isJson(text) ? 'application/json' : 'text/plain';
          context.api
            .send<ConsoleInvokeResult>('POST', `/__local/api/functions/${encodeURIComponent(functionId)}/invoke`, {
              method: method.value,
              path: path.value,
              headers,
              body: text,
            })
            .then(([outcome]) => {
              if (!outcome) return;
              show(
                result,
                h(
                  'p',
                  {},
                  statusBadge(outcome.status),
                  ` HTTP ${outcome.response.status} in ${duration(outcome.durationMs)}, v${outcome.version}, ${outcome.coldStart ? 'cold' : 'warm'} · `,
                  link(hashOf({ view: 'function', functionId, invocationId: outcome.invocationId }), 'details'),
                ),
                ...bodyBlock(outcome.response),
              );
              context.status(`Invoked: ${outcome.status}, HTTP ${outcome.response.status}.`);
            })
            .catch((error: Error) => {
              show(result, h('p', { class: 'error-text' }, error.message));
              context.status(`Invoke failed: ${error.message}`, 'error');
            })
            .finally(() => (submit.disabled = false));
        },
      },
    },
    h('h2', { id: 'invoke-heading' }, 'Invoke'),
    h(
      'div',
      { class: 'invoke-line' },
      h('label', { attrs: { for: 'invoke-method' } }, 'Method'),
      method,
      h('label', { attrs: { for: 'invoke-path' } }, 'Path'),
      path,
    ),
    h('label', { attrs: { for: 'invoke-body' } }, 'Body (JSON is sent as application/json)'),
    body,
    h('div', { class: 'actions' }, submit),
    result,
  );
  return form;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export async function functionView(context: ViewContext, functionId: string, invocationId: string | undefined): Promise<void> {
  const { api, signal } = context;
  const deployed = await loadDeployed(api);
  const found = deployed.find(functionId);
  if (!found) {
    show(
      context.main,
      h('h1', { attrs: { tabindex: '-1' } }, 'No such function'),
      h('p', {}, `There is no function ${functionId} on this platform.`),
      link(hashOf({ view: 'overview' }), 'Back to the overview'),
    );
    return;
  }
  const { fn, environment, application } = found;
  const path = `/__local/api/functions/${encodeURIComponent(functionId)}`;
  const [recent, [series]] = await Promise.all([
    api.get<InvocationSummary>(`${path}/invocations`, { limit: String(RECENT) }),
    api.get<FunctionSeries>(`${path}/series`),
  ]);

  const rows = h('tbody', {}, ...recent.map((invocation) => invocationRow(functionId, invocation)));
  const empty = h('p', { class: 'muted' }, 'No invocations yet: invoke the function, or call its URL.');
  empty.hidden = recent.length > 0;
  const live = h('span', { class: 'live', attrs: { role: 'status' } }, 'connecting…');
  const charts = h('div', { class: 'charts' });
  const drawCharts = (figures: FunctionSeries | undefined): void => {
    if (figures) show(charts, latencyChart(figures), errorChart(figures));
  };
  drawCharts(series);
  const detail = h('section', { class: 'detail', attrs: { 'aria-label': 'Invocation' } });
  detail.hidden = invocationId === undefined;

  show(
    context.main,
    h('p', { class: 'crumbs' }, link(hashOf({ view: 'overview' }), 'Overview'), ` / ${application.name} / ${environment.name} /`),
    h('h1', { attrs: { tabindex: '-1' } }, fn.name, h('span', { class: 'id' }, fn.id)),
    detail,
    h(
      'div',
      { class: 'columns' },
      h('section', { class: 'panel' }, invokeForm(context, functionId)),
      h('section', { class: 'panel config' }, h('h2', {}, 'Configuration'), ...functionDetails(fn)),
    ),
    h('section', { class: 'panel' }, h('h2', {}, 'Last hour'), charts),
    h(
      'section',
      { class: 'panel' },
      h('div', { class: 'section-head' }, h('h2', {}, 'Recent invocations'), live),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'invocations' },
          h(
            'thead',
            {},
            h('tr', {}, ...['Time', 'Status', 'Duration', 'Version', 'Start'].map((name) => h('th', { attrs: { scope: 'col' } }, name))),
          ),
          rows,
        ),
      ),
      empty,
    ),
  );
  if (invocationId) {
    await invocationDetail(context, functionId, invocationId, detail).catch((error: Error) => {
      show(
        detail,
        h(
          'p',
          { class: 'error-text' },
          error instanceof ApiError && error.status === 404 ? 'That invocation is no longer kept.' : error.message,
        ),
      );
    });
  }

  let chartsDue: ReturnType<typeof setTimeout> | undefined;
  signal.addEventListener('abort', () => clearTimeout(chartsDue));
  void api.tail(
    functionId,
    ({ invocation }) => {
      if (rows.querySelector(`tr[data-invocation="${CSS.escape(invocation.invocationId)}"]`)) return;
      rows.prepend(invocationRow(functionId, invocation));
      while (rows.rows.length > RECENT) rows.deleteRow(-1);
      empty.hidden = true;
      chartsDue ??= setTimeout(() => {
        chartsDue = undefined;
        api.get<FunctionSeries>(`${path}/series`).then(
          ([figures]) => drawCharts(figures),
          () => undefined,
        );
      }, CHART_REFRESH_MS);
    },
    (connected) => {
      live.textContent = connected ? 'live' : 'reconnecting…';
      live.classList.toggle('on', connected);
    },
    signal,
  );
}

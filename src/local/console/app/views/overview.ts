/** Overview: applications → environments → functions, each function with what configures and reaches it. */
import type { OverviewEnvironment, OverviewFunction } from '../../api-types';
import { versionSplit } from '../charts';
import { facts, h, link, show, table, type Child } from '../dom';
import { bytes, dateTime, fromNow, utcMinute } from '../format';
import { hashOf } from '../session';
import { loadDeployed, type ViewContext } from './context';

function urlLink(url: string): HTMLAnchorElement {
  // opens the function in a new tab: a GET to it runs it, as any visit would
  return h('a', { class: 'url', attrs: { href: url, target: '_blank', rel: 'noopener noreferrer' } }, url);
}

function endpoints(fn: OverviewFunction): Child {
  if (fn.endpoints.length === 0) return null;
  return h(
    'section',
    { class: 'sub' },
    h('h4', {}, 'Endpoints'),
    h(
      'ul',
      { class: 'plain' },
      ...fn.endpoints.map((endpoint) =>
        h(
          'li',
          {},
          h('code', {}, `${endpoint.method} ${endpoint.pattern}`),
          endpoint.urls.length === 0
            ? h('span', { class: 'muted' }, ' — no alias in this environment: the endpoint is not reachable until one is added')
            : h('ul', { class: 'plain urls' }, ...endpoint.urls.map((url) => h('li', {}, urlLink(url)))),
        ),
      ),
    ),
  );
}

function cronJobs(fn: OverviewFunction): Child {
  if (fn.jobs.length === 0) return null;
  return h(
    'section',
    { class: 'sub' },
    h('h4', {}, 'Cron jobs'),
    table(
      ['Schedule', 'Enabled', 'Next runs'],
      fn.jobs.map((job) => [
        h('code', {}, job.cronExpression),
        job.isEnabled ? 'yes' : 'no',
        job.problem
          ? h('span', { class: 'error-text' }, job.problem)
          : job.nextRuns.length === 0
            ? '–'
            : h('ul', { class: 'plain' }, ...job.nextRuns.map((at) => h('li', {}, `${utcMinute(at)} (${fromNow(at)})`))),
      ]),
    ),
  );
}

function versions(fn: OverviewFunction): HTMLElement {
  return h(
    'details',
    { class: 'sub' },
    h('summary', {}, `${fn.versions.length} version${fn.versions.length === 1 ? '' : 's'} (latest v${fn.latestVersion})`),
    table(
      ['Version', 'Handler', 'Code', 'Created'],
      [...fn.versions]
        .reverse()
        .map((version) => [
          `v${version.version}`,
          h('code', {}, version.handler),
          h('span', { attrs: { title: `sha256 ${version.sha256}` } }, `${bytes(version.size)} · ${version.sha256.slice(0, 12)}`),
          dateTime(Date.parse(version.createdAt)),
        ]),
    ),
  );
}

/** A function's configuration, versions, split, URL, endpoints and cron jobs: the overview's card and the function page's header. */
export function functionDetails(fn: OverviewFunction): HTMLElement[] {
  return [
    facts([
      ['Runtime', fn.runtime],
      ['Memory', `${fn.limits.memory} MB`],
      ['Timeout', `${fn.limits.timeout} s`],
      ['Access', fn.access],
      ['URL', urlLink(fn.url)],
      ['Variables', fn.environmentVariableNames.length === 0 ? 'none' : fn.environmentVariableNames.join(', ')],
      ['CORS', fn.cors?.enabled ? `origin ${fn.cors.origin ?? '*'}` : undefined],
      ['Updated', dateTime(Date.parse(fn.updatedAt))],
    ]),
    versionSplit(fn.activeVersions, fn.latestVersion),
    versions(fn),
    ...[endpoints(fn), cronJobs(fn)].filter((part): part is HTMLElement => part instanceof HTMLElement),
  ];
}

function environmentSection(environment: OverviewEnvironment): HTMLElement {
  return h(
    'section',
    { class: 'environment' },
    h(
      'div',
      { class: 'section-head' },
      h('h3', {}, `Environment ${environment.name}`, h('span', { class: 'id' }, environment.id)),
      link(hashOf({ view: 'documents', environmentId: environment.id }), 'Documents'),
    ),
    environment.aliases.length === 0
      ? null
      : h(
          'p',
          { class: 'aliases' },
          'Aliases: ',
          ...environment.aliases.flatMap((alias, index) => [index > 0 ? ', ' : '', h('code', {}, alias.host), ' ', urlLink(alias.url)]),
        ),
    environment.functions.length === 0
      ? h('p', { class: 'muted' }, 'No functions yet.')
      : h(
          'div',
          { class: 'cards' },
          ...environment.functions.map((fn) =>
            h(
              'article',
              { class: 'card' },
              h(
                'h4',
                { class: 'card-title' },
                link(hashOf({ view: 'function', functionId: fn.id }), fn.name),
                h('span', { class: 'id' }, fn.id),
              ),
              ...functionDetails(fn),
            ),
          ),
        ),
  );
}

export async function overviewView(context: ViewContext): Promise<void> {
  const { applications } = await loadDeployed(context.api);
  const heading = h('h1', { attrs: { tabindex: '-1' } }, 'Overview');
  if (applications.length === 0) {
    show(context.main, heading, h('p', {}, 'Nothing is deployed yet. Deploy a service with serverless deploy, pointed at this platform.'));
    return;
  }
  show(
    context.main,
    heading,
    ...applications.map((application) =>
      h(
        'section',
        { class: 'application' },
        h('h2', {}, `Application ${application.name}`, h('span', { class: 'id' }, application.id)),
        application.description ? h('p', {}, application.description) : null,
        ...application.environments.map(environmentSection),
      ),
    ),
  );
}

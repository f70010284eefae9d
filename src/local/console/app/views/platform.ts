/** The platform itself: counters, warm worker processes against the budget, faults in force. */
import type { ConsolePlatform } from '../../api-types';
import { button, facts, h, link, show, table } from '../dom';
import { bytes, dateTime, duration } from '../format';
import { hashOf } from '../session';
import type { ViewContext } from './context';

function draw(context: ViewContext, platform: ConsolePlatform, heading: HTMLElement, refresh: HTMLElement): void {
  const { stats, workers, processes } = platform;
  const requests = Object.entries(stats.requests).sort(([a], [b]) => a.localeCompare(b));
  show(
    context.main,
    h('div', { class: 'section-head' }, heading, refresh),
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { class: 'panel' },
        h('h2', {}, 'Platform'),
        facts([
          ['Version', platform.version],
          ['Started', dateTime(Date.parse(platform.startedAt))],
          ['Database', platform.database],
          [
            'Metrics',
            h(
              'span',
              {},
              link('/__local/metrics', '/__local/metrics'),
              platform.metricsNeedToken ? ' (needs the token)' : ' (open on loopback)',
            ),
          ],
          ['Faults in force', platform.faults ? h('code', {}, platform.faults) : 'none'],
        ]),
      ),
      h(
        'section',
        { class: 'panel' },
        h('h2', {}, 'Stats'),
        facts([
          ['Invocations', String(stats.invocations)],
          ['Cold starts', String(stats.coldStarts)],
          ['API request bytes', bytes(stats.requestBytes)],
          ['Code uploaded', bytes(stats.codeBytesUploaded)],
        ]),
      ),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'Worker processes'),
      h(
        'p',
        {},
        `${workers.workers} of at most ${workers.maxWorkers} (${workers.busy} busy, ${workers.queued} calls waiting), ${workers.residentMb} MB resident` +
          (workers.maxWorkerMemoryMb === undefined ? '.' : ` of ${workers.maxWorkerMemoryMb} MB allowed.`),
      ),
      processes.length === 0
        ? h('p', { class: 'muted' }, 'No warm workers.')
        : table(
            ['Function', 'Version', 'PID', 'Memory', 'State'],
            processes.map((worker) => [
              link(hashOf({ view: 'function', functionId: worker.functionId }), worker.functionName ?? worker.functionId),
              `v${worker.version}`,
              worker.pid === undefined ? '–' : String(worker.pid),
              worker.residentMb === undefined ? '–' : `${Math.round(worker.residentMb)} MB`,
              (worker.busy ? 'busy' : `idle ${duration(worker.idleMs)}`) + (worker.retiring ? ', retiring (code changed)' : ''),
            ]),
          ),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, 'Management API requests'),
      requests.length === 0
        ? h('p', { class: 'muted' }, 'None yet.')
        : table(
            ['Route', 'Requests'],
            requests.map(([route, count]) => [h('code', {}, route), String(count)]),
          ),
    ),
  );
}

export async function platformView(context: ViewContext): Promise<void> {
  const heading = h('h1', { attrs: { tabindex: '-1' } }, 'Platform');
  // read again when asked, not on a timer: redrawing under a keyboard user would take their focus away
  const refresh = button('Refresh', () => {
    read().then(
      () => {
        refresh.focus();
        context.status('Platform figures read again.');
      },
      (error: Error) => context.status(`Reading the platform failed: ${error.message}`, 'error'),
    );
  });
  const read = async (): Promise<void> => {
    const [platform] = await context.api.get<ConsolePlatform>('/__local/api/platform');
    if (platform && !context.signal.aborted) draw(context, platform, heading, refresh);
  };
  await read();
}

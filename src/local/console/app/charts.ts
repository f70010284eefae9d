/**
 * The console's drawings, in SVG built element by element: the activeVersions split, and a
 * function's latency (p50, p95) and error rate over the last hour. Each comes with its
 * figures in words, for whoever does not see the drawing.
 */
import type { ActiveVersion } from '../../../spec/wire';
import type { FunctionSeries } from '../api-types';
import { h, svg } from './dom';
import { duration } from './format';

/** The share each version gets, in percent, as the platform picks them; `$LATEST` is `latestVersion`. */
export function versionShares(activeVersions: ActiveVersion[], latestVersion: number): Array<{ label: string; percentage: number }> {
  const total = activeVersions.reduce((sum, entry) => sum + entry.percentage, 0);
  return activeVersions.map((entry) => ({
    label: entry.version === '$LATEST' ? `$LATEST (v${latestVersion})` : `v${entry.version}`,
    percentage: total > 0 ? (entry.percentage * 100) / total : 0,
  }));
}

const SHADES = 4;

/** The activeVersions split as one bar, a segment per version, with a legend. */
export function versionSplit(activeVersions: ActiveVersion[], latestVersion: number): HTMLElement {
  const shares = versionShares(activeVersions, latestVersion);
  const bar = svg('svg', { class: 'split', viewBox: '0 0 100 6', preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' });
  let x = 0;
  shares.forEach((share, index) => {
    bar.append(
      svg(
        'rect',
        { x, y: 0, width: share.percentage, height: 6, class: `shade-${index % SHADES}` },
        svg('title', {}, `${share.label}: ${share.percentage.toFixed(0)} %`),
      ),
    );
    x += share.percentage;
  });
  const legend = h(
    'ul',
    { class: 'legend' },
    ...shares.map((share, index) =>
      h(
        'li',
        {},
        h('span', { class: `swatch shade-${index % SHADES}`, attrs: { 'aria-hidden': 'true' } }),
        `${share.label} ${share.percentage.toFixed(0)} %`,
      ),
    ),
  );
  return h('figure', { class: 'split-figure' }, bar, h('figcaption', {}, 'Traffic split (activeVersions)'), legend);
}

const WIDTH = 600;
const HEIGHT = 150;
const PAD = { left: 48, right: 8, top: 10, bottom: 22 };

function xOf(series: FunctionSeries, at: number): number {
  return PAD.left + ((at - series.from) / (series.to - series.from)) * (WIDTH - PAD.left - PAD.right);
}

function frame(series: FunctionSeries, label: string, top: string): SVGSVGElement {
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': label });
  const bottom = HEIGHT - PAD.bottom;
  chart.append(
    svg('line', { class: 'axis', x1: PAD.left, x2: WIDTH - PAD.right, y1: bottom, y2: bottom }),
    svg('line', { class: 'axis', x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: bottom }),
    svg('text', { class: 'tick', x: PAD.left - 6, y: PAD.top + 8, 'text-anchor': 'end' }, top),
    svg('text', { class: 'tick', x: PAD.left - 6, y: bottom, 'text-anchor': 'end' }, '0'),
    svg('text', { class: 'tick', x: PAD.left, y: HEIGHT - 6 }, '−60 min'),
    svg(
      'text',
      { class: 'tick', x: xOf(series, series.from + (series.to - series.from) / 2), y: HEIGHT - 6, 'text-anchor': 'middle' },
      '−30 min',
    ),
    svg('text', { class: 'tick', x: WIDTH - PAD.right, y: HEIGHT - 6, 'text-anchor': 'end' }, 'now'),
  );
  return chart;
}

/** Polylines of p50 and p95 per minute; a minute without invocations breaks the line. */
export function latencyChart(series: FunctionSeries): HTMLElement {
  const timed = series.buckets.filter((bucket) => bucket.p95 !== undefined);
  const max = Math.max(1, ...timed.map((bucket) => bucket.p95 ?? 0));
  const yOf = (ms: number): number => HEIGHT - PAD.bottom - (ms / max) * (HEIGHT - PAD.top - PAD.bottom);
  const summary =
    timed.length === 0
      ? 'No invocations in the last hour.'
      : `Last hour: p50 from ${duration(Math.min(...timed.map((b) => b.p50 ?? 0)))} to ${duration(Math.max(...timed.map((b) => b.p50 ?? 0)))}, ` +
        `p95 up to ${duration(max)}.`;
  const chart = frame(series, `Latency per minute, last hour. ${summary}`, duration(max));
  for (const [key, className] of [
    ['p95', 'line-p95'],
    ['p50', 'line-p50'],
  ] as const) {
    let points: string[] = [];
    const flush = (): void => {
      if (points.length === 1) {
        const [x, y] = points[0].split(',');
        chart.append(svg('circle', { class: className, cx: x, cy: y, r: 2.5 }));
      } else if (points.length > 1) chart.append(svg('polyline', { class: className, points: points.join(' ') }));
      points = [];
    };
    for (const bucket of series.buckets) {
      const value = bucket[key];
      if (value === undefined) flush();
      else points.push(`${xOf(series, bucket.start + series.bucketMs / 2).toFixed(1)},${yOf(value).toFixed(1)}`);
    }
    flush();
  }
  const legend = h(
    'ul',
    { class: 'legend' },
    h('li', {}, h('span', { class: 'swatch line-p50' }), 'p50'),
    h('li', {}, h('span', { class: 'swatch line-p95' }), 'p95'),
  );
  return h(
    'figure',
    { class: 'chart-figure' },
    h('figcaption', {}, 'Latency (p50, p95)'),
    chart,
    legend,
    h('p', { class: 'chart-summary' }, summary),
  );
}

/** A bar per minute: the share of invocations that failed or timed out. */
export function errorChart(series: FunctionSeries): HTMLElement {
  const total = series.buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  const errors = series.buckets.reduce((sum, bucket) => sum + bucket.errors, 0);
  const summary =
    total === 0
      ? 'No invocations in the last hour.'
      : `Last hour: ${errors} of ${total} invocations failed (${((errors * 100) / total).toFixed(1)} %).`;
  const chart = frame(series, `Error rate per minute, last hour. ${summary}`, '100 %');
  const slot = (WIDTH - PAD.left - PAD.right) / series.buckets.length;
  const height = HEIGHT - PAD.top - PAD.bottom;
  for (const bucket of series.buckets) {
    if (bucket.count === 0) continue;
    const rate = bucket.errors / bucket.count;
    const x = xOf(series, bucket.start);
    // a minute with calls and no error shows as a thin base line: calls were made
    const barHeight = Math.max(1, rate * height);
    chart.append(
      svg(
        'rect',
        {
          class: rate > 0 ? 'bar-error' : 'bar-ok',
          x: x + 0.5,
          y: HEIGHT - PAD.bottom - barHeight,
          width: Math.max(1, slot - 1),
          height: barHeight,
        },
        svg('title', {}, `${bucket.errors} of ${bucket.count} failed`),
      ),
    );
  }
  return h('figure', { class: 'chart-figure' }, h('figcaption', {}, 'Error rate'), chart, h('p', { class: 'chart-summary' }, summary));
}

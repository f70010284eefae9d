/** The options of `serverless logs`: when to start, how often to poll, what to keep. */
import { SpotinstError } from '../framework/errors';
import { stringOption } from '../framework/options';
import type { CliOptions } from '../framework/serverless';

export const DEFAULT_START_AGO_MS = 10 * 60 * 1000;
export const DEFAULT_INTERVAL_MS = 1000;
/** Polling faster than this only loads the API; slower than this is not tailing. */
const MIN_INTERVAL_MS = 100;
const MAX_INTERVAL_MS = 10 * 60 * 1000;

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60 * 1000,
  h: 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
  w: 7 * 24 * 60 * 60 * 1000,
};

const ACCEPTED =
  'Accepted: a duration ago (30m, 2h, 3d; also s and w), an ISO date or time (2024-05-01, 2024-05-01T12:30:00Z), or epoch milliseconds (1714566600000).';

/** Epoch ms below this (March 1973) are almost certainly epoch seconds typed by mistake. */
const EARLIEST_EPOCH_MS = 1e11;

function invalid(value: string, why: string): SpotinstError {
  return new SpotinstError(`--startTime "${value}" ${why}. ${ACCEPTED}`, 'SPOTINST_LOGS_START_TIME_INVALID');
}

/** `--startTime` → epoch ms. */
export function parseStartTime(value: string, now: number): number {
  const text = value.trim();
  const duration = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(text);
  if (duration) {
    const ago = Number(duration[1]) * UNIT_MS[duration[2].toLowerCase()];
    return now - ago;
  }
  if (/^\d+$/.test(text)) {
    const epoch = Number(text);
    if (epoch < EARLIEST_EPOCH_MS) {
      throw invalid(
        value,
        text.length === 10 ? 'looks like epoch seconds; give milliseconds (append 000)' : 'is a bare number, not a time',
      );
    }
    return epoch;
  }
  // ISO 8601 only: Date.parse also takes "Tuesday" or "1/2/3", which mean different things to different people
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    const time = Date.parse(text.replace(' ', 'T'));
    if (!Number.isNaN(time)) return time;
    throw invalid(value, 'is not a real date');
  }
  throw invalid(value, 'is not a time');
}

/** The start of the window: `--startTime`, else 10 minutes ago. Refuses the future, where nothing is. */
export function startTimeOption(options: CliOptions, now: number): number {
  const value = stringOption(options, 'startTime', 'SPOTINST_LOGS_START_TIME_INVALID', '30m');
  if (value === undefined) return now - DEFAULT_START_AGO_MS;
  const start = parseStartTime(value, now);
  if (start > now + 60000) {
    throw invalid(value, `is in the future (${new Date(start).toISOString()})`);
  }
  return start;
}

export function intervalOption(options: CliOptions): number {
  const value = stringOption(options, 'interval', 'SPOTINST_LOGS_INTERVAL_INVALID', '1000');
  if (value === undefined) return DEFAULT_INTERVAL_MS;
  const interval = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || interval < MIN_INTERVAL_MS || interval > MAX_INTERVAL_MS) {
    throw new SpotinstError(
      `--interval "${value}" is not a number of milliseconds between ${MIN_INTERVAL_MS} and ${MAX_INTERVAL_MS}, e.g. --interval 1000.`,
      'SPOTINST_LOGS_INTERVAL_INVALID',
    );
  }
  return interval;
}

export function filterOption(options: CliOptions): string | undefined {
  const value = stringOption(options, 'filter', 'SPOTINST_LOGS_FILTER_INVALID', 'ERROR');
  return value === '' ? undefined : value;
}

import { filterOption, intervalOption, parseStartTime, startTimeOption } from '../../../src/logs/options';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');
const MINUTE = 60 * 1000;

describe('--startTime', () => {
  it.each([
    ['30m', NOW - 30 * MINUTE],
    ['2h', NOW - 120 * MINUTE],
    ['3d', NOW - 3 * 24 * 60 * MINUTE],
    ['45s', NOW - 45 * 1000],
    ['1w', NOW - 7 * 24 * 60 * MINUTE],
    ['1.5h', NOW - 90 * MINUTE],
    ['10M', NOW - 10 * MINUTE],
    ['2024-04-30', Date.parse('2024-04-30T00:00:00Z')],
    ['2024-05-01T11:30:00Z', Date.parse('2024-05-01T11:30:00Z')],
    ['2024-05-01T11:30:00.250+02:00', Date.parse('2024-05-01T09:30:00.250Z')],
    ['2024-05-01 11:30', Date.parse('2024-05-01T11:30')],
    ['1714563000000', 1714563000000],
  ])('%s', (value, expected) => {
    expect(parseStartTime(value, NOW)).toBe(expected);
  });

  it.each([
    ['yesterday', 'is not a time'],
    ['30', 'is a bare number, not a time'],
    ['1714563000', 'looks like epoch seconds; give milliseconds (append 000)'],
    ['2024-13-45', 'is not a real date'],
    ['30 minutes', 'is not a time'],
    ['-5m', 'is not a time'],
  ])('refuses %s, naming the value and the accepted forms', (value, why) => {
    expect(() => parseStartTime(value, NOW)).toThrow(
      expect.objectContaining({
        code: 'SPOTINST_LOGS_START_TIME_INVALID',
        message: `--startTime "${value}" ${why}. Accepted: a duration ago (30m, 2h, 3d; also s and w), an ISO date or time (2024-05-01, 2024-05-01T12:30:00Z), or epoch milliseconds (1714566600000).`,
      }),
    );
  });

  it('defaults to the last 10 minutes, refuses the future and a missing value', () => {
    expect(startTimeOption({}, NOW)).toBe(NOW - 10 * MINUTE);
    expect(() => startTimeOption({ startTime: '2024-06-01' }, NOW)).toThrow(/is in the future \(2024-06-01T00:00:00.000Z\)/);
    expect(() => startTimeOption({ startTime: true }, NOW)).toThrow(
      expect.objectContaining({ code: 'SPOTINST_LOGS_START_TIME_INVALID', message: '--startTime needs a value, e.g. --startTime 30m.' }),
    );
  });
});

describe('--interval and --filter', () => {
  it('reads the interval in milliseconds, 1000 by default', () => {
    expect(intervalOption({})).toBe(1000);
    expect(intervalOption({ interval: '250' })).toBe(250);
    for (const bad of ['fast', '1.5', '10', '-100', '']) {
      expect(() => intervalOption({ interval: bad })).toThrow(expect.objectContaining({ code: 'SPOTINST_LOGS_INTERVAL_INVALID' }));
    }
  });

  it('keeps a filter, and treats an empty one as none', () => {
    expect(filterOption({ filter: 'ERROR' })).toBe('ERROR');
    expect(filterOption({ filter: '' })).toBeUndefined();
    expect(filterOption({})).toBeUndefined();
  });
});

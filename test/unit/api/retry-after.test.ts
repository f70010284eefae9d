import { parseRetryAfter } from '../../../src/api';

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');

  it.each([
    ['0', 0],
    ['1', 1000],
    ['3', 3000],
    ['120', 120_000],
    [' 5 ', 5000],
    ['1.5', 1500],
    ['-5', 0],
  ])('delay-seconds %p → %p ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([
    ['Wed, 01 May 2024 12:00:30 GMT', 30_000],
    ['Wed, 01 May 2024 12:01:00 GMT', 60_000],
    ['Wed, 01 May 2024 12:00:00 GMT', 0],
    // in the past: retry now, never a negative delay
    ['Wed, 01 May 2024 11:59:00 GMT', 0],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 0],
  ])('HTTP date %p → %p ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([[undefined], [null], [''], ['   '], ['soon'], ['Infinity'], ['NaN'], [42], [['1']]])('unusable %p → undefined', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });

  it('uses the current time by default', () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const delay = parseRetryAfter(inTenSeconds);
    expect(delay).toBeGreaterThan(8000);
    expect(delay).toBeLessThanOrEqual(10_000);
  });
});

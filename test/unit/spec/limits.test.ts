import { checkStepRange, MEMORY_RULE, nearestInStepRange, TIMEOUT_RULE } from '../../../src/spec/limits';

describe('step and range rules', () => {
  it.each([128, 192, 1024, 2496])('memory %d MB is accepted', (memory) => {
    expect(checkStepRange(memory, MEMORY_RULE)).toBeUndefined();
  });

  it.each([
    [100, 128],
    [200, 192],
    [3000, 2496],
    [128.5, 128],
    [-64, 128],
  ])('memory %d MB is refused; the nearest accepted is %d', (memory, nearest) => {
    expect(checkStepRange(memory, MEMORY_RULE)).toEqual({
      kind: 'step-range',
      problem: 'must be a whole number of MB, a multiple of 64 between 128 and 2496',
      nearest,
    });
  });

  it.each([
    [0, 30],
    [45, 60],
    [600, 300],
  ])('timeout %d s is refused; the nearest accepted is %d', (timeout, nearest) => {
    expect(checkStepRange(timeout, TIMEOUT_RULE)).toMatchObject({
      problem: 'must be a whole number of seconds, a multiple of 30 between 30 and 300',
      nearest,
    });
  });

  it('a value that is no number has the minimum as its nearest', () => {
    expect(checkStepRange(Number.NaN, TIMEOUT_RULE)?.nearest).toBe(30);
    expect(nearestInStepRange(95, TIMEOUT_RULE)).toBe(90);
  });
});

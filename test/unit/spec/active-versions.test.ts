import { checkActiveVersions, formatHundredths, readPercentage, readVersionRef } from '../../../src/spec/active-versions';

describe('activeVersions', () => {
  it('counts in hundredths, so that thirds add up exactly', () => {
    const checked = checkActiveVersions([
      { version: '$LATEST', percentage: 33.33 },
      { version: 1, percentage: 33.33 },
      { version: '2', percentage: 33.34 },
    ]);
    expect(checked).toEqual({
      activeVersions: [
        { version: '$LATEST', percentage: 33.33 },
        { version: 1, percentage: 33.33 },
        { version: 2, percentage: 33.34 },
      ],
      problems: [],
    });
  });

  it('refuses a sum other than 100 and says by how much', () => {
    const checked = checkActiveVersions([
      { version: '$LATEST', percentage: 80 },
      { version: 1, percentage: 30 },
    ]);
    expect(checked.problems).toEqual([
      { reason: { kind: 'sum', problem: 'must add up to exactly 100; they add up to 110', difference: -1000 } },
    ]);
  });

  it('refuses a version listed twice, pointing at the first', () => {
    const checked = checkActiveVersions([
      { version: 2, percentage: 50 },
      { version: '2', percentage: 50 },
    ]);
    expect(checked.problems).toEqual([
      { index: 1, key: 'version', reason: { kind: 'duplicate', problem: '2 is listed twice (also at activeVersions[0])', firstIndex: 0 } },
    ]);
  });

  it('refuses an empty list and items that are not maps', () => {
    expect(checkActiveVersions([]).problems).toEqual([{ reason: { kind: 'empty', problem: 'must list at least one version' } }]);
    expect(checkActiveVersions([null]).problems[0]).toMatchObject({ index: 0, reason: { kind: 'not-an-item' } });
  });

  it.each([
    ['latest', '$LATEST'],
    [-1, 1],
    [1.5, 1],
  ])('version %j is refused; %j was probably meant', (value, nearest) => {
    expect(readVersionRef(value)).toMatchObject({ ok: false, reason: { kind: 'not-a-version', nearest } });
  });

  it.each([
    [0, 'range', undefined],
    [120, 'range', 100],
    [33.333, 'decimals', 33.33],
    ['20%', 'not-a-number', undefined],
    [undefined, 'missing', undefined],
  ])('percentage %j is refused (%s)', (value, kind, nearest) => {
    const read = readPercentage(value);
    expect(read).toMatchObject({ ok: false, reason: { kind } });
    if (!read.ok) expect(read.reason.nearest).toBe(nearest);
  });

  it('writes hundredths as a percentage is written', () => {
    expect([10000, 1050, 3333, -250, 1].map(formatHundredths)).toEqual(['100', '10.5', '33.33', '-2.5', '0.01']);
  });
});

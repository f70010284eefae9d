import { parseExpression } from 'cron-parser';
import { checkCronExpression, type CronCheck } from '../../../src/spec/cron';

function refusal(check: CronCheck) {
  if (check.ok) throw new Error(`accepted: ${check.expression}`);
  return check.reason;
}

describe('checkCronExpression', () => {
  it.each(['* * * * *', '*/5 * * * *', '0 0 * * MON', '0 0 1 * *', '30 0 */5 * * *', '0 0 ? * MON', '0 12 L * *', '0 0 * JAN-MAR SUN-SAT'])(
    'accepts %s as written',
    (expression) => {
      expect(checkCronExpression(`  ${expression} `)).toEqual({ ok: true, expression });
    },
  );

  it('reads a field starting with / as every n from the lowest value, and says so', () => {
    expect(checkCronExpression('/1 * * * *')).toEqual({
      ok: true,
      expression: '*/1 * * * *',
      note: 'the minute field "/1" was read as "*/1"',
    });
    expect(checkCronExpression('0 /15 /2 * * *')).toEqual({
      ok: true,
      expression: '0 */15 */2 * * *',
      note: 'the minute field "/15" was read as "*/15"; the hour field "/2" was read as "*/2"',
    });
  });

  it.each([
    ['61 * * * *', 'minute', '"61" is outside 0-59', 'the minute field accepts 0-59'],
    ['0 24 * * *', 'hour', '"24" is outside 0-23', 'the hour field accepts 0-23'],
    ['0 0 0 * *', 'day of month', '"0" is outside 1-31', 'the day of month field accepts 1-31'],
    ['0 0 1 13 *', 'month', '"13" is outside 1-12', 'the month field accepts 1-12 or JAN-DEC'],
    ['* * * * 8', 'day of week', '"8" is outside 0-7', 'the day of week field accepts 0-7 (0 and 7 are Sunday) or SUN-SAT'],
    ['61 * * * * *', 'second', '"61" is outside 0-59', 'the second field accepts 0-59'],
    ['0-70/5 * * * *', 'minute', '"0-70/5" has the range 0-70, outside 0-59', 'a step (*/5, 0-30/10)'],
    ['*/0 * * * *', 'minute', '"*/0" has a step of 0', 'a step must be 1 or more'],
    ['5-1 * * * *', 'minute', '"5-1" has a range that does not go from low to high', 'a range (1-5)'],
    ['-5 * * * *', 'minute', '"-5" is not a value, a range or a step', 'the minute field accepts'],
    ['0 0 * JANX *', 'month', '"JANX" has characters this field cannot have', 'JAN-DEC'],
  ])('names the field of %s in words and shows what it accepts', (expression, field, trouble, accepted) => {
    const reason = refusal(checkCronExpression(expression));
    expect(reason.kind).toBe('field');
    expect(reason.field?.name).toBe(field);
    expect(reason.problem).toContain(`is not a valid cron expression: its ${field} field ${trouble}`);
    expect(reason.problem).toContain(accepted);
    // cron-parser's own words name nothing a user can act on
    expect(reason.problem).not.toMatch(/Constraint error|expected range|Invalid characters|got value/);
  });

  it('the expression real services wrote no longer fails with "got value -59"', () => {
    expect(checkCronExpression('/1 * * * *').ok).toBe(true);
  });

  it('says when the fields name no date', () => {
    const reason = refusal(checkCronExpression('0 0 31 2 *'));
    expect(reason).toMatchObject({ kind: 'never', field: { name: 'day of month' } });
    expect(reason.problem).toBe('never fires: its day of month "31" does not occur in its month "2"');
  });

  it.each([
    ['rate(5 minutes)', 'aws-syntax', '*/5 * * * *'],
    ['rate(1 hour)', 'aws-syntax', '0 * * * *'],
    ['cron(0 12 * * ? *)', 'aws-syntax', '0 12 * * *'],
    ['@daily', 'macro', '0 0 * * *'],
    ['0 0 12 * * ? 2030', 'year-field', '0 0 12 * * *'],
  ])('%s is refused with the expression it stands for', (expression, kind, nearest) => {
    expect(refusal(checkCronExpression(expression))).toMatchObject({ kind, nearest });
  });

  it.each([
    ['', 0],
    ['* * *', 3],
    ['* * * *', 4],
    ['every minute', 2],
  ])('%j has the wrong number of fields', (expression, count) => {
    const reason = refusal(checkCronExpression(expression));
    expect(reason.kind).toBe('field-count');
    expect(reason.problem).toContain(`has ${count} field`);
    expect(reason.problem).toContain('5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first');
  });
});

describe('plain expressions, accepted without loading cron-parser', () => {
  // a deterministic spread of plain fields: single values, ranges, steps, lists, at and past the bounds
  const forms = (low: number, high: number): string[] => [
    '*',
    '*/1',
    `*/${high}`,
    `*/${high + 1}`,
    `${low}`,
    `${high}`,
    `${high + 1}`,
    `${low}-${high}`,
    `${high}-${low}`,
    `${low}-${high}/2`,
    `${low},${high}`,
    `${low}/5`,
    '00',
  ];
  const parser = (expression: string): boolean => {
    try {
      parseExpression(expression, { utc: true }).next();
      return true;
    } catch {
      return false;
    }
  };

  it('accepts exactly what cron-parser accepts', () => {
    const fieldForms = [
      forms(0, 59),
      forms(0, 23),
      [...forms(1, 31), '29', '30'],
      [...forms(1, 12), '2'],
      ['*', '0', '7', '1-5', '0-7/2', '8'],
    ];
    const expressions = new Set<string>();
    // each form of each field among stars: the bounds, field by field
    fieldForms.forEach((options, index) => {
      for (const form of options) expressions.add(fieldForms.map((_, other) => (other === index ? form : '*')).join(' '));
    });
    // days that may never come, in the months they do not have
    for (const day of ['29', '30', '31', '1-31', '30,31'])
      for (const month of ['2', '4', '1-2', '*']) expressions.add(`0 0 ${day} ${month} *`);
    // and a spread of mixed ones (a fixed sequence, the same every run)
    let seed = 7;
    const pick = (options: string[]): string => options[(seed = (seed * 1103515245 + 12345) % 2147483648) % options.length];
    for (let count = 0; count < 300; count += 1) expressions.add(fieldForms.map(pick).join(' '));
    const disagreements = [...expressions].filter((expression) => checkCronExpression(expression).ok !== parser(expression));
    expect(disagreements).toEqual([]);
  });
});

/**
 * The table of the platform's rules (test/fixtures/rules/cases.ts) fed to the plugin's
 * validator: a row is accepted when serverless.yml with that value has no error, refused
 * when the error is at the row's key. spotinst-local is fed the same table by its own test.
 */
import { RULE_CASES, type RuleCase } from '../../fixtures/rules/cases';
import { validateService, type RawServerless } from '../../../src/provider/validate';

const KEY = 'functions.hello';

function service(row: RuleCase): { raw: RawServerless; path: string } {
  const fn: Record<string, unknown> = { runtime: 'nodejs8.3', handler: 'handler.main' };
  let path: string;
  switch (row.field) {
    case 'memory':
    case 'timeout':
    case 'runtime':
    case 'activeVersions':
      fn[row.field] = row.value;
      path = `${KEY}.${row.field}`;
      break;
    case 'cron':
      fn.cron = { active: true, value: row.value };
      path = `${KEY}.cron.value`;
      break;
    case 'environmentVariableName':
      fn.environmentVariables = { [String(row.value)]: 'x' };
      path = `${KEY}.environmentVariables`;
      break;
  }
  return { raw: { service: 'svc', stage: 'dev', provider: { name: 'spotinst' }, functions: { hello: fn } }, path };
}

describe('the table of rules, fed to the validator', () => {
  it('has rows of both kinds for every field', () => {
    const fields = new Set(RULE_CASES.map((row) => row.field));
    for (const field of fields) {
      expect(RULE_CASES.some((row) => row.field === field && row.accepted)).toBe(true);
      expect(RULE_CASES.some((row) => row.field === field && !row.accepted)).toBe(true);
    }
    expect([...fields].sort()).toEqual(['activeVersions', 'cron', 'environmentVariableName', 'memory', 'runtime', 'timeout']);
  });

  it.each(RULE_CASES.map((row) => [row.field, JSON.stringify(row.value), row.accepted ? 'accepted' : 'refused', row] as const))(
    '%s %s is %s',
    (_field, _value, _verdict, row) => {
      const { raw, path } = service(row);
      const { errors } = validateService(raw);
      const atKey = errors.filter((error) => error.path === path || error.path.startsWith(`${path}.`) || error.path.startsWith(`${path}[`));
      // nothing else of the file is wrong: a refusal is this row's
      expect(errors.filter((error) => !atKey.includes(error))).toEqual([]);
      if (row.accepted) expect(atKey).toEqual([]);
      else expect(atKey.length).toBeGreaterThan(0);
    },
  );
});

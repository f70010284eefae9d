/**
 * The table of the platform's rules (test/fixtures/rules/cases.ts) fed to spotinst-local
 * through its API: a row is accepted when the request carrying the value succeeds, refused
 * when it gets a 400 naming the field. The plugin's validator is fed the same table by
 * test/unit/provider/rules-table.test.ts, so the two accept and refuse the same rows.
 */
import { SpotinstApiError } from '../../../src/api';
import { RULE_CASES, type RuleCase } from '../../fixtures/rules/cases';
import { zipFiles } from '../../fixtures/functions/build';
import { toApiRuntime } from '../../../src/spec/runtimes';
import type { ActiveVersion, FunctionInput } from '../../../src/spec/wire';
import { createEnvironment, startTestPlatform, stopTestPlatform, type TestPlatform } from '../../helpers/platform';

let test: TestPlatform;
let environmentId: string;
let versioned: string;
let source: string;
let serial = 0;

function functionInput(overrides: Partial<FunctionInput> = {}): FunctionInput {
  serial += 1;
  return {
    environmentId,
    name: `row-${serial}`,
    runtime: 'nodejs83',
    access: 'public',
    limits: { memory: 128, timeout: 30 },
    code: { handler: 'handler.main', source },
    ...overrides,
  };
}

/** The API call a row's value travels in, and the field a refusal must name. */
function request(row: RuleCase): { send: () => Promise<unknown>; field: string } {
  const { client } = test;
  switch (row.field) {
    case 'memory':
    case 'timeout':
      return {
        send: () => client.functions.create(functionInput({ limits: { memory: 128, timeout: 30, [row.field]: row.value as number } })),
        field: `function.limits.${row.field}`,
      };
    case 'runtime':
      // the client sends the wire form, as the plugin does
      return { send: () => client.functions.create(functionInput({ runtime: String(row.value) })), field: 'function.runtime' };
    case 'environmentVariableName':
      return {
        send: () => client.functions.create(functionInput({ environmentVariables: { [String(row.value)]: 'x' } })),
        field: 'function.environmentVariables',
      };
    case 'activeVersions':
      return {
        send: () => client.functions.update(versioned, { environmentId, activeVersions: row.value as ActiveVersion[] }),
        field: 'function.activeVersions',
      };
    case 'cron':
      return {
        send: () =>
          client.cronJobs.create({
            environmentId,
            action: 'INVOKE_FUNCTION',
            resourceId: versioned,
            isEnabled: true,
            cronExpression: String(row.value),
          }),
        field: 'job.cronExpression',
      };
  }
}

beforeAll(async () => {
  test = await startTestPlatform();
  ({ environmentId } = await createEnvironment(test.client));
  source = (await zipFiles({ 'handler.js': 'exports.main = async () => ({ statusCode: 200, body: "ok" });' })).toString('base64');
  const created = await test.client.functions.create(functionInput());
  versioned = created.id;
  // versions 1 and 2, so that a split naming them is judged by its percentages alone
  for (const n of [1, 2]) {
    const code = (await zipFiles({ 'handler.js': `exports.main = async () => (${n});` })).toString('base64');
    await test.client.functions.update(versioned, { environmentId, code: { handler: 'handler.main', source: code } });
  }
});

afterAll(() => stopTestPlatform(test));

describe('the table of rules, fed to spotinst-local', () => {
  it.each(RULE_CASES.map((row) => [row.field, JSON.stringify(row.value), row.accepted ? 'accepted' : 'refused', row] as const))(
    '%s %s is %s',
    async (_field, _value, _verdict, row) => {
      const { send, field } = request(row.field === 'runtime' ? { ...row, value: toApiRuntime(String(row.value)) } : row);
      let refusal: unknown;
      try {
        await send();
      } catch (error) {
        refusal = error;
      }
      if (row.accepted) {
        expect(refusal).toBeUndefined();
        return;
      }
      if (!(refusal instanceof SpotinstApiError)) throw refusal instanceof Error ? refusal : new Error('the request was accepted');
      expect(refusal.status).toBe(400);
      expect(refusal.errors.map((item) => item.field ?? '').some((named) => named.startsWith(field))).toBe(true);
    },
  );
});

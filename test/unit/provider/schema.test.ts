/**
 * The schema the plugin gives the framework, compiled the way the framework compiles it
 * (its own AJV, strict mode, coerceTypes 'array'): it must compile, leave wrong values to
 * validate.ts (whose messages say what to write), and still turn "true"/"false" strings
 * (what `${env:…}` resolves to) into booleans, as the typed schema used to.
 */
import path from 'node:path';
import type AjvClass from 'ajv';
import { providerSchema } from '../../../src/provider/schema';

type AjvConstructor = typeof AjvClass;
const frameworkDir = path.dirname(require.resolve('serverless/package.json'));
const Ajv = (require(require.resolve('ajv', { paths: [frameworkDir] })) as { default: AjvConstructor }).default;

/** provider and one function, with additionalProperties false as the framework's base schema has. */
function compile() {
  const ajv = new Ajv({ allErrors: true, coerceTypes: 'array', verbose: true, strict: true, strictRequired: false });
  return ajv.compile({
    type: 'object',
    properties: {
      provider: {
        type: 'object',
        properties: { name: { const: 'spotinst' }, ...providerSchema.provider.properties },
        additionalProperties: false,
      },
      functions: {
        type: 'object',
        patternProperties: {
          '^[a-zA-Z0-9-_]+$': { type: 'object', properties: providerSchema.function.properties, additionalProperties: false },
        },
      },
    },
  });
}

describe('providerSchema', () => {
  const validate = compile();

  it('accepts the values validate.ts explains better: ranges, enums, units, wrong shapes, unknown nested keys', () => {
    const config = {
      provider: { name: 'spotinst', spotinst: { enviroment: 'env-1', prune: 'yes' }, environmentVariables: { LIMITS: { max: 3 } } },
      functions: {
        hello: {
          memory: 4096,
          timeout: '30s',
          access: 'open',
          runtime: 7,
          cron: '* * * * *',
          endpoint: { path: '/x', verb: 'get' },
          cors: [{ enabled: true }],
          activeVersions: [{ version: 'latest', percentage: 120 }],
          iamRoleConfig: 'sfr-1',
          environmentVariables: ['A=1'],
        },
      },
    };
    expect(validate(config)).toBe(true);
    expect(validate.errors).toBeNull();
  });

  it('still reports a misspelt function key', () => {
    expect(validate({ provider: { name: 'spotinst' }, functions: { hello: { memroy: 128 } } })).toBe(false);
    expect(validate.errors?.map((error) => error.params)).toEqual([{ additionalProperty: 'memroy' }]);
  });

  it('turns "true" and "false" into booleans for prune, cron.active and cors.enabled, and leaves other words for validate.ts', () => {
    const config = {
      provider: { name: 'spotinst', spotinst: { prune: 'true' } },
      functions: {
        hello: { cron: { active: 'false', value: '* * * * *' }, cors: { enabled: 'true' } },
        world: { cron: { active: 'yes' } },
      },
    };
    expect(validate(config)).toBe(true);
    expect(config.provider.spotinst.prune).toBe(true);
    expect(config.functions.hello.cron.active).toBe(false);
    expect(config.functions.hello.cors.enabled).toBe(true);
    expect(config.functions.world.cron.active).toBe('yes');
  });
});

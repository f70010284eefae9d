import { checkEnvironmentVariableName, RESERVED_ENV_NAMES } from '../../../src/spec/environment-variables';
import { platformVariables } from '../../../src/spec/contract';

describe('environment variable names', () => {
  it.each(['LOG_LEVEL', '_private', 'a1'])('%s is accepted', (name) => {
    expect(checkEnvironmentVariableName(name)).toBeUndefined();
  });

  it.each([
    ['LOG-LEVEL', 'LOG_LEVEL'],
    ['1ST', '_1ST'],
    ['MY VAR', 'MY_VAR'],
    ['…', undefined],
  ])('%j is refused; %j would do', (name, nearest) => {
    const refusal = checkEnvironmentVariableName(name);
    expect(refusal).toMatchObject({
      kind: 'pattern',
      problem: 'is not a valid environment variable name (letters, digits and _, not starting with a digit)',
    });
    expect(refusal?.nearest).toBe(nearest);
  });

  it('the names the platform sets are the reserved ones', () => {
    const set = Object.keys(platformVariables({}, { functionId: 'fx-1', environmentId: 'env-1', version: 1 }));
    expect(set.sort()).toEqual([...RESERVED_ENV_NAMES].sort());
    expect(checkEnvironmentVariableName('SPOTINST_FUNCTION_ID')).toEqual({
      kind: 'reserved',
      problem: 'is reserved: the platform sets it for every invocation',
      nearest: 'MY_FUNCTION_ID',
    });
  });
});

import { localEnvironment, parseEnvOptions } from '../../../src/invoke-local/environment';

describe('parseEnvOptions (--env KEY=VALUE, repeatable)', () => {
  it('takes one value or a list, splitting at the first "="', () => {
    expect(parseEnvOptions(undefined)).toEqual({});
    expect(parseEnvOptions('A=1')).toEqual({ A: '1' });
    expect(parseEnvOptions(['A=1', 'B=x=y', 'EMPTY=', '_u9=ok'])).toEqual({ A: '1', B: 'x=y', EMPTY: '', _u9: 'ok' });
    // the last one given wins, as in a shell
    expect(parseEnvOptions(['A=1', 'A=2'])).toEqual({ A: '2' });
  });

  it('refuses what is not KEY=VALUE, naming the item', () => {
    expect(() => parseEnvOptions(['A=1', 'B'])).toThrow(
      expect.objectContaining({
        code: 'SPOTINST_INVOKE_LOCAL_ENV_INVALID',
        message: '--env B has no "=". Write KEY=VALUE, e.g. --env STAGE=dev (an empty value is KEY=).',
      }),
    );
    expect(() => parseEnvOptions('=1')).toThrow(/"" is not a variable name/);
    expect(() => parseEnvOptions('A-B=1')).toThrow(/"A-B" is not a variable name/);
    expect(() => parseEnvOptions(true)).toThrow(/--env needs KEY=VALUE/);
  });
});

describe('localEnvironment', () => {
  it('is the function variables, then the platform ones, then --env', () => {
    const env = localEnvironment(
      { OWN: 'a', SPOTINST_FUNCTION_ID: 'forged' },
      { functionId: 'fx-local', environmentId: 'env-local', version: '$LATEST' },
      { OWN: 'b', SPOTINST_FUNCTION_VERSION: '7' },
    );
    expect(env).toEqual({
      OWN: 'b',
      SPOTINST_FUNCTION_ID: 'fx-local',
      SPOTINST_ENVIRONMENT_ID: 'env-local',
      SPOTINST_FUNCTION_VERSION: '7',
    });
  });
});

import { selectFunction } from '../../../src/remote/function';
import { functionModel, serviceModel } from '../../helpers/command-context';

const service = serviceModel([functionModel('hello'), functionModel('other', { name: 'custom-remote' })]);

describe('selectFunction', () => {
  it('finds the function by its key, or by its remote name', () => {
    expect(selectFunction(service, { function: 'hello' }, 'SPOTINST_LOGS').key).toBe('hello');
    expect(selectFunction(service, { function: 'custom-remote' }, 'SPOTINST_LOGS').key).toBe('other');
  });

  it('lists the functions when the name is unknown or missing', () => {
    expect(() => selectFunction(service, { function: 'nope' }, 'SPOTINST_LOGS')).toThrow(
      expect.objectContaining({
        code: 'SPOTINST_LOGS_UNKNOWN_FUNCTION',
        message: 'There is no function "nope" under functions: in serverless.yml. Functions in this service: hello, other.',
      }),
    );
    expect(() => selectFunction(serviceModel([]), {}, 'SPOTINST_INVOKE')).toThrow(
      expect.objectContaining({
        code: 'SPOTINST_INVOKE_FUNCTION_REQUIRED',
        message: 'Name the function with --function (-f). This service defines no functions.',
      }),
    );
  });
});

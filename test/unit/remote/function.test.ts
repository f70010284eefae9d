import { selectFunction } from '../../../src/remote/function';
import { functionModel, serviceModel, thrown } from '../../helpers/command-context';

const service = serviceModel([functionModel('hello'), functionModel('other', { name: 'custom-remote' })]);

describe('selectFunction', () => {
  it('finds the function by its key, or by its remote name', () => {
    expect(selectFunction(service, { function: 'hello' }).key).toBe('hello');
    expect(selectFunction(service, { function: 'custom-remote' }).key).toBe('other');
  });

  it('says the same thing, with the same code, whichever command asks', () => {
    expect(thrown(() => selectFunction(service, { function: 'nope' }))).toMatchObject({
      code: 'SPOTINST_FUNCTION_NOT_IN_FILE',
      message: 'Function "nope" is not in serverless.yml. Functions of this service: hello, other.',
    });
    expect(thrown(() => selectFunction(service, {}))).toMatchObject({
      code: 'SPOTINST_FUNCTION_REQUIRED',
      message: 'Name the function with --function (-f). Functions of this service: hello, other.',
    });
    expect(thrown(() => selectFunction(serviceModel([]), { function: '' }))).toMatchObject({
      code: 'SPOTINST_FUNCTION_REQUIRED',
      message: 'Name the function with --function (-f). This service defines no functions.',
    });
  });
});

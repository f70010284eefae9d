import { resultStatus } from '../../../src/spec/contract';

describe('resultStatus (SPEC §6), shared by spotinst-local and invoke local', () => {
  test.each([
    [{ statusCode: 201, body: 'x' }, 201],
    [{ statusCode: '404' }, 404],
    [{ statusCode: 100 }, 100],
    [{ statusCode: 599 }, 599],
    [{ statusCode: 99 }, undefined],
    [{ statusCode: 600 }, undefined],
    [{ statusCode: 200.5 }, undefined],
    [{ statusCode: 'abc' }, undefined],
    [{ statusCode: undefined }, undefined],
    [{ body: 'no statusCode' }, 200],
    [[{ statusCode: 500 }], 200],
    ['text', 200],
    [null, 200],
    [undefined, 200],
  ])('%j → %s', (result, status) => {
    expect(resultStatus(result)).toBe(status);
  });
});

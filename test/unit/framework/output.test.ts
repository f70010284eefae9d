import { formatBody, formatValue, platformError } from '../../../src/framework/output';
import { shortId } from '../../../src/spec/ids';
import { redactor } from '../../../src/util/redact';

describe('output of invoke and invoke local', () => {
  it('pretty-prints a JSON body, leaves other text and --raw alone', () => {
    expect(formatBody('{"a":[1]}', false)).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(formatBody('{"a":[1]}', true)).toBe('{"a":[1]}');
    expect(formatBody('<html>', false)).toBe('<html>');
    expect(formatBody('', false)).toBe('');
  });

  it('prints a result value as JSON unless it is a string', () => {
    expect(formatValue({ statusCode: 200 }, false)).toBe('{\n  "statusCode": 200\n}');
    expect(formatValue({ statusCode: 200 }, true)).toBe('{"statusCode":200}');
    expect(formatValue('text', false)).toBe('text');
    expect(formatValue(undefined, false)).toBe('');
    expect(formatValue(null, false)).toBe('null');
  });

  it("recognises the platform's error reply only", () => {
    expect(platformError('{"errorMessage":"boom","errorType":"Error"}')).toEqual({ errorMessage: 'boom', errorType: 'Error' });
    expect(platformError('{"errorMessage":"boom"}')).toEqual({ errorMessage: 'boom', errorType: undefined });
    expect(platformError('{"message":"x"}')).toBeUndefined();
    expect(platformError('boom')).toBeUndefined();
  });

  it('shortens invocation ids to 8 characters', () => {
    expect(shortId('1a2b3c4d-5e6f-7a8b-9c0d-112233445566')).toBe('1a2b3c4d');
    expect(shortId('inv-99aabbccdd')).toBe('99aabbcc');
  });

  it('redacts every occurrence of the token', () => {
    expect(redactor('s3cret')('a s3cret b s3cret')).toBe('a <token> b <token>');
    expect(redactor(undefined)('a s3cret')).toBe('a s3cret');
  });
});

import { redactor } from '../../../src/util/redact';

describe('redactor', () => {
  it('hides a long token wherever it appears, glued to other text too', () => {
    const token = 'a1b2c3d4e5f6a7b8c9d0';
    const hide = redactor(token);
    expect(hide(`Authorization: Bearer ${token}`)).toBe('Authorization: Bearer <token>');
    expect(hide(`url?token=${token}&x=1 and x${token}y`)).toBe('url?token=<token>&x=1 and x<token>y');
  });

  it('hides a short token only where it stands whole, leaving the letters of other words alone', () => {
    const hide = redactor('t');
    expect(hide('Function "test" cannot find the handler: Bearer t')).toBe('Function "test" cannot find the handler: Bearer <token>');
    expect(hide('{"token":"t"}')).toBe('{"token":"<token>"}');
    expect(redactor('local-token')('sent local-token; not local-tokens or my-local-token')).toBe(
      'sent <token>; not local-tokens or my-local-token',
    );
  });

  it('changes nothing without a token', () => {
    expect(redactor(undefined)('a s3cret')).toBe('a s3cret');
    expect(redactor('')('a s3cret')).toBe('a s3cret');
  });
});

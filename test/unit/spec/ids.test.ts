import { findIdOf, isIdOf, shortId } from '../../../src/spec/ids';

describe('ids', () => {
  it('tells ids of a kind by their prefix', () => {
    expect(isIdOf('environment', 'env-1a2b3c4d')).toBe(true);
    expect(isIdOf('environment', 'env_1a2b')).toBe(false);
    expect(isIdOf('environment', 'env-')).toBe(false);
    expect(isIdOf('account', 'act-12ab')).toBe(true);
    expect(findIdOf('environment', 'id: env-9f8e, not env_1')).toBe('env-9f8e');
  });

  it('shortens invocation ids to 8 characters, without their prefix', () => {
    expect(shortId('1a2b3c4d-5e6f-7a8b-9c0d-112233445566')).toBe('1a2b3c4d');
    expect(shortId('inv-99aabbccdd')).toBe('99aabbcc');
  });
});

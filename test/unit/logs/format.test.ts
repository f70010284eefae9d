import { stripVTControlCharacters } from 'node:util';
import { createFormatter } from '../../../src/logs/format';
import type { InvocationLog } from '../../../src/spec/wire';

const T = Date.parse('2024-05-01T12:00:00.000Z');
const full: InvocationLog = {
  invocationId: '1a2b3c4d-5e6f-4a8b-9c0d-112233445566',
  content: [{ time: T + 5, log: 'hello' }],
  version: 2,
  status: 'error',
  durationMs: 37,
  startedAt: T,
};

describe('log formatting', () => {
  const plain = createFormatter(false);

  it('prints a line as time, short invocation id and text', () => {
    expect(plain.line(full, full.content[0])).toEqual(['2024-05-01T12:00:00.005Z  1a2b3c4d  hello']);
  });

  it('gives each line of a multi-line entry (a stack trace) the prefix', () => {
    expect(plain.line(full, { time: T, log: 'Error: boom\n    at main (handler.js:3)' })).toEqual([
      '2024-05-01T12:00:00.000Z  1a2b3c4d  Error: boom',
      '2024-05-01T12:00:00.000Z  1a2b3c4d      at main (handler.js:3)',
    ]);
  });

  it('heads an invocation with its version, status and duration when the server gives them', () => {
    expect(plain.header(full)).toBe(
      '2024-05-01T12:00:00.000Z  1a2b3c4d  ── invocation 1a2b3c4d-5e6f-4a8b-9c0d-112233445566 · version 2 · error · 37 ms',
    );
    expect(plain.header({ invocationId: 'abc', content: [{ time: T, log: 'x' }], version: '$LATEST' })).toBe(
      '2024-05-01T12:00:00.000Z  abc  ── invocation abc · version $LATEST',
    );
    // a server without the extension fields: no header, lines only
    expect(plain.header({ invocationId: 'abc', content: [] })).toBeUndefined();
  });

  it('uses colours only when asked', () => {
    const coloured = createFormatter(true);
    const header = plain.header(full) ?? '';
    expect(stripVTControlCharacters(header)).toBe(header);
    const colouredHeader = coloured.header(full) ?? '';
    expect(stripVTControlCharacters(colouredHeader)).not.toBe(colouredHeader);
    const line = coloured.line(full, full.content[0])[0];
    expect(line).not.toBe(stripVTControlCharacters(line));
    expect(stripVTControlCharacters(line)).toBe(plain.line(full, full.content[0])[0]);
  });

  it('redacts the token from printed lines', () => {
    const redacting = createFormatter(false, (text) => text.split('tok-1').join('<token>'));
    expect(redacting.line(full, { time: T, log: 'auth: Bearer tok-1' })).toEqual([
      '2024-05-01T12:00:00.000Z  1a2b3c4d  auth: Bearer <token>',
    ]);
  });
});

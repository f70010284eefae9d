/** dev's log stream: each line under its function's name, one summary per invocation, and polling that misses none and says none twice. */
import { stripVTControlCharacters } from 'node:util';
import type { SpotinstClient } from '../../../src/api';
import { LogPrinter, pollInvocations, type InvocationSeen } from '../../../src/dev/logs';
import type { InvocationLog } from '../../../src/spec/wire';
import { pollUntil } from '../../helpers/poll';

const entry = (id: string, startedAt: number, extra: Partial<InvocationLog> = {}): InvocationLog => ({
  invocationId: id,
  content: [{ time: startedAt, log: `line of ${id}` }],
  startedAt,
  ...extra,
});

describe('LogPrinter', () => {
  it('prefixes every line with the function name, aligned, then says status, duration, version, cold or warm', () => {
    const printed: string[] = [];
    const printer = new LogPrinter((lines) => printed.push(...lines));
    printer.setNames(['hello', 'a']);
    printer.print('a', {
      invocationId: 'i1',
      content: [{ time: 1, log: 'first\nsecond\n' }],
      status: 'success',
      durationMs: 12,
      version: 3,
      coldStart: true,
    });
    printer.print('hello', { invocationId: 'i2', content: [], status: 'timeout', durationMs: 30000, version: 0, coldStart: false });
    expect(printed.map((line) => stripVTControlCharacters(line))).toEqual([
      'a     │ first',
      'a     │ second',
      'a     │ ✔ success 12 ms · version 3 · cold',
      'hello │ ✖ timeout 30000 ms · version 0 · warm',
    ]);
  });
});

describe('pollInvocations', () => {
  it('tells each invocation once, in start order, across overlapping windows', async () => {
    const now = Date.now();
    const served = new Map<string, InvocationLog[]>([
      ['fx-a', [entry('a1', now + 100)]],
      ['fx-b', [entry('b1', now)]],
    ]);
    const client = { logs: { list: (id: string) => Promise.resolve(served.get(id) ?? []) } } as unknown as SpotinstClient;
    const seen: InvocationSeen[] = [];
    const stop = pollInvocations(
      client,
      () => ['fx-a', 'fx-b'],
      (item) => seen.push(item),
      { since: now - 1000, intervalMs: 5 },
    );
    try {
      await pollUntil(() => seen.length === 2, { what: 'the first two invocations' });
      served.set('fx-a', [entry('a1', now + 100), entry('a2', now + 200)]);
      await pollUntil(() => seen.length === 3, { what: 'the third' });
      // a few more rounds: nothing is told again
      const rounds = seen.length;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen.length).toBe(rounds);
    } finally {
      stop();
    }
    expect(seen.map((item) => `${item.functionId}:${item.entry.invocationId}`)).toEqual(['fx-b:b1', 'fx-a:a1', 'fx-a:a2']);
  });
});

/**
 * The tail loop with a scripted server, clock and sleep: every poll is one step, nothing
 * waits for real time.
 */
import { SpotinstApiError } from '../../../src/api';
import type { InvocationLog } from '../../../src/spec/wire';
import { CLOCK_SLACK_MS, FUTURE_SLACK_MS, LogCursor, readLogs, type NewLines, type ReadLogsOptions } from '../../../src/logs/tail';

const T0 = 1_700_000_000_000;

function invocation(id: string, startedAt: number, lines: string[], extra: Partial<InvocationLog> = {}): InvocationLog {
  return { invocationId: id, startedAt, content: lines.map((log, i) => ({ time: startedAt + i, log })), ...extra };
}

/** What a user would read: `<id> <text>` per printed line, headers as `<id> [header]`. */
function render(batches: NewLines[], into: string[]): void {
  for (const batch of batches) {
    if (batch.first) into.push(`${batch.entry.invocationId} [header]`);
    for (const line of batch.lines) into.push(`${batch.entry.invocationId} ${line.log}`);
  }
}

interface Script {
  /** the server's answer to poll n (0-based) */
  answer(poll: number, from: number, to: number): InvocationLog[] | Error | Promise<InvocationLog[]>;
  /** abort after this many polls */
  polls: number;
}

async function tail(script: Script, overrides: Partial<ReadLogsOptions> = {}) {
  const printed: string[] = [];
  const queries: Array<{ from: number; to: number }> = [];
  const warnings: string[] = [];
  const controller = new AbortController();
  let clock = T0;
  let poll = 0;
  const count = await readLogs({
    fetch: async (from, to) => {
      queries.push({ from, to });
      const answer = await script.answer(poll, from, to);
      poll += 1;
      if (answer instanceof Error) throw answer;
      return answer;
    },
    print: (batches) => render(batches, printed),
    startTime: T0 - 10 * 60 * 1000,
    follow: true,
    intervalMs: 1000,
    lookbackMs: 60 * 1000,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
      if (poll >= script.polls) controller.abort();
    },
    signal: controller.signal,
    onTransientError: (error) => warnings.push(error.message),
    ...overrides,
  });
  return { printed, queries, warnings, count };
}

describe('readLogs --tail', () => {
  it('queries from the start time first, then windows that look back, never going back', async () => {
    let clockJump = 0;
    const { queries } = await tail(
      { answer: () => [], polls: 4 },
      {
        // the clock goes back 10 minutes before the fourth poll (NTP): the window must not
        now: (() => {
          let calls = 0;
          return () => {
            calls += 1;
            if (calls === 4) clockJump = -10 * 60 * 1000;
            return T0 + (calls - 1) * 1000 + clockJump;
          };
        })(),
      },
    );
    expect(queries).toEqual([
      { from: T0 - 10 * 60 * 1000, to: T0 + FUTURE_SLACK_MS },
      { from: T0 + 1000 - 60 * 1000, to: T0 + 1000 + FUTURE_SLACK_MS },
      { from: T0 + 2000 - 60 * 1000, to: T0 + 2000 + FUTURE_SLACK_MS },
      { from: T0 + 2000 - 60 * 1000, to: T0 + 3000 - 10 * 60 * 1000 + FUTURE_SLACK_MS },
    ]);
  });

  it('prints every line once, in order, including an invocation that shows up late in an earlier window', async () => {
    // Like spotinst-local: an invocation is filed under its start time and becomes visible
    // when it ends; the server answers by start time within [from, to].
    const server: Array<{ log: InvocationLog; visibleAtPoll: number }> = [
      { log: invocation('a-slow', T0 + 500, ['slow 1', 'slow 2', 'slow 3']), visibleAtPoll: 3 },
      { log: invocation('b-fast', T0 + 1200, ['fast 1']), visibleAtPoll: 2 },
      { log: invocation('c-later', T0 + 2500, ['later 1', 'later 2']), visibleAtPoll: 3 },
      { log: invocation('d-before-start', T0 - 11 * 60 * 1000, ['too old']), visibleAtPoll: 0 },
    ];
    const { printed, count } = await tail({
      polls: 6,
      answer: (poll, from, to) =>
        server
          .filter((entry) => entry.visibleAtPoll <= poll && (entry.log.startedAt ?? 0) >= from && (entry.log.startedAt ?? 0) <= to)
          .map((entry) => entry.log)
          .sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0)),
    });
    expect(printed).toEqual([
      'b-fast [header]',
      'b-fast fast 1',
      'a-slow [header]',
      'a-slow slow 1',
      'a-slow slow 2',
      'a-slow slow 3',
      'c-later [header]',
      'c-later later 1',
      'c-later later 2',
    ]);
    expect(count).toBe(6);
  });

  it('prints only the new lines of an invocation whose log grows between polls', async () => {
    const { printed } = await tail({
      polls: 3,
      answer: (poll) => [invocation('grows', T0, ['one', 'two', 'three'].slice(0, poll + 1))],
    });
    expect(printed).toEqual(['grows [header]', 'grows one', 'grows two', 'grows three']);
  });

  it('--filter keeps matching lines; the header comes with the first match', async () => {
    const { printed } = await tail(
      {
        polls: 2,
        answer: (poll) => [
          invocation('x', T0, poll === 0 ? ['start', 'noise'] : ['start', 'noise', 'ERROR late', 'more noise', 'ERROR again']),
          invocation('y', T0 + 1, ['nothing here']),
        ],
      },
      { filter: 'ERROR' },
    );
    expect(printed).toEqual(['x [header]', 'x ERROR late', 'x ERROR again']);
  });

  it('goes on after a failure that may pass (network, 5xx), and says so', async () => {
    const unreachable = new SpotinstApiError({
      call: { method: 'GET', path: '/functions/function/log' },
      attempts: 5,
      uncertain: false,
      apiUrl: 'http://x',
      networkCode: 'ECONNRESET',
    });
    const { printed, warnings } = await tail({
      polls: 3,
      answer: (poll) => (poll === 1 ? unreachable : [invocation('i', T0, ['line'])]),
    });
    expect(printed).toEqual(['i [header]', 'i line']);
    expect(warnings).toEqual([unreachable.message]);
  });

  it('stops on a failure that will not pass (401, 404)', async () => {
    const notFound = new SpotinstApiError({
      call: { method: 'GET', path: '/functions/function/log' },
      status: 404,
      attempts: 1,
      uncertain: false,
      apiUrl: 'http://x',
    });
    await expect(tail({ polls: 3, answer: (poll) => (poll === 1 ? notFound : []) })).rejects.toBe(notFound);
  });

  it('ends at once when aborted while a poll is in flight', async () => {
    const controller = new AbortController();
    let polls = 0;
    const done = readLogs({
      fetch: () => {
        polls += 1;
        if (polls === 2) setImmediate(() => controller.abort());
        return polls === 1 ? Promise.resolve([invocation('i', T0, ['first'])]) : new Promise<InvocationLog[]>(() => undefined);
      },
      print: () => undefined,
      startTime: T0,
      follow: true,
      intervalMs: 1000,
      lookbackMs: 60000,
      now: () => T0,
      sleep: async () => undefined,
      signal: controller.signal,
      onTransientError: () => undefined,
    });
    await expect(done).resolves.toBe(1);
    expect(polls).toBe(2);
  });

  it('reads once without --tail, and lets any failure through', async () => {
    const { queries, printed } = await tail({ polls: 99, answer: () => [invocation('i', T0, ['once'])] }, { follow: false });
    expect(queries).toHaveLength(1);
    expect(printed).toEqual(['i [header]', 'i once']);
    const flaky = new SpotinstApiError({
      call: { method: 'GET', path: '/x' },
      status: 503,
      attempts: 5,
      uncertain: false,
      apiUrl: 'http://x',
    });
    await expect(tail({ polls: 1, answer: () => flaky }, { follow: false })).rejects.toBe(flaky);
  });
});

describe('LogCursor', () => {
  it('forgets invocations that no later window can return, and only those', () => {
    let now = T0;
    const cursor = new LogCursor(undefined, () => now);
    cursor.take([
      invocation('old', T0 - 120000, ['a']),
      invocation('recent', T0 - 1000, ['b']),
      { invocationId: 'no-start', content: [{ time: T0, log: 'c' }] },
    ]);
    expect(cursor.size).toBe(3);
    now = T0 + 1000;
    cursor.forgetBefore(T0 - 60000);
    expect(cursor.size).toBe(2);
    // still remembered: not printed again
    expect(cursor.take([invocation('recent', T0 - 1000, ['b'])])).toEqual([]);
    // without a start time, the time it was first seen counts (ours), with the clock slack
    cursor.forgetBefore(T0 + CLOCK_SLACK_MS + 1);
    expect(cursor.size).toBe(0);
  });
});

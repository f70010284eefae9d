/** The `logs` command against a mocked API: windows asked for, output, Ctrl-C. */
import { EventEmitter } from 'node:events';
import nock from 'nock';
import { logs } from '../../../src/logs';
import type { InvocationLog } from '../../../src/api';
import { BASE, envelope, expectCall, setUpNock, TOKEN } from '../api/helpers';
import { commandContext as setup, ENV_ID, FX_ID, mockDeployed, remoteFunction } from '../invoke/helpers';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');

setUpNock();

/** `hello` is deployed with a 60 s timeout, which the tail looks back over. */
function deployed(): void {
  mockDeployed(remoteFunction({ limits: { memory: 128, timeout: 60 }, latestVersion: 0 }));
}

const entries: InvocationLog[] = [
  {
    invocationId: '11111111-aaaa',
    startedAt: NOW - 5000,
    version: 0,
    status: 'success',
    durationMs: 12,
    content: [
      { time: NOW - 4990, log: 'INFO starting' },
      { time: NOW - 4980, log: `ERROR failed with ${TOKEN}` },
    ],
  },
  { invocationId: '22222222-bbbb', startedAt: NOW - 3000, content: [{ time: NOW - 2990, log: 'INFO plain server' }] },
];

describe('logs', () => {
  it('asks for the last 10 minutes and prints headers and lines, without colours, without the token', async () => {
    deployed();
    const calls = expectCall('GET', '/functions/function/log', {
      query: { functionId: FX_ID, from: String(NOW - 10 * 60 * 1000), to: String(NOW + 60000) },
      reply: envelope(entries),
    });
    const { context, output } = setup({});
    await logs(context, { now: () => NOW, colors: false });
    expect(calls).toHaveLength(1);
    expect(output.out.split('\n')).toEqual([
      '2024-05-01T11:59:55.000Z  11111111  ── invocation 11111111-aaaa · version 0 · success · 12 ms',
      '2024-05-01T11:59:55.010Z  11111111  INFO starting',
      '2024-05-01T11:59:55.020Z  11111111  ERROR failed with <token>',
      '2024-05-01T11:59:57.010Z  22222222  INFO plain server',
    ]);
  });

  it('--startTime and --filter', async () => {
    deployed();
    expectCall('GET', '/functions/function/log', {
      query: { functionId: FX_ID, from: String(NOW - 2 * 3600 * 1000), to: String(NOW + 60000) },
      reply: envelope(entries),
    });
    const { context, output } = setup({ startTime: '2h', filter: 'ERROR' });
    await logs(context, { now: () => NOW, colors: false });
    expect(output.out.split('\n')).toEqual([
      '2024-05-01T11:59:55.000Z  11111111  ── invocation 11111111-aaaa · version 0 · success · 12 ms',
      '2024-05-01T11:59:55.020Z  11111111  ERROR failed with <token>',
    ]);
  });

  it('says so on stderr when there is nothing to show', async () => {
    deployed();
    expectCall('GET', '/functions/function/log', {
      query: { functionId: FX_ID, from: String(NOW - 30 * 60000), to: String(NOW + 60000) },
      reply: envelope([]),
    });
    const { context, output } = setup({ startTime: '30m', filter: 'nothing' });
    await logs(context, { now: () => NOW });
    expect(output.stdout).toEqual([]);
    expect(output.visibleErr).toBe('No logs of "hello" since 2024-05-01T11:30:00.000Z matching "nothing".');
  });

  it('refuses a bad --startTime before any API call', async () => {
    const { context } = setup({ startTime: 'last tuesday' }, { api: false });
    await expect(logs(context, { now: () => NOW })).rejects.toMatchObject({
      code: 'SPOTINST_LOGS_START_TIME_INVALID',
      message: expect.stringContaining('--startTime "last tuesday" is not a time. Accepted:'),
    });
  });

  it('--tail ends on Ctrl-C: the hook resolves and its SIGINT listener is removed', async () => {
    deployed();
    let polls = 0;
    nock(BASE)
      .get('/functions/function/log')
      .query(true)
      .times(3)
      .reply(() => {
        polls += 1;
        return [200, envelope(polls === 1 ? entries : [])];
      });
    const before = process.listeners('SIGINT');
    const { context, output } = setup({ tail: true, interval: '500' });
    const sleeps: number[] = [];
    const done = logs(context, {
      now: () => NOW,
      colors: false,
      sleep: async (ms) => {
        sleeps.push(ms);
        if (sleeps.length === 3) {
          // what Ctrl-C does, without raising a real signal in the test runner
          const added = process.listeners('SIGINT').filter((listener) => !before.includes(listener));
          expect(added).toHaveLength(1);
          added[0]('SIGINT');
        }
      },
    });
    await expect(done).resolves.toBeUndefined();
    expect(polls).toBe(3);
    expect(sleeps).toEqual([500, 500, 500]);
    expect(process.listeners('SIGINT')).toEqual(before);
    expect(output.out.split('\n')).toHaveLength(4);
    expect(output.visibleErr).toContain('Tailing the logs of "hello" since 2024-05-01T11:50:00.000Z (Ctrl-C to stop)');
  });

  it('--tail ends quietly when the reader of its output goes away (`| head`), and stays deaf to late write errors', async () => {
    deployed();
    nock(BASE).get('/functions/function/log').query(true).times(2).reply(200, envelope(entries));
    const output = new EventEmitter();
    const { context } = setup({ tail: true, interval: '500' });
    let sleeps = 0;
    const done = logs(context, {
      now: () => NOW,
      colors: false,
      output,
      sleep: async () => {
        sleeps += 1;
        if (sleeps === 2) output.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    await expect(done).resolves.toBeUndefined();
    expect(sleeps).toBe(2);
    // a second error from the closed stream is not an uncaught exception
    expect(() => output.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).not.toThrow();
  });

  it('--tail stops with a message when its output fails for another reason', async () => {
    deployed();
    nock(BASE).get('/functions/function/log').query(true).reply(200, envelope([]));
    const output = new EventEmitter();
    const { context } = setup({ tail: true });
    const done = logs(context, {
      now: () => NOW,
      output,
      sleep: async () => {
        output.emit('error', Object.assign(new Error('i/o error'), { code: 'EIO' }));
      },
    });
    await expect(done).rejects.toMatchObject({
      code: 'SPOTINST_LOGS_OUTPUT_FAILED',
      message: 'Could not write the logs (EIO); stopped tailing.',
    });
  });

  it('without --tail, leaves the output alone', async () => {
    deployed();
    nock(BASE).get('/functions/function/log').query(true).reply(200, envelope([]));
    const output = new EventEmitter();
    const { context } = setup({});
    await logs(context, { now: () => NOW, output });
    expect(output.listenerCount('error')).toBe(0);
  });

  it('an undeployed function is named, with the fix', async () => {
    mockDeployed();
    const { context } = setup({});
    await expect(logs(context, { now: () => NOW })).rejects.toMatchObject({
      code: 'SPOTINST_NOT_DEPLOYED',
      message: `Function "hello" is not deployed: environment dev (${ENV_ID}) has no function named "hello". Deploy it with \`serverless deploy --stage dev\`.`,
    });
  });
});

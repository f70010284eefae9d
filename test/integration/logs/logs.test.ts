/**
 * `serverless logs` against spotinst-local, whose logs are filed under an invocation's start
 * time but appear only when it ends: --tail must still print every line once, in order.
 */
import axios from 'axios';
import type { FunctionRecord } from '../../../src/api';
import { logs } from '../../../src/logs';
import { abortableSleep } from '../../../src/logs/tail';
import type { CliOptions } from '../../../src/framework/serverless';
import { zipFiles } from '../../fixtures/functions/build';
import { realProviderContext } from '../../helpers/command-context';
import { openGates, WAIT_AT_GATE } from '../../helpers/gate';
import { useServicePlatform } from '../../helpers/platform';
import { pollUntil } from '../../helpers/poll';

// A handler that prints tagged lines; it can wait at a gate after its first line, so the
// test decides when an invocation ends instead of guessing with timers.
const HANDLER = `${WAIT_AT_GATE}
exports.say = async (event) => {
  const { tag, lines = 3, gate } = event.body || {};
  console.log(tag + ' first');
  if (gate) await waitAtGate(gate);
  for (let i = 2; i <= lines; i += 1) console.log(tag + ' line ' + i);
  return { statusCode: 200, body: tag };
};
`;

const local = useServicePlatform('logs-service-');
let fn: FunctionRecord;

beforeAll(async () => {
  const source = (await zipFiles({ 'handler.js': HANDLER })).toString('base64');
  fn = await local.client.functions.create({
    environmentId: local.environmentId,
    name: 'talker',
    runtime: 'nodejs8.3',
    access: 'private',
    limits: { memory: 128, timeout: 30 },
    code: { handler: 'handler.say', source },
  });
});

async function call(body: Record<string, unknown>): Promise<void> {
  const response = await axios.post(fn.url, body, { headers: { Authorization: `Bearer ${local.platform.token}` } });
  expect(response.status).toBe(200);
}

function command(options: CliOptions) {
  return realProviderContext({
    serviceDir: local.serviceDir,
    functions: { talker: { runtime: 'nodejs8.3', handler: 'handler.say', access: 'private' } },
    spotinst: { apiUrl: local.platform.url, environment: local.environmentId },
    options: { function: 'talker', ...options },
  });
}

/** Printed lines without the time column: `<short id>  <text>`. */
function lines(out: string): string[] {
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^\S+ {2}/, ''));
}

describe('logs', () => {
  it('prints the invocations of the window: a header each, then its lines in order', async () => {
    await call({ tag: 'w1' });
    await call({ tag: 'w2', lines: 2 });
    const { context, output } = command({});
    await logs(context, { colors: false });
    const [first, second] = (await local.client.logs.list(fn.id, Date.now() - 60000, Date.now())).slice(-2);
    const id1 = first.invocationId.slice(0, 8);
    const id2 = second.invocationId.slice(0, 8);
    expect(lines(output.out).slice(-7)).toEqual([
      expect.stringMatching(new RegExp(`^${id1}  ── invocation ${first.invocationId} · version 0 · success · \\d+ ms$`)),
      `${id1}  w1 first`,
      `${id1}  w1 line 2`,
      `${id1}  w1 line 3`,
      expect.stringMatching(new RegExp(`^${id2}  ── invocation ${second.invocationId} · version 0 · success · \\d+ ms$`)),
      `${id2}  w2 first`,
      `${id2}  w2 line 2`,
    ]);
  });

  it('--filter keeps matching lines; a --startTime after the invocations finds nothing', async () => {
    await call({ tag: 'filtered' });
    const filtered = command({ filter: 'filtered line' });
    await logs(filtered.context, { colors: false });
    expect(lines(filtered.output.out).filter((line) => !line.includes('──'))).toEqual([
      expect.stringMatching(/^[0-9a-f]{8} {2}filtered line 2$/),
      expect.stringMatching(/^[0-9a-f]{8} {2}filtered line 3$/),
    ]);

    const later = command({ startTime: String(Date.now() + 1000) });
    await logs(later.context);
    expect(later.output.stdout).toEqual([]);
    expect(later.output.visibleErr).toMatch(/^No logs of "talker" since /);
  });

  it('a bad --startTime is refused with the accepted forms', async () => {
    const { context } = command({ startTime: '5 minutes ago' });
    await expect(logs(context)).rejects.toMatchObject({
      code: 'SPOTINST_LOGS_START_TIME_INVALID',
      message: expect.stringContaining('--startTime "5 minutes ago" is not a time. Accepted: a duration ago (30m, 2h, 3d'),
    });
  });

  it('--tail prints each line of invocations made while tailing once, in order, even one that ends after a later one', async () => {
    const gates = await openGates();
    const startTime = Date.now();
    await call({ tag: 'before', lines: 2 });
    const { context, output } = command({ tail: true, interval: '100', startTime: String(startTime) });
    const controller = new AbortController();
    let polls = 0;
    const tailing = logs(context, {
      colors: false,
      signal: controller.signal,
      sleep: async (ms, signal) => {
        polls += 1;
        await abortableSleep(ms, signal);
      },
    });
    const printed = (text: string) => pollUntil(() => output.out.includes(text), { timeoutMs: 15000, what: `"${text}" in the tail` });
    const morePolls = (count: number) => {
      const target = polls + count;
      return pollUntil(() => polls >= target, { timeoutMs: 15000, what: `${count} more polls` });
    };

    try {
      await printed('before line 2');
      // slow starts first and is held; fast starts and ends after it
      const slow = call({ tag: 'slow', gate: gates.url('slow') });
      await gates.arrived('slow', 15000);
      await call({ tag: 'fast' });
      await printed('fast line 3');
      await morePolls(2);
      // slow has not ended, so nothing of it can be known yet
      expect(output.out).not.toContain('slow');
      gates.release('slow');
      await slow;
      await printed('slow line 3');
      // later polls re-read the same window: nothing may be printed twice
      await morePolls(3);
    } finally {
      controller.abort();
      await tailing;
      await gates.close();
    }

    const text = lines(output.out).map((line) => line.replace(/^[0-9a-f]{8} {2}/, ''));
    expect(text.map((line) => line.replace(/^── invocation \S+ · version 0 · success · \d+ ms$/, '[header]'))).toEqual([
      '[header]',
      'before first',
      'before line 2',
      '[header]',
      'fast first',
      'fast line 2',
      'fast line 3',
      '[header]',
      'slow first',
      'slow line 2',
      'slow line 3',
    ]);
    // the slow invocation was filed under a start time before the fast one's: it arrived late in an earlier window
    const filed = await local.client.logs.list(fn.id, startTime, Date.now());
    const startOf = (tag: string) => filed.find((entry) => entry.content[0]?.log === `${tag} first`)?.startedAt ?? NaN;
    expect(startOf('slow')).toBeLessThan(startOf('fast'));
  });
});

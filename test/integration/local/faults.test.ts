import axios, { AxiosError } from 'axios';
import http from 'node:http';
import { FaultInjector, parseFaults } from '../../../src/local/faults';
import { FaultSpecError } from '../../../src/local';
import { restartTestPlatform, startTestPlatform, stopTestPlatform, type TestPlatform } from '../../helpers/platform';

describe('the faults spec', () => {
  test('parses the SPEC example and defaults', () => {
    expect(parseFaults('rate=0.2,codes=500|502|503|429,reset=0.05,latency=0-300')).toEqual({
      rate: 0.2,
      codes: [500, 502, 503, 429],
      reset: 0.05,
      latencyMs: [0, 300],
    });
    expect(parseFaults('latency=50,seed=3')).toEqual({ rate: 0, codes: [500, 502, 503, 429], reset: 0, latencyMs: [50, 50], seed: 3 });
  });

  test.each([
    ['rate=abc', /"rate=abc" must be a probability/],
    ['rate=1.5', /"rate=1.5" must be a probability/],
    ['codes=500|abc', /"codes=500\|abc" must list HTTP error statuses/],
    ['codes=200', /"codes=200" must list HTTP error statuses/],
    ['latency=300-100', /"latency=300-100" has its maximum below its minimum/],
    ['latency=fast', /"latency=fast" must be milliseconds/],
    ['chaos=1', /"chaos=1" has an unknown key "chaos"/],
    ['rate', /"rate" is not of the form key=value/],
    ['rate=0.8,reset=0.5', /add up to more than 1/],
  ])('%s is refused, naming the bad part', (spec, message) => {
    expect(() => parseFaults(spec)).toThrow(FaultSpecError);
    expect(() => parseFaults(spec)).toThrow(message);
  });

  test('decisions follow the rates', () => {
    const injector = new FaultInjector(parseFaults('rate=0.2,reset=0.1,codes=500|429,seed=11'));
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10000; i += 1) {
      const decision = injector.decide();
      counts[decision.kind] = (counts[decision.kind] ?? 0) + 1;
      if (decision.kind === 'status-after') expect(decision.status).toBe(500); // a 429 never comes after the work
    }
    const status = (counts['status-before'] ?? 0) + (counts['status-after'] ?? 0);
    const reset = (counts['reset-before'] ?? 0) + (counts['reset-after'] ?? 0);
    expect(status / 10000).toBeGreaterThan(0.17);
    expect(status / 10000).toBeLessThan(0.23);
    expect(reset / 10000).toBeGreaterThan(0.08);
    expect(reset / 10000).toBeLessThan(0.12);
    expect(counts['reset-after']).toBeGreaterThan(0);
    expect(counts['status-after']).toBeGreaterThan(0);
  });
});

describe('a platform with faults', () => {
  let local: TestPlatform;
  const agent = new http.Agent({ keepAlive: false });

  beforeAll(async () => {
    local = await startTestPlatform({ faults: 'rate=0.3,codes=500|503|429,reset=0.1,latency=0-5' });
  });

  afterAll(async () => {
    agent.destroy();
    await stopTestPlatform(local);
  });

  test('management requests fail at roughly the given rates, some after the work was done', async () => {
    const outcomes: Record<string, number> = {};
    let created = 0;
    for (let i = 0; i < 300; i += 1) {
      try {
        const response = await axios.post(
          `${local.platform.url}/functions/application`,
          { application: { name: `app-${i}` } },
          {
            params: { accountId: local.platform.account },
            headers: { Authorization: `Bearer ${local.platform.token}` },
            validateStatus: () => true,
            httpAgent: agent,
          },
        );
        outcomes[response.status] = (outcomes[response.status] ?? 0) + 1;
        if (response.status === 200) created += 1;
        if (response.status === 429) expect(['0', '1']).toContain(response.headers['retry-after']);
      } catch (error) {
        const code = (error as AxiosError).code ?? 'ERROR';
        outcomes[code] = (outcomes[code] ?? 0) + 1;
      }
    }
    const failedStatus = (outcomes[500] ?? 0) + (outcomes[503] ?? 0) + (outcomes[429] ?? 0);
    const resets = (outcomes.ECONNRESET ?? 0) + (outcomes.ERR_BAD_RESPONSE ?? 0) + (outcomes.ECONNABORTED ?? 0);
    expect({ failedStatus: failedStatus > 45 && failedStatus < 135, resets: resets > 8 && resets < 60, outcomes }).toMatchObject({
      failedStatus: true,
      resets: true,
    });
    // some failures came after the work was done: more applications exist than were confirmed
    const listed = await axios.get<{ requests: Record<string, number> }>(`${local.platform.url}/__local/stats`);
    expect(listed.data.requests['POST /functions/application']).toBe(300);
    // the same data without faults, so that they do not interfere with the listing below
    const reopened = await restartTestPlatform(local);
    try {
      const apps = await reopened.client.applications.list();
      expect(apps.length).toBeGreaterThan(created);
    } finally {
      await stopTestPlatform(reopened, false);
    }
  });
});

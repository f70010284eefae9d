/** What dev prints: URLs, endpoints, cron with the next run, debugger ports; one line per save. */
import { nextRun, renderCycle, renderFunctions } from '../../../src/dev/render';
import type { SpotinstFunction } from '../../../src/spec/wire';
import { functionModel, serviceModel } from '../../helpers/command-context';

function deployed(name: string, id: string, access: 'public' | 'private' = 'public'): SpotinstFunction {
  return {
    id,
    name,
    environmentId: 'env-1',
    runtime: 'nodejs83',
    access,
    limits: { memory: 128, timeout: 30 },
    latestVersion: 0,
    activeVersions: [{ version: '$LATEST', percentage: 100 }],
    url: `http://127.0.0.1:7711/fn/env-1/${id}`,
  };
}

describe('dev output', () => {
  it('finds the next run of a cron expression in UTC', () => {
    expect(nextRun('*/5 * * * *', new Date('2026-12-05T10:02:30Z'))?.toISOString()).toBe('2026-12-05T10:05:00.000Z');
    expect(nextRun('not cron')).toBeUndefined();
  });

  it('lists each function with its URL, endpoint URL, cron and next run, and its debugger port', () => {
    const service = serviceModel([functionModel('hello'), functionModel('nightly'), functionModel('absent')], {
      alias: 'api.example.test',
    });
    const lines = renderFunctions({
      service,
      platformUrl: 'http://127.0.0.1:7711',
      now: new Date('2026-12-05T10:00:00Z'),
      state: {
        functions: [deployed('hello', 'fx-1'), deployed('nightly', 'fx-2', 'private')],
        patterns: [{ id: 'pat-1', environmentId: 'env-1', functionId: 'fx-1', pattern: '/hello', method: 'GET' }],
        jobs: [
          {
            id: 'job-1',
            environmentId: 'env-1',
            action: 'INVOKE_FUNCTION',
            resourceId: 'fx-2',
            isEnabled: true,
            cronExpression: '0 3 * * *',
          },
        ],
        aliases: [],
        knownCode: {},
      },
      tokenHint: '"token" in .serverless/spotinst-local/dev-platform.json',
      inspect: new Map([['hello', { host: '127.0.0.1', port: 9229 }]]),
    });
    expect(lines).toEqual([
      '  hello    http://127.0.0.1:7711/fn/env-1/fx-1',
      '           endpoint GET /hello → http://127.0.0.1:7711/alias/api.example.test/hello',
      '           debugger 127.0.0.1:9229 (attach once its worker runs)',
      '  nightly  http://127.0.0.1:7711/fn/env-1/fx-2  (private: send Authorization: Bearer <token>)',
      '           cron 0 3 * * * (next run 2026-12-06T03:00:00Z)',
      '  absent   not deployed',
      '  The token for private functions: "token" in .serverless/spotinst-local/dev-platform.json.',
    ]);
  });

  it('says per save what changed, what was redeployed and how long it took', () => {
    expect(renderCycle(['hello.js'], [{ key: 'hello', version: 3 }], 120)).toBe(
      'hello.js changed: redeployed hello (version 3) in 120 ms.',
    );
    expect(renderCycle(['a', 'b', 'c', 'd', 'e'], [], 9)).toBe('a, b, c and 2 more changed: nothing to deploy (9 ms).');
  });
});

/**
 * Scoped validation: deploy and package stop on any error; remove, info, logs, invoke and
 * invoke local stop only on errors in what they use, and warn about the rest. A user who
 * broke functions.x.cron.value after deploying can still remove, read logs of y, invoke y.
 */
import { SpotinstError } from '../../../src/framework/errors';
import { assertValidService, type RawServerless, type ValidationScope } from '../../../src/provider/validate';
import { SpotinstProvider } from '../../../src/provider/provider';
import { fakeServerless, recordingWriters, thrown } from '../../helpers/command-context';
import type { CliOptions } from '../../../src/framework/serverless';

const fn = (extra: Record<string, unknown> = {}) => ({ runtime: 'nodejs8.3', handler: 'handler.main', ...extra });
const BROKEN_CRON = { active: true, value: '61 * * * *' };

function raw(functions: Record<string, unknown>, provider: Record<string, unknown> = {}): RawServerless {
  return { service: 'shop', stage: 'dev', provider: { name: 'spotinst', ...provider }, functions };
}

const REMOVE: ValidationScope = { placement: true, functions: [] };
const invokeOf = (key: string): ValidationScope => ({ placement: true, functions: [key] });
const LOCAL_Y: ValidationScope = { placement: false, functions: ['y'] };

function errorPaths(run: () => unknown): string[] {
  const error = thrown(run);
  expect(error.code).toBe('SPOTINST_INVALID_CONFIG');
  return [...error.message.matchAll(/serverless\.yml: (\S+) = /g)].map((match) => match[1]);
}

describe('which errors stop a command', () => {
  const brokenX = raw({ x: fn({ cron: BROKEN_CRON }), y: fn() });

  it('the whole service (deploy, package): every error', () => {
    expect(errorPaths(() => assertValidService(brokenX))).toEqual(['functions.x.cron.value']);
  });

  it('a command that does not use the broken function goes on, and is told what is broken', () => {
    for (const scope of [REMOVE, invokeOf('y'), LOCAL_Y]) {
      const { model, tolerated } = assertValidService(brokenX, scope);
      expect(model.functions.map((f) => f.key)).toEqual(['x', 'y']);
      expect(model.functions[0].cron).toBeUndefined();
      expect(tolerated.map((p) => p.path)).toEqual(['functions.x.cron.value']);
      expect(tolerated[0].problem).toContain('its minute field "61" is outside 0-59');
    }
  });

  it('a command that uses the broken function stops, whether -f names its key or its remote name', () => {
    expect(errorPaths(() => assertValidService(brokenX, invokeOf('x')))).toEqual(['functions.x.cron.value']);
    const named = raw({ x: fn({ name: 'checkout', cron: BROKEN_CRON }), y: fn() });
    expect(errorPaths(() => assertValidService(named, invokeOf('checkout')))).toEqual(['functions.x.cron.value']);
  });

  it('provider.spotinst stops the commands that find the deployed service, not invoke local', () => {
    const badPlacement = raw({ y: fn() }, { spotinst: { environment: 'env_123' } });
    expect(errorPaths(() => assertValidService(badPlacement, REMOVE))).toEqual(['provider.spotinst.environment']);
    expect(assertValidService(badPlacement, LOCAL_Y).tolerated.map((p) => p.path)).toEqual(['provider.spotinst.environment']);
  });

  it('provider.environmentVariables belong to every function: they stop invoke, not remove', () => {
    const badVariables = raw({ y: fn() }, { environmentVariables: { 'LOG-LEVEL': 'debug' } });
    expect(errorPaths(() => assertValidService(badVariables, invokeOf('y')))).toEqual(['provider.environmentVariables.LOG-LEVEL']);
    expect(assertValidService(badVariables, REMOVE).tolerated).toHaveLength(1);
  });

  it('what tells the functions apart stops every command: a definition that is no map, a clash of names', () => {
    const notAMap = raw({ x: 'oops', y: fn() });
    expect(errorPaths(() => assertValidService(notAMap, invokeOf('y')))).toEqual(['functions.x']);
    const clash = raw({ x: fn({ name: 'same' }), y: fn({ name: 'same' }) });
    expect(errorPaths(() => assertValidService(clash, REMOVE))).toEqual(['functions.y.name']);
  });
});

describe('SpotinstProvider: the scope a command gets', () => {
  function provider(functions: Record<string, unknown>, options: CliOptions = {}, spotinst: Record<string, unknown> = {}) {
    const { log, output } = recordingWriters();
    const serverless = fakeServerless({ serviceDir: '/nowhere', service: 'shop', functions, provider: { spotinst } });
    return { provider: new SpotinstProvider(serverless, options, log), output };
  }

  it('remove, info, logs -f y and invoke -f y go on past a broken cron of x, with one warning', () => {
    for (const [command, options] of [
      ['remove', {}],
      ['info', {}],
      ['logs', { function: 'y' }],
      ['invoke', { function: 'y' }],
      ['invoke local', { function: 'y' }],
    ] as const) {
      const { provider: spotinst, output } = provider({ x: fn({ cron: BROKEN_CRON }), y: fn() }, options);
      const scoped = spotinst.forCommand(command);
      expect(scoped.getService().functions.map((f) => f.key)).toEqual(['x', 'y']);
      scoped.getService();
      const warnings = output.stderr.filter((entry) => entry.level === 'warning');
      expect(warnings).toHaveLength(1);
      expect(warnings[0].text).toContain(
        'an error in settings this command does not use, so it goes on; `serverless deploy` refuses the file',
      );
      expect(warnings[0].text).toContain('serverless.yml: functions.x.cron.value = "61 * * * *"');
      expect(warnings[0].text).toContain('Fix: correct the minute field (0-59)');
    }
  });

  it('deploy (the whole service) and invoke -f x stop', () => {
    const { provider: spotinst } = provider({ x: fn({ cron: BROKEN_CRON }), y: fn() }, { function: 'x' });
    expect(() => spotinst.getService()).toThrow(SpotinstError);
    expect(() => spotinst.forCommand('invoke').getService()).toThrow(/functions\.x\.cron\.value = "61 \* \* \* \*"/);
  });

  it('the API URL and credentials need only provider.spotinst', () => {
    const { provider: spotinst } = provider({ x: fn({ cron: BROKEN_CRON }) }, {}, { apiUrl: 'http://127.0.0.1:7711' });
    expect(spotinst.apiUrl).toBe('http://127.0.0.1:7711');
    const { provider: misplaced } = provider({ x: fn() }, {}, { apiUrl: '127.0.0.1:7711' });
    expect(() => misplaced.apiUrl).toThrow(/provider\.spotinst\.apiUrl = "127\.0\.0\.1:7711"/);
  });

  it('says in --verbose output what it normalised, and schedules the normalised expression', () => {
    const { provider: spotinst, output } = provider({ tick: fn({ cron: { active: true, value: '/1 * * * *' } }) });
    expect(spotinst.getService().functions[0].cron).toEqual({ active: true, expression: '*/1 * * * *' });
    expect(output.stderr).toEqual([
      {
        level: 'verbose',
        text: 'Spotinst configuration: serverless.yml: functions.tick.cron.value: "/1 * * * *" is scheduled as "*/1 * * * *": the minute field "/1" was read as "*/1".',
      },
    ]);
  });
});

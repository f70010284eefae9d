/** `serverless dev`'s options: defaults, the forms of --inspect, and what is refused before anything starts. */
import path from 'node:path';
import { checkPlatformUrl, readDevOptions } from '../../../src/dev/options';

const SERVICE = '/srv/shop';

describe('serverless dev options', () => {
  it('runs its own platform, with its state under .serverless, by default', () => {
    expect(readDevOptions({}, SERVICE)).toEqual({
      platform: { kind: 'embedded', dataDir: path.join(SERVICE, '.serverless', 'spotinst-local'), reset: false },
      verbose: false,
    });
    expect(readDevOptions({ 'data-dir': 'state', reset: true }, SERVICE).platform).toEqual({
      kind: 'embedded',
      dataDir: path.join(SERVICE, 'state'),
      reset: true,
    });
  });

  it.each([
    [true, 9229],
    ['', 9229],
    ['9300', 9300],
  ])('--inspect given as %j listens from port %d', (inspect, port) => {
    expect(readDevOptions({ inspect }, SERVICE).inspectPort).toBe(port);
  });

  it.each([['80'], ['70000'], ['nine']])('refuses --inspect=%s, naming the range', (inspect) => {
    expect(() => readDevOptions({ inspect }, SERVICE)).toThrow(
      expect.objectContaining({
        code: 'SPOTINST_INVALID_OPTION',
        message: expect.stringContaining('give a port from 1024 to 65535') as string,
      }),
    );
  });

  it('uses a spotinst-local on this machine with --platform', () => {
    expect(readDevOptions({ platform: 'http://localhost:7711/' }, SERVICE).platform).toEqual({
      kind: 'running',
      url: 'http://localhost:7711',
    });
    expect(checkPlatformUrl('http://127.0.0.2:7711')).toBe('http://127.0.0.2:7711');
  });

  it.each([['https://api.spotinst.io'], ['http://10.0.0.5:7711'], ['ftp://127.0.0.1'], ['127.0.0.1:7711']])(
    'refuses --platform %s before any call',
    (url) => {
      expect(() => readDevOptions({ platform: url }, SERVICE)).toThrow(expect.objectContaining({ code: 'SPOTINST_INVALID_OPTION' }));
    },
  );

  it('says why the spotinst cloud is refused', () => {
    expect(() => readDevOptions({ platform: 'https://api.spotinst.io' }, SERVICE)).toThrow(
      'serverless dev deploys every save and never to a remote API',
    );
  });

  it.each([
    [{ 'data-dir': 'x' }, '--data-dir'],
    [{ reset: true }, '--reset'],
    [{ inspect: true }, '--inspect'],
  ])('refuses %j with --platform: it is about the platform dev starts', (extra, option) => {
    expect(() => readDevOptions({ platform: 'http://127.0.0.1:7711', ...extra }, SERVICE)).toThrow(
      `${option} is for the platform dev runs itself, and --platform names one already running.`,
    );
  });
});

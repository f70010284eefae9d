/**
 * Which API the provider talks to: provider.spotinst.apiUrl, else SPOTINST_API_URL, else
 * the Spotinst cloud; and a SPOTINST_API_URL that is no URL stops the command with a
 * message that says what to write, instead of a network error.
 */
import { SpotinstProvider } from '../../../src/provider/provider';
import { fakeServerless, recordingWriters, thrown } from '../../helpers/command-context';

const FUNCTIONS = { hello: { runtime: 'nodejs8.3', handler: 'handler.main' } };

function providerWith(spotinst: Record<string, unknown> = {}): SpotinstProvider {
  const serverless = fakeServerless({ serviceDir: process.cwd(), service: 'svc', functions: FUNCTIONS, provider: { spotinst } });
  return new SpotinstProvider(serverless, {}, recordingWriters().log);
}

describe('SpotinstProvider.apiUrl', () => {
  const saved = process.env.SPOTINST_API_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.SPOTINST_API_URL;
    else process.env.SPOTINST_API_URL = saved;
  });

  it('takes provider.spotinst.apiUrl over SPOTINST_API_URL, even one that is no URL', () => {
    process.env.SPOTINST_API_URL = 'nonsense';
    expect(providerWith({ apiUrl: 'http://127.0.0.1:7711/' }).apiUrl).toBe('http://127.0.0.1:7711');
  });

  it('takes SPOTINST_API_URL, trimmed and without trailing slashes, over the cloud', () => {
    process.env.SPOTINST_API_URL = ' http://127.0.0.1:9000// ';
    expect(providerWith().apiUrl).toBe('http://127.0.0.1:9000');
  });

  it('falls back to the cloud when SPOTINST_API_URL is unset or blank', () => {
    delete process.env.SPOTINST_API_URL;
    expect(providerWith().apiUrl).toBe('https://api.spotinst.io');
    process.env.SPOTINST_API_URL = '  ';
    expect(providerWith().apiUrl).toBe('https://api.spotinst.io');
  });

  it.each([
    ['127.0.0.1:7711', 'SPOTINST_API_URL=http://127.0.0.1:7711'],
    ['localhost:7711/api', 'SPOTINST_API_URL=http://localhost:7711/api'],
    ['ftp://api.example.com', 'SPOTINST_API_URL=http://127.0.0.1:7711'],
  ])('refuses SPOTINST_API_URL=%s, naming the variable, its value and the URL to write', (value, fix) => {
    process.env.SPOTINST_API_URL = value;
    const error = thrown(() => providerWith().apiUrl);
    expect(error.code).toBe('SPOTINST_API_URL_INVALID');
    expect(error.message).toContain(`SPOTINST_API_URL is ${JSON.stringify(value)}, which is not an http:// or https:// URL`);
    expect(error.message).toContain(fix);
    expect(error.message).toContain('or unset it to use https://api.spotinst.io');
  });
});

/** `serverless invoke` against spotinst-local: functions deployed with the typed client, invoked by the command module. */
import fs from 'node:fs';
import path from 'node:path';
import { invoke } from '../../../src/invoke';
import { fixtureZip } from '../../fixtures/functions/build';
import { realProviderContext } from '../../helpers/command-context';
import { useServicePlatform } from '../../helpers/platform';

const local = useServicePlatform('invoke-service-');

beforeAll(async () => {
  const { client, environmentId, serviceDir } = local;
  const source = (await fixtureZip('node')).toString('base64');
  const deploy = (name: string, handler: string, access: 'public' | 'private') =>
    client.functions.create({
      environmentId,
      name,
      runtime: 'nodejs8.3',
      access,
      limits: { memory: 128, timeout: 30 },
      code: { handler, source },
    });
  await Promise.all([
    deploy('hello', 'handler.main', 'public'),
    deploy('echo', 'handler.asyncMain', 'public'),
    deploy('inspect', 'handler.inspect', 'public'),
    deploy('secret', 'handler.inspect', 'private'),
    deploy('fails', 'handler.throws', 'public'),
  ]);
  fs.writeFileSync(path.join(serviceDir, 'event.json'), JSON.stringify({ fromFile: true, name: 'file' }));
  fs.writeFileSync(path.join(serviceDir, 'broken.json'), '{"unclosed": ');
});

const fn = (handler: string, extra: Record<string, unknown> = {}) => ({ runtime: 'nodejs8.3', handler, ...extra });
const FUNCTIONS = {
  hello: fn('handler.main'),
  echo: fn('handler.asyncMain', { parameters: { name: 'world', greeting: 'hi' } }),
  inspect: fn('handler.inspect'),
  secret: fn('handler.inspect', { access: 'private' }),
  fails: fn('handler.throws'),
  absent: fn('handler.main'),
};

function command(options: Record<string, string | boolean | string[]>) {
  return realProviderContext({
    serviceDir: local.serviceDir,
    functions: FUNCTIONS,
    spotinst: { apiUrl: local.platform.url, environment: local.environmentId },
    options,
  });
}

interface Seen {
  event: { body: unknown; method: string; path: string; headers: Record<string, string>; query: Record<string, string> };
}

describe('invoke', () => {
  it('prints the body of a public function as pretty JSON on stdout and the status on stderr', async () => {
    const { context, output } = command({ function: 'hello' });
    await invoke(context);
    expect(output.out).toBe(JSON.stringify({ hello: 'from node', version: 0 }, null, 2));
    expect(output.visibleErr).toMatch(/^Status: 200 OK \(version 0, invocation [0-9a-f]{8}, \d+ ms\)$/);
  });

  it('--raw prints the body exactly as the function sent it', async () => {
    const { context, output } = command({ function: 'hello', raw: true });
    await invoke(context);
    expect(output.out).toBe(JSON.stringify({ hello: 'from node', version: 0 }));
  });

  it('sends the parameters as event.body of a POST to the function root', async () => {
    const { context, output } = command({ function: 'echo' });
    await invoke(context);
    expect(JSON.parse(output.out)).toEqual({ echoed: { name: 'world', greeting: 'hi' } });
    expect(output.visibleErr).toContain('Status: 201 Created');
  });

  it('--data JSON is merged over the parameters', async () => {
    const { context, output } = command({ function: 'echo', data: '{"name":"you","extra":[1,2]}' });
    await invoke(context);
    expect(JSON.parse(output.out)).toEqual({ echoed: { name: 'you', greeting: 'hi', extra: [1, 2] } });
  });

  it('--data that is not JSON arrives as a string and replaces the parameters, with a warning', async () => {
    const { context, output } = command({ function: 'echo', data: 'just some text' });
    await invoke(context);
    expect(JSON.parse(output.out)).toEqual({ echoed: 'just some text' });
    expect(output.visibleErr).toContain('--data is not a JSON object, so it replaces functions.echo.parameters');
  });

  it('--path reads a JSON file relative to the service directory', async () => {
    const { context, output } = command({ function: 'inspect', path: 'event.json' });
    await invoke(context);
    const seen = JSON.parse(output.out) as Seen;
    expect(seen.event).toMatchObject({ body: { fromFile: true, name: 'file' }, method: 'POST', path: '/', query: {} });
    expect(seen.event.headers['content-type']).toBe('application/json');
    // a public function is not sent the token
    expect(seen.event.headers.authorization).toBeUndefined();
  });

  it('--path to a missing or broken file fails before any call, naming the file', async () => {
    const missing = command({ function: 'hello', path: 'nope.json' });
    await expect(invoke(missing.context)).rejects.toMatchObject({
      code: 'SPOTINST_DATA_FILE_NOT_FOUND',
      message: expect.stringContaining(`${path.join(local.serviceDir, 'nope.json')} does not exist`),
    });
    const broken = command({ function: 'hello', path: 'broken.json' });
    await expect(invoke(broken.context)).rejects.toMatchObject({
      code: 'SPOTINST_DATA_FILE_INVALID',
      message: expect.stringContaining('is not valid JSON'),
    });
    expect(missing.output.out + broken.output.out).toBe('');
  });

  it('a private function gets the token; the token appears in no output', async () => {
    const { context, output } = command({ function: 'secret', data: '{"a":1}', log: true });
    await invoke(context);
    const seen = JSON.parse(output.out) as Seen;
    expect(seen.event.body).toEqual({ a: 1 });
    const all = output.out + output.err;
    expect(all).not.toContain(local.platform.token);
  });

  it('a private function with a wrong token fails with 401, without printing either token', async () => {
    process.env.SPOTINST_TOKEN = 'wrong-token-value';
    try {
      // the management API must accept the token to find the function: give the client the right one
      const { context, provider, output } = command({ function: 'secret' });
      jest.spyOn(provider, 'getClient').mockReturnValue(local.client);
      const error = await invoke(context).catch((caught: Error & { code?: string }) => caught);
      expect(error).toMatchObject({ code: 'SPOTINST_INVOKE_UNAUTHORIZED', message: expect.stringContaining('refused the request (401)') });
      expect(`${(error as Error).message}${output.out}${output.err}`).not.toContain('wrong-token-value');
    } finally {
      process.env.SPOTINST_TOKEN = local.platform.token;
    }
  });

  it('a function that throws fails the command with its message; --log shows what it printed', async () => {
    const { context, output } = command({ function: 'fails', log: true });
    await expect(invoke(context)).rejects.toMatchObject({
      code: 'SPOTINST_INVOKE_FUNCTION_ERROR',
      message: expect.stringMatching(/^Function "fails" failed \(500 Error\): boom from node\. See its logs: serverless logs -f fails$/),
    });
    expect(output.visibleErr).toContain('Status: 500');
    expect(output.visibleErr).toContain('about to throw');
    // the platform's error reply is said in the error, not printed as a result
    expect(output.out).toBe('');
  });

  it('finds the function by application and stage when no environment id is configured', async () => {
    const { context, output } = realProviderContext({
      serviceDir: local.serviceDir,
      functions: FUNCTIONS,
      spotinst: { apiUrl: local.platform.url, application: local.applicationName },
      options: { function: 'hello', raw: true },
    });
    await invoke(context);
    expect(output.out).toBe(JSON.stringify({ hello: 'from node', version: 0 }));
  });

  it('a function that is not deployed gets an error that names it and the fix', async () => {
    const { context } = command({ function: 'absent' });
    await expect(invoke(context)).rejects.toMatchObject({
      code: 'SPOTINST_NOT_DEPLOYED',
      message: expect.stringContaining('Function "absent" is not deployed'),
    });
    await expect(invoke(command({ function: 'absent' }).context)).rejects.toThrow('serverless deploy --stage dev');
  });

  it('an unknown --function lists the functions of the service', async () => {
    await expect(invoke(command({ function: 'helo' }).context)).rejects.toMatchObject({
      code: 'SPOTINST_FUNCTION_NOT_IN_FILE',
      message: expect.stringContaining('Functions of this service: hello, echo, inspect, secret, fails, absent.'),
    });
  });
});

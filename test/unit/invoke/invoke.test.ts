/** `invoke` against mocked HTTP: what is sent to the function URL and how replies are reported. */
import nock from 'nock';
import { invoke } from '../../../src/invoke';
import { setUpNock, TOKEN } from '../api/helpers';
import { commandContext as setup, FN_HOST, FN_PATH, mockDeployed, remoteFunction } from './helpers';

setUpNock();

function deployed(access: 'public' | 'private'): void {
  mockDeployed(remoteFunction({ access }));
}

describe('invoke (HTTP)', () => {
  it('posts JSON to a private function with the token, and prints the reply', async () => {
    deployed('private');
    let seen: { headers: Record<string, string | string[] | undefined>; body: unknown } | undefined;
    nock(FN_HOST)
      .post(FN_PATH)
      .reply(function (_uri, body) {
        seen = { headers: { ...this.req.headers }, body };
        return [
          200,
          '{"ok":true,"list":[1,2]}',
          { 'Content-Type': 'application/json', 'X-Spotinst-Invocation-Id': 'abcdef12-3456', 'X-Spotinst-Function-Version': '3' },
        ];
      });
    const { context, output } = setup({ data: '{"n":1}' }, { fn: { parameters: { name: 'world' } } });
    await invoke(context);
    expect(seen?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.body).toEqual({ name: 'world', n: 1 });
    expect(output.out).toBe('{\n  "ok": true,\n  "list": [\n    1,\n    2\n  ]\n}');
    expect(output.visibleErr).toMatch(/^Status: 200 OK \(version 3, invocation abcdef12, \d+ ms\)$/);
  });

  it('sends a public function no token, and an empty body when there is no data', async () => {
    deployed('public');
    let seen: { headers: Record<string, string | string[] | undefined>; body: unknown } | undefined;
    nock(FN_HOST)
      .post(FN_PATH)
      .reply(function (_uri, body) {
        seen = { headers: { ...this.req.headers }, body };
        return [200, 'plain text reply'];
      });
    const { context, output } = setup({});
    await invoke(context);
    expect(seen?.headers.authorization).toBeUndefined();
    expect(seen?.body).toBe('');
    expect(output.out).toBe('plain text reply');
  });

  it('says that AWS-only options are ignored', async () => {
    deployed('public');
    nock(FN_HOST).post(FN_PATH).reply(200, 'ok');
    const { context, output } = setup({ qualifier: '2', type: 'Event' });
    await invoke(context);
    expect(output.stderr.filter((entry) => entry.level === 'warning').map((entry) => entry.text)).toEqual([
      "--qualifier is ignored: a function URL runs the versions of the function's activeVersions.",
      '--type is ignored: a function URL is always invoked synchronously.',
    ]);
  });

  it('prints nothing on stdout for an empty reply', async () => {
    deployed('public');
    nock(FN_HOST).post(FN_PATH).reply(204);
    const { context, output } = setup({});
    await invoke(context);
    expect(output.stdout).toEqual([]);
    expect(output.visibleErr).toMatch(/^Status: 204 No Content/);
  });

  it("a function's own non-2xx reply is printed, then fails the command", async () => {
    deployed('public');
    nock(FN_HOST).post(FN_PATH).reply(404, '{"missing":"item"}');
    const { context, output } = setup({ raw: true });
    await expect(invoke(context)).rejects.toMatchObject({
      code: 'SPOTINST_INVOKE_STATUS',
      message: 'Function "hello" answered 404 Not Found.',
    });
    expect(output.out).toBe('{"missing":"item"}');
  });

  it("the platform's error reply becomes the error message, with the function's message", async () => {
    deployed('public');
    nock(FN_HOST).post(FN_PATH).reply(500, { errorMessage: 'boom', errorType: 'TypeError' });
    const { context, output } = setup({});
    await expect(invoke(context)).rejects.toMatchObject({
      code: 'SPOTINST_INVOKE_FUNCTION_ERROR',
      message: 'Function "hello" failed (500 TypeError): boom. See its logs: serverless logs -f hello',
    });
    expect(output.out).toBe('');
  });

  it('a timeout (504) says so', async () => {
    deployed('public');
    nock(FN_HOST).post(FN_PATH).reply(504, { errorMessage: 'Function timed out after 30 seconds', errorType: 'Timeout' });
    const { context } = setup({});
    await expect(invoke(context)).rejects.toMatchObject({
      code: 'SPOTINST_INVOKE_TIMEOUT',
      message: expect.stringContaining('timed out (504): Function timed out after 30 seconds'),
    });
  });

  it('never prints the token, even when the function echoes it back', async () => {
    deployed('private');
    nock(FN_HOST)
      .post(FN_PATH)
      .reply(function () {
        return [500, { errorMessage: `I saw ${String(this.req.headers.authorization)}` }];
      });
    const { context, output } = setup({});
    const error = (await invoke(context).catch((caught: Error) => caught)) as Error;
    expect(error.message).toContain('I saw Bearer <token>');
    expect(`${error.message}${output.out}${output.err}`).not.toContain(TOKEN);
  });

  it('an unreachable function URL is a clear error', async () => {
    deployed('public');
    nock(FN_HOST).post(FN_PATH).replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    const { context } = setup({});
    await expect(invoke(context)).rejects.toMatchObject({
      code: 'SPOTINST_INVOKE_UNREACHABLE',
      message: `Could not reach the function URL ${FN_HOST}${FN_PATH} (ECONNREFUSED). Check that the platform is up and the URL is reachable from here.`,
    });
  });

  it('checks the options before calling the API', async () => {
    const { context } = setup({ data: '{}', path: 'x.json' }, { api: false });
    await expect(invoke(context)).rejects.toMatchObject({ code: 'SPOTINST_DATA_CONFLICT' });
  });

  it('asks for --function when it is missing', async () => {
    const { context } = setup({ function: undefined });
    await expect(invoke(context)).rejects.toMatchObject({
      code: 'SPOTINST_FUNCTION_REQUIRED',
      message: 'Name the function with --function (-f). Functions of this service: hello.',
    });
  });
});

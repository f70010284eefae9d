/**
 * `serverless invoke local` with the real runners: node (callback and async), python, ruby
 * and java (classes and jar), the event contract, environment isolation, --env, timeouts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { invokeLocal } from '../../../src/invoke-local';
import * as interpreters from '../../../src/runtimes/interpreters';
import type { FunctionModel } from '../../../src/framework/service-model';
import type { CliOptions } from '../../../src/framework/serverless';
import { buildJavaFixture, fixtureDir } from '../../fixtures/functions/build';
import { fakeContext, functionModel, serviceModel } from '../../helpers/command-context';
import { describeWith } from '../../helpers/requirements';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoke-local-cache-'));
const temps: string[] = [cacheDir];
const savedEnv = { ...process.env };

function temp(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

beforeAll(() => {
  process.env.HOST_SECRET_FOR_INVOKE_LOCAL = 'must-not-leak';
});

afterAll(() => {
  process.env = { ...savedEnv };
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

interface RunSettings {
  serviceDir: string;
  options?: CliOptions;
  rawFunctions?: Record<string, unknown>;
  service?: string;
}

async function run(fn: FunctionModel, settings: RunSettings) {
  const { context, output } = fakeContext({
    service: serviceModel([fn], settings.service ? { service: settings.service } : {}),
    options: { function: fn.key, ...settings.options },
    serviceDir: settings.serviceDir,
    rawFunctions: settings.rawFunctions,
  });
  const error = await invokeLocal(context, { cacheDir }).then(
    () => undefined,
    (caught: Error & { code?: string }) => caught,
  );
  return { output, error };
}

interface Inspected {
  event: { query: unknown; body: unknown; headers: Record<string, string>; method: string; path: string };
  context: Record<string, unknown>;
  env: Record<string, string>;
  cwd: string;
}

/** jest's asymmetric matchers, typed as the strings they stand for */
const containing = (text: string): string => expect.stringContaining(text) as string;
const matching = (pattern: RegExp): string => expect.stringMatching(pattern) as string;

function inspected(out: string): Inspected {
  return JSON.parse((JSON.parse(out) as { body: string }).body) as Inspected;
}

describe('invoke local: a missing interpreter', () => {
  it('says which interpreter ruby2.4.1 needs and how to get it', async () => {
    // The interpreter is looked up by a child process with the real environment (jest's
    // process.env is a copy), so the lookup is pointed at a name that exists nowhere.
    const real = interpreters.resolveInterpreter;
    const spy = jest
      .spyOn(interpreters, 'resolveInterpreter')
      .mockImplementation((name, args, purpose) => real(`${name}-not-installed-here`, args, purpose));
    try {
      const { error, output } = await run(functionModel('hello', { runtime: 'ruby2.4.1' }), { serviceDir: fixtureDir('ruby') });
      expect(error).toMatchObject({
        code: 'SPOTINST_INVOKE_LOCAL_RUNTIME_UNAVAILABLE',
        message: matching(
          /^Cannot run ruby2\.4\.1 here: The ruby2\.4\.1 runtime runs on the local ruby, but "ruby-not-installed-here" was not found .*Install it/,
        ),
      });
      expect(output.out).toBe('');
    } finally {
      spy.mockRestore();
    }
  });
});

describe('invoke local: node', () => {
  const serviceDir = fixtureDir('node');

  it('runs a callback handler: its logs on stderr, its result on stdout', async () => {
    const { output, error } = await run(functionModel('hello'), { serviceDir });
    expect(error).toBeUndefined();
    expect(JSON.parse(output.out)).toEqual({
      statusCode: 200,
      body: JSON.stringify({ hello: 'from node', version: '$LATEST' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(output.visibleErr.split('\n')[0]).toBe('hello from main');
    expect(output.visibleErr).toMatch(/Status: 200 \(\d+ ms\)$/);
  });

  it('runs an async handler with the parameters merged with --data as event.body', async () => {
    const fn = functionModel('echo', { handler: 'handler.asyncMain', parameters: { name: 'world', greeting: 'hi' } });
    const { output, error } = await run(fn, { serviceDir, options: { data: '{"name":"you"}', raw: true } });
    expect(error).toBeUndefined();
    expect(output.out).toBe(JSON.stringify({ statusCode: 201, body: { echoed: { name: 'you', greeting: 'hi' } } }));
    expect(output.visibleErr).toContain('async stderr line');
    expect(output.visibleErr).toContain('Status: 201');
  });

  it('builds the event the platform builds for a POST of the data, and the context of a local run', async () => {
    const { output, error } = await run(functionModel('inspect', { handler: 'handler.inspect', memory: 256 }), {
      serviceDir,
      options: { data: 'plain text' },
    });
    expect(error).toBeUndefined();
    const seen = inspected(output.out);
    expect(seen.event).toEqual({
      query: {},
      body: 'plain text',
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': '10',
        'user-agent': matching(/^serverless-spotinst-functions\//),
      },
      method: 'POST',
      path: '/',
    });
    expect(seen.context).toMatchObject({
      functionId: 'fx-local',
      environmentId: 'env-local',
      functionName: 'inspect',
      version: '$LATEST',
      memoryLimitInMB: 256,
      timeout: 30,
    });
    expect(seen.cwd).toBe(fs.realpathSync(serviceDir));
  });

  it('gives the handler its variables, the platform ones and --env, and nothing of the host', async () => {
    const fn = functionModel('inspect', { handler: 'handler.inspect', environmentVariables: { SERVICE_WIDE: 'a', OWN: 'b' } });
    const { output, error } = await run(fn, { serviceDir, options: { env: ['OWN=from-cli', 'EXTRA=x=y', 'EMPTY='] } });
    expect(error).toBeUndefined();
    const { env } = inspected(output.out);
    expect(env).toEqual({
      PATH: '/usr/local/bin:/usr/bin:/bin',
      LANG: 'C.UTF-8',
      SERVICE_WIDE: 'a',
      OWN: 'from-cli',
      EXTRA: 'x=y',
      EMPTY: '',
      SPOTINST_FUNCTION_ID: 'fx-local',
      SPOTINST_ENVIRONMENT_ID: 'env-local',
      SPOTINST_FUNCTION_VERSION: '$LATEST',
    });
    expect(JSON.stringify(env)).not.toContain('must-not-leak');

    const single = await run(fn, { serviceDir, options: { env: 'ONE=1' } });
    expect(inspected(single.output.out).env.ONE).toBe('1');
  });

  it('says that --docker and --context do not apply, and runs anyway', async () => {
    const { output, error } = await run(functionModel('hello'), { serviceDir, options: { docker: true, context: '{"a":1}' } });
    expect(error).toBeUndefined();
    expect(output.stderr.filter((entry) => entry.level === 'warning').map((entry) => entry.text)).toEqual([
      '--docker is ignored: handlers run directly with the local interpreters.',
      '--context is ignored: the context is built as the platform builds it.',
    ]);
  });

  it('refuses a malformed --env before running anything', async () => {
    const { error, output } = await run(functionModel('hello'), { serviceDir, options: { env: ['GOOD=1', 'NO_EQUALS'] } });
    expect(error).toMatchObject({
      code: 'SPOTINST_INVOKE_LOCAL_ENV_INVALID',
      message: containing('--env NO_EQUALS has no "="'),
    });
    expect(output.out).toBe('');
    const badName = await run(functionModel('hello'), { serviceDir, options: { env: '1X=2' } });
    expect(badName.error).toMatchObject({
      code: 'SPOTINST_INVOKE_LOCAL_ENV_INVALID',
      message: containing('"1X" is not a variable name'),
    });
  });

  it('a handler that throws fails the command with its message, after printing its logs', async () => {
    const { output, error } = await run(functionModel('fails', { handler: 'handler.throws' }), { serviceDir });
    expect(error).toMatchObject({ code: 'SPOTINST_INVOKE_LOCAL_FUNCTION_ERROR', message: containing('boom from node') });
    expect(output.visibleErr).toContain('about to throw');
    expect(output.out).toBe('');
  });

  it('kills a handler that runs past the function timeout and fails', async () => {
    const started = Date.now();
    const { output, error } = await run(functionModel('busy', { handler: 'handler.busy', timeout: 1 }), { serviceDir });
    expect(error).toMatchObject({
      code: 'SPOTINST_INVOKE_LOCAL_TIMEOUT',
      message: 'Function "busy" timed out: Function timed out after 1 second; it was stopped.',
    });
    expect(output.visibleErr).toContain('Function timed out after 1 second');
    expect(Date.now() - started).toBeLessThan(10000);
  });

  it('runs a handler in a subdirectory; a non-2xx statusCode fails like invoke; a missing file is named', async () => {
    const dir = temp('invoke-local-node-');
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(
      path.join(dir, 'src', 'api.js'),
      "exports.missing = async (event) => ({ statusCode: 404, body: { missing: event.body } });\nexports.text = async () => 'plain result';\n",
    );
    const notFound = await run(functionModel('missing', { handler: 'src/api.missing' }), { serviceDir: dir, options: { data: '"x"' } });
    expect(notFound.error).toMatchObject({ code: 'SPOTINST_INVOKE_LOCAL_STATUS', message: 'Function "missing" returned statusCode 404.' });
    expect(JSON.parse(notFound.output.out)).toEqual({ statusCode: 404, body: { missing: 'x' } });

    const text = await run(functionModel('text', { handler: 'src/api.text' }), { serviceDir: dir });
    expect(text.error).toBeUndefined();
    expect(text.output.out).toBe('plain result');

    const absent = await run(functionModel('absent', { handler: 'lib/nothing.main' }), { serviceDir: dir });
    expect(absent.error).toMatchObject({
      code: 'SPOTINST_INVOKE_LOCAL_HANDLER_NOT_FOUND',
      message: `functions.absent.handler is "lib/nothing.main", but ${dir} has no lib/nothing.js or lib/nothing.cjs or lib/nothing.mjs or lib/nothing.ts or lib/nothing.mts or lib/nothing.cts. Fix the handler path.`,
    });
  });

  it('runs handlers in .cjs and .mjs files, as deploy accepts them', async () => {
    const dir = temp('invoke-local-node-ext-');
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.writeFileSync(
      path.join(dir, 'lib', 'handler.cjs'),
      'module.exports.main = async (event) => ({ statusCode: 200, body: { cjs: event.body } });\n',
    );
    fs.writeFileSync(
      path.join(dir, 'lib', 'esm.mjs'),
      "export async function main(event) { console.log('esm here'); return { statusCode: 200, body: { mjs: event.body } }; }\n",
    );

    const cjs = await run(functionModel('cjs', { handler: 'lib/handler.main' }), { serviceDir: dir, options: { data: '"a"', raw: true } });
    expect(cjs.error).toBeUndefined();
    expect(cjs.output.out).toBe(JSON.stringify({ statusCode: 200, body: { cjs: 'a' } }));

    const mjs = await run(functionModel('mjs', { handler: 'lib/esm.main' }), { serviceDir: dir, options: { data: '"b"', raw: true } });
    expect(mjs.error).toBeUndefined();
    expect(mjs.output.out).toBe(JSON.stringify({ statusCode: 200, body: { mjs: 'b' } }));
    expect(mjs.output.visibleErr).toContain('esm here');
  });

  describe('a TypeScript handler', () => {
    let dir: string;
    beforeAll(() => {
      dir = temp('invoke-local-ts-');
      fs.mkdirSync(path.join(dir, 'src'));
      fs.writeFileSync(path.join(dir, 'src', 'greeting.ts'), 'export const greet = (name: string): string => `hello ${name}`;\n');
      fs.writeFileSync(
        path.join(dir, 'src', 'handler.ts'),
        [
          "import { greet } from './greeting';",
          'interface Event { body: unknown }',
          'export const main = async (event: Event): Promise<{ statusCode: number; body: string }> => {',
          "  if (event.body === 'boom') {",
          "    throw new Error('boom from typescript');",
          '  }',
          '  return { statusCode: 200, body: greet(String(event.body)) };',
          '};',
          '',
        ].join('\n'),
      );
      fs.writeFileSync(path.join(dir, 'src', 'broken.ts'), 'export const main = async () => {\n  return { statusCode: 200 ;\n};\n');
    });

    it('is bundled with esbuild and answers, its imports included', async () => {
      const { output, error } = await run(functionModel('ts', { handler: 'src/handler.main' }), {
        serviceDir: dir,
        options: { data: '"ts"', raw: true },
      });
      expect(error).toBeUndefined();
      expect(output.out).toBe(JSON.stringify({ statusCode: 200, body: 'hello ts' }));
    });

    it('reports a thrown error at its .ts line, in the service directory', async () => {
      const { output, error } = await run(functionModel('ts', { handler: 'src/handler.main' }), {
        serviceDir: dir,
        options: { data: '"boom"' },
      });
      expect(error).toMatchObject({ code: 'SPOTINST_INVOKE_LOCAL_FUNCTION_ERROR', message: containing('boom from typescript') });
      expect(output.visibleErr).toContain(`${path.join(dir, 'src', 'handler.ts')}:5:11`);
    });

    it('refuses code that does not parse, naming the file, line and column', async () => {
      const { error } = await run(functionModel('broken', { handler: 'src/broken.main' }), { serviceDir: dir });
      expect(error).toMatchObject({
        code: 'SPOTINST_TYPESCRIPT_BUILD_FAILED',
        message: containing(
          'functions.broken: the TypeScript handler src/broken.ts does not build:\nsrc/broken.ts:2:28: Expected "}" but found ";"',
        ),
      });
    });
  });
});

describeWith(['python3'], 'invoke local: python', () => {
  it('runs a python2.7 handler on the local python3', async () => {
    const { output, error } = await run(functionModel('hello', { runtime: 'python2.7' }), {
      serviceDir: fixtureDir('python'),
      options: { data: '{"k":"v"}' },
    });
    expect(error).toBeUndefined();
    expect(JSON.parse(output.out)).toEqual({
      statusCode: 200,
      body: { hello: 'from python', method: 'POST', body: { k: 'v' } },
      headers: { 'Content-Type': 'application/json' },
    });
    expect(output.visibleErr).toContain('hello from python');
    expect(output.visibleErr).toContain('python stderr line');
  });

  it('a python handler that raises fails the command', async () => {
    const { error } = await run(functionModel('fails', { runtime: 'python2.7', handler: 'handler.throws' }), {
      serviceDir: fixtureDir('python'),
    });
    expect(error).toMatchObject({ code: 'SPOTINST_INVOKE_LOCAL_FUNCTION_ERROR', message: containing('boom from python') });
  });
});

describeWith(['ruby'], 'invoke local: ruby', () => {
  it('runs a ruby2.4.1 handler on the local ruby, with parameters as the body', async () => {
    const fn = functionModel('hello', { runtime: 'ruby2.4.1', parameters: { name: 'world' } });
    const { output, error } = await run(fn, { serviceDir: fixtureDir('ruby') });
    expect(error).toBeUndefined();
    expect(JSON.parse(output.out)).toMatchObject({
      statusCode: 200,
      body: { hello: 'from ruby', method: 'POST', body: { name: 'world' } },
    });
    expect(output.visibleErr).toContain('hello from ruby');
  });
});

describeWith(['java'], 'invoke local: java', () => {
  const handler = 'com.example.Handler';
  interface JavaBody {
    hello: string;
    method: string;
    body: string;
    functionId: string;
    home: string | null;
    fnEnv: string;
  }
  const javaBody = (out: string): JavaBody => JSON.parse((JSON.parse(out) as { body: string }).body) as JavaBody;
  const unpackedJars = (): string[] => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('spotinst-invoke-local-'));

  it('runs compiled classes from target/classes', async () => {
    const dir = temp('invoke-local-java-classes-');
    await buildJavaFixture(cacheDir, path.join(dir, 'target', 'classes'));
    const { output, error } = await run(functionModel('hello', { runtime: 'java8', handler }), {
      serviceDir: dir,
      options: { data: '{"a":1}' },
    });
    expect(error).toBeUndefined();
    expect(javaBody(output.out)).toMatchObject({ method: 'POST', body: '{"a":1}', functionId: 'fx-local', home: null, fnEnv: 'fx-local' });
    expect(output.visibleErr).toContain('hello from java, name=null');
  });

  it('runs target/<service>.jar, or package.artifact, and removes what it unpacked', async () => {
    const before = unpackedJars();
    const dir = temp('invoke-local-java-jar-');
    const { jar } = await buildJavaFixture(cacheDir, temp('java-build-'));
    fs.mkdirSync(path.join(dir, 'target'));
    fs.writeFileSync(path.join(dir, 'target', 'shop.jar'), jar);
    const fromTarget = await run(functionModel('hello', { runtime: 'java8', handler }), { serviceDir: dir, service: 'shop' });
    expect(fromTarget.error).toBeUndefined();
    expect(javaBody(fromTarget.output.out).method).toBe('POST');

    fs.mkdirSync(path.join(dir, 'build'));
    fs.renameSync(path.join(dir, 'target', 'shop.jar'), path.join(dir, 'build', 'fn.jar'));
    const fromArtifact = await run(functionModel('hello', { runtime: 'java8', handler }), {
      serviceDir: dir,
      service: 'shop',
      rawFunctions: { hello: { package: { artifact: 'build/fn.jar' } } },
    });
    expect(fromArtifact.error).toBeUndefined();
    expect(unpackedJars()).toEqual(before);
  });

  it('explains what to build when there is no jar and no classes', async () => {
    const dir = temp('invoke-local-java-none-');
    const { error } = await run(functionModel('hello', { runtime: 'java8', handler }), { serviceDir: dir, service: 'shop' });
    expect(error).toMatchObject({
      code: 'SPOTINST_INVOKE_LOCAL_CODE_NOT_FOUND',
      message: containing('no package.artifact, no target/shop.jar, no target/classes'),
    });
    // a jar of another name (mvn's <artifactId>-<version>.jar) is not guessed: deploy would not upload it
    fs.mkdirSync(path.join(dir, 'target'));
    fs.writeFileSync(path.join(dir, 'target', 'shop-1.0.jar'), 'not used');
    const otherJar = await run(functionModel('hello', { runtime: 'java8', handler }), { serviceDir: dir, service: 'shop' });
    expect(otherJar.error?.message).toContain(
      'target/ holds shop-1.0.jar: to use one, set package.artifact (e.g. package: {artifact: target/shop-1.0.jar})',
    );
    const wrongClass = temp('invoke-local-java-wrong-');
    await buildJavaFixture(cacheDir, path.join(wrongClass, 'target', 'classes'));
    const missing = await run(functionModel('hello', { runtime: 'java8', handler: 'com.example.Other' }), { serviceDir: wrongClass });
    expect(missing.error).toMatchObject({
      code: 'SPOTINST_INVOKE_LOCAL_HANDLER_NOT_FOUND',
      message: containing('has no com/example/Other.class'),
    });
  });
});

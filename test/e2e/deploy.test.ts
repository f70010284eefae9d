/**
 * deploy, deploy function, info and remove through the real CLIs (serverless 3.40.0 and
 * osls), with the framework's own packager, against a spotinst-local started here. What
 * was written is read from the platform's request counters.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureJavaRuntime } from '../../src/runtimes';
import { type LocalPlatform, type LocalStats } from '../../src/local';
import type { SpotinstClient } from '../../src/api';
import {
  CLIS,
  combinedOutput as both,
  expectSuccess,
  runCli,
  startLocalWorld,
  writeService,
  type CliName,
  type LocalWorld,
  type Workspace,
} from '../helpers/cli';
import { itWith } from '../helpers/requirements';
import { writesBetween } from '../integration/deploy/harness';

const handler = (name: string, version = 1): string =>
  `module.exports.main = async (event) => ({ statusCode: 200, body: JSON.stringify({ fn: '${name}', version: ${version} }) });\n`;

/** Two functions zipped individually, so that a change to one file changes one artifact. */
function config(cron = '*/5 * * * *', withWorld = true): string {
  return `service: shop
frameworkVersion: '>=3'
configValidationMode: error
provider:
  name: spotinst
package:
  individually: true
  patterns: ['!**']
functions:
  hello:
    runtime: nodejs8.3
    handler: hello.main
    access: public
    endpoint: {path: /hello, method: get}
    package: {patterns: [hello.js]}
${
  withWorld
    ? `  world:
    runtime: nodejs8.3
    handler: world.main
    cron: {active: true, value: '${cron}'}
    package: {patterns: [world.js]}
`
    : ''
}plugins:
  - serverless-spotinst-functions
`;
}

describe.each(CLIS)('%s: deploy, info and remove', (cli: CliName) => {
  let world: LocalWorld;
  let workspace: Workspace;
  let platform: LocalPlatform;
  let client: SpotinstClient;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  const run = (args: string[], cwd = dir) => runCli(cli, args, { cwd, workspace, env });
  const stats = (): LocalStats => platform.stats();
  const account = async () => {
    const environments = await client.environments.list();
    const functions = (await Promise.all(environments.map((e) => client.functions.list(e.id)))).flat();
    return {
      applications: (await client.applications.list()).length,
      environments: environments.length,
      functions: functions.map((fn) => fn.name).sort(),
      jobs: (await client.cronJobs.list()).length,
      patterns: (await client.patterns.list()).length,
    };
  };

  beforeAll(async () => {
    world = await startLocalWorld();
    ({ workspace, platform, client, env } = world);
    dir = writeService(workspace, 'shop', { config: config(), files: { 'hello.js': handler('hello'), 'world.js': handler('world') } });
  });
  afterAll(() => world.stop());

  it('first deploy creates everything and prints the service', async () => {
    const before = stats();
    const result = await run(['deploy']);
    expectSuccess(result);
    expect(writesBetween(before, stats())).toEqual({
      'POST /functions/application': 1,
      'POST /functions/environment': 1,
      'POST /functions/function': 2,
      'POST /spectrum/events/job': 1,
      'POST /functions/pattern': 1,
    });
    expect(result.stderr).toMatch(/\+ create function hello[\s\S]*\+ create function world/);
    expect(result.stdout).toMatch(
      /service: shop\nstage: dev\n[\s\S]*hello:\n {4}id: fx-\w+[\s\S]*url: http:\/\/127\.0\.0\.1:\d+\/fn\/env-\w+\/fx-\w+/,
    );
  });

  it('a second deploy makes no write call, uploads nothing and zips nothing', async () => {
    const before = stats();
    const result = await run(['deploy']);
    expectSuccess(result);
    const after = stats();
    expect(writesBetween(before, after)).toEqual({});
    expect(after.codeBytesUploaded).toBe(before.codeBytesUploaded);
    expect(result.stderr).toMatch(/Packaging skipped/);
    expect(result.stderr).toMatch(/nothing to deploy/);
  });

  it('changing one handler updates and uploads that function only', async () => {
    fs.writeFileSync(path.join(dir, 'hello.js'), handler('hello', 2));
    const before = stats();
    const result = await run(['deploy']);
    expectSuccess(result);
    const after = stats();
    expect(writesBetween(before, after)).toEqual({ 'PUT /functions/function/{id}': 1 });
    expect(after.codeBytesUploaded - before.codeBytesUploaded).toBe(fs.statSync(path.join(dir, '.serverless', 'hello.zip')).size);
    expect(result.stderr).toMatch(/~ update function hello: code \w+ → \w+/);
  });

  it('changing a cron expression updates that job only', async () => {
    fs.writeFileSync(path.join(dir, 'serverless.yml'), config('0 * * * *'));
    const before = stats();
    expectSuccess(await run(['deploy']));
    expect(writesBetween(before, stats())).toEqual({ 'PUT /spectrum/events/job/{id}': 1 });
    expect((await client.cronJobs.list()).map((job) => job.cronExpression)).toEqual(['0 * * * *']);
  });

  it('--dry-run prints the plan and writes nothing', async () => {
    fs.writeFileSync(path.join(dir, 'world.js'), handler('world', 2));
    const before = stats();
    const result = await run(['deploy', '--dry-run']);
    expectSuccess(result);
    expect(writesBetween(before, stats())).toEqual({});
    expect(result.stdout).toMatch(/~ update function world: code[\s\S]*Dry run: nothing was changed\./);
  });

  it('deploy function touches that one function', async () => {
    fs.writeFileSync(path.join(dir, 'hello.js'), handler('hello', 3));
    const before = stats();
    const result = await run(['deploy', 'function', '-f', 'world']);
    expectSuccess(result);
    expect(writesBetween(before, stats())).toEqual({ 'PUT /functions/function/{id}': 1 });
    expect(result.stderr).toMatch(/Function world deployed \(version 1\)/);
  });

  it('info reads the deployed service from the API', async () => {
    const result = await run(['info', '-f', 'world']);
    expectSuccess(result);
    expect(result.stdout).toMatch(
      /world:\n {4}id: fx-\w+\n {4}runtime: nodejs8\.3\n {4}memory: 128 MB\n {4}timeout: 30 s\n {4}version: 1\n {4}access: private\n {4}url: \S+\n {4}cron: 0 \* \* \* \*/,
    );
    expect(result.stdout).not.toMatch(/hello:/);
  });

  it('a function removed from the file is left alone, and deleted with its job under --prune', async () => {
    fs.writeFileSync(path.join(dir, 'serverless.yml'), config('0 * * * *', false));
    let before = stats();
    const kept = await run(['deploy']);
    expectSuccess(kept);
    expect(kept.stderr).toMatch(/leave {2}function world: not in the file; --prune deletes it/);
    expect(writesBetween(before, stats())).toEqual({ 'PUT /functions/function/{id}': 1 }); // hello.js changed above
    before = stats();
    expectSuccess(await run(['deploy', '--prune']));
    expect(writesBetween(before, stats())).toEqual({ 'DELETE /spectrum/events/job/{id}': 1, 'DELETE /functions/function/{id}': 1 });
    expect(await account()).toMatchObject({ functions: ['hello'], jobs: 0, patterns: 1 });
  });

  it('remove from a fresh clone (no .serverless) leaves the account as it was, and again is no error', async () => {
    const clone = writeService(workspace, 'shop-clone', {
      config: fs.readFileSync(path.join(dir, 'serverless.yml'), 'utf8'),
      files: { 'hello.js': handler('hello', 3) },
    });
    const result = await run(['remove'], clone);
    expectSuccess(result);
    expect(result.stderr).toMatch(
      /Removed service shop \(stage dev\): 1 function, 0 cron jobs, 1 endpoint, environment dev, application shop\./,
    );
    expect(await account()).toEqual({ applications: 0, environments: 0, functions: [], jobs: 0, patterns: 0 });
    const again = await run(['remove'], clone);
    expectSuccess(again);
    expect(again.stderr).toMatch(/Nothing to remove/);
  });

  it('fails before any API call when credentials are missing, naming the fix', async () => {
    const before = stats();
    const result = await runCli(cli, ['deploy'], { cwd: dir, workspace, env: { SPOTINST_API_URL: platform.url } });
    expect(result.code).not.toBe(0);
    expect(both(result)).toMatch(/spotinst credentials|SPOTINST_TOKEN/);
    expect(stats().requests).toEqual(before.requests);
  });
});

/** A jar holding com.serverless.Handler, the class the old java8 template names. */
function buildLegacyJar(serviceDir: string, cacheDir: string, runtimeClasses: string): void {
  const src = path.join(cacheDir, 'legacy-src', 'com', 'serverless');
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(
    path.join(src, 'Handler.java'),
    `package com.serverless;
import com.spotinst.functions.runtime.*;
public class Handler implements RequestHandler {
  public Response handleRequest(Request request, Context context) { return new Response(200, "{\\"hello\\":\\"java\\"}"); }
}
`,
  );
  const classes = path.join(cacheDir, 'legacy-classes');
  execFileSync('javac', ['--release', '8', '-Xlint:-options', '-cp', runtimeClasses, '-d', classes, path.join(src, 'Handler.java')]);
  fs.mkdirSync(path.join(serviceDir, 'target'), { recursive: true });
  execFileSync('jar', ['cf', path.join(serviceDir, 'target', 'spotinst-java8.jar'), '-C', classes, '.']);
}

describe('the old templates deploy unchanged (blank environment: application and environment created)', () => {
  let world: LocalWorld;
  const fixtures = path.join(__dirname, '..', 'fixtures', 'legacy');
  const files: Record<string, Record<string, string>> = {
    'template-nodejs.yml': { 'handler.js': handler('legacy') },
    'template-python.yml': { 'handler.py': 'def main(event, context):\n    return {"statusCode": 200, "body": "hi"}\n' },
    'template-ruby.yml': { 'handler.rb': "def main(event, context)\n  { statusCode: 200, body: 'hi' }\nend\n" },
    'template-java8.yml': {},
  };

  beforeAll(async () => {
    world = await startLocalWorld();
  });
  afterAll(() => world.stop());

  for (const [cli, file] of CLIS.flatMap((cli) => Object.keys(files).map((file) => [cli, file] as const)))
    // the java8 template's jar is built with javac first
    itWith(file === 'template-java8.yml' ? ['java'] : [], `${cli} deploys and removes ${file}`, async () => {
      const { workspace, client, env } = world;
      const dir = writeService(workspace, `${cli}-${file}`, {
        config: fs.readFileSync(path.join(fixtures, file), 'utf8'),
        files: files[file],
      });
      if (file === 'template-java8.yml') {
        const cacheDir = path.join(workspace.root, 'java-cache');
        buildLegacyJar(dir, path.join(workspace.root, `${cli}-javac`), await ensureJavaRuntime(cacheDir));
      }
      const deployed = await runCli(cli, ['deploy'], { cwd: dir, workspace, env });
      expectSuccess(deployed);
      const service = file.replace('template-', 'spotinst-').replace('.yml', '');
      const [application] = (await client.applications.list()).filter((app) => app.name === service);
      expect(application).toBeDefined();
      const [environment] = await client.environments.listByApplication(application.id);
      expect(environment.name).toBe('dev');
      expect((await client.functions.list(environment.id)).map((fn) => [fn.name, fn.access])).toEqual([['hello', 'private']]);
      expectSuccess(await runCli(cli, ['remove'], { cwd: dir, workspace, env }));
      expect((await client.applications.list()).filter((app) => app.name === service)).toEqual([]);
    });
});

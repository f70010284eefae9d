/**
 * A file broken after a deploy, through the real CLI (serverless 3.40.0) against a
 * spotinst-local started here: `deploy` refuses it, naming the field in words; `info`,
 * `invoke -f`, `logs -f` and `remove` of what is not broken go on, with a warning. And the
 * `/1 * * * *` real services were written with deploys, normalised, and `--verbose` says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SpotinstClient } from '../../src/api';
import {
  combinedOutput as both,
  expectSuccess,
  runCli,
  startLocalWorld,
  writeService,
  type LocalWorld,
  type Workspace,
} from '../helpers/cli';

const HANDLER = 'module.exports.main = async (event) => ({ statusCode: 200, body: { pong: event.body } });\n';

function config(tickCron: string): string {
  return `service: scoped
frameworkVersion: '>=3'
provider:
  name: spotinst
functions:
  tick:
    runtime: nodejs8.3
    handler: handler.main
    cron: {active: true, value: '${tickCron}'}
  ping:
    runtime: nodejs8.3
    handler: lib/ping.main
plugins:
  - serverless-spotinst-functions
`;
}

describe('serverless: a broken file after a deploy', () => {
  let world: LocalWorld;
  let workspace: Workspace;
  let client: SpotinstClient;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  const run = (args: string[]) => runCli('serverless', args, { cwd: dir, workspace, env });

  beforeAll(async () => {
    world = await startLocalWorld();
    ({ workspace, client, env } = world);
    // ping lives in a .cjs file: the deploy check and the platform's runner both find it
    dir = writeService(workspace, 'scoped', { config: config('/1 * * * *'), files: { 'handler.js': HANDLER, 'lib/ping.cjs': HANDLER } });
  });

  afterAll(() => world.stop());

  it('deploys /1 * * * * as */1 * * * *, and says so with --verbose', async () => {
    const deployed = await run(['deploy', '--verbose']);
    expectSuccess(deployed);
    expect(deployed.stderr).toContain(
      'functions.tick.cron.value: "/1 * * * *" is scheduled as "*/1 * * * *": the minute field "/1" was read as "*/1".',
    );
    expect((await client.cronJobs.list()).map((job) => job.cronExpression)).toEqual(['*/1 * * * *']);
  });

  it('invokes a handler that lives in a .cjs file', async () => {
    const invoked = await run(['invoke', '-f', 'ping', '--data', '"hi"']);
    expectSuccess(invoked);
    expect(JSON.parse(invoked.stdout)).toEqual({ pong: 'hi' });
  });

  describe('after tick.cron.value is broken', () => {
    beforeAll(() => {
      fs.writeFileSync(path.join(dir, 'serverless.yml'), config('61 * * * *'));
    });

    it('deploy refuses it, naming the field in words and its accepted form', async () => {
      const refused = await run(['deploy']);
      expect(refused.code).not.toBe(0);
      expect(both(refused)).toContain('serverless.yml: functions.tick.cron.value = "61 * * * *"');
      expect(both(refused)).toContain('its minute field "61" is outside 0-59; the minute field accepts 0-59 as a single value');
      expect(both(refused)).not.toContain('Constraint error');
    });

    it.each([[['info']], [['invoke', '-f', 'ping', '--data', '"again"']], [['logs', '-f', 'ping']]])(
      '%j goes on, warning about what deploy will refuse',
      async (args) => {
        const result = await run(args);
        expectSuccess(result);
        expect(result.stderr).toContain('an error in settings this command does not use, so it goes on');
        expect(result.stderr).toContain('functions.tick.cron.value = "61 * * * *"');
      },
    );

    it('invoke -f tick stops: it uses what is broken', async () => {
      const refused = await run(['invoke', '-f', 'tick']);
      expect(refused.code).not.toBe(0);
      expect(both(refused)).toContain('Invalid Spotinst configuration in serverless.yml (1 error)');
    });

    it('remove removes the service', async () => {
      expectSuccess(await run(['remove']));
      expect(await client.cronJobs.list()).toEqual([]);
      const environments = await client.environments.list();
      expect((await Promise.all(environments.map((e) => client.functions.list(e.id)))).flat()).toEqual([]);
    });
  });
});

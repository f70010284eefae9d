/**
 * The shipped templates, end to end, the way a user meets them: the real CLIs
 * (serverless 3.40.0 and osls) create a service with
 * `create --template-path <node_modules>/serverless-spotinst-functions/templates/<name>`,
 * the user restores `.gitignore` (the framework does not), builds the java jar with the
 * documented no-network path (`sh build.sh`: javac + jar), then deploy → invoke → logs →
 * info → remove against a spotinst-local started here, which leaves the account empty.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLIS, combinedOutput as both, expectSuccess, runCli, startLocalWorld, type CliName, type LocalWorld } from '../helpers/cli';
import { itWith, type Component } from '../helpers/requirements';

/** Each with what runs it (and builds it, for java) on this machine beyond Node. */
const TEMPLATES: Array<{ template: string; runtime: string; code: string; needs: Component[] }> = [
  { template: 'spotinst-nodejs', runtime: 'nodejs8.3', code: 'handler.js', needs: [] },
  { template: 'spotinst-python', runtime: 'python2.7', code: 'handler.py', needs: ['python3'] },
  { template: 'spotinst-ruby', runtime: 'ruby2.4.1', code: 'handler.rb', needs: ['ruby'] },
  { template: 'spotinst-java8', runtime: 'java8', code: 'src/main/java/com/serverless/Handler.java', needs: ['java'] },
];

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.each(CLIS)('%s: every template from create to remove', (cli: CliName) => {
  let world: LocalWorld;

  const account = async () => {
    const { client } = world;
    const environments = await client.environments.list();
    const functions = (await Promise.all(environments.map((e) => client.functions.list(e.id)))).flat();
    return {
      applications: (await client.applications.list()).map((app) => app.name),
      environments: environments.length,
      functions: functions.length,
      jobs: (await client.cronJobs.list()).length,
      patterns: (await client.patterns.list()).length,
    };
  };

  beforeAll(async () => {
    world = await startLocalWorld();
  });
  afterAll(() => world?.stop());

  for (const { template, runtime, code, needs } of TEMPLATES)
    itWith(
      needs,
      template,
      async () => {
        const { workspace, env } = world;
        const run = (args: string[], cwd: string) => runCli(cli, args, { cwd, workspace, env });
        const templatePath = path.join(workspace.root, 'node_modules', 'serverless-spotinst-functions', 'templates', template);
        const folder = `my-${template.replace('spotinst-', '')}`;
        const dir = path.join(workspace.root, folder);

        // create: a copy of the template. osls names the service after --path; serverless 3
        // renames only with --name, so the service keeps the template's name there.
        const created = expectSuccess(await run(['create', '--template-path', templatePath, '--path', folder], workspace.root));
        expect(both(created)).toMatch(/Project successfully created/);
        const service = cli === 'osls' ? folder : template;
        expect(fs.readFileSync(path.join(dir, 'serverless.yml'), 'utf8')).toMatch(new RegExp(`^service: ${service}\n`));
        expect(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))).toMatchObject({
          name: service,
          devDependencies: { 'serverless-spotinst-functions': expect.any(String) },
        });
        expect(fs.existsSync(path.join(dir, code))).toBe(true);
        // Neither CLI restores the dot: the README's `mv gitignore .gitignore` does.
        expect(fs.existsSync(path.join(dir, 'gitignore'))).toBe(true);
        expect(fs.existsSync(path.join(dir, '.gitignore'))).toBe(false);
        fs.renameSync(path.join(dir, 'gitignore'), path.join(dir, '.gitignore'));

        if (runtime === 'java8') {
          // The documented no-network path: javac against the runtime sources the plugin ships, then jar.
          const built = execFileSync('sh', ['build.sh'], {
            cwd: dir,
            encoding: 'utf8',
            env: {
              PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
              HOME: workspace.home,
              LANG: 'C.UTF-8',
            },
          });
          expect(built).toContain(`built target/${service}.jar`);
          expect(fs.existsSync(path.join(dir, 'target', `${service}.jar`))).toBe(true);
        }

        const deployed = expectSuccess(await run(['deploy'], dir));
        expect(deployed.stderr).toMatch(/\+ create function hello/);
        expect(deployed.stdout).toMatch(new RegExp(`service: ${service}\\nstage: dev\\n`));

        const name = `${cli} ${runtime}`;
        const invoked = expectSuccess(await run(['invoke', '-f', 'hello', '--data', JSON.stringify({ name })], dir));
        expect(JSON.parse(invoked.stdout)).toEqual({ message: `Hello ${name}` });

        const logs = expectSuccess(await run(['logs', '-f', 'hello'], dir));
        expect(logs.stdout).toMatch(new RegExp(`hello: greeting ${escape(name)} \\(request \\S+\\)`));

        const info = expectSuccess(await run(['info'], dir));
        expect(info.stdout).toMatch(new RegExp(`service: ${service}\\nstage: dev\\n`));
        expect(info.stdout).toMatch(
          new RegExp(
            `hello:\\n {4}id: fx-\\w+\\n {4}runtime: ${escape(runtime)}\\n {4}memory: 128 MB\\n {4}timeout: 30 s\\n {4}version: \\d+\\n {4}access: private\\n {4}url: http://127\\.0\\.0\\.1:\\d+/fn/`,
          ),
        );

        const removed = expectSuccess(await run(['remove'], dir));
        expect(removed.stderr).toMatch(new RegExp(`Removed service ${service} \\(stage dev\\): 1 function`));
        expect(await account()).toEqual({ applications: [], environments: 0, functions: 0, jobs: 0, patterns: 0 });
      },
      180000,
    );
});

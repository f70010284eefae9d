/**
 * The foundation through the real CLIs: the plugin loads from `plugins:`, its schema
 * accepts the old template with no warning, typos are reported by the framework, bad
 * values by our validator, and the credentials command writes a private file.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { CLIS, combinedOutput as output, createWorkspace, runCli, writeService, type Workspace } from '../helpers/cli';

const TOKEN = 'tok-SECRET-e2e-91c4';

/** What `serverless create --template spotinst-nodejs` wrote for plugin 1.x users. */
const LEGACY_TEMPLATE = `service: spotinst-nodejs # NOTE: update this with your service name

provider:
  name: spotinst
  spotinst:
    environment: #{Your Environment ID}

functions:
  hello:
    runtime: nodejs8.3
    handler: handler.main
    memory: 128
    timeout: 30
    access: private
#    cron:  # Setup scheduled trigger with cron expression
#      active: true
#      value: '* * * * *'

plugins:
  - serverless-spotinst-functions
`;

const HANDLER = `module.exports.main = (event, context, callback) => callback(null, { statusCode: 200, body: 'hi' });\n`;

function strict(config: string): string {
  return `configValidationMode: error\n${config}`;
}

/** Anything the framework or we would print as a warning or deprecation. */
function warnings(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /warn|deprecat|relying on provider/i.test(line));
}

describe.each(CLIS)('%s CLI', (cli) => {
  let workspace: Workspace;

  beforeAll(() => {
    workspace = createWorkspace();
  });
  afterAll(() => workspace.cleanup());

  it('prints the legacy template with configValidationMode: error and no warning', async () => {
    const dir = writeService(workspace, `${cli}-print`, {
      config: strict(LEGACY_TEMPLATE),
      files: { 'handler.js': HANDLER },
    });
    const result = await runCli(cli, ['print'], { cwd: dir, workspace });
    expect(output(result)).not.toMatch(/^Error:/m);
    expect(result.code).toBe(0);
    expect(warnings(result.stderr)).toEqual([]);
    const printed = yaml.load(result.stdout) as { functions: { hello: { memory: number; runtime: string } } };
    expect(printed.functions.hello).toMatchObject({ memory: 128, runtime: 'nodejs8.3' });
  });

  const fixtures = path.join(__dirname, '..', 'fixtures', 'legacy');
  it.each(fs.readdirSync(fixtures).filter((file) => file.endsWith('.yml')))(
    'accepts %s (old templates, old docs, the SPEC example) in strict mode with no warning',
    async (file) => {
      let config = fs.readFileSync(path.join(fixtures, file), 'utf8');
      // osls numbers itself 4.x and refuses `frameworkVersion: '3'` (see docs/getting-started.md).
      if (cli === 'osls') config = config.replace(/^frameworkVersion: '3'$/m, "frameworkVersion: '>=3'");
      const dir = writeService(workspace, `${cli}-${file}`, { config: strict(config) });
      const result = await runCli(cli, ['print'], { cwd: dir, workspace });
      expect(output(result)).not.toMatch(/^Error:/m);
      expect(result.code).toBe(0);
      expect(warnings(result.stderr)).toEqual([]);
    },
  );

  it('lets the framework report a misspelt key (memroy)', async () => {
    const dir = writeService(workspace, `${cli}-typo`, {
      config: strict(LEGACY_TEMPLATE.replace('memory: 128', 'memroy: 128')),
      files: { 'handler.js': HANDLER },
    });
    const result = await runCli(cli, ['print'], { cwd: dir, workspace });
    expect(result.code).not.toBe(0);
    expect(output(result)).toMatch(/memroy/);

    // In warn mode the same typo is a warning: proof that the warning checks here can fail.
    const lenient = writeService(workspace, `${cli}-typo-warn`, {
      config: `configValidationMode: warn\n${LEGACY_TEMPLATE.replace('memory: 128', 'memroy: 128')}`,
      files: { 'handler.js': HANDLER },
    });
    const warned = await runCli(cli, ['print'], { cwd: lenient, workspace });
    expect(warnings(warned.stderr).join('\n')).toMatch(/warn/i);
    expect(warned.stderr).toMatch(/memroy/);
  });

  it('packages the legacy service without credentials and without warnings', async () => {
    const dir = writeService(workspace, `${cli}-package`, {
      config: LEGACY_TEMPLATE,
      files: { 'handler.js': HANDLER },
    });
    // No SPOTINST_* variables and no credentials file: package must not need them.
    const result = await runCli(cli, ['package'], { cwd: dir, workspace });
    expect(output(result)).not.toMatch(/^Error:/m);
    expect(result.code).toBe(0);
    expect(warnings(result.stderr)).toEqual([]);
    expect(fs.existsSync(path.join(dir, '.serverless', 'spotinst-nodejs.zip'))).toBe(true);
  });

  it('stops package with our message when a value is out of range', async () => {
    const config = `configValidationMode: off\n${LEGACY_TEMPLATE.replace('memory: 128', 'memory: 100')}`;
    const dir = writeService(workspace, `${cli}-bad-memory`, { config, files: { 'handler.js': HANDLER } });
    const result = await runCli(cli, ['package'], { cwd: dir, workspace });
    expect(result.code).not.toBe(0);
    expect(output(result)).toContain('functions.hello.memory');
    expect(output(result)).toContain('= 100');
    expect(fs.existsSync(path.join(dir, '.serverless', 'spotinst-nodejs.zip'))).toBe(false);
  });

  it('saves credentials with `spotinst credentials`, privately, and never prints the token', async () => {
    const dir = writeService(workspace, `${cli}-credentials`, { config: LEGACY_TEMPLATE });
    const file = path.join(workspace.home, '.spotinst', 'credentials');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });

    const first = await runCli(cli, ['spotinst', 'credentials', '--token', TOKEN, '--account', 'act-1a2b3c4d', '--debug', '*'], {
      cwd: dir,
      workspace,
    });
    expect(first.code).toBe(0);
    expect(first.stdout + first.stderr).not.toContain(TOKEN);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(yaml.load(fs.readFileSync(file, 'utf8'))).toEqual({ default: { token: TOKEN, account: 'act-1a2b3c4d' } });

    const again = await runCli(cli, ['spotinst', 'credentials', '--token', 'other', '--account', 'act-2'], {
      cwd: dir,
      workspace,
    });
    expect(again.code).not.toBe(0);
    expect(output(again)).toContain('--overwrite');
    expect(again.stdout + again.stderr).not.toContain(TOKEN);

    const replaced = await runCli(cli, ['spotinst', 'credentials', '--token', 'other', '--account', 'act-2', '--overwrite', '--verbose'], {
      cwd: dir,
      workspace,
    });
    expect(replaced.code).toBe(0);
    expect(replaced.stdout + replaced.stderr).not.toContain('other\n');
    expect(yaml.load(fs.readFileSync(file, 'utf8'))).toEqual({ default: { token: 'other', account: 'act-2' } });
  });

  it('requires --token and --account for `spotinst credentials`', async () => {
    const dir = writeService(workspace, `${cli}-credentials-missing`, { config: LEGACY_TEMPLATE });
    const result = await runCli(cli, ['spotinst', 'credentials', '--account', 'act-1'], { cwd: dir, workspace });
    expect(result.code).not.toBe(0);
    expect(output(result)).toMatch(/token/);
  });
});

/**
 * Issue 8, item 5: secrets. A service's whole life through the real CLIs (credentials saved
 * with `spotinst credentials`, print, package, deploy --dry-run, deploy, deploy function, info,
 * invoke, invoke local, logs, remove) and the ways commands fail (bad config, a function that
 * throws what it was sent, a wrong token, a wrong account, an unreachable API, bad options),
 * once with --verbose and once with --debug. The token is a random value: it must appear in
 * no output and in no file under the service directory (zips opened), in any of the forms it
 * could take; and the credentials file the plugin writes must be readable by its owner only.
 *
 * The functions are private (invoke sends them the token) and print and return the headers
 * and the environment they were given; the one that fails puts its authorization header in
 * its error message.
 *
 * Quick pass: the --verbose run on serverless 3.40.0 and the --debug run on osls, side by
 * side. Chaos pass (SPOTINST_CHAOS=1): both flags on both CLIs.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import JSZip from 'jszip';
import type { LocalPlatform } from '../../src/local';
import { CLIS, combinedOutput, runCli, startLocalWorld, writeService, type CliName, type CliResult, type Workspace } from '../helpers/cli';
import { runLimited } from './cli-runs';
import { CHAOS, recordFigure } from './figures';

const CONFIG = (memory = 128): string => `service: vault
frameworkVersion: '>=3'
provider:
  name: spotinst
functions:
  echo:
    runtime: nodejs8.3
    handler: handler.echo
    access: private
    memory: ${memory}
  boom:
    runtime: nodejs8.3
    handler: handler.boom
    access: private
plugins:
  - serverless-spotinst-functions
`;

// What a careless function does: prints and returns what it was sent, and the environment it runs in.
const HANDLER = `module.exports.echo = async (event) => {
  console.log('headers: ' + JSON.stringify(event.headers));
  return { statusCode: 200, body: { headers: event.headers, env: process.env } };
};
module.exports.boom = async (event) => {
  throw new Error('refused ' + (event.headers.authorization || 'no authorization header'));
};
`;

type Flag = '--verbose' | '--debug';
const FLAG_ARGS: Record<Flag, string[]> = { '--verbose': ['--verbose'], '--debug': ['--debug', '*'] };

interface Pass {
  cli: CliName;
  flag: Flag;
  workspace: Workspace;
  platform: LocalPlatform;
  dir: string;
  /** the token of the account, saved with `spotinst credentials` */
  secret: string;
  /** a token of no account, sent once to be refused */
  wrongSecret: string;
  credentialsFile: string;
  /** an address where nothing listens */
  deadUrl: string;
}

interface Step {
  /** the command, as counted in the figure */
  command: string;
  outcome: 'success' | 'failure';
  /** $TOKEN and $ACCOUNT stand for the pass's token and account */
  args: string[];
  /** variables on top of SPOTINST_API_URL (the credentials come from the file otherwise) */
  env?: (pass: Pass) => Record<string, string>;
  /** must be in the output: the run took the path where the token could have leaked */
  shows?: Array<string | RegExp>;
  /** a check after the run; returns what is wrong */
  after?: (pass: Pass) => string | undefined;
}

const envCredentials = (pass: Pass, token = pass.secret, account = pass.platform.account) => ({
  SPOTINST_TOKEN: token,
  SPOTINST_ACCOUNT: account,
});

function credentialsModes(pass: Pass): string | undefined {
  if (!fs.existsSync(pass.credentialsFile)) return 'no credentials file';
  const file = fs.statSync(pass.credentialsFile).mode & 0o777;
  const dir = fs.statSync(path.dirname(pass.credentialsFile)).mode & 0o777;
  return file === 0o600 && dir === 0o700 ? undefined : `credentials file mode ${file.toString(8)}, directory ${dir.toString(8)}`;
}

const SAVE_CREDENTIALS = ['spotinst', 'credentials', '--token', '$TOKEN', '--account', '$ACCOUNT'];

/** In order: each step finds the state the previous ones left. */
const STEPS: Step[] = [
  {
    command: 'spotinst credentials',
    args: SAVE_CREDENTIALS,
    outcome: 'success',
    shows: ['Saved profile "default"'],
    after: credentialsModes,
  },
  { command: 'spotinst credentials', args: SAVE_CREDENTIALS, outcome: 'failure', shows: ['already exists'] },
  {
    command: 'spotinst credentials',
    args: [...SAVE_CREDENTIALS, '--overwrite'],
    outcome: 'success',
    shows: ['Replaced profile "default"'],
    after: credentialsModes,
  },
  { command: 'print', args: ['print'], outcome: 'success', shows: ['handler: handler.echo'] },
  { command: 'package', args: ['package'], outcome: 'success' },
  { command: 'deploy --dry-run', args: ['deploy', '--dry-run'], outcome: 'success', shows: ['Dry run: nothing was changed.'] },
  { command: 'deploy', args: ['deploy'], outcome: 'success', shows: ['Service vault deployed to stage dev'] },
  { command: 'deploy', args: ['deploy', '--config', 'serverless.bad.yml'], outcome: 'failure', shows: ['functions.echo.memory = 100'] },
  {
    command: 'deploy function',
    args: ['deploy', 'function', '-f', 'echo', '--force'],
    outcome: 'success',
    shows: ['Function echo deployed'],
  },
  { command: 'info', args: ['info'], outcome: 'success', shows: ['service: vault'] },
  { command: 'info -f', args: ['info', '-f', 'echo'], outcome: 'success', shows: ['access: private'] },
  { command: 'invoke', args: ['invoke', '-f', 'echo'], outcome: 'success', shows: ['"user-agent": "serverless-spotinst-functions/'] },
  {
    command: 'invoke',
    args: ['invoke', '-f', 'boom'],
    outcome: 'failure',
    env: (pass) => envCredentials(pass),
    shows: ['Function "boom" failed (500 Error): refused'],
  },
  // The token in the CLI's environment, where a handler run here could read it.
  {
    command: 'invoke local',
    args: ['invoke', 'local', '-f', 'echo'],
    outcome: 'success',
    env: (pass) => envCredentials(pass),
    shows: ['"SPOTINST_FUNCTION_ID": "fx-local"'],
  },
  {
    command: 'invoke local',
    args: ['invoke', 'local', '-f', 'boom'],
    outcome: 'failure',
    env: (pass) => envCredentials(pass),
    shows: ['refused no authorization header'],
  },
  { command: 'logs', args: ['logs', '-f', 'echo'], outcome: 'success', shows: ['headers: {"accept"'] },
  {
    command: 'logs',
    args: ['logs', '-f', 'echo', '--startTime', 'last week'],
    outcome: 'failure',
    shows: ['--startTime "last week" is not a time'],
  },
  { command: 'info', args: ['info'], outcome: 'failure', env: (pass) => envCredentials(pass, pass.wrongSecret), shows: [/401/] },
  { command: 'info', args: ['info'], outcome: 'failure', env: (pass) => envCredentials(pass, pass.secret, 'act-00000000'), shows: [/403/] },
  {
    command: 'remove',
    args: ['remove'],
    outcome: 'failure',
    env: (pass) => ({ SPOTINST_API_URL: pass.deadUrl }),
    shows: ['Could not reach the Spotinst API'],
  },
  { command: 'remove', args: ['remove'], outcome: 'success', shows: ['Removed service vault'] },
];

/** The forms a token could leak in: as is, cut short, base64 (as in a Basic header or a dump), URL-encoded. */
function secretForms(secret: string): string[] {
  const base64 = Buffer.from(secret).toString('base64');
  return [
    ...new Set([
      secret,
      secret.slice(0, 16),
      secret.slice(-16),
      base64.replace(/=+$/, ''),
      Buffer.from(secret).toString('base64url'),
      encodeURIComponent(secret),
    ]),
  ];
}

function occurrences(text: string, forms: string[]): number {
  return forms.reduce((count, form) => count + text.split(form).length - 1, 0);
}

/** Every file under dir, zips and jars opened: [path (with the entry), text]. */
async function filesUnder(dir: string): Promise<Array<[string, string]>> {
  const found: Array<[string, string]> = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const bytes = fs.readFileSync(file);
    found.push([file, bytes.toString('latin1')]);
    if (/\.(zip|jar)$/.test(file)) {
      const zip = await JSZip.loadAsync(bytes);
      for (const inner of Object.values(zip.files)) {
        if (!inner.dir) found.push([`${file}!${inner.name}`, (await inner.async('nodebuffer')).toString('latin1')]);
      }
    }
  }
  return found;
}

/** A loopback port that was free a moment ago and is closed now. */
async function deadUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

interface StepRun {
  step: Step;
  result: CliResult;
  leaks: number;
  failures: string[];
}

interface PassRun {
  cli: CliName;
  flag: Flag;
  steps: StepRun[];
  /** occurrences of a token form in files under the service directory, and where */
  fileLeaks: string[];
  /** what was searched, relative to the service directory */
  scanned: string[];
}

function argsOf(pass: Pass, step: Step): string[] {
  return step.args.map((arg) => (arg === '$TOKEN' ? pass.secret : arg === '$ACCOUNT' ? pass.platform.account : arg));
}

async function runPass(cli: CliName, flag: Flag): Promise<PassRun> {
  const world = await startLocalWorld({ token: randomBytes(20).toString('hex') });
  const { workspace, platform } = world;
  try {
    const dir = writeService(workspace, 'vault', { config: CONFIG(), files: { 'handler.js': HANDLER, 'serverless.bad.yml': CONFIG(100) } });
    const pass: Pass = {
      cli,
      flag,
      workspace,
      platform,
      dir,
      secret: platform.token,
      wrongSecret: randomBytes(20).toString('hex'),
      credentialsFile: path.join(workspace.home, '.spotinst', 'credentials'),
      deadUrl: await deadUrl(),
    };
    const forms = [...secretForms(pass.secret), ...secretForms(pass.wrongSecret)];
    const steps: StepRun[] = [];
    for (const step of STEPS) {
      const env = { SPOTINST_API_URL: platform.url, ...step.env?.(pass) };
      const result = await runCli(cli, [...argsOf(pass, step), ...FLAG_ARGS[flag]], { cwd: dir, workspace, env });
      const output = combinedOutput(result);
      const failures: string[] = [];
      const succeeded = result.code === 0;
      if (succeeded !== (step.outcome === 'success')) failures.push(`exit code ${String(result.code)}, expected ${step.outcome}`);
      for (const fragment of step.shows ?? []) {
        if (!(typeof fragment === 'string' ? output.includes(fragment) : fragment.test(output)))
          failures.push(`the output lacks ${String(fragment)}`);
      }
      const leaks = occurrences(output, forms);
      if (leaks > 0) failures.push(`the token appears ${leaks} times in the output`);
      const extra = step.after?.(pass);
      if (extra) failures.push(extra);
      steps.push({ step, result, leaks, failures });
    }
    const fileLeaks: string[] = [];
    const scanned: string[] = [];
    for (const [file, text] of await filesUnder(dir)) {
      scanned.push(path.relative(dir, file));
      const count = occurrences(text, forms);
      if (count > 0) fileLeaks.push(`${path.relative(dir, file)}: ${count}`);
    }
    return { cli, flag, steps, fileLeaks, scanned };
  } finally {
    await world.stop();
  }
}

const FLAGS: Flag[] = ['--verbose', '--debug'];
/** Quick: --verbose on one CLI, --debug on the other. Chaos: every pairing. */
const PASSES: Array<{ cli: CliName; flag: Flag }> = CHAOS
  ? CLIS.flatMap((cli) => FLAGS.map((flag) => ({ cli, flag })))
  : FLAGS.map((flag, index) => ({ cli: CLIS[index % CLIS.length], flag }));

const passRuns: PassRun[] = [];

function credentialsModesFailed(run: StepRun): boolean {
  return run.failures.some((failure) => failure.startsWith('credentials file mode') || failure === 'no credentials file');
}

beforeAll(
  async () => {
    passRuns.push(
      ...(await runLimited(
        PASSES.map(
          ({ cli, flag }) =>
            () =>
              runPass(cli, flag),
        ),
        2,
      )),
    );
  },
  CHAOS ? 400000 : 180000,
);

afterAll(() => {
  if (passRuns.length !== PASSES.length) return;
  const runs = passRuns.flatMap((pass) => pass.steps);
  const found = runs.reduce((sum, run) => sum + run.leaks, 0) + passRuns.reduce((sum, pass) => sum + pass.fileLeaks.length, 0);
  const commands = new Set(STEPS.map((step) => step.command)).size;
  const failing = runs.filter((run) => run.step.outcome === 'failure').length;
  const modesOk = runs.filter((run) => run.step.after === credentialsModes).every((run) => credentialsModesFailed(run) === false);
  const how = CHAOS ? `${commands} commands × --verbose/--debug × ${CLIS.length} CLIs` : `${commands} commands × --verbose/--debug`;
  recordFigure(
    'secrets',
    `${runs.length} runs (${how}, ${failing} failing), token found ${found} times; credentials file ${modesOk ? '0600' : 'NOT 0600'}`,
  );
});

describe.each(PASSES.map(({ cli, flag }, index) => [`${cli} ${flag}`, index] as const))('%s', (_label, index) => {
  it.each(STEPS.map((step, stepIndex) => [`${step.args.join(' ')} → ${step.outcome}`, stepIndex] as const))(
    '%s: the token is in no output',
    (_name, stepIndex) => {
      const run = passRuns[index].steps[stepIndex];
      if (run.failures.length > 0) {
        throw new Error(
          `${run.failures.join('\n')}\n--- exit ${String(run.result.code)}\n--- stdout\n${run.result.stdout}\n--- stderr\n${run.result.stderr}`,
        );
      }
    },
  );

  it('leaves the token in no file under the service directory (.serverless and zips included)', () => {
    expect(passRuns[index].scanned).toEqual(expect.arrayContaining(['serverless.yml', path.join('.serverless', 'vault.zip!handler.js')]));
    expect(passRuns[index].fileLeaks).toEqual([]);
  });
});

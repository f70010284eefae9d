/**
 * invoke, invoke local and logs (with --tail) through the real CLIs (serverless 3.40.0 and
 * osls), against a spotinst-local started here. The service is deployed once per CLI with
 * the real `serverless deploy`; everything after reads what a user would see: stdout,
 * stderr, the exit code.
 *
 * The function timeout cannot be shorter than 30 s (the schema's minimum), so the
 * `invoke local` timeout really waits 30 s: both CLIs start it first, in the background,
 * and the last tests collect the results, so it costs no time of its own.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureJavaRuntime, MINIMAL_PATH } from '../../src/runtimes';
import {
  CLIS,
  combinedOutput as both,
  createWorkspace,
  expectSuccess,
  runCli,
  startCli,
  startLocalWorld,
  writeService,
  type CliName,
  type CliResult,
  type LocalWorld,
  type Workspace,
} from '../helpers/cli';
import { openGates, WAIT_AT_GATE, type Gates } from '../helpers/gate';
import { available, itWith } from '../helpers/requirements';

/** A variable of the shell the CLI runs in: no handler may see it. */
const HOST_VARIABLE = 'DESK_HOST_ONLY';

const NODE_HANDLERS = `'use strict';
${WAIT_AT_GATE}

module.exports.greet = async (event) => {
  console.log('greet got ' + JSON.stringify(event.body));
  return { statusCode: 200, body: { received: event.body, method: event.method, sawToken: 'authorization' in event.headers } };
};

module.exports.secret = (event, context, callback) => {
  console.log('secret opened');
  callback(null, { statusCode: 200, body: 'the vault is open' });
};

module.exports.fail = async () => {
  console.log('charging the card');
  throw new Error('card declined: insufficient funds');
};

// callback style, answering after a timer
module.exports.later = (event, context, callback) => {
  console.log('later got ' + JSON.stringify(event.body));
  setTimeout(() => callback(null, { statusCode: 202, body: { queued: event.body } }), 20);
};

// async style: what the handler can see of its environment
module.exports.env = async (event, context) => {
  console.error('env checked');
  return { statusCode: 200, body: { env: process.env, functionId: context.functionId, version: context.version } };
};

// prints tagged lines; can wait at a gate after its first, so the test decides when it ends
// instead of guessing with timers
module.exports.talk = async (event) => {
  const { tag, gate } = event.body;
  console.log(tag + ' first');
  if (gate) await waitAtGate(gate);
  console.log(tag + ' line 2');
  console.log(tag + ' line 3');
  return { statusCode: 200, body: tag };
};
`;

const PYTHON_HANDLER = `import json
import os


def main(event, context):
    print("python got " + json.dumps(event["body"], sort_keys=True))
    return {"statusCode": 200, "body": {"lang": "python", "body": event["body"], "home": os.environ.get("HOME"), "functionId": context.functionId}}
`;

const RUBY_HANDLER = `require 'json'

def main(event, context)
  puts "ruby got #{event['body'].to_json}"
  { statusCode: 200, body: { lang: 'ruby', body: event['body'], home: ENV['HOME'], level: ENV['SERVICE_LEVEL'] } }
end
`;

const JAVA_HANDLER = `package com.desk;

import com.spotinst.functions.runtime.Context;
import com.spotinst.functions.runtime.Request;
import com.spotinst.functions.runtime.RequestHandler;
import com.spotinst.functions.runtime.Response;

public class Handler implements RequestHandler {
    @Override
    public Response handleRequest(Request request, Context context) {
        System.out.println("java got " + request.getBody());
        String home = System.getenv("HOME");
        return new Response(200, "{\\"lang\\":\\"java\\",\\"method\\":\\"" + request.getMethod() + "\\",\\"body\\":" + request.getBody()
            + ",\\"home\\":" + (home == null ? "null" : "\\"set\\"") + ",\\"functionId\\":\\"" + context.getFunctionId() + "\\"}");
    }
}
`;

/** java8 needs a JDK to build its jar: without one, the service has no java function. */
const WITH_JAVA = available('java');

const CONFIG = `service: desk
frameworkVersion: '>=3'
configValidationMode: error
provider:
  name: spotinst
  environmentVariables: {SERVICE_LEVEL: from-service, SHARED: service}
package:
  patterns: ['!target/**', '!java/**']
functions:
  greet:
    runtime: nodejs8.3
    handler: handler.greet
    access: public
    parameters: {greeting: hello, name: world}
  secret:
    runtime: nodejs8.3
    handler: handler.secret
    access: private
  fail:
    runtime: nodejs8.3
    handler: handler.fail
  later:
    runtime: nodejs8.3
    handler: handler.later
  env:
    runtime: nodejs8.3
    handler: handler.env
    environmentVariables: {FUNCTION_LEVEL: from-function, SHARED: function}
  talker:
    runtime: nodejs8.3
    handler: handler.talk
  py:
    runtime: python2.7
    handler: handler.main
  rb:
    runtime: ruby2.4.1
    handler: handler.main
    parameters: {from: yml, n: 0}
${
  WITH_JAVA
    ? `  jv:
    runtime: java8
    handler: com.desk.Handler
`
    : ''
}plugins:
  - serverless-spotinst-functions
`;

/** A handler that outlives the 30 s timeout by far: its sleep is the behaviour under test, not a wait. */
const NAP_CONFIG = `service: nap
frameworkVersion: '>=3'
configValidationMode: error
provider:
  name: spotinst
functions:
  sleepy:
    runtime: nodejs8.3
    handler: handler.sleepy
    timeout: 30
plugins:
  - serverless-spotinst-functions
`;
const NAP_HANDLER = `module.exports.sleepy = async () => {
  console.log('going to sleep for two minutes');
  await new Promise((resolve) => setTimeout(resolve, 120000));
  return { statusCode: 200, body: 'woke up' };
};
`;

/** The short invocation id of `Status: 200 OK (version 0, invocation 1a2b3c4d, 12 ms)`. */
function invocationOf(result: CliResult): string {
  const match = /^Status: \d{3} [A-Za-z ]+ \(version \d+, invocation ([0-9a-f]{8}), \d+ ms\)$/m.exec(result.stderr);
  if (!match) throw new Error(`no status line in stderr:\n${result.stderr}`);
  return match[1];
}

/** Piped output has no colours: an escape code would fail this pattern. */
const LOG_LINE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z) {2}([0-9a-f]{8}) {2}(.*)$/;

/** `logs` output as `<short id>  <text>`, after checking every line has the time column. */
function logLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const match = LOG_LINE.exec(line);
      if (!match) throw new Error(`not a log line: ${JSON.stringify(line)}\n${stdout}`);
      return `${match[2]}  ${match[3]}`;
    });
}

/** What `logs` prints for one invocation of a node function with these lines (header first). */
function invocationLines(id: string, status: 'success' | 'error', lines: string[]): Array<string | RegExp> {
  return [
    new RegExp(`^${id} {2}── invocation ${id}-[0-9a-f-]+ · version 0 · ${status} · \\d+ ms$`),
    ...lines.map((line) => `${id}  ${line}`),
  ];
}

function expectLines(actual: string[], expected: Array<string | RegExp>): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((line, index) => {
    if (typeof line === 'string') expect(actual[index]).toBe(line);
    else expect(actual[index]).toMatch(line);
  });
}

// ---- shared by both CLIs --------------------------------------------------------------

/** TMPDIR of every CLI run: the runtimes' cache and unpacked jars land here, and go with it. */
let tmp: string;
let javaJar: string | undefined;
let napWorkspace: Workspace;
let gates: Gates;
const napRuns = new Map<CliName, Promise<CliResult & { elapsedMs: number }>>();

function unpackedJars(): string[] {
  return fs.readdirSync(tmp).filter((name) => name.startsWith('spotinst-invoke-local-'));
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'invoke-logs-tmp-'));
  gates = await openGates();
  // Started first and collected last: the only way to reach the 30 s timeout is to wait for it.
  napWorkspace = createWorkspace();
  const napDir = writeService(napWorkspace, 'nap', { config: NAP_CONFIG, files: { 'handler.js': NAP_HANDLER } });
  for (const cli of CLIS) {
    const started = Date.now();
    napRuns.set(
      cli,
      runCli(cli, ['invoke', 'local', '-f', 'sleepy'], {
        cwd: napDir,
        workspace: napWorkspace,
        env: { TMPDIR: tmp },
        timeoutMs: 90000,
      }).then((result) => ({ ...result, elapsedMs: Date.now() - started })),
    );
  }
  if (!WITH_JAVA) return;
  // The runtime classes the CLI's java runner uses (it caches them under TMPDIR), and a
  // handler compiled against them, jarred as `mvn package` would.
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : 'user';
  const runtimeClasses = await ensureJavaRuntime(path.join(tmp, `spotinst-runtimes-${user}`));
  const source = path.join(tmp, 'java-src', 'com', 'desk', 'Handler.java');
  fs.mkdirSync(path.dirname(source), { recursive: true });
  fs.writeFileSync(source, JAVA_HANDLER);
  const classes = path.join(tmp, 'java-classes');
  execFileSync('javac', ['--release', '8', '-Xlint:-options', '-cp', runtimeClasses, '-d', classes, source]);
  javaJar = path.join(tmp, 'desk.jar');
  execFileSync('jar', ['cf', javaJar, '-C', classes, '.']);
}, 60000);

afterAll(async () => {
  await Promise.allSettled(napRuns.values());
  await gates?.close();
  napWorkspace?.cleanup();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe.each(CLIS)('%s: invoke, invoke local and logs', (cli: CliName) => {
  let world: LocalWorld;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  /** the short ids of greet's invocations, in the order they were made */
  const greeted: Array<{ id: string; line: string }> = [];
  let failedId: string;

  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    runCli(cli, args, { cwd: dir, workspace: world.workspace, env: { ...env, ...extra } });
  const noToken = (result: CliResult) => expect(both(result)).not.toContain(world.platform.token);

  beforeAll(async () => {
    world = await startLocalWorld();
    env = { ...world.env, TMPDIR: tmp, [HOST_VARIABLE]: 'from the shell' };
    dir = writeService(world.workspace, 'desk', {
      config: CONFIG,
      files: {
        'handler.js': NODE_HANDLERS,
        'handler.py': PYTHON_HANDLER,
        'handler.rb': RUBY_HANDLER,
        'java/com/desk/Handler.java': JAVA_HANDLER,
        'events/order.json': JSON.stringify({ name: 'Grace', items: [1, 2] }),
      },
    });
    if (javaJar) {
      fs.mkdirSync(path.join(dir, 'target'));
      fs.copyFileSync(javaJar, path.join(dir, 'target', 'desk.jar'));
    }
    const deployed = await run(['deploy']);
    expectSuccess(deployed);
    expect(deployed.stderr).toMatch(/Service desk deployed to stage dev/);
  }, 60000);

  afterAll(() => world?.stop());

  describe('invoke', () => {
    it('sends the parameters of serverless.yml: the body as pretty JSON on stdout, the status on stderr', async () => {
      const result = await run(['invoke', '-f', 'greet']);
      expectSuccess(result);
      const body = { received: { greeting: 'hello', name: 'world' }, method: 'POST', sawToken: false };
      expect(result.stdout).toBe(`${JSON.stringify(body, null, 2)}\n`);
      greeted.push({ id: invocationOf(result), line: 'greet got {"greeting":"hello","name":"world"}' });
      noToken(result);
    });

    it('--data JSON is merged over the parameters; a public function is not sent the token', async () => {
      const result = await run(['invoke', '-f', 'greet', '--data', '{"name":"Ada"}']);
      expectSuccess(result);
      expect(JSON.parse(result.stdout)).toEqual({ received: { greeting: 'hello', name: 'Ada' }, method: 'POST', sawToken: false });
      greeted.push({ id: invocationOf(result), line: 'greet got {"greeting":"hello","name":"Ada"}' });
    });

    it('--data text arrives as a string, replacing the parameters (said on stderr); --raw prints the body as sent', async () => {
      const result = await run(['invoke', '-f', 'greet', '--data', 'plain words', '--raw']);
      expectSuccess(result);
      expect(result.stdout).toBe('{"received":"plain words","method":"POST","sawToken":false}\n');
      expect(result.stderr).toContain('--data is not a JSON object, so it replaces functions.greet.parameters');
      greeted.push({ id: invocationOf(result), line: 'greet got "plain words"' });
    });

    it('--path reads a JSON file relative to the service, merged over the parameters', async () => {
      const result = await run(['invoke', '-f', 'greet', '--path', 'events/order.json']);
      expectSuccess(result);
      expect(JSON.parse(result.stdout)).toEqual({
        received: { greeting: 'hello', name: 'Grace', items: [1, 2] },
        method: 'POST',
        sawToken: false,
      });
      greeted.push({ id: invocationOf(result), line: 'greet got {"greeting":"hello","name":"Grace","items":[1,2]}' });
    });

    it('a private function answers because the CLI sends the token (without it the URL refuses), and no output shows the token', async () => {
      const result = await run(['invoke', '-f', 'secret']);
      expectSuccess(result);
      expect(result.stdout).toBe('the vault is open\n');
      expect(result.stderr).toMatch(/^Status: 200 OK \(version 0, invocation [0-9a-f]{8}, \d+ ms\)$/m);
      noToken(result);
      const environments = await world.client.environments.list();
      const remote = await world.client.functions.findByName(environments[0].id, 'secret');
      const anonymous = await fetch(remote!.url, { method: 'POST' });
      expect(anonymous.status).toBe(401);
    });

    it('a function that throws fails the command with its message, and prints no result', async () => {
      const result = await run(['invoke', '-f', 'fail']);
      expect(result.code).not.toBe(0);
      expect(both(result)).toContain(
        'Function "fail" failed (500 Error): card declined: insufficient funds. See its logs: serverless logs -f fail',
      );
      expect(result.stderr).toMatch(/^Status: 500 Internal Server Error \(version 0, invocation [0-9a-f]{8}, \d+ ms\)$/m);
      expect(result.stdout).not.toContain('errorMessage');
      failedId = invocationOf(result);
    });
  });

  describe('invoke local', () => {
    it('runs a callback handler: what it logs on stderr, the result on stdout', async () => {
      const result = await run(['invoke', 'local', '-f', 'later', '--data', '{"order":7}']);
      expectSuccess(result);
      expect(result.stdout).toBe(`${JSON.stringify({ statusCode: 202, body: { queued: { order: 7 } } }, null, 2)}\n`);
      expect(result.stderr).toMatch(/^later got \{"order":7\}$/m);
      expect(result.stderr).toMatch(/^Status: 202 \(\d+ ms\)$/m);
    });

    it('runs an async handler with its variables and repeated --env, and nothing of the shell it runs in', async () => {
      const result = await run([
        'invoke',
        'local',
        '-f',
        'env',
        '--env',
        'A=1',
        '--env',
        'B=two words',
        '--env',
        'A=3',
        '--env',
        'EMPTY=',
        '--raw',
      ]);
      expectSuccess(result);
      expect(result.stdout.trim().split('\n')).toHaveLength(1); // --raw: compact
      const { body } = JSON.parse(result.stdout) as { body: { env: Record<string, string>; functionId: string; version: string } };
      expect(body.env).toEqual({
        PATH: MINIMAL_PATH,
        LANG: expect.any(String),
        SERVICE_LEVEL: 'from-service',
        FUNCTION_LEVEL: 'from-function',
        SHARED: 'function',
        SPOTINST_FUNCTION_ID: 'fx-local',
        SPOTINST_ENVIRONMENT_ID: 'env-local',
        SPOTINST_FUNCTION_VERSION: '$LATEST',
        A: '3',
        B: 'two words',
        EMPTY: '',
      });
      // spelled out, though the list above already leaves them out: nothing of the CLI's own environment
      for (const name of ['HOME', 'SPOTINST_TOKEN', 'SPOTINST_ACCOUNT', 'SPOTINST_API_URL', 'TMPDIR', HOST_VARIABLE])
        expect(body.env).not.toHaveProperty(name);
      expect(body).toMatchObject({ functionId: 'fx-local', version: '$LATEST' });
      expect(result.stderr).toMatch(/^env checked$/m);
      noToken(result);
    });

    itWith(['python3'], 'runs a python2.7 handler on the local python3, with the event a POST of the data would give', async () => {
      const result = await run(['invoke', 'local', '-f', 'py', '--data', '{"n":1}']);
      expectSuccess(result);
      expect(JSON.parse(result.stdout)).toEqual({
        statusCode: 200,
        body: { lang: 'python', body: { n: 1 }, home: null, functionId: 'fx-local' },
      });
      expect(result.stderr).toMatch(/^python got \{"n": 1\}$/m);
      expect(result.stderr).toMatch(/^Status: 200 \(\d+ ms\)$/m);
    });

    itWith(['ruby'], 'runs a ruby2.4.1 handler on the local ruby, with its parameters merged with --data', async () => {
      const result = await run(['invoke', 'local', '-f', 'rb', '--data', '{"n":2}']);
      expectSuccess(result);
      expect(JSON.parse(result.stdout)).toEqual({
        statusCode: 200,
        body: { lang: 'ruby', body: { from: 'yml', n: 2 }, home: null, level: 'from-service' },
      });
      expect(result.stderr).toMatch(/^ruby got \{"from":"yml","n":2\}$/m);
    });

    itWith(['java'], 'runs a java8 handler from target/<service>.jar, and removes what it unpacked', async () => {
      const before = unpackedJars();
      const result = await run(['invoke', 'local', '-f', 'jv', '--data', '{"n":3}']);
      expectSuccess(result);
      const reply = JSON.parse(result.stdout) as { statusCode: number; body: string };
      expect(reply.statusCode).toBe(200);
      expect(JSON.parse(reply.body)).toEqual({ lang: 'java', method: 'POST', body: { n: 3 }, home: null, functionId: 'fx-local' });
      expect(result.stderr).toMatch(/^java got \{"n":3\}$/m);
      expect(unpackedJars()).toEqual(before);
    });
  });

  describe('logs', () => {
    it('prints the window: a header per invocation (version, status, duration), then its lines, with the ids invoke printed', async () => {
      const result = await run(['logs', '-f', 'greet']);
      expectSuccess(result);
      expect(greeted).toHaveLength(4);
      expectLines(
        logLines(result.stdout),
        greeted.flatMap(({ id, line }) => invocationLines(id, 'success', [line])),
      );
    });

    it("shows a failed invocation's status and the function's error", async () => {
      const result = await run(['logs', '-f', 'fail', '--startTime', '5m']);
      expectSuccess(result);
      const lines = logLines(result.stdout);
      expectLines(lines.slice(0, 3), invocationLines(failedId, 'error', ['charging the card', 'Error: card declined: insufficient funds']));
      // the rest is the stack trace, each line with the time and id prefix
      expect(lines.slice(3).every((line) => line.startsWith(`${failedId}      at `))).toBe(true);
    });

    it('--filter keeps the matching lines, each under its invocation header', async () => {
      const result = await run(['logs', '-f', 'greet', '--filter', 'Ada', '--startTime', new Date(Date.now() - 3600000).toISOString()]);
      expectSuccess(result);
      const ada = greeted.find(({ line }) => line.includes('Ada'))!;
      expectLines(logLines(result.stdout), invocationLines(ada.id, 'success', [ada.line]));
    });

    it('a bad --startTime fails with a clear message and prints no logs', async () => {
      const result = await run(['logs', '-f', 'greet', '--startTime', 'yesterday']);
      expect(result.code).not.toBe(0);
      expect(both(result)).toContain('--startTime "yesterday" is not a time. Accepted: a duration ago (30m, 2h, 3d; also s and w)');
      expect(result.stdout).not.toMatch(LOG_LINE);
    });

    it('--tail prints every line of invocations made while tailing once, in order, even one that ends after a later one; Ctrl-C exits 0', async () => {
      const since = Date.now();
      const tail = startCli(cli, ['logs', '-f', 'talker', '--tail', '--interval', '200', '--startTime', String(since)], {
        cwd: dir,
        workspace: world.workspace,
        env,
      });
      try {
        await tail.waitFor('stderr', /Tailing the logs of "talker" since .* \(Ctrl-C to stop\)/);
        // slow starts first and holds on; its lines reach the log API only when it ends
        const gate = `slow-${cli}`;
        const slow = run(['invoke', '-f', 'talker', '--data', JSON.stringify({ tag: 'slow', gate: gates.url(gate) })]);
        await gates.arrived(gate);
        const fast = await run(['invoke', '-f', 'talker', '--data', '{"tag":"fast"}']);
        expectSuccess(fast);
        await tail.waitFor('stdout', /fast line 3\n/);
        gates.release(gate);
        const slowResult = await slow;
        expectSuccess(slowResult);
        await tail.waitFor('stdout', /slow line 3\n/);
        tail.interrupt();
        expect(await tail.exitsWithin()).toBe(0);
        const fastId = invocationOf(fast);
        const slowId = invocationOf(slowResult);
        expectLines(logLines(tail.stdout), [
          ...invocationLines(fastId, 'success', ['fast first', 'fast line 2', 'fast line 3']),
          ...invocationLines(slowId, 'success', ['slow first', 'slow line 2', 'slow line 3']),
        ]);
        expect(tail.stderr).not.toMatch(/Error|Warning/);
      } finally {
        tail.kill();
      }
    });

    it('--tail whose reader went away (`| head`) ends quietly at its next line, exit 0', async () => {
      const tail = startCli(cli, ['logs', '-f', 'talker', '--tail', '--interval', '200', '--startTime', String(Date.now())], {
        cwd: dir,
        workspace: world.workspace,
        env,
      });
      try {
        await tail.waitFor('stderr', /Tailing the logs of "talker"/);
        tail.closeStdout();
        expectSuccess(await run(['invoke', '-f', 'talker', '--data', '{"tag":"unread"}']));
        expect(await tail.exitsWithin()).toBe(0);
        expect(tail.stderr).not.toMatch(/Uncaught|EPIPE|Error/);
      } finally {
        tail.kill();
      }
    });
  });
});

describe.each(CLIS)('%s: invoke local past the function timeout', (cli: CliName) => {
  it('stops the handler at its 30 s timeout, after printing what it logged, and fails', async () => {
    const result = await napRuns.get(cli)!;
    expect(result.code).not.toBe(0);
    expect(both(result)).toContain('Function "sleepy" timed out: Function timed out after 30 seconds; it was stopped.');
    expect(result.stderr).toMatch(/^going to sleep for two minutes$/m);
    expect(result.stdout).not.toContain('woke up');
    // stopped at the timeout, not when the handler would have ended
    expect(result.elapsedMs).toBeGreaterThanOrEqual(30000);
    expect(result.elapsedMs).toBeLessThan(60000);
  }, 90000);
});

/**
 * `serverless dev` through the real CLIs (serverless 3.40.0 and osls), as a user runs it in a
 * service folder: it starts its own spotinst-local, prints the URLs, streams the logs, takes a
 * save live (only the saved function gets a new worker), runs a TypeScript handler (its error
 * at the .ts line), keeps serving when serverless.yml is broken, opens an inspector with
 * --inspect, and Ctrl-C leaves no process behind.
 *
 * Both CLIs rewrite `serverless dev` into `--dev` before plugins load; serverless 3 then
 * insists on an interactive terminal (its onboarding) before the plugin can take the command
 * back. SLS_INTERACTIVE_SETUP_ENABLE=1 is that CLI's own switch for "treat this as a
 * terminal"; `serverless spotinst dev` needs none, and is run once without it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import {
  CLIS,
  cliEntry,
  cliEnvironment,
  createWorkspace,
  startLocalWorld,
  writeService,
  type CliName,
  type Workspace,
} from '../helpers/cli';
import { pollUntil } from '../helpers/poll';
import { alive, freePort } from '../helpers/processes';

const CONFIG = `service: devshop
frameworkVersion: '>=3'
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
    package: {patterns: [hello.js]}
  world:
    runtime: nodejs8.3
    handler: world.main
    access: public
    package: {patterns: [world.js]}
  typed:
    runtime: nodejs8.3
    handler: src/typed.main
    access: public
plugins:
  - serverless-spotinst-functions
`;

const hello = (version: number): string =>
  `module.exports.main = async () => ({ statusCode: 200, body: { fn: 'hello', version: ${version}, pid: process.pid } });\n`;
const WORLD =
  "module.exports.main = async () => { console.log('world says hi'); return { statusCode: 200, body: { fn: 'world', pid: process.pid } }; };\n";
const TYPED = [
  "import { shout } from './shout';",
  'interface Event { query: Record<string, string> }',
  'export const main = async (event: Event): Promise<{ statusCode: number; body: unknown }> => {',
  '  if (event.query.fail) {',
  "    throw new Error('typed handler failed');",
  '  }',
  "  return { statusCode: 200, body: { fn: shout('typed'), pid: process.pid } };",
  '};',
  '',
].join('\n');
const SHOUT = 'export const shout = (text: string): string => text.toUpperCase();\n';

interface Answer {
  status: number;
  body: { fn?: string; version?: number; pid?: number; errorMessage?: string };
}

async function call(url: string): Promise<Answer> {
  const reply = await fetch(url);
  return { status: reply.status, body: (await reply.json()) as Answer['body'] };
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  exited: Promise<number | null>;
}

function startDev(cli: CliName, args: string[], dir: string, workspace: Workspace, env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [cliEntry(cli), ...args], { cwd: dir, env: cliEnvironment(workspace, env) });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => stripVTControlCharacters(text), exited };
}

/** serverless 3's switch that lets `serverless dev` past its onboarding's terminal check. */
const TERMINAL: Record<CliName, NodeJS.ProcessEnv> = { serverless: { SLS_INTERACTIVE_SETUP_ENABLE: '1' }, osls: {} };

describe.each(CLIS)('%s: serverless dev', (cli: CliName) => {
  let workspace: Workspace;
  let dir: string;
  let dev: Running;
  let inspectPort: number;
  const urls: Record<string, string> = {};
  const pids = new Set<number>();

  const answer = async (name: string, query = ''): Promise<Answer> => {
    const result = await call(`${urls[name]}${query}`);
    if (typeof result.body.pid === 'number') pids.add(result.body.pid);
    return result;
  };

  beforeAll(async () => {
    workspace = createWorkspace();
    dir = writeService(workspace, 'devshop', {
      config: CONFIG,
      files: { 'hello.js': hello(1), 'world.js': WORLD, 'src/typed.ts': TYPED, 'src/shout.ts': SHOUT },
    });
    inspectPort = await freePort();
    dev = startDev(cli, ['dev', `--inspect=${inspectPort}`], dir, workspace, TERMINAL[cli]);
    await pollUntil(() => dev.output().includes('Ctrl-C stops') || dev.child.exitCode !== null, {
      what: 'dev to deploy and watch',
      timeoutMs: 45000,
      intervalMs: 100,
    });
    if (dev.child.exitCode !== null) throw new Error(`dev ended: ${dev.output()}`);
    for (const match of dev.output().matchAll(/^ {2}(\w+)\s+(http:\/\/127\.0\.0\.1:\d+\/fn\/\S+)/gm)) urls[match[1]] = match[2];
  }, 60000);

  afterAll(async () => {
    if (dev.child.exitCode === null) {
      dev.child.kill('SIGKILL');
      await dev.exited;
    }
    workspace.cleanup();
  });

  it('prints every function URL and the debugger port, and the functions answer', async () => {
    expect(Object.keys(urls).sort()).toEqual(['hello', 'typed', 'world']);
    expect(dev.output()).toMatch(new RegExp(`hello\\s+http.*\\n\\s+debugger 127\\.0\\.0\\.1:${inspectPort} `));
    expect(await answer('hello')).toMatchObject({ status: 200, body: { fn: 'hello', version: 1 } });
    expect(await answer('world')).toMatchObject({ status: 200, body: { fn: 'world' } });
  });

  it("streams each function's log lines with its name, and a summary line per invocation", async () => {
    await answer('world');
    await pollUntil(() => /world │ world says hi\nworld │ ✔ success \d+ ms · version 0 · (cold|warm)/.test(dev.output()), {
      what: "world's log lines",
    });
  });

  it('runs a TypeScript handler, and names the .ts line of its error', async () => {
    expect(await answer('typed')).toMatchObject({ status: 200, body: { fn: 'TYPED' } });
    expect(await answer('typed', '?fail=1')).toMatchObject({ status: 500, body: { errorMessage: 'typed handler failed' } });
    await pollUntil(() => dev.output().includes(`typed │     at main (${path.join(dir, 'src', 'typed.ts')}:5:11)`), {
      what: 'the stack at typed.ts:5',
    });
  });

  it('takes a save live; the function not saved keeps its worker', async () => {
    const worldBefore = await answer('world');
    fs.writeFileSync(path.join(dir, 'hello.js'), hello(2));
    const after = await pollUntil(
      async () => {
        const reply = await answer('hello');
        return reply.body.version === 2 ? reply : undefined;
      },
      { what: 'hello to answer with the saved code', timeoutMs: 15000 },
    );
    expect(after.status).toBe(200);
    expect(dev.output()).toMatch(/hello\.js changed: redeployed hello \(version 1\) in \d+ ms\./);
    expect((await answer('world')).body.pid).toBe(worldBefore.body.pid);
  });

  it('opens an inspector that answers /json/list', async () => {
    await answer('hello');
    const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{
      type: string;
      webSocketDebuggerUrl: string;
    }>;
    expect(targets[0]).toMatchObject({ type: 'node', webSocketDebuggerUrl: expect.stringContaining(`127.0.0.1:${inspectPort}`) as string });
  });

  it('reports an invalid serverless.yml and keeps the last good deployment serving', async () => {
    const config = path.join(dir, 'serverless.yml');
    fs.writeFileSync(config, `${CONFIG}  broken: [\n`);
    await pollUntil(() => dev.output().includes('serverless.yml changed but cannot be used, so the last good deployment keeps serving'), {
      what: 'the error about serverless.yml',
      timeoutMs: 20000,
    });
    expect(await answer('hello')).toMatchObject({ status: 200, body: { version: 2 } });
  });

  it('deploys a valid serverless.yml change to the function it concerns only', async () => {
    const helloBefore = await answer('hello');
    const worldBefore = await answer('world');
    const withVariable = CONFIG.replace('    handler: hello.main\n', '    handler: hello.main\n    environmentVariables: {MOOD: sunny}\n');
    fs.writeFileSync(path.join(dir, 'serverless.yml'), withVariable);
    await pollUntil(async () => (await answer('hello')).body.pid !== helloBefore.body.pid, {
      what: 'hello to run in a worker with the new variable',
      timeoutMs: 20000,
    });
    expect(dev.output()).toMatch(/serverless\.yml changed: redeployed hello in \d+ ms\./);
    expect((await answer('world')).body.pid).toBe(worldBefore.body.pid);
  });

  it('Ctrl-C stops the platform and every worker, and exits 0', async () => {
    expect(pids.size).toBeGreaterThanOrEqual(3);
    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    expect(dev.output()).toContain('serverless dev stopped; the platform keeps its state for next time.');
    await pollUntil(() => [...pids].every((pid) => !alive(pid)), {
      what: `the workers ${[...pids].join(', ')} to be gone`,
      timeoutMs: 5000,
    });
  });
});

describe('serverless dev --platform', () => {
  it('deploys to a spotinst-local already running, with the usual credentials, and streams its logs by polling', async () => {
    const world = await startLocalWorld();
    try {
      const dir = writeService(world.workspace, 'remote', {
        config: CONFIG,
        files: { 'hello.js': hello(1), 'world.js': WORLD, 'src/typed.ts': TYPED, 'src/shout.ts': SHOUT },
      });
      const dev = startDev('osls', ['dev', '--platform', world.platform.url], dir, world.workspace, world.env);
      try {
        await pollUntil(() => dev.output().includes('Ctrl-C stops') || dev.child.exitCode !== null, {
          what: 'dev to start',
          timeoutMs: 45000,
        });
        expect(dev.output()).toContain(`Platform: spotinst-local ${world.platform.url}`);
        const url = /world\s+(http:\/\/\S+)/.exec(dev.output())?.[1] ?? '';
        expect(url.startsWith(`${world.platform.url}/fn/`)).toBe(true);
        expect(await call(url)).toMatchObject({ status: 200, body: { fn: 'world' } });
        await pollUntil(() => /world │ world says hi\nworld │ ✔ success \d+ ms · version 0 · cold/.test(dev.output()), {
          what: 'the polled log of world',
        });
        // nothing was started inside dev: its data folder stays empty
        expect(fs.existsSync(path.join(dir, '.serverless', 'spotinst-local'))).toBe(false);
      } finally {
        dev.child.kill('SIGINT');
        expect(await dev.exited).toBe(0);
      }
      // the platform outlives dev, with the service deployed
      const environments = await world.client.environments.list();
      expect((await world.client.functions.list(environments[0].id)).map((fn) => fn.name).sort()).toEqual(['hello', 'typed', 'world']);
    } finally {
      world.client.close();
      await world.platform.close();
      world.workspace.cleanup();
    }
  }, 60000);

  it('refuses a URL that is not on this machine, before anything starts', async () => {
    const workspace = createWorkspace();
    try {
      const dir = writeService(workspace, 'far', { config: CONFIG, files: { 'hello.js': hello(1), 'world.js': WORLD } });
      const dev = startDev('osls', ['dev', '--platform', 'https://api.spotinst.io'], dir, workspace);
      expect(await dev.exited).toBe(1);
      expect(dev.output()).toContain('serverless dev deploys every save and never to a remote API');
    } finally {
      workspace.cleanup();
    }
  });
});

describe('serverless spotinst dev', () => {
  it('runs on serverless 3 outside a terminal, and starts empty with --reset', async () => {
    const workspace = createWorkspace();
    try {
      const dir = writeService(workspace, 'plain', {
        config: CONFIG,
        files: { 'hello.js': hello(1), 'world.js': WORLD, 'src/typed.ts': TYPED, 'src/shout.ts': SHOUT },
      });
      const stateDir = path.join(dir, '.serverless', 'spotinst-local');
      fs.mkdirSync(stateDir, { recursive: true });
      fs.writeFileSync(path.join(stateDir, 'left-over'), 'from an earlier session');
      const dev = startDev('serverless', ['spotinst', 'dev', '--reset'], dir, workspace);
      await pollUntil(() => dev.output().includes('Ctrl-C stops') || dev.child.exitCode !== null, {
        what: 'dev to start',
        timeoutMs: 45000,
      });
      expect(fs.existsSync(path.join(stateDir, 'left-over'))).toBe(false);
      const url = /hello\s+(http:\/\/\S+)/.exec(dev.output())?.[1] ?? '';
      expect(await call(url)).toMatchObject({ status: 200, body: { version: 1 } });
      dev.child.kill('SIGINT');
      expect(await dev.exited).toBe(0);
    } finally {
      workspace.cleanup();
    }
  }, 60000);
});

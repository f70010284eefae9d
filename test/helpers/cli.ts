/**
 * The one way tests run a program as a user would: the real serverless CLIs
 * (serverless@3.40.0 and osls) against services in temp directories, with the plugin from
 * this checkout's dist/ (built by `npm test`); spotinst-local's own bin; the repo's scripts.
 * Each run is a child process whose output is kept, that can be waited on for a line,
 * interrupted or killed, and awaited with a deadline.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yaml from 'js-yaml';
import type { LocalPlatformOptions } from '../../src/local';
import { startTestPlatform, stopTestPlatform, type TestPlatform } from './platform';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export const CLIS = ['serverless', 'osls'] as const;
export type CliName = (typeof CLIS)[number];

export interface CliResult {
  /** null when the process was killed */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What the framework prints for a command: errors go to stdout, logs to stderr. */
export function combinedOutput(result: Pick<CliResult, 'stdout' | 'stderr'>): string {
  return `${result.stdout}\n${result.stderr}`;
}

/** Fails with everything the program printed unless it exited 0. */
export function expectSuccess(result: CliResult): CliResult {
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${combinedOutput(result)}`);
  return result;
}

/** A program left running: its output so far, waits for lines in it, and its exit. */
export class RunningCli {
  stdout = '';
  stderr = '';
  /** the signal that ended it, once it has ended by one */
  signal: NodeJS.Signals | null = null;
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;
  private readonly waiters = new Set<() => void>();

  constructor(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }) {
    this.child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => this.received(() => (this.stdout += chunk)));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => this.received(() => (this.stderr += chunk)));
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) => {
        this.signal = signal;
        this.received(() => undefined);
        resolve(code);
      });
    });
  }

  private get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private received(append: () => void): void {
    append();
    for (const check of [...this.waiters]) check();
  }

  /** Resolves with the match once the stream holds the pattern; fails when the program ends first or after timeoutMs. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 20000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const done = (outcome: RegExpExecArray | Error): void => {
        this.waiters.delete(check);
        clearTimeout(timer);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const check = (): void => {
        const match = pattern.exec(this[stream]);
        if (match) done(match);
        else if (!this.running) done(this.failure(`it ended before ${stream} showed ${pattern}`));
      };
      const timer = setTimeout(() => done(this.failure(`${stream} did not show ${pattern} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Ctrl-C, or another signal. */
  interrupt(signal: NodeJS.Signals = 'SIGINT'): void {
    this.child.kill(signal);
  }

  /** What `| head` does once it has its lines: the reading end of stdout goes away. */
  closeStdout(): void {
    this.child.stdout.destroy();
  }

  /** The exit code; fails if the program still runs after timeoutMs. */
  exitsWithin(timeoutMs = 20000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.failure(`it did not exit within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.exited, late]).finally(() => clearTimeout(timer));
  }

  /** SIGKILL, if it still runs (cleanup after a failed test, or a crash on purpose); says whether it did. */
  kill(): boolean {
    return this.running && this.child.kill('SIGKILL');
  }

  /** What it printed and how it ended, once it has ended. */
  async result(): Promise<CliResult> {
    const code = await this.exited;
    return { code, stdout: this.stdout, stderr: this.stderr };
  }

  private failure(what: string): Error {
    return new Error(`${what}\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`);
  }
}

/** A node script (this repo's scripts, spotinst-local's bin) with the node running the tests. */
export function startNode(script: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): RunningCli {
  return new RunningCli(process.execPath, [script, ...args], options);
}

/** Waits for the run to end, SIGKILLing it after timeoutMs (the result then has code null). */
export async function finish(run: RunningCli, timeoutMs: number): Promise<CliResult> {
  const timer = setTimeout(() => run.kill(), timeoutMs);
  try {
    return await run.result();
  } finally {
    clearTimeout(timer);
  }
}

// ---- the serverless CLIs ----------------------------------------------------------------

export interface Workspace {
  /** holds node_modules/serverless-spotinst-functions → this checkout, and services */
  root: string;
  /** isolated HOME: framework caches and ~/.spotinst live here */
  home: string;
  cleanup(): void;
}

/** A temp dir whose node_modules resolves the plugin to this checkout, as an install would. */
export function createWorkspace(): Workspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sls-spotinst-'));
  const modules = path.join(root, 'node_modules');
  fs.mkdirSync(modules);
  fs.symlinkSync(REPO_ROOT, path.join(modules, 'serverless-spotinst-functions'), 'dir');
  const home = path.join(root, 'home');
  fs.mkdirSync(home);
  return { root, home, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

export interface ServiceFiles {
  /** serverless.yml: a string is written as is, an object is dumped as YAML */
  config: string | Record<string, unknown>;
  files?: Record<string, string>;
}

export function writeService(workspace: Workspace, name: string, service: ServiceFiles): string {
  const dir = path.join(workspace.root, name);
  fs.mkdirSync(dir, { recursive: true });
  const config = typeof service.config === 'string' ? service.config : yaml.dump(service.config);
  fs.writeFileSync(path.join(dir, 'serverless.yml'), config);
  for (const [file, content] of Object.entries(service.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

export function cliEntry(cli: CliName): string {
  return path.join(REPO_ROOT, 'node_modules', cli, 'bin', 'serverless.js');
}

/** The environment every CLI run gets: no telemetry, no update checks, no host credentials. */
export function cliEnvironment(workspace: Workspace, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: workspace.home,
    LANG: 'C.UTF-8',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_SCHEMA_CACHE_BASE_DIR: path.join(workspace.home, '.sls-schema-cache'),
    SPOTINST_CREDENTIALS_FILE: path.join(workspace.home, '.spotinst', 'credentials'),
    ...extra,
  };
}

export interface CliRunOptions {
  cwd: string;
  workspace: Workspace;
  /** added to cliEnvironment(workspace) */
  env?: NodeJS.ProcessEnv;
}

/** A serverless CLI left running (`logs --tail`, a deploy to kill). */
export function startCli(cli: CliName, args: string[], options: CliRunOptions): RunningCli {
  return startNode(cliEntry(cli), args, { cwd: options.cwd, env: cliEnvironment(options.workspace, options.env) });
}

/** A serverless CLI run to its end (SIGKILLed after timeoutMs, default 50 s). */
export function runCli(cli: CliName, args: string[], options: CliRunOptions & { timeoutMs?: number }): Promise<CliResult> {
  return finish(startCli(cli, args, options), options.timeoutMs ?? 50000);
}

export interface LocalWorld extends TestPlatform {
  workspace: Workspace;
  /** closes the client and the platform, removes the workspace (the platform's data is in it) */
  stop(): Promise<void>;
}

/** A workspace with a spotinst-local serving from inside it. */
export async function startLocalWorld(options: LocalPlatformOptions = {}): Promise<LocalWorld> {
  const workspace = createWorkspace();
  const test = await startTestPlatform({ ...options, dataDir: path.join(workspace.root, 'platform') });
  return {
    ...test,
    workspace,
    stop: async () => {
      await stopTestPlatform(test, false);
      workspace.cleanup();
    },
  };
}

// ---- spotinst-local's own bin -----------------------------------------------------------

/** The environment of a spotinst-local bin run: the tests' own, without faults unless asked. */
function spotinstLocalEnvironment(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...process.env, SPOTINST_LOCAL_FAULTS: '', ...extra };
}

/** spotinst-local's bin (dist/local/cli.js, or a transpiled copy) run to its end: refusals, --help. */
export function runSpotinstLocal(bin: string, args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [bin, ...args], { env: spotinstLocalEnvironment(env), encoding: 'utf8', timeout: 20000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts spotinst-local's bin and resolves once it says where it listens and how to configure the plugin. */
export async function startSpotinstLocal(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ cli: RunningCli; url: string; output: () => string }> {
  const cli = startNode(bin, args, { env: spotinstLocalEnvironment(env) });
  try {
    const [, url] = await cli.waitFor('stdout', /listening on (http:\/\/\S+)[\s\S]*Configure the plugin/);
    return { cli, url, output: () => cli.stdout + cli.stderr };
  } catch (error) {
    cli.kill();
    throw error;
  }
}

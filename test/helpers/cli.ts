/**
 * Runs the real serverless CLIs (serverless@3.40.0 and osls) against services in temp
 * directories, with the plugin from this checkout's dist/ (built by `npm test`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { SpotinstClient } from '../../src/api';
import { startLocalPlatform, type LocalPlatform } from '../../src/local';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export const CLIS = ['serverless', 'osls'] as const;
export type CliName = (typeof CLIS)[number];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

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
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: workspace.home,
    LANG: 'C.UTF-8',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_SCHEMA_CACHE_BASE_DIR: path.join(workspace.home, '.sls-schema-cache'),
    SPOTINST_CREDENTIALS_FILE: path.join(workspace.home, '.spotinst', 'credentials'),
    ...extra,
  };
  return env;
}

export function runCli(
  cli: CliName,
  args: string[],
  options: { cwd: string; workspace: Workspace; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry(cli), ...args], {
      cwd: options.cwd,
      env: cliEnvironment(options.workspace, options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 50000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface LocalWorld {
  workspace: Workspace;
  platform: LocalPlatform;
  /** a client on the platform, for arranging and checking state behind the CLI's back */
  client: SpotinstClient;
  /** what a CLI run needs to reach the platform */
  env: NodeJS.ProcessEnv;
}

/** A workspace with a spotinst-local serving from inside it. */
export async function startLocalWorld(options: { faults?: string } = {}): Promise<LocalWorld> {
  const workspace = createWorkspace();
  const platform = await startLocalPlatform({ port: 0, dataDir: path.join(workspace.root, 'platform'), faults: options.faults });
  const client = new SpotinstClient({ apiUrl: platform.url, token: platform.token, account: platform.account, retry: { retries: 0 } });
  const env = { SPOTINST_API_URL: platform.url, SPOTINST_TOKEN: platform.token, SPOTINST_ACCOUNT: platform.account };
  return { workspace, platform, client, env };
}

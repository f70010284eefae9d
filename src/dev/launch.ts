/**
 * Getting `serverless dev` to this plugin. Both serverless 3 and osls rewrite the command
 * `dev` into the option `--dev` before any plugin loads (`scripts/serverless.js`: "rewrite
 * `serverless dev` to `serverless --dev`", for their own dev mode): serverless 3 then runs its
 * interactive onboarding instead of any command, osls refuses `--dev` as unknown. The plugin
 * constructor sees the rewritten argv and takes the command back:
 *
 * - osls reads `process.argv` again after the plugins load, so putting `dev` back makes it run
 *   the plugin's `dev` command like any other, in this process;
 * - serverless 3 has decided on onboarding by then, so the plugin runs the same command as
 *   `serverless spotinst dev` in a child process of the same CLI (terminal, options and
 *   environment inherited), and this process ends with it. Serverless 3 refuses onboarding
 *   without an interactive terminal before any plugin loads, so there, in a pipe or CI,
 *   `serverless spotinst dev` is the command to run (or SLS_INTERACTIVE_SETUP_ENABLE=1).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Set in the child of a serverless 3 takeover: the pid of the process waiting for it. */
export const PARENT_VARIABLE = 'SPOTINST_DEV_PARENT';

export type Takeover = 'none' | 'in-process' | 'child';

/** Whether the running CLI has serverless 3's onboarding, which a rewritten `dev` would run. */
function hasOnboarding(cli: string | undefined): boolean {
  if (!cli) return false;
  const root = path.resolve(path.dirname(fs.realpathSync(cli)), '..');
  return fs.existsSync(path.join(root, 'lib', 'cli', 'interactive-setup', 'index.js'));
}

/**
 * Called by the plugin constructor. When the CLI rewrote `serverless dev`, puts `dev` back (for
 * osls) or says that a child must run it (serverless 3).
 */
export function reclaimDevCommand(argv: string[] = process.argv): Takeover {
  if (argv[2] !== '--dev') return 'none';
  if (hasOnboarding(argv[1])) return 'child';
  argv[2] = 'dev';
  return 'in-process';
}

/**
 * Runs `serverless spotinst dev <the options given>` with the same CLI and waits for it;
 * resolves its exit code. A signal sent to this process is passed on (the child is in its
 * own process group, so Ctrl-C reaches it once, through here).
 */
export function runDevInChild(argv: string[] = process.argv): Promise<number> {
  const cli = argv[1];
  const child = spawn(process.execPath, [...process.execArgv, cli, 'spotinst', 'dev', ...argv.slice(3)], {
    stdio: 'inherit',
    env: { ...process.env, [PARENT_VARIABLE]: String(process.pid) },
    detached: true,
  });
  const forward = (signal: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve) => {
    const done = (code: number): void => {
      for (const signal of signals) process.off(signal, forward);
      resolve(code);
    };
    child.once('error', () => done(1));
    child.once('exit', (code, signal) => done(code ?? (signal === 'SIGINT' ? 130 : 1)));
  });
}

/** In the child of a takeover: whether the process that started it is gone (then the child ends too). */
export function parentGone(env: NodeJS.ProcessEnv = process.env): boolean {
  const parent = Number(env[PARENT_VARIABLE]);
  if (!Number.isInteger(parent) || parent <= 0) return false;
  try {
    process.kill(parent, 0);
    return false;
  } catch {
    return true;
  }
}

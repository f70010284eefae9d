import { ChildProcess, spawn } from 'node:child_process';
import { findOnPath } from './interpreters';

/** The only host things a function's process gets (SPEC §6): a minimal PATH and LANG. */
export const MINIMAL_PATH = '/usr/local/bin:/usr/bin:/bin';

export function functionEnvironment(own: Record<string, string>): Record<string, string> {
  return { PATH: MINIMAL_PATH, LANG: 'C.UTF-8', ...own };
}

/**
 * Workers run in their own process group (so a timeout kills what they started too), which
 * also means nothing kills them when the parent is SIGKILLed; a worker stuck in a loop would
 * never notice its pipes closing. util-linux's setpriv asks the kernel to kill the worker
 * when its parent dies (PR_SET_PDEATHSIG), and the setting survives the exec.
 */
const SETPRIV = process.platform === 'linux' ? findOnPath('setpriv') : undefined;

export interface SandboxedCommand {
  command: string;
  args: string[];
  /** the working directory: the function's unpacked code */
  cwd: string;
  /** the function's own variables; the process sees nothing else of the host's environment */
  env: Record<string, string>;
  /** true: node's message channel on fd 3 besides the pipes; false: stdin, stdout and stderr only */
  ipc: boolean;
}

/**
 * Starts a worker process the way every runtime's worker runs: with only its own
 * environment, in the code directory, in a process group of its own, and dying with us.
 * This is process isolation, not a security sandbox: it runs as our user.
 */
export function spawnSandboxed(sandboxed: SandboxedCommand): ChildProcess {
  const [command, args] = SETPRIV
    ? [SETPRIV, ['--pdeathsig', 'KILL', '--', sandboxed.command, ...sandboxed.args]]
    : [sandboxed.command, sandboxed.args];
  return spawn(command, args, {
    cwd: sandboxed.cwd,
    env: functionEnvironment(sandboxed.env),
    stdio: sandboxed.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
    // its own process group, so a timeout kills whatever the function started too
    detached: true,
    serialization: 'json',
  });
}

/** Kills the worker and everything it started (its process group). */
export function killSandboxed(child: ChildProcess): void {
  const pid = child.pid;
  try {
    if (pid !== undefined) process.kill(-pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

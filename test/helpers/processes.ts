/** Whether a process the tests saw (a worker, what it started) still runs, waiting for it to end, and a free port for one to take. */
import fs from 'node:fs';
import { pollUntil } from './poll';

export { freePort } from '../../scripts/free-port';

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // a killed child stays a zombie until its parent reaps it: that is dead too
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Resolves once the process has ended; fails after timeoutMs naming what it was. */
export async function ended(pid: number, what: string, timeoutMs = 5000): Promise<void> {
  await pollUntil(() => !alive(pid), { timeoutMs, what: `${what} (pid ${pid}) to end` });
}

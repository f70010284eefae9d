/** Whether a process the tests saw (a worker, what it started) still runs, waiting for it to end, and a free port for one to take. */
import fs from 'node:fs';
import net from 'node:net';
import { pollUntil } from './poll';

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

/** A port free on 127.0.0.1 a moment ago (whoever binds it next may still lose a race for it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the process has ended; fails after timeoutMs naming what it was. */
export async function ended(pid: number, what: string, timeoutMs = 5000): Promise<void> {
  await pollUntil(() => !alive(pid), { timeoutMs, what: `${what} (pid ${pid}) to end` });
}

/**
 * One deploy (or remove) at a time per service directory. Two at once would race on the
 * zips, the package record and the remote state, so the second stops with a message that
 * names the first. A lock left by a process that died (SIGKILL, power loss) is taken over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpotinstError } from '../framework/errors';
import { TEMP_MARKER } from '../util/atomic-file';

export const LOCK_FILE = 'spotinst-deploy.lock';

interface LockOwner {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' ? owner : undefined;
  } catch {
    return undefined;
  }
}

const DEBRIS = new RegExp(`${TEMP_MARKER.replace('.', '\\.')}(\\d+)-\\d+-[0-9a-f]+$`);

/**
 * Temporary files of atomic writes whose writer died before its rename (a deploy killed
 * mid-write). Nothing reads them; holding the lock, we know no live deploy of this service
 * is writing, but a file of a live process is left alone all the same.
 */
function removeDebris(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const match = DEBRIS.exec(name);
    if (match && !alive(Number(match[1]))) fs.rmSync(path.join(dir, name), { force: true });
  }
}

export interface ServiceLock {
  file: string;
  release(): void;
}

/** Takes the service's lock, or throws naming who holds it. Released on release() or at exit. */
export function lockService(serviceDir: string, command: string): ServiceLock {
  const file = path.join(serviceDir, '.serverless', LOCK_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const me: LockOwner = { pid: process.pid, host: os.hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.removeListener('exit', release);
        // Only our own lock: a taken-over one belongs to someone else now.
        if (readOwner(file)?.pid === me.pid) fs.rmSync(file, { force: true });
      };
      process.on('exit', release);
      removeDebris(path.dirname(file));
      return { file, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    const sameHost = owner?.host === me.host;
    if (owner && sameHost && alive(owner.pid)) {
      throw new SpotinstError(
        `Another \`serverless ${owner.command}\` of this service is running (pid ${owner.pid}, since ${owner.startedAt}). ` +
          `Wait for it to finish and run the command again. If no such process exists, delete ${path.relative(process.cwd(), file) || file}.`,
        'SPOTINST_DEPLOY_LOCKED',
      );
    }
    if (owner && !sameHost) {
      throw new SpotinstError(
        `${file} says \`serverless ${owner.command}\` is running on ${owner.host} (pid ${owner.pid}). ` +
          'If it is not, delete the file and run the command again.',
        'SPOTINST_DEPLOY_LOCKED',
      );
    }
    if (!owner && Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 2000) {
      // Just created and not yet written by another process starting now.
      throw new SpotinstError(
        `Another deploy of this service is starting (${file}). Run the command again when it is done.`,
        'SPOTINST_DEPLOY_LOCKED',
      );
    }
    // The holder died (or left an unreadable file long ago): take it over.
    fs.rmSync(file, { force: true });
  }
  throw new SpotinstError(`Could not take the deploy lock ${file}; another process keeps taking it.`, 'SPOTINST_DEPLOY_LOCKED');
}

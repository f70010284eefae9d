import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCK_FILE, lockService } from '../../../src/package/lock';
import { TEMP_MARKER } from '../../../src/util/atomic-file';

describe('the service lock', () => {
  let dir: string;
  let lockFile: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'));
    lockFile = path.join(dir, '.serverless', LOCK_FILE);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const writeLock = (owner: Record<string, unknown>, ageMs = 10000): void => {
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    fs.writeFileSync(lockFile, JSON.stringify(owner));
    const then = new Date(Date.now() - ageMs);
    fs.utimesSync(lockFile, then, then);
  };

  it('lets one command in at a time and names the one that holds it', () => {
    const lock = lockService(dir, 'deploy');
    expect(() => lockService(dir, 'remove')).toThrow(
      new RegExp(`Another \`serverless deploy\` of this service is running \\(pid ${process.pid}, since .*\\)\\. Wait for it to finish`),
    );
    lock.release();
    expect(fs.existsSync(lockFile)).toBe(false);
    lockService(dir, 'remove').release();
  });

  it('clears temporary files of writes cut short by a dead process, and only those', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const serverlessDir = path.join(dir, '.serverless');
    fs.mkdirSync(serverlessDir, { recursive: true });
    const debris = `spotinst-state.json${TEMP_MARKER}${dead}-1795335694467-832247eca22d4`;
    const live = `spotinst-state.json${TEMP_MARKER}${process.pid}-1795335694467-9f3a`;
    for (const name of [debris, live, 'spotinst-state.json', 'hello.zip']) fs.writeFileSync(path.join(serverlessDir, name), '{');
    lockService(dir, 'deploy').release();
    expect(fs.readdirSync(serverlessDir).sort()).toEqual(['hello.zip', live, 'spotinst-state.json'].sort());
  });

  it('takes over a lock left by a process that died', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeLock({ pid: dead, host: os.hostname(), command: 'deploy', startedAt: 'earlier' });
    const lock = lockService(dir, 'deploy');
    expect((JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid: number }).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over an old unreadable lock, but not one being written right now', () => {
    writeLock({}, 0);
    fs.writeFileSync(lockFile, '');
    expect(() => lockService(dir, 'deploy')).toThrow(/is starting/);
    writeLock({}, 10000);
    fs.writeFileSync(lockFile, '{"pi');
    const then = new Date(Date.now() - 10000);
    fs.utimesSync(lockFile, then, then);
    lockService(dir, 'deploy').release();
  });

  it('does not guess about a lock from another machine', () => {
    writeLock({ pid: 1, host: 'build-agent-7', command: 'deploy', startedAt: 'earlier' });
    expect(() => lockService(dir, 'deploy')).toThrow(/running on build-agent-7 \(pid 1\)\. If it is not, delete the file/);
  });

  it('release leaves alone a lock someone else has taken over', () => {
    const lock = lockService(dir, 'deploy');
    writeLock({ pid: process.ppid, host: os.hostname(), command: 'deploy', startedAt: 'now' });
    lock.release();
    expect(fs.existsSync(lockFile)).toBe(true);
  });
});

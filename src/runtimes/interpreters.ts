import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { RuntimeUnavailableError } from './types';

const resolved = new Map<string, Promise<string>>();

/**
 * The absolute path of an interpreter, asked of the interpreter itself with the host's
 * environment. Functions run with a minimal environment, where version-manager shims
 * (pyenv, rbenv) would not work, so workers start the real binary by its full path.
 */
export function resolveInterpreter(name: string, args: string[], purpose: string): Promise<string> {
  const key = `${name} ${args.join(' ')}`;
  let pending = resolved.get(key);
  if (!pending) {
    pending = new Promise<string>((resolve, reject) => {
      execFile(name, args, { timeout: 20000, encoding: 'utf8' }, (error, stdout) => {
        const found = stdout.trim().split('\n').pop()?.trim() ?? '';
        if (error || found === '' || !path.isAbsolute(found) || !fs.existsSync(found)) {
          reject(
            new RuntimeUnavailableError(
              `${purpose}, but "${name}" was not found or does not work on this machine (${error ? error.message.split('\n')[0] : 'no path reported'}). Install it (e.g. apt-get install ${name}) and make sure it is on the PATH.`,
            ),
          );
        } else resolve(found);
      });
    });
    resolved.set(key, pending);
    // a failure is not cached: the user may install the interpreter and try again
    pending.catch(() => resolved.delete(key));
  }
  return pending;
}

export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return fs.realpathSync(candidate);
    } catch {
      // not here
    }
  }
  return undefined;
}

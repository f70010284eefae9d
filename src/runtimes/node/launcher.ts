import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { defaultCacheDir } from '../cache';
import { writeFileAtomic } from '../../util/atomic-file';
import type { LaunchSpec } from '../worker-process';
import type { RunnerOptions } from '../types';
import { DEFAULT_MAX_LOG_BYTES } from '../log-collector';
import { handlerCandidates } from '../../spec/handlers';

/**
 * The worker's main script. Built packages have it compiled beside this file; when running
 * from the TypeScript sources (the test suite), it is transpiled once into the cache.
 */
export function nodeBootstrapPath(cacheDir = defaultCacheDir()): string {
  const compiled = path.join(__dirname, 'bootstrap.js');
  if (fs.existsSync(compiled)) return compiled;
  const source = fs.readFileSync(path.join(__dirname, 'bootstrap.ts'), 'utf8');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const target = path.join(cacheDir, `node-bootstrap-${hash}.cjs`);
  if (!fs.existsSync(target)) {
    // typescript is a development dependency: present exactly when the sources are run
    const ts = require('typescript') as typeof import('typescript');
    const output = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    fs.mkdirSync(cacheDir, { recursive: true });
    writeFileAtomic(target, output);
  }
  return target;
}

/**
 * A node child process with a heap limit from the function's memory. Source maps are on, so
 * the stack of an error thrown by bundled code (a TypeScript handler, src/package/typescript.ts)
 * names the `.ts` file and line it was written at; code without a map is not affected. With
 * `inspect`, the process listens for a debugger there.
 */
export function launchNode(options: RunnerOptions): Promise<LaunchSpec> {
  const bootstrap = nodeBootstrapPath(options.cacheDir);
  const inspect = options.inspect ? [`--inspect=${options.inspect.host}:${options.inspect.port}`] : [];
  return Promise.resolve({
    command: process.execPath,
    args: [
      `--max-old-space-size=${Math.max(16, Math.floor(options.memoryMb))}`,
      '--enable-source-maps',
      ...inspect,
      bootstrap,
      options.handler,
      String(options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES),
      JSON.stringify(handlerCandidates('nodejs', options.handler)),
    ],
    channel: 'ipc',
  });
}

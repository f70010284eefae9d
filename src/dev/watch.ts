/**
 * Watching the service directory with chokidar (4.x: 5 is ESM-only), debounced: a save often
 * arrives as several events (truncate and write, or an editor's write-to-temp-and-rename), and
 * several files may be saved at once (a formatter, a branch switch). What a change is made of
 * is decided elsewhere (artifacts.ts honours the package patterns); this only leaves out what
 * can never be part of an artifact: `.serverless/`, `.git/`, `node_modules/.cache`, the
 * plugin's own packages, and editors' temp files.
 */
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { Changes } from './artifacts';

/** Files editors write beside the real one while saving, and system litter. */
const EDITOR_LITTER = [/~$/, /\.sw[a-p]$/, /^\.#/, /^#.*#$/, /^4913$/, /\.tmp$/, /___jb_(tmp|old)___$/, /^\.DS_Store$/, /\.crswap$/];

/** Directories (relative to the service) whose content is never part of an artifact. */
const NEVER_PACKAGED = ['.serverless', '.git', path.join('node_modules', '.cache')];

/** Whether a path (absolute) is editor litter or in a directory that is never packaged. */
export function ignoredPath(root: string, file: string, extra: readonly string[] = []): boolean {
  const relative = path.relative(root, file);
  if (relative === '') return false;
  if (relative.startsWith('..') || path.isAbsolute(relative)) return true;
  const inside = (dir: string): boolean => relative === dir || relative.startsWith(`${dir}${path.sep}`);
  if (NEVER_PACKAGED.some(inside) || extra.some(inside)) return true;
  const name = path.basename(file);
  return EDITOR_LITTER.some((pattern) => pattern.test(name));
}

/**
 * The directories (relative) `!node_modules/<name>/**` patterns leave out entirely, as
 * plugin-only.ts writes them for the plugin and the packages only it needs.
 */
export function excludedDirectories(patterns: readonly string[]): string[] {
  return patterns.flatMap((pattern) => {
    const match = /^!(.+)\/\*\*$/.exec(pattern);
    return match ? [match[1].split('/').join(path.sep)] : [];
  });
}

export interface WatchSettings {
  root: string;
  /** more directories (relative to root) never to watch */
  skip?: readonly string[];
  /** quiet time after the last event before the batch is handed over */
  quietMs?: number;
  /** a batch is handed over this long after its first event at the latest */
  maxWaitMs?: number;
  onChanges(changes: Changes): void;
  onError(error: Error): void;
}

export interface Watching {
  close(): Promise<void>;
}

/** Starts watching; resolves once the initial scan is done (a save after that is seen). */
export async function watchService(settings: WatchSettings): Promise<Watching> {
  const { watch } = require('chokidar') as typeof import('chokidar');
  const quietMs = settings.quietMs ?? 25;
  const maxWaitMs = settings.maxWaitMs ?? 250;
  const skip = settings.skip ?? [];
  const watcher: FSWatcher = watch(settings.root, {
    ignoreInitial: true,
    ignored: (file: string) => ignoredPath(settings.root, file, skip),
    // a write is handed over as it lands; the debounce below gathers the rest
    awaitWriteFinish: false,
  });

  let pending: Changes | undefined;
  let quiet: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  const flush = (): void => {
    clearTimeout(quiet);
    clearTimeout(deadline);
    quiet = deadline = undefined;
    const batch = pending;
    pending = undefined;
    if (batch) settings.onChanges(batch);
  };
  const record = (file: string, structural: boolean): void => {
    pending ??= { files: new Set(), structural: false };
    pending.files.add(path.resolve(settings.root, file));
    pending.structural ||= structural;
    clearTimeout(quiet);
    quiet = setTimeout(flush, quietMs);
    deadline ??= setTimeout(flush, maxWaitMs);
  };
  watcher.on('change', (file) => record(file, false));
  for (const event of ['add', 'unlink', 'addDir', 'unlinkDir'] as const) watcher.on(event, (file) => record(file, true));
  watcher.on('error', (error) => settings.onError(error instanceof Error ? error : new Error(String(error))));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    close: async () => {
      clearTimeout(quiet);
      clearTimeout(deadline);
      pending = undefined;
      await watcher.close();
    },
  };
}

/**
 * The plugin never ships itself. Services list `serverless-spotinst-functions` under
 * `dependencies` (the old docs said `npm install --save`), and the framework's packager
 * then zips it, and every package only it needs, into every function: megabytes from npm,
 * 98 MB from a checkout. Before the framework packages, this finds the packages under the
 * service's `node_modules` that only the plugin needs — the plugin and its dependency
 * closure, minus the closure of every other production dependency of the service — and
 * excludes them with `!node_modules/<name>/**` patterns. A package the service's code also
 * needs stays in.
 *
 * Dependencies are resolved as Node resolves a `require` from the depending package's
 * real directory: its own `node_modules` first, then each parent's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_NAME } from '../util/version';

interface Manifest {
  dependencies: string[];
  /** what `dependencies`, `optionalDependencies` and `peerDependencies` name */
  withPeers: string[];
  bins: string[];
}

function namesOf(value: unknown): string[] {
  return typeof value === 'object' && value !== null ? Object.keys(value) : [];
}

function readManifest(dir: string): Manifest | undefined {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const dependencies = [...new Set([...namesOf(parsed.dependencies), ...namesOf(parsed.optionalDependencies)])];
  const bin = parsed.bin;
  const name = typeof parsed.name === 'string' ? parsed.name : path.basename(dir);
  const bins = typeof bin === 'string' ? [name.replace(/^@[^/]+\//, '')] : namesOf(bin);
  return { dependencies, withPeers: [...new Set([...dependencies, ...namesOf(parsed.peerDependencies)])], bins };
}

function realDir(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

/** Where `require(name)` from a file in `fromDir` finds the package, or undefined. */
function resolvePackage(fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== 'node_modules') {
      const candidate = path.join(dir, 'node_modules', name);
      if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Every package the roots need, transitively, as directories (where they are installed,
 * not where their symlinks point: that is where the packager finds them).
 */
function closure(roots: string[], withPeers: boolean): Set<string> {
  const found = new Set<string>();
  const queue = [...roots];
  for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
    if (found.has(dir)) continue;
    found.add(dir);
    const manifest = readManifest(dir);
    if (!manifest) continue;
    const from = realDir(dir);
    for (const name of withPeers ? manifest.withPeers : manifest.dependencies) {
      const resolved = resolvePackage(from, name);
      if (resolved && !found.has(resolved)) queue.push(resolved);
    }
  }
  return found;
}

export interface PluginExclusion {
  /** paths relative to the service, `/`-separated, e.g. `node_modules/axios` */
  excluded: string[];
  /** packages the plugin needs that the service's own dependencies need too, so they stay */
  shared: string[];
  /** the patterns that leave the excluded packages (and their `.bin` links) out */
  patterns: string[];
}

/** The `.bin` of the node_modules a package is installed in, where npm links its executables. */
function binDirOf(dir: string): string {
  let parent = path.dirname(dir);
  while (path.basename(parent) !== 'node_modules' && path.dirname(parent) !== parent) parent = path.dirname(parent);
  return path.join(parent, '.bin');
}

function relativeTo(serviceDir: string, dir: string): string {
  return path.relative(serviceDir, dir).split(path.sep).join('/');
}

/**
 * What to leave out of the artifacts of the service in `serviceDir`: undefined when the
 * plugin is not installed in its `node_modules` (then the packager cannot find it either).
 */
export function pluginOnlyPackages(serviceDirectory: string, pluginName: string = PACKAGE_NAME): PluginExclusion | undefined {
  // Resolution walks real directories; comparing them needs the service's real one too.
  const serviceDir = realDir(serviceDirectory);
  const modules = path.join(serviceDir, 'node_modules');
  const plugin = path.join(modules, pluginName);
  if (!fs.existsSync(path.join(plugin, 'package.json'))) return undefined;

  const service = readManifest(serviceDir);
  const userRoots = (service?.dependencies ?? [])
    .filter((name) => name !== pluginName)
    .flatMap((name) => resolvePackage(serviceDir, name) ?? []);
  // Peers count for the service's side: a package its dependencies need is needed.
  const needed = closure(userRoots, true);
  const pluginNeeds = closure([plugin], false);

  const inArtifact = (dir: string): boolean => dir.startsWith(`${modules}${path.sep}`);
  const excludedDirs = [...pluginNeeds].filter((dir) => inArtifact(dir) && !needed.has(dir)).sort();
  const shared = [...pluginNeeds].filter((dir) => inArtifact(dir) && needed.has(dir)).sort();
  // A package inside an excluded one goes with it: one pattern for the outermost.
  const outermost = excludedDirs.filter((dir) => !excludedDirs.some((other) => other !== dir && dir.startsWith(`${other}${path.sep}`)));
  const patterns = outermost.flatMap((dir) => {
    const relative = relativeTo(serviceDir, dir);
    const binDir = relativeTo(serviceDir, binDirOf(dir));
    const bins = readManifest(dir)?.bins ?? [];
    return [`!${relative}/**`, ...bins.map((bin) => `!${binDir}/${bin}`)];
  });
  return {
    excluded: excludedDirs.map((dir) => relativeTo(serviceDir, dir)),
    shared: shared.map((dir) => relativeTo(serviceDir, dir)),
    patterns,
  };
}

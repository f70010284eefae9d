/**
 * Skipping the zip step of an unchanged service. Before the framework packages, the
 * service directory is fingerprinted (every file's path, size, times and mode, plus the
 * packaging configuration); when the fingerprint equals the one recorded with the last
 * zips and those zips are intact, the framework is handed them as `package.artifact` and
 * zips nothing. Any added, removed or changed file (a change always moves ctime), or any
 * change to the packaging keys, gives another fingerprint and a fresh zip. The record is
 * kept in the service's memory file (memory.ts).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_VERSION } from '../util/version';
import type { ServerlessLike } from '../framework/serverless';
import { sha256 } from './artifacts';
import { serviceDirOf } from '../framework/options';
import type { PackageRecord, RecordedArtifact, ServiceMemory } from './memory';
/** Directories whose content never goes into an artifact made here. */
const SKIPPED_AT_ROOT = new Set(['.serverless', '.git']);

interface FunctionPackage {
  artifact?: string;
  individually?: boolean;
  patterns?: string[];
  include?: string[];
  exclude?: string[];
  disable?: boolean;
}

function functionPackage(serverless: ServerlessLike, key: string): FunctionPackage | undefined {
  return (serverless.service.functions[key] as { package?: FunctionPackage } | undefined)?.package;
}

/** Size, times and mode of every file under `dir`, following symlinks as the packager does. */
function listFiles(dir: string, relative: string, seen: Set<string>, out: string[]): void {
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    return;
  }
  if (seen.has(real)) return; // a symlink loop
  seen.add(real);
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (relative === '' && SKIPPED_AT_ROOT.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      out.push(`${rel}\tdangling`);
      continue;
    }
    if (stat.isDirectory()) {
      out.push(`${rel}/`);
      listFiles(full, rel, seen, out);
    } else {
      out.push(`${rel}\t${stat.size}\t${stat.mtimeMs}\t${stat.ctimeMs}\t${stat.mode}`);
    }
  }
  seen.delete(real);
}

/** Everything the framework's zips depend on: the files and the packaging configuration. */
export function fingerprint(serverless: ServerlessLike): string {
  const serviceDir = serviceDirOf(serverless);
  const hash = createHash('sha256');
  const functions = Object.keys(serverless.service.functions ?? {})
    .sort()
    .map((key) => {
      const definition = serverless.service.functions[key] as { handler?: unknown; runtime?: unknown } | undefined;
      return [key, definition?.handler, definition?.runtime, functionPackage(serverless, key)];
    });
  hash.update(
    JSON.stringify({
      plugin: PACKAGE_VERSION,
      framework: serverless.version,
      service: serverless.service.service,
      configFile: serverless.configurationFilename,
      useDotenv: serverless.configurationInput?.useDotenv,
      plugins: serverless.configurationInput?.plugins,
      package: serverless.service.package,
      functions,
    }),
  );
  const files: string[] = [];
  listFiles(serviceDir, '', new Set(), files);
  hash.update(files.join('\n'));
  return hash.digest('hex');
}

function intact(serviceDir: string, artifact: RecordedArtifact): boolean {
  try {
    return sha256(fs.readFileSync(path.resolve(serviceDir, artifact.path))) === artifact.sha256;
  } catch {
    return false;
  }
}

/** True when a pattern may reach outside the service directory, which the fingerprint does not cover. */
function reachesOutside(serverless: ServerlessLike): boolean {
  const patterns: unknown[] = [
    ...((serverless.service.package?.patterns as unknown[]) ?? []),
    ...((serverless.service.package?.include as unknown[]) ?? []),
    ...Object.keys(serverless.service.functions ?? {}).flatMap((key) => [
      ...(functionPackage(serverless, key)?.patterns ?? []),
      ...(functionPackage(serverless, key)?.include ?? []),
    ]),
  ];
  return patterns.some((pattern) => typeof pattern === 'string' && pattern.replace(/^!/, '').split(/[\\/]/).includes('..'));
}

export interface ReuseDecision {
  reused: boolean;
  /** why packaging cannot be skipped, for --verbose */
  reason: string;
  fingerprint?: string;
}

/**
 * Called before the framework packages: hands it the previous zips when nothing they were
 * made from has changed.
 */
export function reusePreviousArtifacts(serverless: ServerlessLike, memory: ServiceMemory): ReuseDecision {
  if (serverless.service.package?.artifact) return { reused: false, reason: 'package.artifact is set' };
  if (reachesOutside(serverless)) return { reused: false, reason: 'a package pattern reaches outside the service directory' };
  const serviceDir = serviceDirOf(serverless);
  const current = fingerprint(serverless);
  const record = memory.packaged();
  if (!record) return { reused: false, reason: 'no earlier package to reuse', fingerprint: current };
  if (record.fingerprint !== current) return { reused: false, reason: 'files or packaging settings changed', fingerprint: current };
  const recorded = [...(record.service ? [record.service] : []), ...Object.values(record.functions)];
  if (recorded.length === 0 || !recorded.every((artifact) => intact(serviceDir, artifact))) {
    return { reused: false, reason: 'an earlier zip is missing or was modified', fingerprint: current };
  }
  if (record.service) serverless.service.package = { ...serverless.service.package, artifact: record.service.path };
  for (const [key, artifact] of Object.entries(record.functions)) {
    const definition = serverless.service.functions[key] as { package?: FunctionPackage } | undefined;
    if (definition) definition.package = { ...definition.package, artifact: artifact.path };
  }
  return { reused: true, reason: 'nothing changed since the last package', fingerprint: current };
}

/**
 * Called after the framework packaged: records the zips it made (those in .serverless/),
 * with the fingerprint taken before, so the next run can reuse them. `hashes` (absolute
 * path → sha256) spares hashing a zip the artifact check has hashed already.
 */
export function recordArtifacts(
  serverless: ServerlessLike,
  decision: ReuseDecision,
  memory: ServiceMemory,
  hashes: ReadonlyMap<string, string> = new Map(),
): void {
  if (decision.reused || !decision.fingerprint) return;
  const serviceDir = serviceDirOf(serverless);
  const outputDir = path.join(serviceDir, '.serverless');
  const made = (file: string | undefined): RecordedArtifact | undefined => {
    if (!file) return undefined;
    const absolute = path.resolve(serviceDir, file);
    if (path.dirname(absolute) !== outputDir || !fs.existsSync(absolute)) return undefined;
    return { path: path.relative(serviceDir, absolute), sha256: hashes.get(absolute) ?? sha256(fs.readFileSync(absolute)) };
  };
  const record: PackageRecord = { fingerprint: decision.fingerprint, functions: {} };
  const service = made(serverless.service.package?.artifact);
  if (service) record.service = service;
  for (const key of Object.keys(serverless.service.functions ?? {})) {
    const artifact = made(functionPackage(serverless, key)?.artifact);
    if (artifact) record.functions[key] = artifact;
  }
  memory.rememberPackage(record);
}

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { defaultCacheDir } from '../cache';
import { tempSibling } from '../../util/atomic-file';
import { findOnPath } from '../interpreters';
import type { LaunchSpec } from '../worker-process';
import { RuntimeUnavailableError } from '../types';
import type { RunnerOptions } from '../types';
import { DEFAULT_MAX_LOG_BYTES } from '../log-collector';

const SOURCE_ROOT = __dirname;
const RUNNER_CLASS = 'com.spotinst.functions.local.Runner';

function javaSources(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...javaSources(full));
    else if (entry.name.endsWith('.java')) found.push(full);
  }
  return found.sort();
}

const building = new Map<string, Promise<string>>();

/**
 * Compiles the package's Java runtime (the com.spotinst.functions.runtime interfaces and
 * the worker) into the cache, once per version of the sources, and returns the classes
 * directory. Done on first use rather than at build time, so javac is needed only by
 * whoever runs Java functions.
 */
export function ensureJavaRuntime(cacheDir = defaultCacheDir()): Promise<string> {
  const sources = javaSources(SOURCE_ROOT);
  const hash = createHash('sha256');
  for (const file of sources) hash.update(path.relative(SOURCE_ROOT, file)).update(fs.readFileSync(file));
  const target = path.join(cacheDir, `java-runtime-${hash.digest('hex').slice(0, 16)}`);
  const classes = path.join(target, 'classes');
  if (fs.existsSync(path.join(classes, ...RUNNER_CLASS.split('.')) + '.class')) return Promise.resolve(classes);
  let pending = building.get(target);
  if (!pending) {
    pending = compile(sources, target).finally(() => building.delete(target));
    building.set(target, pending);
  }
  return pending;
}

async function compile(sources: string[], target: string): Promise<string> {
  const javac = findOnPath('javac');
  if (!javac) {
    throw new RuntimeUnavailableError(
      'The java runtime compiles its runtime classes with javac, which is not installed here. Install a JDK (e.g. apt-get install default-jdk-headless).',
    );
  }
  const temp = tempSibling(target);
  const tempClasses = path.join(temp, 'classes');
  fs.mkdirSync(tempClasses, { recursive: true });
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        javac,
        ['--release', '8', '-Xlint:-options', '-encoding', 'UTF-8', '-d', tempClasses, ...sources],
        { timeout: 120000 },
        (error, _stdout, stderr) =>
          error ? reject(new Error(`javac failed to compile the Java runtime: ${stderr || error.message}`)) : resolve(),
      );
    });
    try {
      fs.renameSync(temp, target);
    } catch (error) {
      if (!fs.existsSync(target)) throw error; // else: built concurrently by someone else
    }
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
  return path.join(target, 'classes');
}

/**
 * A JVM with the heap limited to the function's memory. The runtime's classes come first
 * on the classpath, so a jar that bundles its own copy of the interfaces still talks to
 * ours; then the unpacked jar (its classes) and any jars inside it.
 */
export async function launchJava(options: RunnerOptions): Promise<LaunchSpec> {
  const java = findOnPath('java');
  if (!java) {
    throw new RuntimeUnavailableError(
      `The ${options.runtime ?? 'java'} runtime needs java, which is not installed here. Install a JRE (e.g. apt-get install default-jre-headless).`,
    );
  }
  const classes = await ensureJavaRuntime(options.cacheDir);
  const code = options.codeDir;
  const classPath = [classes, code, path.join(code, '*'), path.join(code, 'lib', '*')].join(path.delimiter);
  return {
    command: java,
    args: [
      `-Xmx${Math.max(16, Math.floor(options.memoryMb))}m`,
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-XX:-UsePerfData',
      '-Xshare:auto',
      '-cp',
      classPath,
      RUNNER_CLASS,
      options.handler,
      String(options.memoryMb),
      String(options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES),
    ],
    channel: 'stdio',
  };
}

/**
 * Running function code on this machine, shared by spotinst-local and `invoke local`.
 * Nothing here knows about the platform: a runner gets a code directory, a handler, an
 * environment and limits, and runs invocations in a worker process of the runtime.
 */
import { ProcessRunner } from './process-runner';
import type { Launcher } from './worker-process';
import { launchNode } from './node/launcher';
import { launchPython } from './python/launcher';
import { launchRuby } from './ruby/launcher';
import { launchJava } from './java/launcher';
import type { Runner, RunnerOptions } from './types';
import type { RuntimeFamily } from '../spec/runtimes';

const LAUNCHERS: Record<RuntimeFamily, Launcher> = {
  nodejs: launchNode,
  python: launchPython,
  ruby: launchRuby,
  java: launchJava,
};

/** A runner for one function (version): a warm worker process, started on first invoke. */
export function createRunner(options: RunnerOptions): Runner {
  return new ProcessRunner(options, LAUNCHERS[options.family]);
}

export * from './types';
export { LogCollector, DEFAULT_MAX_LOG_BYTES } from './log-collector';
export { MINIMAL_PATH, functionEnvironment } from './sandbox';
export { memoryCeilingMb } from './memory-watch';
export { ensureJavaRuntime } from './java/launcher';
export { defaultCacheDir } from './cache';
export { parseBody, platformVariables } from '../spec/contract';
export type { FunctionEvent, FunctionIdentity } from '../spec/contract';

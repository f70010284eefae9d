import path from 'node:path';
import { resolveInterpreter } from '../interpreters';
import type { LaunchSpec } from '../worker-process';
import type { RunnerOptions } from '../types';
import { DEFAULT_MAX_LOG_BYTES } from '../log-collector';

/** Every ruby runtime (ruby2.4.1 included) runs on the local ruby. */
export async function launchRuby(options: RunnerOptions): Promise<LaunchSpec> {
  const runtime = options.runtime ?? 'ruby';
  const ruby = await resolveInterpreter('ruby', ['-e', 'print RbConfig.ruby'], `The ${runtime} runtime runs on the local ruby`);
  return {
    command: ruby,
    args: [
      path.join(__dirname, 'runner.rb'),
      options.handler,
      String(options.memoryMb),
      String(options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES),
    ],
    channel: 'stdio',
  };
}

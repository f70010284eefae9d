import path from 'node:path';
import { resolveInterpreter } from '../interpreters';
import type { LaunchSpec } from '../worker-process';
import type { RunnerOptions } from '../types';
import { DEFAULT_MAX_LOG_BYTES } from '../log-collector';

/** Every python runtime (python2.7 included) runs on the local python3. */
export async function launchPython(options: RunnerOptions): Promise<LaunchSpec> {
  const runtime = options.runtime ?? 'python';
  const python = await resolveInterpreter(
    'python3',
    ['-c', 'import sys; print(sys.executable)'],
    `The ${runtime} runtime runs on the local python3`,
  );
  return {
    command: python,
    // -I: ignore PYTHON* variables and the user's site packages; -B: no .pyc files in the code
    args: [
      '-I',
      '-B',
      path.join(__dirname, 'runner.py'),
      options.handler,
      String(options.memoryMb),
      String(options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES),
    ],
    channel: 'stdio',
  };
}

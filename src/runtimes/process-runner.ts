import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { LogCollector, DEFAULT_MAX_LOG_BYTES } from './log-collector';
import { findOnPath } from './interpreters';
import type {
  ChildMessage,
  InvocationError,
  InvocationInfo,
  InvocationOutcome,
  InvocationStatus,
  ParentMessage,
  Runner,
  RunnerOptions,
} from './types';
import { RuntimeUnavailableError } from './types';

/** How to start one worker process of a runtime. */
export interface LaunchSpec {
  command: string;
  args: string[];
  /**
   * 'ipc': node's message channel (fd 3); stdout and stderr are logs.
   * 'stdio': JSON lines, parent → child on stdin and child → parent on stdout; stderr is
   * log, and so is any stdout line that is not a protocol message.
   */
  channel: 'ipc' | 'stdio';
}

export type Launcher = (options: RunnerOptions) => Promise<LaunchSpec>;

/** The only host things a function's process gets (SPEC §6): a minimal PATH and LANG. */
export const MINIMAL_PATH = '/usr/local/bin:/usr/bin:/bin';

export function functionEnvironment(own: Record<string, string>): Record<string, string> {
  return { PATH: MINIMAL_PATH, LANG: 'C.UTF-8', ...own };
}

/**
 * Workers run in their own process group (so a timeout kills what they started too), which
 * also means nothing kills them when the parent is SIGKILLed; a worker stuck in a loop would
 * never notice its pipes closing. util-linux's setpriv asks the kernel to kill the worker
 * when its parent dies (PR_SET_PDEATHSIG), and the setting survives the exec.
 */
const SETPRIV = process.platform === 'linux' ? findOnPath('setpriv') : undefined;

/**
 * The resident memory a worker may reach before it is stopped: the function's limit, plus
 * room for the runtime itself (node, the JVM and the interpreters take 15-50 MB, and a heap
 * at its limit carries a young generation and fragmentation that grow with it). The heap
 * flags and address-space limits of the launchers stop most functions first; this also
 * stops the memory they do not see (node Buffers, native allocations).
 */
export function memoryCeilingMb(memoryMb: number): number {
  return Math.ceil(memoryMb * 1.25) + 128;
}
/** How often a worker's resident memory is read while it runs an invocation, and while idle. */
const MEMORY_CHECK_ACTIVE_MS = 20;
const MEMORY_CHECK_IDLE_MS = 100;
/** Resident memory is read from /proc: on systems without it the limit is the launchers' alone. */
const HAS_PROC = fs.existsSync('/proc/self/status');

/** A process's resident memory in MB, or undefined when it cannot be read (it is gone). */
function residentMb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** A protocol line from a worker is at most this long; a longer one means a broken worker. */
const MAX_PROTOCOL_LINE = 16 * 1024 * 1024;
/** After a worker exits, how long its pipes may still deliver what it printed last. */
const EXIT_DRAIN_MS = 200;

interface ActiveInvocation {
  id: string;
  collector: LogCollector;
  onMessage(message: ChildMessage): void;
  onExit(description: string): void;
}

/** One worker process and the invocation it runs now, if any. */
class WorkerProcess {
  readonly child: ChildProcess;
  active?: ActiveInvocation;
  dead = false;
  /** the resident memory (MB) it was stopped at for going over its limit */
  overMemoryMb?: number;
  private stdoutBuffer = '';
  private stderrTail = '';
  private memoryTimer?: NodeJS.Timeout;
  private readonly ceilingMb: number;

  constructor(spec: LaunchSpec, options: RunnerOptions, onGone: (worker: WorkerProcess) => void) {
    const [command, args] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', spec.command, ...spec.args]] : [spec.command, spec.args];
    this.child = spawn(command, args, {
      cwd: options.codeDir,
      env: functionEnvironment(options.env),
      stdio: spec.channel === 'ipc' ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
      // its own process group, so a timeout kills whatever the function started too
      detached: true,
      serialization: 'json',
    });
    this.child.stdout?.setEncoding('utf8');
    this.child.stderr?.setEncoding('utf8');
    this.child.stdin?.on('error', () => undefined); // EPIPE when it died: the exit handler reports it
    if (spec.channel === 'ipc') {
      this.child.on('message', (message: ChildMessage) => this.deliver(message));
      this.child.stdout?.on('data', (text: string) => this.active?.collector.add('stdout', text));
    } else {
      this.child.stdout?.on('data', (text: string) => this.readProtocol(text));
    }
    this.child.stderr?.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-4096);
      this.active?.collector.add('stderr', text);
    });
    this.ceilingMb = memoryCeilingMb(options.memoryMb);
    this.watchMemory();
    let reported = false;
    const gone = (description: string): void => {
      if (reported) return;
      reported = true;
      this.dead = true;
      onGone(this);
      const active = this.active;
      this.active = undefined;
      active?.onExit(description);
    };
    this.child.on('error', (error) => gone(`the worker process failed: ${error.message}`));
    this.child.on('exit', (code, signal) => {
      this.dead = true;
      clearTimeout(this.memoryTimer);
      const description = signal ? `the worker process was killed by ${signal}` : `the worker process exited with code ${code}`;
      // let the pipes deliver the last output (an out-of-memory report, say), but not forever:
      // a grandchild may hold them open
      const timer = setTimeout(() => gone(description), EXIT_DRAIN_MS);
      timer.unref();
      this.child.once('close', () => {
        clearTimeout(timer);
        gone(description);
      });
    });
  }

  /**
   * Reads the worker's resident memory now and then (often while it runs an invocation) and
   * kills it when it is over the limit. Call again when an invocation starts: an idle
   * worker's next reading may be far off.
   */
  watchMemory(): void {
    clearTimeout(this.memoryTimer);
    const pid = this.child.pid;
    if (!HAS_PROC || pid === undefined || this.dead) return;
    const check = (): void => {
      const used = residentMb(pid);
      if (this.dead || used === undefined) return;
      if (used > this.ceilingMb) {
        this.overMemoryMb = Math.round(used);
        this.kill();
        return;
      }
      this.memoryTimer = setTimeout(check, this.active ? MEMORY_CHECK_ACTIVE_MS : MEMORY_CHECK_IDLE_MS);
      this.memoryTimer.unref();
    };
    this.memoryTimer = setTimeout(check, MEMORY_CHECK_ACTIVE_MS);
    this.memoryTimer.unref();
  }

  /** Recent stderr, to explain a crash (e.g. node's "heap out of memory"). */
  get lastStderr(): string {
    return this.stderrTail;
  }

  send(message: ParentMessage): void {
    if (this.dead) return;
    if (this.child.send) {
      if (this.child.connected) this.child.send(message, (error) => error && undefined);
      return;
    }
    this.child.stdin?.write(`${JSON.stringify(message)}\n`);
  }

  kill(): void {
    this.dead = true;
    const pid = this.child.pid;
    try {
      if (pid !== undefined) process.kill(-pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  private readProtocol(text: string): void {
    this.stdoutBuffer += text;
    if (this.stdoutBuffer.length > MAX_PROTOCOL_LINE && !this.stdoutBuffer.includes('\n')) {
      this.active?.collector.note(
        `[the worker printed a line longer than ${MAX_PROTOCOL_LINE} bytes on its protocol channel; it was stopped]`,
      );
      this.kill();
      return;
    }
    let newline = this.stdoutBuffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.stdoutBuffer.slice(0, newline);
      this.stdoutBuffer = this.stdoutBuffer.slice(newline + 1);
      const message = parseProtocolLine(line);
      if (message) this.deliver(message);
      else this.active?.collector.add('stdout', `${line}\n`);
      newline = this.stdoutBuffer.indexOf('\n');
    }
  }

  private deliver(message: ChildMessage): void {
    const active = this.active;
    // a message about an invocation that already ended (timed out) is stale
    if (!active || message.id !== active.id) return;
    active.onMessage(message);
  }
}

function parseProtocolLine(line: string): ChildMessage | undefined {
  if (!line.startsWith('{"type":')) return undefined;
  try {
    const parsed = JSON.parse(line) as ChildMessage;
    return typeof parsed.id === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a function in one long-lived worker process: started on first use (a cold start),
 * reused while warm, started again after a crash, a timeout or dispose(). Invocations run
 * one at a time, in order; concurrency comes from having several runners.
 */
export class ProcessRunner implements Runner {
  private worker?: WorkerProcess;
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private spec?: Promise<LaunchSpec>;
  lastUsedAt = Date.now();

  constructor(
    private readonly options: RunnerOptions,
    private readonly launcher: Launcher,
  ) {}

  get busy(): boolean {
    return this.waiting > 0;
  }

  invoke(event: unknown, info: InvocationInfo): Promise<InvocationOutcome> {
    this.waiting += 1;
    const run = this.queue.then(() => this.runOne(event, info));
    this.queue = run.catch(() => undefined);
    return run.finally(() => {
      this.waiting -= 1;
      this.lastUsedAt = Date.now();
    });
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker || worker.dead) return;
    const exited = new Promise<void>((resolve) => worker.child.once('exit', () => resolve()));
    worker.kill();
    await exited;
  }

  private async runOne(event: unknown, info: InvocationInfo): Promise<InvocationOutcome> {
    const startedAt = Date.now();
    const collector = new LogCollector(this.options.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES);
    const outcome = (
      status: InvocationStatus,
      fields: { result?: unknown; error?: InvocationError },
      coldStart: boolean,
    ): InvocationOutcome => ({
      status,
      ...fields,
      logs: collector.finish(),
      startedAt,
      durationMs: Date.now() - startedAt,
      coldStart,
    });

    let worker = this.worker;
    let coldStart = false;
    if (!worker || worker.dead) {
      try {
        worker = await this.startWorker();
      } catch (error) {
        const message = (error as Error).message;
        collector.note(message);
        const type = error instanceof RuntimeUnavailableError ? 'RuntimeUnavailable' : 'RuntimeStartFailed';
        return outcome('error', { error: { message, type } }, true);
      }
      coldStart = true;
    }
    const current = worker;
    const timeoutMs = Math.max(1, Math.round(this.options.timeoutS * 1000));

    return new Promise<InvocationOutcome>((resolve) => {
      let done = false;
      const finish = (status: InvocationStatus, fields: { result?: unknown; error?: InvocationError }): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (current.active?.id === info.requestId) current.active = undefined;
        resolve(outcome(status, fields, coldStart));
      };
      const timer = setTimeout(() => {
        const seconds = this.options.timeoutS;
        const message = `Function timed out after ${seconds} second${seconds === 1 ? '' : 's'}`;
        collector.note(message);
        current.active = undefined;
        if (this.worker === current) this.worker = undefined;
        current.kill();
        finish('timeout', { error: { message, type: 'Timeout' } });
      }, timeoutMs);

      current.active = {
        id: info.requestId,
        collector,
        onMessage: (message) => {
          if (message.type === 'log') collector.add(message.stream, message.text);
          else if (message.type === 'getDoc') void this.answerDocument(current, message);
          else if (message.type === 'result') {
            collector.addDropped(message.droppedLogBytes ?? 0);
            finish('success', { result: message.result });
          } else if (message.type === 'error') {
            collector.addDropped(message.droppedLogBytes ?? 0);
            const error = message.error;
            collector.note(error.stack && error.stack.includes(error.message) ? error.stack : `${error.type}: ${error.message}`);
            finish('error', { error });
          }
        },
        onExit: (description) => {
          const message = explainExit(description, current, this.options.memoryMb);
          collector.note(message);
          finish('error', { error: { message, type: 'WorkerExited' } });
        },
      };
      current.watchMemory();
      current.send({
        type: 'invoke',
        id: info.requestId,
        event,
        context: {
          ...info,
          memoryLimitInMB: this.options.memoryMb,
          timeout: this.options.timeoutS,
          deadline: startedAt + timeoutMs,
        },
      });
    });
  }

  private async startWorker(): Promise<WorkerProcess> {
    this.spec = this.spec ?? this.launcher(this.options);
    let spec: LaunchSpec;
    try {
      spec = await this.spec;
    } catch (error) {
      this.spec = undefined; // e.g. the interpreter gets installed: try again next time
      throw error;
    }
    const worker = new WorkerProcess(spec, this.options, (gone) => {
      if (this.worker === gone) this.worker = undefined;
    });
    this.worker = worker;
    return worker;
  }

  private async answerDocument(worker: WorkerProcess, message: Extract<ChildMessage, { type: 'getDoc' }>): Promise<void> {
    const reply = (fields: { found: boolean; value?: unknown; error?: string }): void =>
      worker.send({ type: 'doc', id: message.id, ref: message.ref, ...fields });
    if (!this.options.getDocument) {
      reply({ found: false });
      return;
    }
    try {
      const value = await this.options.getDocument(message.key);
      reply(value === undefined ? { found: false } : { found: true, value });
    } catch (error) {
      reply({ found: false, error: (error as Error).message });
    }
  }
}

function explainExit(description: string, worker: WorkerProcess, memoryMb: number): string {
  if (worker.overMemoryMb !== undefined) {
    return `Function ran out of memory (limit ${memoryMb} MB): its process used ${worker.overMemoryMb} MB, over the ${memoryCeilingMb(memoryMb)} MB allowed with the runtime's own share, and was stopped`;
  }
  if (/heap out of memory|MemoryError|NoMemoryError|OutOfMemoryError|failed to allocate memory/i.test(worker.lastStderr)) {
    return `Function ran out of memory (limit ${memoryMb} MB): ${description}`;
  }
  return `Function ended its process before returning a result: ${description}`;
}

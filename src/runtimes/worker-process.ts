import type { ChildProcess } from 'node:child_process';
import type { LogCollector } from './log-collector';
import { MemoryWatch, memoryCeilingMb } from './memory-watch';
import { killSandboxed, spawnSandboxed } from './sandbox';
import type { ChildMessage, ParentMessage, RunnerOptions } from './types';

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

/** A protocol line from a worker is at most this long; a longer one means a broken worker. */
const MAX_PROTOCOL_LINE = 16 * 1024 * 1024;
/** After a worker exits, how long its pipes may still deliver what it printed last. */
const EXIT_DRAIN_MS = 200;

/**
 * What node's inspector prints on the process's stderr (from C++, not through the
 * function's console) when a debugger session starts and ends. `/json/list` does not say
 * whether a client is connected, and a paused process cannot say anything itself, so these
 * lines are how the parent knows a debugger is attached.
 */
const DEBUGGER_ATTACHED = /Debugger attached\.$/;
const DEBUGGER_ENDED = /Debugger ending on ws:/;

/** The invocation a worker runs now: where its output and messages go. */
export interface ActiveInvocation {
  id: string;
  collector: LogCollector;
  onMessage(message: ChildMessage): void;
  onExit(description: string): void;
}

/**
 * One worker process of a runtime and the invocation it runs now, if any. It speaks the
 * worker protocol (IPC messages, or JSON lines on stdout with everything else being log),
 * reads its own memory, and reports once when it is gone.
 */
export class WorkerProcess {
  private readonly child: ChildProcess;
  private active?: ActiveInvocation;
  private dead = false;
  /** the resident memory (MB) it was stopped at for going over its limit */
  private overMemory?: number;
  private stdoutBuffer = '';
  private stderrTail = '';
  private stderrLine = '';
  private debuggers = 0;
  private readonly debuggerListeners = new Set<(attached: boolean) => void>();
  private readonly memory: MemoryWatch;
  private readonly exited: Promise<void>;

  constructor(spec: LaunchSpec, options: Pick<RunnerOptions, 'codeDir' | 'env' | 'memoryMb'>, onGone: (worker: WorkerProcess) => void) {
    this.child = spawnSandboxed({
      command: spec.command,
      args: spec.args,
      cwd: options.codeDir,
      env: options.env,
      ipc: spec.channel === 'ipc',
    });
    // a process that could not be started at all reports 'error' and never 'exit'
    this.exited = new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.once('error', () => resolve());
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
      this.watchForDebugger(text);
      this.active?.collector.add('stderr', text);
    });
    this.memory = new MemoryWatch({
      pid: this.child.pid,
      ceilingMb: memoryCeilingMb(options.memoryMb),
      busy: () => this.active !== undefined,
      onOver: (usedMb) => {
        this.overMemory = usedMb;
        this.kill();
      },
    });
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
      this.memory.stop();
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

  /** false once it was killed or exited: a new invocation needs a new worker */
  get alive(): boolean {
    return !this.dead;
  }

  /** The process id while it runs (the console shows it). */
  get pid(): number | undefined {
    return this.dead ? undefined : this.child.pid;
  }

  /** Its resident memory (MB) at the memory watch's last reading; undefined before the first one and once it is gone. */
  get residentMb(): number | undefined {
    return this.dead ? undefined : this.memory.lastMb;
  }

  /** The resident memory (MB) it was stopped at for going over its ceiling, if that is why it ended. */
  get overMemoryMb(): number | undefined {
    return this.overMemory;
  }

  /** True while a debugger is attached to the process (node's inspector said so on stderr). */
  get debuggerAttached(): boolean {
    return this.debuggers > 0 && !this.dead;
  }

  /** Calls `listener` each time the first debugger attaches or the last one leaves; returns the unsubscribe. */
  watchDebugger(listener: (attached: boolean) => void): () => void {
    this.debuggerListeners.add(listener);
    return () => this.debuggerListeners.delete(listener);
  }

  private watchForDebugger(text: string): void {
    const lines = (this.stderrLine + text).split('\n');
    this.stderrLine = (lines.pop() ?? '').slice(-256);
    for (const line of lines.map((entry) => entry.trimEnd())) {
      const before = this.debuggers;
      if (DEBUGGER_ATTACHED.test(line)) this.debuggers += 1;
      else if (DEBUGGER_ENDED.test(line)) this.debuggers = Math.max(0, this.debuggers - 1);
      if ((before === 0) !== (this.debuggers === 0)) for (const listener of this.debuggerListeners) listener(this.debuggers > 0);
    }
  }

  /** Recent stderr, to explain a crash (e.g. node's "heap out of memory"). */
  get lastStderr(): string {
    return this.stderrTail;
  }

  /** Hands the worker an invocation: from now on its output and messages go there. */
  begin(invocation: ActiveInvocation): void {
    this.active = invocation;
    this.memory.soon();
  }

  /** The invocation is over (or given up): later messages about it are stale. */
  end(invocationId: string): void {
    if (this.active?.id === invocationId) this.active = undefined;
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
    this.memory.stop();
    killSandboxed(this.child);
  }

  /** Kills it and resolves once the process has exited. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.kill();
    await this.exited;
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

/** A line of the stdio protocol, or undefined when the line is the function's own output. */
function parseProtocolLine(line: string): ChildMessage | undefined {
  if (!line.startsWith('{"type":')) return undefined;
  try {
    const parsed = JSON.parse(line) as ChildMessage;
    return typeof parsed.id === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

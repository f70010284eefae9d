import type { InvocationStatus, LogLine } from '../spec/wire';
import type { RuntimeFamily } from '../spec/runtimes';

export type { InvocationStatus, LogLine };

export interface RunnerOptions {
  family: RuntimeFamily;
  /** the runtime's name (either form), for messages only */
  runtime?: string;
  /** the unpacked code: the working directory and where the handler is looked up */
  codeDir: string;
  /** `file.export` (node, python, ruby) or a class name (java) */
  handler: string;
  /**
   * The function's own variables (including SPOTINST_FUNCTION_ID and friends). The process
   * gets exactly these plus a minimal PATH and LANG: nothing of the host's environment.
   */
  env: Record<string, string>;
  memoryMb: number;
  /** may be fractional: tests use sub-second timeouts */
  timeoutS: number;
  /** where compiled helpers are kept (the java runtime classes, the node bootstrap) */
  cacheDir?: string;
  /** answers `context.getDoc(key)`; resolves undefined when the key does not exist */
  getDocument?: (key: string) => Promise<unknown>;
  /** printed bytes kept per invocation; the rest is dropped with a note */
  maxLogBytes?: number;
  /**
   * node only: the worker listens for a debugger on this address (`--inspect=host:port`).
   * While a debugger is attached, the invocation's timeout is suspended.
   */
  inspect?: InspectAddress;
}

export interface InspectAddress {
  host: string;
  port: number;
}

/** What the context of one invocation says about it (SPEC §6). */
export interface InvocationInfo {
  requestId: string;
  functionId: string;
  functionName: string;
  environmentId: string;
  version: string | number;
}

export interface InvocationError {
  message: string;
  type: string;
  stack?: string;
}

export interface InvocationOutcome {
  status: InvocationStatus;
  /** the handler's result, when status is 'success' */
  result?: unknown;
  error?: InvocationError;
  logs: LogLine[];
  startedAt: number;
  durationMs: number;
  /** a new process was started for this invocation */
  coldStart: boolean;
}

export interface Runner {
  invoke(event: unknown, info: InvocationInfo): Promise<InvocationOutcome>;
  /** ends the worker process; a later invoke starts a new one */
  dispose(): Promise<void>;
  /** true while an invocation runs or waits for its turn */
  readonly busy: boolean;
  /** epoch ms of the end of the last invocation (or creation) */
  readonly lastUsedAt: number;
  /** its worker's process id; undefined while it has no process */
  readonly pid?: number;
  /**
   * The worker process's resident memory (MB) at its last reading (the memory watch's);
   * undefined while it has no process, before the first reading, or where it is not read.
   */
  readonly residentMb?: number;
  /** true while a debugger is attached to its worker process (see worker-process.ts) */
  readonly debuggerAttached?: boolean;
}

/** Raised when a runtime cannot run here at all (interpreter missing): not the function's fault. */
export class RuntimeUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeUnavailableError';
  }
}

/** Messages of the worker protocol, the same for every language (JSON, one per line or IPC message). */
export type ParentMessage =
  | {
      type: 'invoke';
      id: string;
      event: unknown;
      context: InvocationInfo & { memoryLimitInMB: number; timeout: number; deadline: number };
    }
  | { type: 'doc'; id: string; ref: number; found: boolean; value?: unknown; error?: string };

export type ChildMessage =
  | { type: 'log'; id: string; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'result'; id: string; result: unknown; droppedLogBytes?: number }
  | { type: 'error'; id: string; error: InvocationError; droppedLogBytes?: number }
  | { type: 'getDoc'; id: string; ref: number; key: string };

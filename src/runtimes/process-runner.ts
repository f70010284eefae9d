import { answerDocumentRequest } from './document-bridge';
import { LogCollector, DEFAULT_MAX_LOG_BYTES } from './log-collector';
import { memoryCeilingMb } from './memory-watch';
import type { InvocationError, InvocationInfo, InvocationOutcome, InvocationStatus, Runner, RunnerOptions } from './types';
import { RuntimeUnavailableError } from './types';
import { WorkerProcess, type LaunchSpec, type Launcher } from './worker-process';

// the launchers describe their worker with these; node/launcher.ts imports them from here

/**
 * Runs a function in one long-lived worker process: started on first use (a cold start),
 * reused while warm, started again after a crash, a timeout or dispose(). Invocations run
 * one at a time, in order; concurrency comes from having several runners. What is its own:
 * the queue, the timeout, and turning what the worker did into an outcome.
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

  get pid(): number | undefined {
    return this.worker?.pid;
  }

  get residentMb(): number | undefined {
    return this.worker?.residentMb;
  }

  get debuggerAttached(): boolean {
    return this.worker?.debuggerAttached ?? false;
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
    if (!worker?.alive) return;
    await worker.stop();
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
    if (!worker?.alive) {
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
      let timer: NodeJS.Timeout | undefined;
      // the time left to run; while a debugger is attached it does not run down
      let remainingMs = timeoutMs;
      let armedAt = 0;
      const finish = (status: InvocationStatus, fields: { result?: unknown; error?: InvocationError }): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        stopWatching();
        current.end(info.requestId);
        resolve(outcome(status, fields, coldStart));
      };
      const timedOut = (): void => {
        const seconds = this.options.timeoutS;
        const message = `Function timed out after ${seconds} second${seconds === 1 ? '' : 's'}`;
        collector.note(message);
        current.end(info.requestId);
        if (this.worker === current) this.worker = undefined;
        current.kill();
        finish('timeout', { error: { message, type: 'Timeout' } });
      };
      const arm = (): void => {
        armedAt = Date.now();
        timer = setTimeout(timedOut, Math.max(0, remainingMs));
      };
      const suspend = (): void => {
        clearTimeout(timer);
        timer = undefined;
        remainingMs -= Date.now() - armedAt;
      };
      const stopWatching = current.watchDebugger((attached) => {
        if (done) return;
        if (attached && timer !== undefined) suspend();
        else if (!attached && timer === undefined) arm();
      });
      if (!current.debuggerAttached) arm();

      current.begin({
        id: info.requestId,
        collector,
        onMessage: (message) => {
          if (message.type === 'log') collector.add(message.stream, message.text);
          else if (message.type === 'getDoc') void answerDocumentRequest(message, this.options.getDocument, (reply) => current.send(reply));
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
      });
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

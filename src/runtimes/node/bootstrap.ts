/**
 * The main script of a node worker process (started by the node runner with an IPC
 * channel, an explicit environment, and the code directory as its working directory).
 *
 * It must stay self-contained: it runs as a plain script, so it may only import node
 * built-ins (type-only imports are erased).
 *
 * argv: [node, bootstrap, handler, maxLogBytes, candidates]: `candidates` is the JSON list
 * of files the handler may live in, relative to the code directory, in the order they are
 * tried (the spec's list, src/spec/handlers.ts, which this script cannot import).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChildMessage, InvocationError, ParentMessage } from '../types';

// The IPC plumbing variables are ours, not the function's: its environment is its own.
delete process.env.NODE_CHANNEL_FD;
delete process.env.NODE_CHANNEL_SERIALIZATION_MODE;

const handlerSpec = process.argv[2] ?? '';
const maxLogBytes = Number(process.argv[3]) || 1024 * 1024;
const candidateFiles = readCandidates(process.argv[4]);

function readCandidates(argument: string | undefined): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(argument ?? '');
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed;
  } catch {
    // not given: said when the handler is loaded, as that invocation's error
  }
  return undefined;
}

type InvokeMessage = Extract<ParentMessage, { type: 'invoke' }>;
type Handler = (event: unknown, context: unknown, callback: (error?: unknown, result?: unknown) => void) => unknown;

interface Current {
  id: string;
  bytes: number;
  dropped: number;
}

let current: Current | undefined;
let loaded: Promise<Handler> | undefined;
let nextDocRef = 1;
const pendingDocs = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

function send(message: ChildMessage, then?: () => void): void {
  if (process.connected && process.send) process.send(message, undefined, {}, () => then?.());
  else then?.();
}

/**
 * console.* and process.stdout/stderr.write become log messages on the IPC channel, so
 * they reach the parent in order with the result (separate pipes could arrive after it).
 * Output while no invocation runs (a stray timer) is dropped: it belongs to no invocation.
 */
function capture(streamName: 'stdout' | 'stderr'): void {
  const stream = process[streamName];
  const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk);
    const invocation = current;
    if (invocation) {
      const size = Buffer.byteLength(text);
      if (invocation.bytes + size > maxLogBytes) invocation.dropped += size;
      else {
        invocation.bytes += size;
        send({ type: 'log', id: invocation.id, stream: streamName, text });
      }
    }
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done);
    return true;
  };
  stream.write = write;
}

// TypeScript compiles `import()` to `require()` in CommonJS output; this keeps a real import
// for handlers written as ES modules.
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the one way to keep import() in CommonJS output
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

function toInvocationError(error: unknown): InvocationError {
  if (error instanceof Error) return { message: error.message, type: error.name || 'Error', stack: error.stack };
  if (typeof error === 'string') return { message: error, type: 'Error' };
  try {
    return { message: JSON.stringify(error), type: 'Error' };
  } catch {
    return { message: String(error), type: 'Error' };
  }
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** An ES module by its extension (.mjs) or its package.json (`"type": "module"` makes require refuse a .js). */
async function loadModule(file: string): Promise<Record<string, unknown>> {
  if (file.endsWith('.mjs')) return (await importEsm(pathToFileURL(file).href)) as Record<string, unknown>;
  try {
    return require(file) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE') {
      return (await importEsm(pathToFileURL(file).href)) as Record<string, unknown>;
    }
    throw error;
  }
}

async function loadHandler(): Promise<Handler> {
  const dot = handlerSpec.lastIndexOf('.');
  if (dot <= 0 || dot === handlerSpec.length - 1) {
    throw new Error(`handler "${handlerSpec}" must be "<file>.<function>", e.g. "handler.main"`);
  }
  if (candidateFiles === undefined || candidateFiles.length === 0) {
    throw new Error('the node worker was started without the list of handler files (its fourth argument)');
  }
  const exportName = handlerSpec.slice(dot + 1);
  const found = candidateFiles.map((candidate) => path.resolve(process.cwd(), candidate)).find(isFile);
  if (found === undefined) {
    const listed =
      candidateFiles.length > 1
        ? `${candidateFiles.slice(0, -1).join(', ')} or ${candidateFiles[candidateFiles.length - 1]}`
        : candidateFiles.join('');
    throw new Error(`Cannot find the handler file "${handlerSpec.slice(0, dot)}" (${listed}) in the function's code`);
  }
  const moduleExports = await loadModule(found);
  const candidate = moduleExports[exportName] ?? (moduleExports.default as Record<string, unknown> | undefined)?.[exportName];
  if (typeof candidate !== 'function') {
    const names = Object.keys(moduleExports).join(', ') || 'nothing';
    throw new Error(`handler "${handlerSpec}": "${exportName}" is not a function exported by the file (it exports ${names})`);
  }
  return candidate as Handler;
}

function makeContext(message: InvokeMessage): Record<string, unknown> {
  const info = message.context;
  return {
    requestId: info.requestId,
    functionId: info.functionId,
    functionName: info.functionName,
    environmentId: info.environmentId,
    version: info.version,
    memoryLimitInMB: info.memoryLimitInMB,
    timeout: info.timeout,
    getRemainingTimeInMillis: (): number => Math.max(0, info.deadline - Date.now()),
    getDoc(key: string, callback?: (error: Error | null, value?: unknown) => void): Promise<unknown> {
      const ref = nextDocRef;
      nextDocRef += 1;
      const promise = new Promise<unknown>((resolve, reject) => {
        pendingDocs.set(ref, { resolve, reject });
        send({ type: 'getDoc', id: message.id, ref, key: String(key) });
      });
      if (callback) {
        promise.then(
          (value) => callback(null, value),
          (error: Error) => callback(error),
        );
      }
      return promise;
    },
  };
}

function runHandler(handler: Handler, message: InvokeMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: unknown, value?: unknown): void => {
      if (settled) return;
      settled = true;
      // A handler may fail with any value: toInvocationError words what is not an Error.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      if (error !== undefined && error !== null) reject(error);
      else resolve(value);
    };
    let returned: unknown;
    try {
      returned = handler(message.event, makeContext(message), settle);
    } catch (error) {
      settle(error ?? new Error('the handler threw a null value'));
      return;
    }
    if (returned && typeof (returned as PromiseLike<unknown>).then === 'function') {
      (returned as PromiseLike<unknown>).then(
        (value) => settle(undefined, value),
        (error: unknown) => settle(error ?? new Error('the handler rejected with a null value')),
      );
    } else if (returned !== undefined && handler.length < 3) {
      // a synchronous handler that returns its result without taking a callback
      settle(undefined, returned);
    }
  });
}

async function invoke(message: InvokeMessage): Promise<void> {
  const invocation: Current = { id: message.id, bytes: 0, dropped: 0 };
  current = invocation;
  try {
    loaded = loaded ?? loadHandler();
    const handler = await loaded.catch((error: unknown) => {
      loaded = undefined; // a fixed file may load on the next try
      throw error;
    });
    const result = await runHandler(handler, message);
    let plain: unknown;
    try {
      plain = result === undefined ? undefined : JSON.parse(JSON.stringify(result));
    } catch (error) {
      throw new Error(`the handler's result cannot be sent as JSON: ${(error as Error).message}`, { cause: error });
    }
    current = undefined;
    send({ type: 'result', id: message.id, result: plain, droppedLogBytes: invocation.dropped });
  } catch (error) {
    current = undefined;
    send({ type: 'error', id: message.id, error: toInvocationError(error), droppedLogBytes: invocation.dropped });
  }
}

capture('stdout');
capture('stderr');

process.on('message', (message: ParentMessage) => {
  if (message.type === 'invoke') void invoke(message);
  else if (message.type === 'doc') {
    const pending = pendingDocs.get(message.ref);
    pendingDocs.delete(message.ref);
    if (!pending) return;
    if (message.error) pending.reject(new Error(message.error));
    else pending.resolve(message.found ? message.value : null);
  }
});

// An error thrown outside the handler's promise chain fails the invocation; the process
// may be in any state afterwards, so it ends and the next invocation gets a fresh one.
process.on('uncaughtException', (error: unknown) => {
  const invocation = current;
  current = undefined;
  if (invocation) send({ type: 'error', id: invocation.id, error: toInvocationError(error) }, () => process.exit(1));
  else process.exit(1);
});

// The parent is gone (or dropped us): nothing can reach this worker any more.
process.on('disconnect', () => process.exit(0));

/**
 * Handlers: the shape of `handler` per runtime family, and the files of the code a handler
 * may live in. The one list of handler file extensions: validation, the artifact check,
 * `invoke local` and the node runner all read it.
 */
import { runtimeFamily, type RuntimeFamily } from './runtimes';
import type { Refusal } from './refusal';

/**
 * The files a handler `file.function` may be, in the order they are tried. Node loads
 * CommonJS (.js, .cjs) and ES modules (.mjs, and .js under `"type": "module"`).
 */
export const HANDLER_FILE_EXTENSIONS: Readonly<Record<RuntimeFamily, readonly string[]>> = {
  nodejs: ['.js', '.cjs', '.mjs'],
  python: ['.py'],
  ruby: ['.rb'],
  java: ['.class'],
};

/**
 * Where a node handler may also be written: TypeScript, which node does not run. The plugin
 * bundles such a handler with esbuild into a `.cjs` file (a name the list above holds) before
 * it is zipped or run by `invoke local`, so a runner never sees one.
 */
export const TYPESCRIPT_HANDLER_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.cts'];

/**
 * Extensions that, written as the function part (`handler.ts`), show that the handler names
 * a file and forgot the function: the handler files of every family and the sources users
 * keep beside them.
 */
const FILE_LIKE_EXTENSIONS: readonly string[] = [
  ...new Set([...Object.values(HANDLER_FILE_EXTENSIONS).flat(), ...TYPESCRIPT_HANDLER_EXTENSIONS, '.java', '.jar']),
];

/** `handler.main` → file `handler`, function `main`; a java handler is a class name and has no split. */
export interface HandlerParts {
  /** relative to the code's root, without extension and without a leading `./` */
  file: string;
  exportName: string;
}

export function splitHandler(handler: string): HandlerParts | undefined {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) return undefined;
  return { file: handler.slice(0, dot).replace(/^\.\//, ''), exportName: handler.slice(dot + 1) };
}

/**
 * The archive entries (relative paths) a handler may live in, for its runtime (either
 * name form). A java handler is a class: its `.class` file (inside the jar or target/classes).
 */
export function handlerCandidates(runtime: string, handler: string): string[] {
  const family = runtimeFamily(runtime) ?? 'nodejs';
  if (family === 'java') return HANDLER_FILE_EXTENSIONS.java.map((extension) => `${handler.replace(/\./g, '/')}${extension}`);
  const file = splitHandler(handler)?.file ?? handler;
  return HANDLER_FILE_EXTENSIONS[family].map((extension) => `${file}${extension}`);
}

/**
 * The files of the service directory a handler may be written in: what the runtime loads,
 * then (node) the TypeScript sources the plugin bundles. A written `.js` wins over a `.ts`,
 * as a service that compiles its TypeScript itself expects.
 */
export function handlerSourceCandidates(runtime: string, handler: string): string[] {
  const runnable = handlerCandidates(runtime, handler);
  if ((runtimeFamily(runtime) ?? 'nodejs') !== 'nodejs') return runnable;
  const file = splitHandler(handler)?.file ?? handler;
  return [...runnable, ...TYPESCRIPT_HANDLER_EXTENSIONS.map((extension) => `${file}${extension}`)];
}

/** The first handler file of `family`, as an example: `handler.js` for `handler.main`. */
export function exampleHandlerFile(family: RuntimeFamily | undefined, file = 'handler'): string {
  return `${file}${HANDLER_FILE_EXTENSIONS[family ?? 'nodejs'][0]}`;
}

const JS_IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const JAVA_CLASS = /^[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*$/;

export type HandlerRefusalKind =
  | 'spaces'
  | 'parentheses'
  | 'colon'
  | 'no-function'
  | 'outside'
  | 'file-only'
  | 'not-an-identifier'
  | 'java-method'
  | 'java-file'
  | 'java-path'
  | 'java-class';

/** `nearest`, when present, is a handler that would be accepted and probably meant. */
export type HandlerRefusal = Refusal<HandlerRefusalKind> & { nearest?: string };

const FILE_FUNCTION =
  'must be file.function (the file path without extension, a dot, then the exported function), e.g. handler.main or src/handler.main';
const JAVA_CLASS_NAME = 'must be a fully qualified class name (dotted identifiers), e.g. com.serverless.Handler';

/**
 * Undefined when the platform can find and call this handler: `file.function` for node,
 * python and ruby (the file relative to the code's root, inside it; the function a name
 * the language allows), a class name for java (it calls `handleRequest(Request, Context)`).
 * An unknown family is held to the node shape.
 */
export function checkHandler(family: RuntimeFamily | undefined, handler: string): HandlerRefusal | undefined {
  return family === 'java' ? checkJavaHandler(handler) : checkFileFunctionHandler(family, handler);
}

function checkJavaHandler(handler: string): HandlerRefusal | undefined {
  const accepted = (text: string | undefined): string | undefined => (text !== undefined && JAVA_CLASS.test(text) ? text : undefined);
  if (handler.includes('::')) {
    return {
      kind: 'java-method',
      problem: `${JAVA_CLASS_NAME}: "Class::method" is the AWS Lambda form, Spotinst calls handleRequest(Request, Context) on the class`,
      nearest: accepted(handler.split('::')[0]),
    };
  }
  const withoutExtension = handler.replace(/\.(java|class)$/, '');
  if (withoutExtension !== handler) {
    return {
      kind: 'java-file',
      problem: `${JAVA_CLASS_NAME}, not a file name`,
      nearest: accepted(withoutExtension.replace(/[/\\]/g, '.')),
    };
  }
  if (/[/\\]/.test(handler)) {
    return {
      kind: 'java-path',
      problem: `${JAVA_CLASS_NAME}, with dots, not a path`,
      nearest: accepted(handler.replace(/^src\/main\/java\//, '').replace(/[/\\]/g, '.')),
    };
  }
  return JAVA_CLASS.test(handler) ? undefined : { kind: 'java-class', problem: JAVA_CLASS_NAME };
}

function checkFileFunctionHandler(family: RuntimeFamily | undefined, handler: string): HandlerRefusal | undefined {
  const identifier = family === 'python' || family === 'ruby' ? PLAIN_IDENTIFIER : JS_IDENTIFIER;
  if (/\s/.test(handler))
    return { kind: 'spaces', problem: `${FILE_FUNCTION}; it must not contain spaces`, nearest: handler.replace(/\s+/g, '') };
  if (/\(\)?$/.test(handler)) {
    return { kind: 'parentheses', problem: `${FILE_FUNCTION}, without parentheses`, nearest: handler.replace(/\(\)?$/, '') };
  }
  const colon = /^([^:]+)::?([^:]+)$/.exec(handler);
  if (colon) {
    return {
      kind: 'colon',
      problem: `${FILE_FUNCTION}: the file and the function are separated by a dot, not a colon`,
      nearest: `${colon[1].replace(/\.[A-Za-z]+$/, '')}.${colon[2]}`,
    };
  }
  const parts = splitHandler(handler);
  if (!parts) {
    return {
      kind: 'no-function',
      problem: `${FILE_FUNCTION}; "${handler}" has no function part`,
      ...(JS_IDENTIFIER.test(handler) ? { nearest: `handler.${handler}` } : {}),
    };
  }
  const file = handler.slice(0, handler.lastIndexOf('.'));
  if (handler.startsWith('/') || file.split('/').includes('..') || file.endsWith('/')) {
    return { kind: 'outside', problem: `${FILE_FUNCTION}; the file path must be relative to the service directory and stay inside it` };
  }
  if (FILE_LIKE_EXTENSIONS.includes(`.${parts.exportName}`)) {
    return { kind: 'file-only', problem: `${FILE_FUNCTION}; "${handler}" names the file but not the function`, nearest: `${file}.main` };
  }
  if (!identifier.test(parts.exportName)) {
    return { kind: 'not-an-identifier', problem: `${FILE_FUNCTION}; the function part "${parts.exportName}" is not a valid function name` };
  }
  return undefined;
}

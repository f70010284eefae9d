/**
 * TypeScript handlers. A node function whose handler is written only as `.ts`, `.mts` or
 * `.cts` is bundled with esbuild — its imports and dependencies included, types stripped
 * (a type error is the compiler's business, not ours) — into `<file>.cjs` with a linked
 * source map, so node (run with source maps on, see src/runtimes/node/launcher.ts) reports a
 * thrown error at its `.ts` line. The bundle is what the function ships: `package`, `deploy`,
 * `deploy function` and `dev` zip it as the function's artifact, `invoke local` runs it.
 *
 * CommonJS output in a `.cjs` file: node loads it as CommonJS whatever `"type"` a
 * package.json above it says, and a `.cjs` is a handler file the runner looks for.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BuildFailure, BuildResult, Message } from 'esbuild';
import type JSZip from 'jszip';
import { SpotinstError } from '../framework/errors';
import { serviceDirOf } from '../framework/options';
import type { ServerlessLike } from '../framework/serverless';
import type { FunctionModel } from '../framework/service-model';
import { configuredArtifact } from './packaging';
import { handlerCandidates, handlerSourceCandidates, splitHandler, TYPESCRIPT_HANDLER_EXTENSIONS } from '../spec/handlers';
import { runtimeFamily } from '../spec/runtimes';

/** The node versions the bundle must run on: the oldest node the platform's workers run. */
const TARGET = 'node20';

/** Every file of a zip gets this date, so the same bundle always makes the same bytes (and sha256). */
const ZIP_DATE = new Date(Date.UTC(1980, 0, 1));

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The TypeScript file a node function's handler is written in, relative to `serviceDir`;
 * undefined when the function is not node, or a JavaScript handler file exists (it wins).
 */
export function typescriptHandlerFile(serviceDir: string, model: Pick<FunctionModel, 'runtime' | 'handler'>): string | undefined {
  if ((runtimeFamily(model.runtime) ?? 'nodejs') !== 'nodejs') return undefined;
  const runnable = new Set(handlerCandidates(model.runtime, model.handler));
  for (const candidate of handlerSourceCandidates(model.runtime, model.handler)) {
    if (!isFile(path.join(serviceDir, candidate))) continue;
    return runnable.has(candidate) ? undefined : candidate;
  }
  return undefined;
}

export interface Bundle {
  /** the handler file of the bundle, relative to its root: `<file>.cjs` */
  entry: string;
  /** what the bundle holds, by path relative to its root: the code and its source map */
  files: Map<string, Uint8Array>;
  /** the files the bundle was made from, absolute: a change to one of them changes the bundle */
  inputs: string[];
}

export interface BundleOptions {
  /**
   * Makes the source map name the service's files by their absolute paths (its
   * `sourceRoot`), so that stack traces and debuggers point where the files are (dev,
   * invoke local). Without it the map's paths are relative to the bundle, and an artifact is
   * the same on every machine.
   */
  absoluteSources?: boolean;
}

function located(message: Message, serviceDir: string): string {
  const where = message.location;
  if (!where) return message.text;
  const file = path.relative(serviceDir, path.resolve(serviceDir, where.file)) || where.file;
  const pointer = `${' '.repeat(where.column)}^`;
  return `${file}:${where.line}:${where.column + 1}: ${message.text}\n    ${where.lineText}\n    ${pointer}`;
}

function isBuildFailure(error: unknown): error is BuildFailure {
  return error instanceof Error && Array.isArray((error as Partial<BuildFailure>).errors);
}

/**
 * Bundles the handler of `model` (written in `source`, relative to `serviceDir`). A syntax
 * error, or an import that cannot be resolved, fails with the file, line and column.
 */
export async function bundleHandler(
  serviceDir: string,
  model: Pick<FunctionModel, 'key' | 'handler'>,
  source: string,
  options: BundleOptions = {},
): Promise<Bundle> {
  // loaded only when a service has a TypeScript handler: esbuild starts a helper process
  const esbuild = require('esbuild') as typeof import('esbuild');
  const base = splitHandler(model.handler)?.file ?? source.replace(/\.[cm]?ts$/, '');
  const entry = `${base}.cjs`;
  let result: BuildResult<{ write: false; metafile: true }>;
  try {
    result = await esbuild.build({
      absWorkingDir: serviceDir,
      entryPoints: [path.join(serviceDir, source)],
      // never written: the output paths only shape the source map's relative paths
      outfile: path.join(serviceDir, entry),
      write: false,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: TARGET,
      sourcemap: 'linked',
      // the map's sources are relative to the bundle's directory; node joins root and source as text
      ...(options.absoluteSources ? { sourceRoot: `${path.dirname(path.join(serviceDir, entry))}${path.sep}` } : {}),
      metafile: true,
      logLevel: 'silent',
    });
  } catch (error) {
    if (!isBuildFailure(error)) throw error;
    const messages = error.errors.map((message) => located(message, serviceDir));
    throw new SpotinstError(
      `functions.${model.key}: the TypeScript handler ${source} does not build:\n${messages.join('\n')}\n` +
        'Fix the code at that line (esbuild strips types without checking them: a type error never stops a build).',
      'SPOTINST_TYPESCRIPT_BUILD_FAILED',
    );
  }
  const files = new Map<string, Uint8Array>();
  for (const output of result.outputFiles) files.set(path.relative(serviceDir, output.path).split(path.sep).join('/'), output.contents);
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(serviceDir, input));
  return { entry, files, inputs };
}

/** A zip of a bundle whose bytes depend only on its files (names sorted, one date, one mode). */
export async function zipBundle(bundle: Bundle): Promise<Buffer> {
  const Zip = require('jszip') as typeof JSZip;
  const zip = new Zip();
  for (const name of [...bundle.files.keys()].sort()) {
    const content = bundle.files.get(name);
    if (content) zip.file(name, content, { date: ZIP_DATE, unixPermissions: 0o644, createFolders: false });
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', platform: 'UNIX' });
}

/** Writes `bytes` unless the file already holds them: an unchanged zip keeps its identity (memory.ts). */
export function writeIfChanged(file: string, bytes: Buffer): boolean {
  try {
    if (fs.readFileSync(file).equals(bytes)) return false;
  } catch {
    // not there yet
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return true;
}

/** Writes a bundle's files under `dir` (invoke local runs them from there). */
export function writeBundle(bundle: Bundle, dir: string): void {
  for (const [name, content] of bundle.files) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

/** Whether `file` (a path in the service) names a TypeScript source. */
export function isTypescriptFile(file: string): boolean {
  return TYPESCRIPT_HANDLER_EXTENSIONS.includes(path.extname(file));
}

export interface TypescriptArtifact {
  key: string;
  /** the handler's TypeScript file, relative to the service directory */
  source: string;
  /** the zip, absolute, now the function's `package.artifact` */
  artifact: string;
  /** the files it was bundled from, absolute */
  inputs: string[];
  size: number;
}

/**
 * Bundles each TypeScript handler among `models` into `.serverless/<key>.zip` and makes that
 * the function's `package.artifact`, so the framework's packager leaves the function alone.
 * A function with a `package.artifact` of its own (or the service's) is not touched. Every
 * build error is reported at once.
 */
export async function packageTypescriptHandlers(
  serverless: ServerlessLike,
  models: FunctionModel[],
  options: BundleOptions = {},
): Promise<TypescriptArtifact[]> {
  const serviceDir = serviceDirOf(serverless);
  const work = models.flatMap((model) => {
    if (configuredArtifact(serverless, model.key)) return [];
    const source = typescriptHandlerFile(serviceDir, model);
    return source ? [{ model, source }] : [];
  });
  const settled = await Promise.allSettled(
    work.map(async ({ model, source }): Promise<TypescriptArtifact> => {
      const bundle = await bundleHandler(serviceDir, model, source, options);
      const bytes = await zipBundle(bundle);
      const artifact = path.join(serviceDir, '.serverless', `${model.key}.zip`);
      writeIfChanged(artifact, bytes);
      const definition = serverless.service.functions[model.key] as { package?: Record<string, unknown> };
      definition.package = { ...definition.package, artifact };
      return { key: model.key, source, artifact, inputs: bundle.inputs, size: bytes.length };
    }),
  );
  const failed = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as Error] : []));
  if (failed.length > 0) {
    const unexpected = failed.find((error) => !(error instanceof SpotinstError));
    if (unexpected !== undefined) throw unexpected;
    throw new SpotinstError(failed.map((error) => error.message).join('\n'), 'SPOTINST_TYPESCRIPT_BUILD_FAILED');
  }
  return settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
}

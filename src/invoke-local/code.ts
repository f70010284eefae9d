/**
 * Where `invoke local` finds a function's code. Node, python and ruby run from the service
 * directory, as written (no packaging step between an edit and a run), except a TypeScript
 * node handler: it is bundled with esbuild, as packaging bundles it, into a temporary
 * directory it runs from (so it sees what the deployed function sees), its source map
 * pointing at the service's files. Java runs what the
 * build produced: the jar deploy would upload (the function's or the service's
 * `package.artifact`, else `target/<service>.jar`), else the classes in `target/classes`. A jar is unpacked into a
 * temporary directory, as the platform unpacks it, so jars inside it (lib/*.jar) load too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { configuredArtifact, defaultJarPath } from '../package/packaging';
import { bundleHandler, typescriptHandlerFile, writeBundle } from '../package/typescript';
import { SpotinstError } from '../framework/errors';
import { handlerSourceCandidates } from '../spec/handlers';
import type { RuntimeFamily } from '../spec/runtimes';
import type { FunctionModel } from '../framework/service-model';
import type { ServerlessLike } from '../framework/serverless';
import { unsafeEntryName } from '../util/zip-entries';

export interface LocalCode {
  /** the working directory of the handler's process and where its code is looked up */
  codeDir: string;
  /** what was run, for the user: a directory or a jar */
  description: string;
  /** removes what was unpacked; safe to call more than once */
  cleanup(): void;
}

const CODE = 'SPOTINST_INVOKE_LOCAL_CODE_NOT_FOUND';

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

type JavaSource = { kind: 'jar'; file: string } | { kind: 'classes'; dir: string };

/** The jar deploy uploads (src/deploy/packaging.ts), else the compiled classes. */
function javaSource(serverless: Pick<ServerlessLike, 'service'>, fn: FunctionModel, serviceDir: string): JavaSource {
  const configured = configuredArtifact(serverless, fn.key);
  if (configured) {
    const file = path.resolve(serviceDir, configured.artifact);
    if (!isFile(file)) {
      throw new SpotinstError(
        `${configured.key} is ${configured.artifact}, but ${file} does not exist. Build it (e.g. \`mvn package\`), or fix ${configured.key}.`,
        CODE,
      );
    }
    return { kind: 'jar', file };
  }
  const jarName = path.basename(defaultJarPath(serverless.service.service));
  const target = path.join(serviceDir, 'target');
  const named = path.join(serviceDir, defaultJarPath(serverless.service.service));
  if (isFile(named)) return { kind: 'jar', file: named };
  const classes = path.join(target, 'classes');
  if (isDirectory(classes)) return { kind: 'classes', dir: classes };
  const others = isDirectory(target) ? fs.readdirSync(target).filter((name) => name.endsWith('.jar')) : [];
  const hint =
    others.length > 0
      ? ` target/ holds ${others.join(', ')}: to use one, set package.artifact (e.g. package: {artifact: target/${others[0]}}).`
      : '';
  throw new SpotinstError(
    `Function "${fn.key}" (${fn.runtime}) has no built code in ${serviceDir}: no package.artifact, no target/${jarName}, no target/classes.${hint} ` +
      'Build it first (e.g. `mvn package`), or set package.artifact to the jar.',
    CODE,
  );
}

async function unpackJar(file: string): Promise<string> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(fs.readFileSync(file));
  } catch (error) {
    throw new SpotinstError(
      `${file} is not a jar (zip) file (${(error as Error).message}). Rebuild it.`,
      'SPOTINST_INVOKE_LOCAL_CODE_INVALID',
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-invoke-local-'));
  try {
    for (const entry of Object.values(zip.files)) {
      const name = entry.unsafeOriginalName ?? entry.name;
      if (unsafeEntryName(name)) {
        throw new SpotinstError(
          `${file} holds the entry "${name}", which points outside the jar. Rebuild it with relative paths.`,
          'SPOTINST_INVOKE_LOCAL_CODE_INVALID',
        );
      }
      const destination = path.join(dir, name.replace(/\\/g, '/'));
      if (entry.dir) {
        fs.mkdirSync(destination, { recursive: true });
        continue;
      }
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      fs.writeFileSync(destination, await entry.async('nodebuffer'));
    }
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return dir;
}

function requireHandler(fn: FunctionModel, codeDir: string, where: string): void {
  const candidates = handlerSourceCandidates(fn.runtime, fn.handler);
  if (candidates.some((candidate) => isFile(path.join(codeDir, candidate)))) return;
  throw new SpotinstError(
    `functions.${fn.key}.handler is "${fn.handler}", but ${where} has no ${candidates.join(' or ')}. Fix the handler${fn.runtime.startsWith('java') ? ', or rebuild' : ' path'}.`,
    'SPOTINST_INVOKE_LOCAL_HANDLER_NOT_FOUND',
  );
}

export async function locateCode(
  serverless: Pick<ServerlessLike, 'service'>,
  fn: FunctionModel,
  family: RuntimeFamily,
  serviceDir: string,
): Promise<LocalCode> {
  const nothing = (): void => undefined;
  const typescript = family === 'nodejs' ? typescriptHandlerFile(serviceDir, fn) : undefined;
  if (typescript) {
    const bundle = await bundleHandler(serviceDir, fn, typescript, { absoluteSources: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-invoke-local-'));
    writeBundle(bundle, dir);
    return {
      codeDir: dir,
      description: `${path.join(serviceDir, typescript)} (bundled with esbuild)`,
      cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (family !== 'java') {
    requireHandler(fn, serviceDir, serviceDir);
    return { codeDir: serviceDir, description: serviceDir, cleanup: nothing };
  }
  const source = javaSource(serverless, fn, serviceDir);
  if (source.kind === 'classes') {
    requireHandler(fn, source.dir, source.dir);
    return { codeDir: source.dir, description: source.dir, cleanup: nothing };
  }
  const dir = await unpackJar(source.file);
  const cleanup = (): void => fs.rmSync(dir, { recursive: true, force: true });
  try {
    requireHandler(fn, dir, source.file);
  } catch (error) {
    cleanup();
    throw error;
  }
  return { codeDir: dir, description: source.file, cleanup };
}

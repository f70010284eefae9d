/**
 * The code each function uploads: which file it is, its hash, and a check — before any
 * API call — that it holds the handler and fits the platform's limit.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';
import { SpotinstError } from '../errors';
import { runtimeFamily } from '../runtimes/catalog';
import type { FunctionModel } from '../provider/model';

/** The platform refuses larger uploads (the base64 request body must stay under its cap). */
export const MAX_ARTIFACT_BYTES = 50 * 1024 * 1024;

export interface Artifact {
  path: string;
  bytes: Buffer;
  sha256: string;
  size: number;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The files a handler may live in, inside the archive, for its runtime family. */
export function handlerCandidates(model: Pick<FunctionModel, 'runtime' | 'handler'>): string[] {
  const family = runtimeFamily(model.runtime);
  if (family === 'java') return [`${model.handler.replace(/\./g, '/')}.class`];
  const file = model.handler.slice(0, model.handler.lastIndexOf('.')).replace(/^\.\//, '');
  switch (family) {
    case 'python':
      return [`${file}.py`];
    case 'ruby':
      return [`${file}.rb`];
    default:
      return [`${file}.js`, `${file}.cjs`, `${file}.mjs`];
  }
}

/** Reads artifacts once each: a service zip is shared by all its functions. */
export class ArtifactReader {
  private readonly loaded = new Map<string, Promise<{ artifact: Artifact; zip: JSZip }>>();

  private read(file: string): Promise<{ artifact: Artifact; zip: JSZip }> {
    let pending = this.loaded.get(file);
    if (!pending) {
      pending = (async () => {
        let bytes: Buffer;
        try {
          bytes = await fs.readFile(file);
        } catch (error) {
          throw new SpotinstError(
            `The artifact ${file} cannot be read (${(error as NodeJS.ErrnoException).code}). Run \`serverless package\`, or fix package.artifact.`,
            'SPOTINST_ARTIFACT_MISSING',
          );
        }
        if (bytes.length > MAX_ARTIFACT_BYTES) {
          throw new SpotinstError(
            `The artifact ${file} is ${(bytes.length / 1048576).toFixed(1)} MB; the limit is ${MAX_ARTIFACT_BYTES / 1048576} MB. ` +
              'Exclude files with package.patterns (e.g. "!tests/**"), or package functions individually.',
            'SPOTINST_ARTIFACT_TOO_LARGE',
          );
        }
        let zip: JSZip;
        try {
          zip = await JSZip.loadAsync(bytes);
        } catch {
          throw new SpotinstError(`The artifact ${file} is not a zip or jar archive. Rebuild it.`, 'SPOTINST_ARTIFACT_INVALID');
        }
        return { artifact: { path: file, bytes, sha256: sha256(bytes), size: bytes.length }, zip };
      })();
      this.loaded.set(file, pending);
    }
    return pending;
  }

  /** The artifact of one function, after checking that it holds the function's handler. */
  async forFunction(model: FunctionModel, file: string): Promise<Artifact> {
    const { artifact, zip } = await this.read(file);
    const candidates = handlerCandidates(model);
    if (!candidates.some((candidate) => zip.file(candidate) !== null)) {
      throw new SpotinstError(
        `functions.${model.key}.handler is "${model.handler}", but ${path.basename(file)} has no ${candidates.join(' or ')}. ` +
          'Fix the handler path, or the package.patterns that left the file out.',
        'SPOTINST_HANDLER_NOT_PACKAGED',
      );
    }
    return artifact;
  }
}

/**
 * Reads and checks the artifact of every function, reporting every problem at once
 * (before any API call) instead of stopping at the first.
 */
export async function readArtifacts(
  models: FunctionModel[],
  artifactOf: (model: FunctionModel) => string,
): Promise<Map<string, Artifact>> {
  const reader = new ArtifactReader();
  const artifacts = new Map<string, Artifact>();
  const problems: SpotinstError[] = [];
  await Promise.all(
    models.map(async (model) => {
      try {
        artifacts.set(model.name, await reader.forFunction(model, artifactOf(model)));
      } catch (error) {
        if (!(error instanceof SpotinstError)) throw error;
        problems.push(error);
      }
    }),
  );
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    // The same artifact shared by functions yields the same message once.
    const messages = [...new Set(problems.map((problem) => problem.message))];
    throw new SpotinstError(messages.join('\n'), problems[0].code);
  }
  return artifacts;
}

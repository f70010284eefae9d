/**
 * The code each function uploads: which file it is, its hash, and a check — before any
 * API call — that it holds the handler and fits the platform's limit. What a check learns
 * is remembered (memory.ts), so an unchanged archive is not read, hashed or unzipped again.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type JSZip from 'jszip';
import { SpotinstError } from '../framework/errors';
import { handlerCandidates as candidatesOf } from '../spec/handlers';
import type { FunctionModel } from '../framework/service-model';
import { ServiceMemory, type FileIdentity } from './memory';

/** The platform refuses larger uploads (the base64 request body must stay under its cap). */
export const MAX_ARTIFACT_BYTES = 50 * 1024 * 1024;

export interface Artifact {
  path: string;
  sha256: string;
  size: number;
  /** The archive's bytes, read when they are uploaded; refused if the file changed since it was checked. */
  bytes(): Promise<Buffer>;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The files a handler may live in, inside the archive (the spec's list: src/spec/handlers.ts). */
export function handlerCandidates(model: Pick<FunctionModel, 'runtime' | 'handler'>): string[] {
  return candidatesOf(model.runtime, model.handler);
}

async function identityOf(file: string): Promise<FileIdentity> {
  let stat: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stat = await fs.stat(file);
  } catch (error) {
    throw new SpotinstError(
      `The artifact ${file} cannot be read (${(error as NodeJS.ErrnoException).code}). Run \`serverless package\`, or fix package.artifact.`,
      'SPOTINST_ARTIFACT_MISSING',
    );
  }
  // A directory stats fine and fails only when read, as an EISDIR crash.
  if (!stat.isFile()) {
    throw new SpotinstError(
      `The artifact ${file} is ${stat.isDirectory() ? 'a directory' : 'not a regular file'}, not a zip or jar. Fix package.artifact to name the archive.`,
      'SPOTINST_ARTIFACT_MISSING',
    );
  }
  return { size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino };
}

async function readHashed(file: string): Promise<{ hash: string; first: Buffer }> {
  const first = await fs.readFile(file);
  return { hash: sha256(first), first };
}

async function unzip(file: string, bytes: Buffer): Promise<JSZip> {
  // jszip is loaded only when an archive has to be opened: not on an unchanged redeploy
  const Zip = require('jszip') as typeof JSZip;
  try {
    return await Zip.loadAsync(bytes);
  } catch {
    throw new SpotinstError(`The artifact ${file} is not a zip or jar archive. Rebuild it.`, 'SPOTINST_ARTIFACT_INVALID');
  }
}

interface OpenedArtifact {
  artifact: Artifact;
  /** whether the archive holds `name`; undefined when the memory cannot tell and the archive is unopened */
  holds(name: string): boolean | undefined;
  /** opens the archive (once) so that `holds` can tell */
  open(): Promise<void>;
}

/** Reads artifacts once each: a service zip is shared by all its functions. */
export class ArtifactReader {
  private readonly loaded = new Map<string, Promise<OpenedArtifact>>();

  constructor(private readonly memory: ServiceMemory = ServiceMemory.none()) {}

  private read(file: string): Promise<OpenedArtifact> {
    let pending = this.loaded.get(file);
    if (!pending) {
      pending = this.inspect(file);
      this.loaded.set(file, pending);
    }
    return pending;
  }

  private async inspect(file: string): Promise<OpenedArtifact> {
    const identity = await identityOf(file);
    if (identity.size > MAX_ARTIFACT_BYTES) {
      throw new SpotinstError(
        `The artifact ${file} is ${(identity.size / 1048576).toFixed(1)} MB; the limit is ${MAX_ARTIFACT_BYTES / 1048576} MB. ` +
          'Exclude files with package.patterns (e.g. "!tests/**"), or package functions individually.',
        'SPOTINST_ARTIFACT_TOO_LARGE',
      );
    }
    const known = this.memory.checkedArtifact(file, identity);
    const entries: Record<string, boolean> = { ...(known?.entries ?? {}) };
    // An archive the memory does not know is read, hashed and opened now; a known one is
    // read only when it is uploaded (or a handler it never looked up is asked for).
    const { hash, first } = known ? { hash: known.sha256, first: undefined } : await readHashed(file);
    let opened = first;
    let zip = first && (await unzip(file, first));
    const remember = (): void => this.memory.rememberArtifact(file, { ...identity, sha256: hash, entries });
    if (zip) remember();
    const bytes = async (): Promise<Buffer> => {
      if (opened) return opened;
      const read = await fs.readFile(file);
      if (sha256(read) !== hash) {
        throw new SpotinstError(
          `The artifact ${file} changed while the deploy was running. Run the command again.`,
          'SPOTINST_ARTIFACT_CHANGED',
        );
      }
      return read;
    };
    const open = async (): Promise<void> => {
      if (zip) return;
      opened = await bytes();
      zip = await unzip(file, opened);
    };
    return {
      artifact: { path: file, sha256: hash, size: identity.size, bytes },
      holds: (name) => {
        if (!(name in entries) && zip) {
          entries[name] = zip.file(name) !== null;
          remember();
        }
        return entries[name];
      },
      open,
    };
  }

  /** The artifact of one function, after checking that it holds the function's handler. */
  async forFunction(model: FunctionModel, file: string): Promise<Artifact> {
    const opened = await this.read(file);
    const candidates = handlerCandidates(model);
    if (candidates.some((candidate) => opened.holds(candidate) === undefined)) await opened.open();
    if (!candidates.some((candidate) => opened.holds(candidate))) {
      throw new SpotinstError(
        `functions.${model.key}.handler is "${model.handler}", but ${path.basename(file)} has no ${candidates.join(' or ')}. ` +
          'Fix the handler path, or the package.patterns that left the file out.',
        'SPOTINST_HANDLER_NOT_PACKAGED',
      );
    }
    return opened.artifact;
  }
}

/**
 * Reads and checks the artifact of every function, reporting every problem at once
 * (before any API call) instead of stopping at the first. What is learnt goes into
 * `memory`; saving it is its owner's part.
 */
export async function readArtifacts(
  models: FunctionModel[],
  artifactOf: (model: FunctionModel) => string,
  memory: ServiceMemory = ServiceMemory.none(),
): Promise<Map<string, Artifact>> {
  const reader = new ArtifactReader(memory);
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

/**
 * The code each function uploads: which file it is, its hash, and a check — before any
 * API call — that it holds the handler and fits the platform's limit.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import isEqual from 'lodash/isEqual';
import type JSZip from 'jszip';
import { SpotinstError } from '../framework/errors';
import { writeFileAtomic } from '../util/atomic-file';
import { handlerCandidates as candidatesOf } from '../spec/handlers';
import type { FunctionModel } from '../framework/service-model';

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

interface FileIdentity {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

interface CheckedArtifact extends FileIdentity {
  sha256: string;
  /** archive entry name → whether the archive holds it, for every name a check looked up */
  entries: Record<string, boolean>;
}

export const ARTIFACT_MEMO_FILE = 'spotinst-artifacts.json';
const MEMO_FORMAT = 1;

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

/**
 * What earlier deploys learnt of each artifact (`.serverless/spotinst-artifacts.json`): its
 * hash, and which handler files it holds, valid while the file is the very same one
 * (size, mtime, ctime, inode). An unchanged service then deploys without reading, hashing
 * or unzipping its archives, which for a large node_modules is most of a no-op deploy.
 * A missing or foreign file only costs the full check.
 */
export class ArtifactMemo {
  /** whether anything was learnt since load: an unchanged memo is not written again */
  private dirty = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly checked: Record<string, CheckedArtifact>,
  ) {}

  /** A memo that remembers nothing and writes nothing. */
  static none(): ArtifactMemo {
    return new ArtifactMemo(undefined, {});
  }

  static load(serviceDir: string): ArtifactMemo {
    const file = path.join(serviceDir, '.serverless', ARTIFACT_MEMO_FILE);
    const checked: Record<string, CheckedArtifact> = {};
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown; artifacts?: Record<string, Partial<CheckedArtifact>> };
      if (parsed.format === MEMO_FORMAT && typeof parsed.artifacts === 'object' && parsed.artifacts !== null) {
        for (const [artifact, entry] of Object.entries(parsed.artifacts)) {
          const numbers = [entry.size, entry.mtimeMs, entry.ctimeMs, entry.ino].every((value) => typeof value === 'number');
          if (numbers && typeof entry.sha256 === 'string' && typeof entry.entries === 'object' && entry.entries !== null) {
            checked[artifact] = entry as CheckedArtifact;
          }
        }
      }
    } catch {
      // absent or unreadable: everything is checked in full
    }
    return new ArtifactMemo(file, checked);
  }

  lookup(artifact: string, identity: FileIdentity): CheckedArtifact | undefined {
    const entry = this.checked[artifact];
    return entry && sameFile(entry, identity) ? entry : undefined;
  }

  remember(artifact: string, entry: CheckedArtifact): void {
    if (isEqual(this.checked[artifact], entry)) return;
    this.checked[artifact] = { ...entry, entries: { ...entry.entries } };
    this.dirty = true;
  }

  save(): void {
    if (!this.file || !this.dirty) return;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileAtomic(this.file, `${JSON.stringify({ format: MEMO_FORMAT, artifacts: this.checked })}\n`);
    } catch {
      // only a shortcut for the next deploy: an unwritable .serverless costs a full check then
    }
  }
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

interface OpenedArtifact {
  artifact: Artifact;
  /** whether the archive holds `name`; undefined when the memo cannot tell and the archive is unopened */
  holds(name: string): boolean | undefined;
  /** opens the archive (once) so that `holds` can tell */
  open(): Promise<void>;
}

/** Reads artifacts once each: a service zip is shared by all its functions. */
export class ArtifactReader {
  private readonly loaded = new Map<string, Promise<OpenedArtifact>>();

  constructor(private readonly memo: ArtifactMemo = ArtifactMemo.none()) {}

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
    const known = this.memo.lookup(file, identity);
    const entries: Record<string, boolean> = { ...(known?.entries ?? {}) };
    let zip: JSZip | undefined;
    let hash = known?.sha256;
    // the bytes an open() read, kept for the upload; a memo hit reads them only then
    let opened: Buffer | undefined;
    const bytes = async (): Promise<Buffer> => {
      if (opened) return opened;
      const read = await fs.readFile(file);
      if (hash !== undefined && sha256(read) !== hash) {
        throw new SpotinstError(
          `The artifact ${file} changed while the deploy was running. Run the command again.`,
          'SPOTINST_ARTIFACT_CHANGED',
        );
      }
      return read;
    };
    const remember = (): void => this.memo.remember(file, { ...identity, sha256: hash!, entries });
    const open = async (): Promise<void> => {
      if (zip) return;
      opened = await bytes();
      hash ??= sha256(opened);
      // jszip is loaded only when an archive has to be opened: not on an unchanged redeploy
      const Zip = require('jszip') as typeof JSZip;
      try {
        zip = await Zip.loadAsync(opened);
      } catch {
        throw new SpotinstError(`The artifact ${file} is not a zip or jar archive. Rebuild it.`, 'SPOTINST_ARTIFACT_INVALID');
      }
      remember();
    };
    if (!known) await open();
    return {
      artifact: { path: file, sha256: hash!, size: identity.size, bytes },
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
 * (before any API call) instead of stopping at the first.
 */
export async function readArtifacts(
  models: FunctionModel[],
  artifactOf: (model: FunctionModel) => string,
  memo: ArtifactMemo = ArtifactMemo.none(),
): Promise<Map<string, Artifact>> {
  const reader = new ArtifactReader(memo);
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
  memo.save();
  return artifacts;
}

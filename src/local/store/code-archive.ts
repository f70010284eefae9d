/**
 * What every home of uploaded code shares: decoding and checking an upload (base64, size,
 * zip entries), and unpacking it safely (no path outside the tree, no zip bomb) into a
 * directory named by its sha256. The file engine keeps the archives beside the trees; the
 * database engine keeps them in the database and the trees in the node's cache.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import JSZip from 'jszip';
import { ApiFailure, badRequest } from '../envelope';
import { TEMP_MARKER, tempSibling } from '../../util/atomic-file';
import { unsafeEntryName } from '../../util/zip-entries';

export interface CodeLimits {
  /** decoded zip (or jar) size */
  maxCodeBytes: number;
  /** total size once unpacked: a zip bomb stops here */
  maxUnpackedBytes: number;
}

export const DEFAULT_CODE_LIMITS: CodeLimits = {
  maxCodeBytes: 50 * 1024 * 1024,
  maxUnpackedBytes: 250 * 1024 * 1024,
};

export interface SavedCode {
  sha256: string;
  size: number;
}

/** How long an unreferenced upload is kept (a create or update may be about to refer to it). */
export const UPLOAD_GRACE_MS = 10 * 60 * 1000;

/**
 * Where uploaded code lives, whatever the engine. Services save uploads and collect the
 * unused ones; the invoker asks for the unpacked tree of a version.
 */
export interface CodeArchives {
  /** Decodes, checks and stores a `code.source`; throws the 400/413 the API answers. */
  save(sourceBase64: string, field: string): Promise<SavedCode>;
  /** The directory holding the unpacked upload (unpacked again from its archive when missing). */
  ensureUnpacked(sha256: string): Promise<string>;
  /** Deletes uploads no function version refers to any more, sparing those younger than `graceMs`. */
  collectGarbage(referenced: Set<string>, graceMs?: number): Promise<void>;
  /** Forgets every upload (the `/__local/reset` extra). */
  reset(): Promise<void>;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const SHA256 = /^[0-9a-f]{64}$/;

export function isSha256(name: string): boolean {
  return SHA256.test(name);
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function tooLarge(field: string, limits: CodeLimits): ApiFailure {
  return new ApiFailure(
    413,
    'CODE_TOO_LARGE',
    `${field} is larger than ${Math.round(limits.maxCodeBytes / 1024 / 1024)} MB once decoded`,
    field,
  );
}

/** The bytes of a `code.source` and their sha256, or the 400/413 of a source that is not a zip of an allowed size. */
export function decodeUpload(sourceBase64: string, field: string, limits: CodeLimits): { bytes: Buffer; sha256: string } {
  const compact = sourceBase64.replace(/\s+/g, '');
  if (compact === '' || !BASE64.test(compact)) throw badRequest(`${field} must be the base64 of a zip file`, field);
  // base64 is 4 characters for 3 bytes: refuse before decoding something absurd
  if ((compact.length / 4) * 3 > limits.maxCodeBytes + 3) throw tooLarge(field, limits);
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > limits.maxCodeBytes) throw tooLarge(field, limits);
  return { bytes, sha256: sha256Of(bytes) };
}

/**
 * Unpacked uploads, one directory per sha256 under `root`. A tree appears by rename, so a
 * crash mid-unpack leaves only a temp directory, which the next start removes; identical
 * uploads unpacked at the same moment are parsed and unpacked once.
 */
export class UnpackedTrees {
  /** trees being unpacked now, by sha256 */
  private readonly unpacking = new Map<string, Promise<string>>();

  constructor(
    readonly root: string,
    private readonly limits: CodeLimits,
  ) {
    fs.mkdirSync(root, { recursive: true });
    for (const name of fs.readdirSync(root)) {
      if (name.includes(TEMP_MARKER)) fs.rmSync(path.join(root, name), { recursive: true, force: true });
    }
  }

  dirFor(sha256: string): string {
    return path.join(this.root, sha256);
  }

  has(sha256: string): boolean {
    return fs.existsSync(this.dirFor(sha256));
  }

  /** The sha256 of every tree present. */
  list(): string[] {
    return fs.readdirSync(this.root).filter(isSha256);
  }

  /** Checks the archive and unpacks it, once however many ask at the same moment; resolves with its directory. */
  unpack(sha256: string, bytes: Buffer, field: string): Promise<string> {
    let pending = this.unpacking.get(sha256);
    if (!pending) {
      pending = (async () => {
        const zip = await openZip(bytes, field);
        if (!this.has(sha256)) await this.write(zip, sha256, field);
        return this.dirFor(sha256);
      })().finally(() => this.unpacking.delete(sha256));
      this.unpacking.set(sha256, pending);
    }
    return pending;
  }

  /** Removes the trees not referenced whose directory is older than the grace period. */
  prune(referenced: Set<string>, graceMs: number): void {
    const cutoff = Date.now() - graceMs;
    for (const sha of this.list()) {
      if (referenced.has(sha) || this.unpacking.has(sha)) continue;
      try {
        if (fs.statSync(this.dirFor(sha)).mtimeMs > cutoff) continue;
      } catch {
        continue;
      }
      this.remove(sha);
    }
  }

  remove(sha256: string): void {
    fs.rmSync(this.dirFor(sha256), { recursive: true, force: true });
  }

  reset(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
    fs.mkdirSync(this.root, { recursive: true });
  }

  private async write(zip: JSZip, sha256: string, field: string): Promise<void> {
    const target = this.dirFor(sha256);
    const temp = tempSibling(target);
    let total = 0;
    try {
      fs.mkdirSync(temp, { recursive: true });
      for (const entry of Object.values(zip.files)) {
        const relative = (entry.unsafeOriginalName ?? entry.name).replace(/\\/g, '/');
        const destination = path.join(temp, relative);
        if (entry.dir) {
          fs.mkdirSync(destination, { recursive: true });
          continue;
        }
        fs.mkdirSync(path.dirname(destination), { recursive: true });
        const mode = typeof entry.unixPermissions === 'number' && (entry.unixPermissions & 0o111) !== 0 ? 0o755 : 0o644;
        total = await writeEntry(entry, destination, mode, total, this.limits.maxUnpackedBytes, field);
      }
      try {
        fs.renameSync(temp, target);
      } catch (error) {
        // the same upload unpacked concurrently (another process on this cache): theirs is as good as ours
        if (!fs.existsSync(target)) throw error;
      }
    } finally {
      fs.rmSync(temp, { recursive: true, force: true });
    }
  }
}

/** Parses a zip and refuses an entry that would land outside the function's directory. */
async function openZip(bytes: Buffer, field: string): Promise<JSZip> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes, { checkCRC32: true });
  } catch (error) {
    throw badRequest(`${field} is not a valid zip (or jar) file: ${(error as Error).message}`, field, 'INVALID_CODE');
  }
  for (const entry of Object.values(zip.files)) {
    const name = entry.unsafeOriginalName ?? entry.name;
    if (unsafeEntryName(name)) {
      throw badRequest(
        `${field} contains the entry "${name}", which points outside the function's directory (absolute or "../" path); rebuild the zip with relative paths`,
        field,
        'INVALID_CODE',
      );
    }
  }
  return zip;
}

/** Streams one entry to disk, counting bytes so a zip bomb is stopped, not inflated. */
function writeEntry(
  entry: JSZip.JSZipObject,
  destination: string,
  mode: number,
  total: number,
  max: number,
  field: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = fs.createWriteStream(destination, { mode });
    const input = entry.nodeStream('nodebuffer');
    let written = total;
    let failed = false;
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      input.pause();
      input.removeAllListeners('data');
      out.destroy();
      reject(error);
    };
    input.on('data', (chunk: Buffer) => {
      written += chunk.length;
      if (written > max) {
        fail(new ApiFailure(413, 'CODE_TOO_LARGE', `${field} unpacks to more than ${Math.round(max / 1024 / 1024)} MB`, field));
        return;
      }
      if (!out.write(chunk)) {
        input.pause();
        out.once('drain', () => input.resume());
      }
    });
    input.on('error', (error: Error) => fail(badRequest(`${field} could not be unpacked: ${error.message}`, field, 'INVALID_CODE')));
    input.on('end', () => {
      if (failed) return;
      out.end(() => resolve(written));
    });
    out.on('error', (error) => fail(error));
  });
}

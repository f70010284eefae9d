import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import JSZip from 'jszip';
import { ApiFailure, badRequest } from '../envelope';
import { TEMP_MARKER, tempSibling, writeFileAtomic } from '../../util/atomic-file';
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
const UPLOAD_GRACE_MS = 10 * 60 * 1000;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Uploaded code, content-addressed by sha256: `code/<sha>.zip` as uploaded and
 * `code/<sha>/` unpacked. Identical uploads share one copy, and each is unpacked once; the
 * unpacked tree appears by rename, so a crash mid-unpack leaves only a temp directory
 * that the next start removes.
 */
export class CodeStore {
  readonly root: string;
  /** uploads being checked and unpacked now, by sha256 */
  private readonly storing = new Map<string, Promise<void>>();

  constructor(
    dataDir: string,
    private readonly limits: CodeLimits = DEFAULT_CODE_LIMITS,
  ) {
    this.root = path.join(dataDir, 'code');
    fs.mkdirSync(this.root, { recursive: true });
    for (const name of fs.readdirSync(this.root)) {
      if (name.includes(TEMP_MARKER)) fs.rmSync(path.join(this.root, name), { recursive: true, force: true });
    }
  }

  /** Decodes, checks and stores a `code.source`; throws the 400/413 the API answers. */
  async save(sourceBase64: string, field: string): Promise<SavedCode> {
    const compact = sourceBase64.replace(/\s+/g, '');
    if (compact === '' || !BASE64.test(compact)) throw badRequest(`${field} must be the base64 of a zip file`, field);
    // base64 is 4 characters for 3 bytes: refuse before decoding something absurd
    if ((compact.length / 4) * 3 > this.limits.maxCodeBytes + 3) throw this.tooLarge(field);
    const bytes = Buffer.from(compact, 'base64');
    if (bytes.length > this.limits.maxCodeBytes) throw this.tooLarge(field);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (fs.existsSync(this.zipPath(sha256)) && fs.existsSync(this.dirFor(sha256))) {
      // The same bytes were checked and unpacked before (a service zip shared by its
      // functions): parsing them again would only cost time. Fresh again, so that garbage
      // collection spares an upload that is not referenced yet.
      const now = new Date();
      fs.utimesSync(this.zipPath(sha256), now, now);
      return { sha256, size: bytes.length };
    }
    // Functions of one service upload the same zip at once: it is checked and unpacked once.
    let storing = this.storing.get(sha256);
    if (!storing) {
      storing = (async () => {
        const zip = await this.open(bytes, field);
        if (!fs.existsSync(this.zipPath(sha256))) writeFileAtomic(this.zipPath(sha256), bytes);
        if (!fs.existsSync(this.dirFor(sha256))) await this.unpack(zip, sha256, field);
      })().finally(() => this.storing.delete(sha256));
      this.storing.set(sha256, storing);
    }
    await storing;
    return { sha256, size: bytes.length };
  }

  dirFor(sha256: string): string {
    return path.join(this.root, sha256);
  }

  /**
   * The unpacked tree of a stored upload, unpacking it again from the kept zip when it is
   * missing (it is written without fsync, so a power loss may take it; the zip is durable).
   */
  async ensureUnpacked(sha256: string): Promise<string> {
    const dir = this.dirFor(sha256);
    if (fs.existsSync(dir)) return dir;
    const bytes = fs.readFileSync(this.zipPath(sha256));
    await this.unpack(await this.open(bytes, 'code.source'), sha256, 'code.source');
    return dir;
  }

  /**
   * Deletes uploads no function version refers to any more. Recent uploads are spared: one
   * may belong to a create or update that has not been committed yet.
   */
  collectGarbage(referenced: Set<string>, graceMs = UPLOAD_GRACE_MS): void {
    const cutoff = Date.now() - graceMs;
    for (const name of fs.readdirSync(this.root)) {
      if (!name.endsWith('.zip')) continue;
      const sha = name.slice(0, -4);
      if (!/^[0-9a-f]{64}$/.test(sha) || referenced.has(sha)) continue;
      try {
        if (fs.statSync(path.join(this.root, name)).mtimeMs > cutoff) continue;
      } catch {
        continue;
      }
      fs.rmSync(path.join(this.root, name), { force: true });
      fs.rmSync(this.dirFor(sha), { recursive: true, force: true });
    }
  }

  reset(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
    fs.mkdirSync(this.root, { recursive: true });
  }

  private zipPath(sha256: string): string {
    return path.join(this.root, `${sha256}.zip`);
  }

  private tooLarge(field: string): ApiFailure {
    return new ApiFailure(
      413,
      'CODE_TOO_LARGE',
      `${field} is larger than ${Math.round(this.limits.maxCodeBytes / 1024 / 1024)} MB once decoded`,
      field,
    );
  }

  private async open(bytes: Buffer, field: string): Promise<JSZip> {
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

  private async unpack(zip: JSZip, sha256: string, field: string): Promise<void> {
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
        // the same upload unpacked concurrently: theirs is as good as ours
        if (!fs.existsSync(target)) throw error;
      }
    } finally {
      fs.rmSync(temp, { recursive: true, force: true });
    }
  }
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

import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../util/atomic-file';
import {
  DEFAULT_CODE_LIMITS,
  UPLOAD_GRACE_MS,
  UnpackedTrees,
  decodeUpload,
  isSha256,
  type CodeArchives,
  type CodeLimits,
  type SavedCode,
} from './code-archive';

/**
 * Uploaded code in the data directory, content-addressed by sha256: `code/<sha>.zip` as
 * uploaded (written atomically and durably) and `code/<sha>/` unpacked. Identical uploads
 * share one copy, and each is unpacked once. The SQLite engine keeps code here, in the
 * layout of 2.0.0-dev data directories.
 */
export class CodeStore implements CodeArchives {
  readonly root: string;
  private readonly trees: UnpackedTrees;

  constructor(
    dataDir: string,
    private readonly limits: CodeLimits = DEFAULT_CODE_LIMITS,
  ) {
    this.root = path.join(dataDir, 'code');
    this.trees = new UnpackedTrees(this.root, limits);
  }

  async save(sourceBase64: string, field: string): Promise<SavedCode> {
    const { bytes, sha256 } = decodeUpload(sourceBase64, field, this.limits);
    const zip = this.zipPath(sha256);
    if (fs.existsSync(zip) && this.trees.has(sha256)) {
      // The same bytes were checked and unpacked before (a service zip shared by its
      // functions): parsing them again would only cost time. Fresh again, so that garbage
      // collection spares an upload that is not referenced yet.
      const now = new Date();
      fs.utimesSync(zip, now, now);
      return { sha256, size: bytes.length };
    }
    await this.trees.unpack(sha256, bytes, field);
    if (!fs.existsSync(zip)) writeFileAtomic(zip, bytes);
    return { sha256, size: bytes.length };
  }

  dirFor(sha256: string): string {
    return this.trees.dirFor(sha256);
  }

  /**
   * The unpacked tree of a stored upload, unpacking it again from the kept zip when it is
   * missing (it is written without fsync, so a power loss may take it; the zip is durable).
   */
  async ensureUnpacked(sha256: string): Promise<string> {
    if (this.trees.has(sha256)) return this.trees.dirFor(sha256);
    return this.trees.unpack(sha256, fs.readFileSync(this.zipPath(sha256)), 'code.source');
  }

  /**
   * Deletes uploads no function version refers to any more. Recent uploads are spared: one
   * may belong to a create or update that has not been committed yet. (The work is done
   * before the first await: a caller that does not wait sees it done.)
   */
  // eslint-disable-next-line @typescript-eslint/require-await -- files are removed synchronously; other engines ask their database
  async collectGarbage(referenced: Set<string>, graceMs = UPLOAD_GRACE_MS): Promise<void> {
    const cutoff = Date.now() - graceMs;
    for (const name of fs.readdirSync(this.root)) {
      if (!name.endsWith('.zip')) continue;
      const sha = name.slice(0, -4);
      if (!isSha256(sha) || referenced.has(sha)) continue;
      try {
        if (fs.statSync(path.join(this.root, name)).mtimeMs > cutoff) continue;
      } catch {
        continue;
      }
      fs.rmSync(path.join(this.root, name), { force: true });
      this.trees.remove(sha);
    }
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- as collectGarbage
  async reset(): Promise<void> {
    this.trees.reset();
  }

  private zipPath(sha256: string): string {
    return path.join(this.root, `${sha256}.zip`);
  }
}

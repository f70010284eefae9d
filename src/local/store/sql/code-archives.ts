import path from 'node:path';
import {
  DEFAULT_CODE_LIMITS,
  UPLOAD_GRACE_MS,
  UnpackedTrees,
  decodeUpload,
  sha256Of,
  type CodeArchives,
  type CodeLimits,
  type SavedCode,
} from '../code-archive';
import type { SqlDatabase } from './database';

/**
 * Uploaded code in the database (PostgreSQL), so that every node can run every function:
 * the archive as a bytea row by sha256, and on each node a cache of unpacked trees by
 * sha256 (`<cache dir>/code/<sha>/`), filled from the database on first use.
 */
export class SqlCodeArchives implements CodeArchives {
  private readonly trees: UnpackedTrees;

  constructor(
    private readonly database: SqlDatabase,
    cacheDir: string,
    private readonly limits: CodeLimits = DEFAULT_CODE_LIMITS,
  ) {
    this.trees = new UnpackedTrees(path.join(cacheDir, 'code'), limits);
  }

  async save(sourceBase64: string, field: string): Promise<SavedCode> {
    const { bytes, sha256 } = decodeUpload(sourceBase64, field, this.limits);
    const savedAt = Date.now();
    // The same bytes again (a service zip shared by its functions): fresh again, so that
    // garbage collection spares them, without sending them to the database another time.
    if (this.trees.has(sha256)) {
      const touched = await this.database.transaction((db) =>
        db.updateTable('code_archives').set({ saved_at: savedAt }).where('sha256', '=', sha256).executeTakeFirst(),
      );
      if (Number(touched.numUpdatedRows) === 1) return { sha256, size: bytes.length };
    }
    // checked and unpacked here first: what the database keeps is known to unpack within the limits
    await this.trees.unpack(sha256, bytes, field);
    await this.database.transaction((db) =>
      db
        .insertInto('code_archives')
        .values({ sha256, size: bytes.length, content: bytes, saved_at: savedAt })
        .onConflict((oc) => oc.column('sha256').doUpdateSet({ saved_at: savedAt }))
        .execute(),
    );
    return { sha256, size: bytes.length };
  }

  async ensureUnpacked(sha256: string): Promise<string> {
    if (this.trees.has(sha256)) return this.trees.dirFor(sha256);
    const row = await this.database.read((db) =>
      db.selectFrom('code_archives').select('content').where('sha256', '=', sha256).executeTakeFirst(),
    );
    if (!row) throw new Error(`the code archive ${sha256} is not in the database (it was deleted, or never stored)`);
    const bytes = Buffer.from(row.content);
    if (sha256Of(bytes) !== sha256)
      throw new Error(`the code archive ${sha256} in the database does not match its sha256: it was changed outside spotinst-local`);
    return this.trees.unpack(sha256, bytes, 'code.source');
  }

  /**
   * Deletes the archives no version refers to, in one statement (so an archive a function
   * on another node started to use meanwhile is kept), and this node's unpacked trees of
   * code no version refers to. Other nodes prune their own caches when they collect.
   */
  async collectGarbage(referenced: Set<string>, graceMs = UPLOAD_GRACE_MS): Promise<void> {
    const cutoff = Date.now() - graceMs;
    await this.database.transaction((db) =>
      db
        .deleteFrom('code_archives')
        .where('saved_at', '<', cutoff)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('function_versions')
                .select('function_versions.sha256')
                .whereRef('function_versions.sha256', '=', 'code_archives.sha256'),
            ),
          ),
        )
        .execute(),
    );
    this.trees.prune(referenced, graceMs);
  }

  async reset(): Promise<void> {
    await this.database.transaction((db) => db.deleteFrom('code_archives').execute());
    this.trees.reset();
  }
}

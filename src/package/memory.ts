/**
 * What the plugin remembers between commands, in one file: `.serverless/spotinst-state.json`.
 *
 * - `package`: the fingerprint of the service directory and the zips made from it, so an
 *   unchanged service is not zipped again (reuse.ts);
 * - `artifacts`: each checked archive's hash and handler entries, valid while the file is
 *   the very same one (size, mtime, ctime, inode), so an unchanged archive is not read,
 *   hashed or unzipped again (artifacts.ts);
 * - `code`: the hash and handler of the code last uploaded per function id, for servers
 *   that do not report `code.sha256`;
 * - `placements`: the application and environment ids of the last deploy, a hint checked
 *   against the API before use.
 *
 * Loaded once per command (the plugin holds it from packaging to deploy), saved only when
 * something changed, and written atomically (temporary file, fsync, rename): a command
 * killed mid-write leaves the old file or the new one. Every section is checked on load;
 * a corrupt or foreign file, or section, is ignored, which costs a fresh zip, a full check
 * or one upload, never a wrong answer. Losing the file loses nothing else.
 */
import fs from 'node:fs';
import path from 'node:path';
import isEqual from 'lodash/isEqual';
import { writeFileAtomic } from '../util/atomic-file';
import type { FunctionCodeInfo } from '../spec/wire';

export const MEMORY_FILE = 'spotinst-state.json';
/**
 * The three files 2.0.0-dev kept instead. They are not read (what they hold is rebuilt at
 * the cost of one zip and one check); they are deleted when this file is first written.
 */
export const FORMER_FILES = ['spotinst-package.json', 'spotinst-artifacts.json', 'spotinst-deploy.json'];
const FORMAT = 1;

/** A zip the framework made, relative to the service directory, with its hash. */
export interface RecordedArtifact {
  path: string;
  sha256: string;
}

/** The zips of the last package and the fingerprint of what they were made from. */
export interface PackageRecord {
  fingerprint: string;
  service?: RecordedArtifact;
  functions: Record<string, RecordedArtifact>;
}

/** Which file an archive is: a change of content always changes one of these. */
export interface FileIdentity {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export interface CheckedArtifact extends FileIdentity {
  sha256: string;
  /** archive entry name → whether the archive holds it, for every name a check looked up */
  entries: Record<string, boolean>;
}

/** Ids where the service was last found: only a hint, checked against the API before use. */
export interface PlacementHint {
  applicationId: string;
  environmentId: string;
}

interface MemoryContent {
  package?: PackageRecord;
  /** absolute archive path → what its check learnt */
  artifacts: Record<string, CheckedArtifact>;
  /** function id → the code it was last given */
  code: Record<string, FunctionCodeInfo>;
  /** `apiUrl account application environment` → where the service was last deployed */
  placements: Record<string, PlacementHint>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entriesOf(value: unknown): Array<[string, Record<string, unknown>]> {
  if (!isRecord(value)) return [];
  return Object.entries(value).filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]));
}

function recordedArtifact(value: unknown): RecordedArtifact | undefined {
  return isRecord(value) && typeof value.path === 'string' && typeof value.sha256 === 'string'
    ? { path: value.path, sha256: value.sha256 }
    : undefined;
}

function packageRecord(value: unknown): PackageRecord | undefined {
  if (!isRecord(value) || typeof value.fingerprint !== 'string') return undefined;
  const record: PackageRecord = { fingerprint: value.fingerprint, functions: {} };
  if (value.service !== undefined) {
    const service = recordedArtifact(value.service);
    if (!service) return undefined;
    record.service = service;
  }
  for (const [key, entry] of entriesOf(value.functions)) {
    const artifact = recordedArtifact(entry);
    if (!artifact) return undefined;
    record.functions[key] = artifact;
  }
  return record;
}

function checkedArtifact(value: Record<string, unknown>): CheckedArtifact | undefined {
  const { size, mtimeMs, ctimeMs, ino, sha256, entries } = value;
  if (typeof size !== 'number' || typeof mtimeMs !== 'number' || typeof ctimeMs !== 'number' || typeof ino !== 'number') return undefined;
  if (typeof sha256 !== 'string' || !isRecord(entries) || !Object.values(entries).every((held) => typeof held === 'boolean'))
    return undefined;
  return { size, mtimeMs, ctimeMs, ino, sha256, entries: entries as Record<string, boolean> };
}

/** Whatever of `parsed` has the expected shape; the rest is dropped. */
function contentOf(parsed: unknown): MemoryContent {
  const content: MemoryContent = { artifacts: {}, code: {}, placements: {} };
  if (!isRecord(parsed) || parsed.format !== FORMAT) return content;
  content.package = packageRecord(parsed.package);
  for (const [file, entry] of entriesOf(parsed.artifacts)) {
    const checked = checkedArtifact(entry);
    if (checked) content.artifacts[file] = checked;
  }
  for (const [id, code] of entriesOf(parsed.code)) {
    if (typeof code.handler === 'string' && typeof code.sha256 === 'string')
      content.code[id] = { handler: code.handler, sha256: code.sha256 };
  }
  for (const [key, hint] of entriesOf(parsed.placements)) {
    if (typeof hint.applicationId === 'string' && typeof hint.environmentId === 'string') {
      content.placements[key] = { applicationId: hint.applicationId, environmentId: hint.environmentId };
    }
  }
  return content;
}

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

export class ServiceMemory {
  /** whether anything changed since load: an unchanged memory is not written again */
  private dirty = false;

  private constructor(
    /** undefined: remembers for this process only, writes nothing */
    readonly file: string | undefined,
    private readonly content: MemoryContent,
  ) {}

  /** The memory of the service in `serviceDir`; empty when the file is missing, unreadable or foreign. */
  static load(serviceDir: string): ServiceMemory {
    const file = path.join(serviceDir, '.serverless', MEMORY_FILE);
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      // missing or corrupt: start empty
    }
    return new ServiceMemory(file, contentOf(parsed));
  }

  /** A memory that starts empty and is never written. */
  static none(): ServiceMemory {
    return new ServiceMemory(undefined, contentOf(undefined));
  }

  private change(apply: () => void): void {
    apply();
    this.dirty = true;
  }

  // ---- packaging ----------------------------------------------------------------------

  packaged(): PackageRecord | undefined {
    return this.content.package;
  }

  rememberPackage(record: PackageRecord): void {
    if (isEqual(this.content.package, record)) return;
    this.change(() => (this.content.package = record));
  }

  // ---- checked artifacts --------------------------------------------------------------

  /** What a check learnt of the archive at `file`, if it is still the very same file. */
  checkedArtifact(file: string, identity: FileIdentity): CheckedArtifact | undefined {
    const entry = this.content.artifacts[file];
    return entry && sameFile(entry, identity) ? entry : undefined;
  }

  rememberArtifact(file: string, entry: CheckedArtifact): void {
    if (isEqual(this.content.artifacts[file], entry)) return;
    this.change(() => (this.content.artifacts[file] = { ...entry, entries: { ...entry.entries } }));
  }

  // ---- deployed code and placement ----------------------------------------------------

  /** The remembered code of each function id. */
  knownCode(): Record<string, FunctionCodeInfo> {
    return { ...this.content.code };
  }

  rememberCode(functionId: string, code: FunctionCodeInfo): void {
    const known = this.content.code[functionId];
    if (known?.handler === code.handler && known.sha256 === code.sha256) return;
    this.change(() => (this.content.code[functionId] = { handler: code.handler, sha256: code.sha256 }));
  }

  forgetCode(functionId: string): void {
    if (!(functionId in this.content.code)) return;
    this.change(() => delete this.content.code[functionId]);
  }

  /** Where the service was found last time, under this key; only a hint. */
  placement(key: string): PlacementHint | undefined {
    return this.content.placements[key];
  }

  rememberPlacement(key: string, hint: PlacementHint | undefined): void {
    if (isEqual(this.content.placements[key], hint)) return;
    this.change(() => {
      if (hint) this.content.placements[key] = { ...hint };
      else delete this.content.placements[key];
    });
  }

  // ---- the file -----------------------------------------------------------------------

  /** Writes the file when something changed; a failure to write is only a lost shortcut. */
  save(): void {
    if (!this.file || !this.dirty) return;
    const dir = path.dirname(this.file);
    try {
      fs.mkdirSync(dir, { recursive: true });
      writeFileAtomic(this.file, `${JSON.stringify({ format: FORMAT, ...this.content }, null, 2)}\n`);
      this.dirty = false;
      for (const former of FORMER_FILES) fs.rmSync(path.join(dir, former), { force: true });
    } catch {
      // an unwritable .serverless costs a fresh zip, a full check or one upload next time
    }
  }
}

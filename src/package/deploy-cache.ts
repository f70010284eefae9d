/**
 * What this machine remembers of earlier deploys, in `.serverless/spotinst-deploy.json`:
 * the hash and handler of the code last uploaded for each function id. Only consulted for
 * servers that do not report `code.sha256`; losing the file costs one upload, nothing more.
 * Written atomically (temporary file + rename), so a deploy killed mid-write never leaves
 * a corrupt cache, and a corrupt or foreign file is ignored rather than trusted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-file';
import type { FunctionCodeInfo } from '../spec/wire';

/** Ids where the service was last found: only a hint, checked against the API before use. */
export interface PlacementHint {
  applicationId: string;
  environmentId: string;
}

export const CACHE_FILE = 'spotinst-deploy.json';
const FORMAT = 1;

interface CacheFile {
  format: number;
  /** function id → the code it was last given */
  functions: Record<string, FunctionCodeInfo>;
  /** where the service was last deployed, by `apiUrl account application environment` */
  placements?: Record<string, PlacementHint>;
}

function isCodeInfo(value: unknown): value is FunctionCodeInfo {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.handler === 'string' && typeof record.sha256 === 'string';
}

export class DeployCache {
  /** whether anything changed since load: an unchanged cache is not written again */
  private dirty = false;

  private constructor(
    readonly file: string,
    private readonly functions: Record<string, FunctionCodeInfo>,
    private readonly placements: Record<string, PlacementHint>,
  ) {}

  static load(serviceDir: string): DeployCache {
    const file = path.join(serviceDir, '.serverless', CACHE_FILE);
    const functions: Record<string, FunctionCodeInfo> = {};
    const placements: Record<string, PlacementHint> = {};
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<CacheFile>;
      if (parsed.format === FORMAT && typeof parsed.functions === 'object' && parsed.functions !== null) {
        for (const [id, code] of Object.entries(parsed.functions)) {
          if (isCodeInfo(code)) functions[id] = { handler: code.handler, sha256: code.sha256 };
        }
        for (const [key, hint] of Object.entries(parsed.placements ?? {})) {
          if (typeof hint?.applicationId === 'string' && typeof hint.environmentId === 'string') {
            placements[key] = { applicationId: hint.applicationId, environmentId: hint.environmentId };
          }
        }
      }
    } catch {
      // Missing or unreadable: start empty; the server's hashes or one upload make up for it.
    }
    return new DeployCache(file, functions, placements);
  }

  /** The remembered code of each function id. */
  known(): Record<string, FunctionCodeInfo> {
    return { ...this.functions };
  }

  remember(functionId: string, code: FunctionCodeInfo): void {
    const known = this.functions[functionId];
    if (known?.handler === code.handler && known.sha256 === code.sha256) return;
    this.functions[functionId] = { handler: code.handler, sha256: code.sha256 };
    this.dirty = true;
  }

  forget(functionId: string): void {
    if (!(functionId in this.functions)) return;
    delete this.functions[functionId];
    this.dirty = true;
  }

  /** Where the service was found last time, under this key; only a hint (see readByHint). */
  placement(key: string): PlacementHint | undefined {
    return this.placements[key];
  }

  rememberPlacement(key: string, hint: PlacementHint | undefined): void {
    const known = this.placements[key];
    if (known?.applicationId === hint?.applicationId && known?.environmentId === hint?.environmentId) return;
    if (hint) this.placements[key] = hint;
    else delete this.placements[key];
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    const body: CacheFile = { format: FORMAT, functions: this.functions, placements: this.placements };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, `${JSON.stringify(body, null, 2)}\n`);
  }
}

import fs from 'node:fs';
import path from 'node:path';
import { TEMP_MARKER, writeFileAtomic } from '../util/atomic-file';
import type { Alias, Application, CronJob, Environment, Pattern, SpotinstFunction, UserDocument } from '../spec/wire';

/** One uploaded code version of a function. Configuration (limits, env vars) is function-wide. */
export interface StoredVersion {
  version: number;
  handler: string;
  sha256: string;
  size: number;
  createdAt: string;
}

/**
 * The function as stored: the reply's fields without those computed per request (`url`,
 * `code`), with every version, and with the fields a reply may omit made required.
 */
export type StoredFunction = Omit<SpotinstFunction, 'url' | 'code' | 'environmentVariables' | 'createdAt' | 'updatedAt'> & {
  environmentVariables: Record<string, string>;
  versions: StoredVersion[];
  createdAt: string;
  updatedAt: string;
};

/** The environment as stored: its `url` is not stored, it depends on the address served on. */
export type StoredEnvironment = Omit<Environment, 'url' | 'createdAt' | 'updatedAt'> & {
  createdAt: string;
  updatedAt: string;
};

export interface PlatformState {
  schema: 1;
  applications: Record<string, Application>;
  environments: Record<string, StoredEnvironment>;
  functions: Record<string, StoredFunction>;
  patterns: Record<string, Pattern>;
  aliases: Record<string, Alias>;
  jobs: Record<string, CronJob>;
  /** environment id → key → document */
  documents: Record<string, Record<string, UserDocument>>;
}

/** The collections whose records are keyed by their own `id`. */
export type RecordCollection = 'applications' | 'environments' | 'functions' | 'patterns' | 'aliases' | 'jobs';

export function emptyState(): PlatformState {
  return {
    schema: 1,
    applications: {},
    environments: {},
    functions: {},
    patterns: {},
    aliases: {},
    jobs: {},
    documents: {},
  };
}

const STATE_FILE = 'state.json';

/**
 * The platform's resources, in memory and in one JSON document on disk. One document (not
 * one per collection) because some changes touch several collections at once (deleting a
 * function deletes its jobs and patterns) and must land together or not at all.
 *
 * Writes are synchronous on purpose: a mutation and its persistence happen without another
 * request interleaving, and the reply is sent only after the state is durable.
 */
export class StateStore {
  private current: PlatformState;
  private readonly file: string;

  constructor(private readonly dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, STATE_FILE);
    this.removeLeftoverTempFiles();
    this.current = this.load();
  }

  get state(): Readonly<PlatformState> {
    return this.current;
  }

  /**
   * Applies a change and makes it durable. When persisting fails, the in-memory state is
   * restored from the last good document so memory never runs ahead of disk.
   */
  mutate<T>(change: (state: PlatformState) => T): T {
    const result = change(this.current);
    try {
      writeFileAtomic(this.file, JSON.stringify(this.current));
    } catch (error) {
      this.current = this.load();
      throw error;
    }
    return result;
  }

  /** Creates or replaces one record, durably. */
  put<K extends RecordCollection>(collection: K, record: PlatformState[K][string]): void {
    this.mutate((state) => {
      (state[collection] as Record<string, PlatformState[K][string]>)[record.id] = record;
    });
  }

  /** Forgets everything (the `/__local/reset` extra). */
  reset(): void {
    this.current = emptyState();
    writeFileAtomic(this.file, JSON.stringify(this.current));
  }

  private load(): PlatformState {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Only an outside hand can produce this (our writes are atomic): refuse to guess.
      throw new Error(`${this.file} is not valid JSON; fix or remove it (the data directory was edited outside spotinst-local)`);
    }
    if (typeof parsed !== 'object' || parsed === null || (parsed as { schema?: unknown }).schema !== 1) {
      throw new Error(`${this.file} is not a spotinst-local state document (schema 1)`);
    }
    return { ...emptyState(), ...(parsed as PlatformState) };
  }

  /** Temp files are what a crash mid-write leaves behind; the target itself is intact. */
  private removeLeftoverTempFiles(): void {
    for (const name of fs.readdirSync(this.dataDir)) {
      if (name.startsWith(`${STATE_FILE}${TEMP_MARKER}`)) fs.rmSync(path.join(this.dataDir, name), { force: true });
    }
  }
}

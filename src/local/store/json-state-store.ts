/* eslint-disable @typescript-eslint/require-await -- a synchronous engine behind the asynchronous store interface: async keeps a throw a rejection */
import fs from 'node:fs';
import path from 'node:path';
import type { PatternMethod } from '../../spec/wire';
import { TEMP_MARKER, writeFileAtomic } from '../../util/atomic-file';
import type { Alias, Application, CronJob, Pattern, StoredEnvironment, StoredFunction, UserDocument } from '../records';
import {
  UniqueKeyError,
  type AliasFilter,
  type EnvironmentFilter,
  type JobFilter,
  type PatternFilter,
  type PlatformStore,
  type StoreTransaction,
} from './platform-store';

/** `state.json`: every record in one document (the format of 2.0.0-dev data directories). */
interface PlatformState {
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

const COLLECTIONS = ['applications', 'environments', 'functions', 'patterns', 'aliases', 'jobs'] as const;
type Collection = (typeof COLLECTIONS)[number];
type RecordIn<C extends Collection> = PlatformState[C][string];

/** What makes a record unique besides its id (PlatformStore's uniqueness rules). */
const UNIQUE_KEY: { [C in Collection]?: (record: RecordIn<C>) => string } = {
  applications: (app) => `name "${app.name}"`,
  environments: (env) => `name "${env.name}" in application ${env.applicationId}`,
  functions: (fn) => `name "${fn.name}" in environment ${fn.environmentId}`,
  patterns: (pattern) => `${pattern.method} ${pattern.pattern} in environment ${pattern.environmentId}`,
  aliases: (alias) => `host ${alias.host}`,
};

function emptyState(): PlatformState {
  return { schema: 1, applications: {}, environments: {}, functions: {}, patterns: {}, aliases: {}, jobs: {}, documents: {} };
}

/** Sets a property whatever its name: a document keyed `__proto__` is a document, not a prototype. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function own<T>(source: Record<string, T> | undefined, key: string): T | undefined {
  return source !== undefined && Object.hasOwn(source, key) ? source[key] : undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** A stored record is the store's own frozen copy: the caller's object stays the caller's. */
function stored<T>(record: T): T {
  return deepFreeze(structuredClone(record));
}

interface DocumentChanges {
  /** every document of the environment went before `keys` were written */
  cleared: boolean;
  keys: Map<string, UserDocument | null>;
}

/** The writes of one transaction, not yet applied: null is a delete. */
class Changes {
  readonly records: { [C in Collection]: Map<string, RecordIn<C> | null> } = {
    applications: new Map(),
    environments: new Map(),
    functions: new Map(),
    patterns: new Map(),
    aliases: new Map(),
    jobs: new Map(),
  };
  readonly documents = new Map<string, DocumentChanges>();

  get empty(): boolean {
    return this.documents.size === 0 && COLLECTIONS.every((collection) => this.records[collection].size === 0);
  }
}

/**
 * The records as of the last commit, plus, inside a transaction, its own writes. Reads
 * scan: this engine keeps a few thousand records, and every change rewrites them all anyway.
 */
class StateView implements StoreTransaction {
  private finished = false;

  constructor(
    protected readonly committed: { state: PlatformState },
    private readonly changes?: Changes,
  ) {}

  /** Writes after this throw: the transaction that made them is over. */
  finish(): void {
    this.finished = true;
  }

  async applications(): Promise<Application[]> {
    return this.rows('applications');
  }
  async application(id: string): Promise<Application | undefined> {
    return this.row('applications', id);
  }
  async applicationNamed(name: string): Promise<Application | undefined> {
    return this.rows('applications').find((app) => app.name === name);
  }

  async environments(filter: EnvironmentFilter = {}): Promise<StoredEnvironment[]> {
    return this.rows('environments').filter((env) => filter.applicationId === undefined || env.applicationId === filter.applicationId);
  }
  async environment(id: string): Promise<StoredEnvironment | undefined> {
    return this.row('environments', id);
  }
  async environmentNamed(applicationId: string, name: string): Promise<StoredEnvironment | undefined> {
    return this.rows('environments').find((env) => env.applicationId === applicationId && env.name === name);
  }

  async functions(environmentId: string): Promise<StoredFunction[]> {
    return this.rows('functions').filter((fn) => fn.environmentId === environmentId);
  }
  async function(id: string): Promise<StoredFunction | undefined> {
    return this.row('functions', id);
  }
  async functionNamed(environmentId: string, name: string): Promise<StoredFunction | undefined> {
    return this.rows('functions').find((fn) => fn.environmentId === environmentId && fn.name === name);
  }
  async codeInUse(): Promise<Set<string>> {
    return new Set(this.rows('functions').flatMap((fn) => fn.versions.map((version) => version.sha256)));
  }

  async patterns(filter: PatternFilter = {}): Promise<Pattern[]> {
    return this.rows('patterns').filter(
      (pattern) =>
        (filter.environmentId === undefined || pattern.environmentId === filter.environmentId) &&
        (filter.functionId === undefined || pattern.functionId === filter.functionId),
    );
  }
  async pattern(id: string): Promise<Pattern | undefined> {
    return this.row('patterns', id);
  }
  async patternRouting(environmentId: string, method: PatternMethod, path: string): Promise<Pattern | undefined> {
    return this.rows('patterns').find((p) => p.environmentId === environmentId && p.method === method && p.pattern === path);
  }

  async aliases(filter: AliasFilter = {}): Promise<Alias[]> {
    return this.rows('aliases').filter((alias) => filter.environmentId === undefined || alias.environmentId === filter.environmentId);
  }
  async alias(id: string): Promise<Alias | undefined> {
    return this.row('aliases', id);
  }
  async aliasForHost(host: string): Promise<Alias | undefined> {
    return this.rows('aliases').find((alias) => alias.host === host);
  }

  async jobs(filter: JobFilter = {}): Promise<CronJob[]> {
    return this.rows('jobs').filter(
      (job) =>
        (filter.environmentId === undefined || job.environmentId === filter.environmentId) &&
        (filter.resourceId === undefined || job.resourceId === filter.resourceId) &&
        (filter.action === undefined || job.action === filter.action) &&
        (filter.isEnabled === undefined || job.isEnabled === filter.isEnabled),
    );
  }
  async job(id: string): Promise<CronJob | undefined> {
    return this.row('jobs', id);
  }

  async documents(environmentId: string): Promise<UserDocument[]> {
    const draft = this.changes?.documents.get(environmentId);
    const base = draft?.cleared ? {} : (this.committed.state.documents[environmentId] ?? {});
    if (!draft) return Object.values(base);
    const merged = Object.entries(base).filter(([key]) => !draft.keys.has(key));
    for (const [key, document] of draft.keys) if (document) merged.push([key, document]);
    return merged.map(([, document]) => document);
  }
  async document(environmentId: string, key: string): Promise<UserDocument | undefined> {
    const draft = this.changes?.documents.get(environmentId);
    if (draft?.keys.has(key)) return draft.keys.get(key) ?? undefined;
    if (draft?.cleared) return undefined;
    return own(this.committed.state.documents[environmentId], key);
  }

  async putApplication(application: Application): Promise<void> {
    this.put('applications', application);
  }
  async deleteApplication(id: string): Promise<void> {
    this.remove('applications', id);
  }
  async putEnvironment(environment: StoredEnvironment): Promise<void> {
    this.put('environments', environment);
  }
  async deleteEnvironment(id: string): Promise<void> {
    this.remove('environments', id);
  }
  async putFunction(fn: StoredFunction): Promise<void> {
    this.put('functions', fn);
  }
  async deleteFunction(id: string): Promise<void> {
    this.remove('functions', id);
  }
  async putPattern(pattern: Pattern): Promise<void> {
    this.put('patterns', pattern);
  }
  async deletePattern(id: string): Promise<void> {
    this.remove('patterns', id);
  }
  async putAlias(alias: Alias): Promise<void> {
    this.put('aliases', alias);
  }
  async deleteAlias(id: string): Promise<void> {
    this.remove('aliases', id);
  }
  async putJob(job: CronJob): Promise<void> {
    this.put('jobs', job);
  }
  async deleteJob(id: string): Promise<void> {
    this.remove('jobs', id);
  }
  async putDocument(environmentId: string, document: UserDocument): Promise<void> {
    this.documentChanges(environmentId).keys.set(document.key, stored(document));
  }
  async deleteDocument(environmentId: string, key: string): Promise<void> {
    this.documentChanges(environmentId).keys.set(key, null);
  }
  async deleteDocuments(environmentId: string): Promise<void> {
    this.writable().documents.set(environmentId, { cleared: true, keys: new Map() });
  }

  private rows<C extends Collection>(collection: C): RecordIn<C>[] {
    const base = this.committed.state[collection] as Record<string, RecordIn<C>>;
    const changed = this.changes?.records[collection];
    if (!changed || changed.size === 0) return Object.values(base);
    const rows: RecordIn<C>[] = [];
    for (const [id, record] of Object.entries(base)) {
      if (!changed.has(id)) rows.push(record);
      else {
        const replaced = changed.get(id);
        if (replaced) rows.push(replaced);
      }
    }
    for (const [id, record] of changed) if (record && !Object.hasOwn(base, id)) rows.push(record);
    return rows;
  }

  private row<C extends Collection>(collection: C, id: string): RecordIn<C> | undefined {
    const changed = this.changes?.records[collection];
    if (changed?.has(id)) return changed.get(id) ?? undefined;
    return own(this.committed.state[collection] as Record<string, RecordIn<C>>, id);
  }

  private put<C extends Collection>(collection: C, record: RecordIn<C>): void {
    const changes = this.writable();
    const uniqueKey = UNIQUE_KEY[collection];
    if (uniqueKey) {
      const key = uniqueKey(record);
      const taken = this.rows(collection).find((other) => other.id !== record.id && uniqueKey(other) === key);
      if (taken) throw new UniqueKeyError(collection, key, taken.id);
    }
    changes.records[collection].set(record.id, stored(record));
  }

  private remove(collection: Collection, id: string): void {
    this.writable().records[collection].set(id, null);
  }

  private documentChanges(environmentId: string): DocumentChanges {
    const changes = this.writable();
    let draft = changes.documents.get(environmentId);
    if (!draft) {
      draft = { cleared: false, keys: new Map() };
      changes.documents.set(environmentId, draft);
    }
    return draft;
  }

  private writable(): Changes {
    if (!this.changes) throw new Error('the store is changed in a transaction only: use store.transaction(async (tx) => …)');
    if (this.finished) throw new Error('this transaction is over: a write after it ended would be lost');
    return this.changes;
  }
}

const STATE_FILE = 'state.json';

/** `state.json` in the data directory: read once at start, rewritten whole on each commit. */
class StateFile {
  private readonly file: string;

  constructor(private readonly dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, STATE_FILE);
    this.removeLeftoverTempFiles();
  }

  /** Atomic (temp file, fsync, rename, fsync of the directory) and durable when it returns. */
  write(state: PlatformState): void {
    writeFileAtomic(this.file, JSON.stringify(state));
  }

  load(): PlatformState {
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
    const state = { ...emptyState(), ...(parsed as PlatformState) };
    for (const collection of COLLECTIONS) Object.values(state[collection]).forEach(deepFreeze);
    for (const documents of Object.values(state.documents)) Object.values(documents).forEach(deepFreeze);
    return state;
  }

  /** Temp files are what a crash mid-write leaves behind; the target itself is intact. */
  private removeLeftoverTempFiles(): void {
    for (const name of fs.readdirSync(this.dataDir)) {
      if (name.startsWith(`${STATE_FILE}${TEMP_MARKER}`)) fs.rmSync(path.join(this.dataDir, name), { recursive: true, force: true });
    }
  }
}

/**
 * The file engine: every record in memory and in one JSON document on disk, `state.json`.
 * One document because a change may touch several collections and must land whole.
 * Transactions run one at a time, and a commit writes synchronously: the reply waits for
 * the disk, and no other request's change interleaves with the write.
 */
export class JsonStateStore extends StateView implements PlatformStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly file: StateFile,
    committed: { state: PlatformState },
  ) {
    super(committed);
  }

  /** Opens (or creates) the state of a data directory; refuses a corrupt state.json. */
  static open(dataDir: string): JsonStateStore {
    const file = new StateFile(dataDir);
    return new JsonStateStore(file, { state: file.load() });
  }

  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.serialized(async () => {
      const changes = new Changes();
      const view = new StateView(this.committed, changes);
      let result: T;
      try {
        result = await work(view);
      } finally {
        view.finish();
      }
      if (!changes.empty) this.commit(changes);
      return result;
    });
  }

  reset(): Promise<void> {
    return this.serialized(async () => {
      this.committed.state = emptyState();
      this.file.write(this.committed.state);
    });
  }

  async close(): Promise<void> {
    await this.queue;
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Makes a transaction's writes durable, then visible. The next state is built beside the
   * current one (the tables it changes are copied), so a failed write leaves memory exactly
   * as the disk has it.
   */
  private commit(changes: Changes): void {
    const current = this.committed.state;
    const next: PlatformState = { ...current };
    for (const collection of COLLECTIONS) {
      const changed = changes.records[collection] as Map<string, RecordIn<typeof collection> | null>;
      if (changed.size === 0) continue;
      const table: Record<string, RecordIn<typeof collection>> = { ...current[collection] };
      for (const [id, record] of changed) {
        if (record) setOwn(table, id, record);
        else delete table[id];
      }
      (next as Record<Collection, Record<string, RecordIn<typeof collection>>>)[collection] = table;
    }
    if (changes.documents.size > 0) {
      next.documents = { ...current.documents };
      for (const [environmentId, draft] of changes.documents) {
        const documents: Record<string, UserDocument> = draft.cleared ? {} : { ...current.documents[environmentId] };
        for (const [key, document] of draft.keys) {
          if (document) setOwn(documents, key, document);
          else delete documents[key];
        }
        if (Object.keys(documents).length === 0) delete next.documents[environmentId];
        else setOwn(next.documents, environmentId, documents);
      }
    }
    this.file.write(next);
    this.committed.state = next;
  }
}

import type { PatternMethod } from '../../spec/wire';
import type { Alias, Application, CronJob, Pattern, StoredEnvironment, StoredFunction, UserDocument } from '../records';

export interface EnvironmentFilter {
  applicationId?: string;
}

export interface PatternFilter {
  environmentId?: string;
  functionId?: string;
}

export interface AliasFilter {
  environmentId?: string;
}

export interface JobFilter {
  environmentId?: string;
  /** the function a job invokes */
  resourceId?: string;
  action?: string;
  isEnabled?: boolean;
}

/** The questions the services ask. Every answer is a promise, whatever the engine. */
export interface StoreReader {
  applications(): Promise<Application[]>;
  application(id: string): Promise<Application | undefined>;
  applicationNamed(name: string): Promise<Application | undefined>;

  environments(filter?: EnvironmentFilter): Promise<StoredEnvironment[]>;
  environment(id: string): Promise<StoredEnvironment | undefined>;
  environmentNamed(applicationId: string, name: string): Promise<StoredEnvironment | undefined>;

  functions(environmentId: string): Promise<StoredFunction[]>;
  function(id: string): Promise<StoredFunction | undefined>;
  functionNamed(environmentId: string, name: string): Promise<StoredFunction | undefined>;
  /** The sha256 of every version of every function: the code archives still in use. */
  codeInUse(): Promise<Set<string>>;

  patterns(filter?: PatternFilter): Promise<Pattern[]>;
  pattern(id: string): Promise<Pattern | undefined>;
  /** The pattern that routes exactly this method and path in an environment (they are unique). */
  patternRouting(environmentId: string, method: PatternMethod, path: string): Promise<Pattern | undefined>;

  aliases(filter?: AliasFilter): Promise<Alias[]>;
  alias(id: string): Promise<Alias | undefined>;
  aliasForHost(host: string): Promise<Alias | undefined>;

  jobs(filter?: JobFilter): Promise<CronJob[]>;
  job(id: string): Promise<CronJob | undefined>;

  documents(environmentId: string): Promise<UserDocument[]>;
  document(environmentId: string, key: string): Promise<UserDocument | undefined>;
}

/** Changes, made inside a transaction only. A put creates or replaces the record with that id (or key). */
export interface StoreWriter {
  putApplication(application: Application): Promise<void>;
  deleteApplication(id: string): Promise<void>;
  putEnvironment(environment: StoredEnvironment): Promise<void>;
  deleteEnvironment(id: string): Promise<void>;
  putFunction(fn: StoredFunction): Promise<void>;
  deleteFunction(id: string): Promise<void>;
  putPattern(pattern: Pattern): Promise<void>;
  deletePattern(id: string): Promise<void>;
  putAlias(alias: Alias): Promise<void>;
  deleteAlias(id: string): Promise<void>;
  putJob(job: CronJob): Promise<void>;
  deleteJob(id: string): Promise<void>;
  putDocument(environmentId: string, document: UserDocument): Promise<void>;
  deleteDocument(environmentId: string, key: string): Promise<void>;
  /** every document of an environment (its document store goes with it) */
  deleteDocuments(environmentId: string): Promise<void>;
}

export type StoreTransaction = StoreReader & StoreWriter;

/**
 * Where the platform's records live: applications, environments, functions with their
 * versions, patterns, aliases, cron jobs and documents. Only the services use it. Code
 * archives live in CodeArchives and invocation logs in an InvocationLogStore.
 *
 * The contract an engine meets (test/integration/local/store-contract.ts checks it; run it
 * against every new engine):
 *
 * - **Transactions.** Every change is made in `transaction(work)`. `work` sees its own
 *   writes. When it resolves, all its writes land together; when it throws, none lands and
 *   the error is rethrown. Transactions are serializable: nothing another transaction
 *   writes lands between `work`'s reads and its commit, so a check-then-write inside one
 *   (a name is free, then it is taken) cannot race. They do not nest. An engine may run
 *   `work` again after a serialization conflict, so `work` only reads and writes through
 *   its transaction; other effects (timers, workers) come after the transaction resolves.
 * - **Durability.** `transaction` resolves only once its changes are durable (on disk, or
 *   committed by the database): a reply sent after it never describes a change that a
 *   crash, even SIGKILL, can take back.
 * - **Isolation of readers.** Reads outside a transaction see committed changes only.
 * - **Uniqueness.** An application's name; an environment's name in its application; a
 *   function's name in its environment; a pattern's (environment, method, path); an
 *   alias's host; a document's key in its environment. A put that would break one rejects
 *   with UniqueKeyError and its transaction lands nothing. Services check first, to answer
 *   a 409 that says what is taken; this is the last guard.
 * - **References are the services'.** Deleting a record deletes nothing else; services
 *   delete what depends on it in the same transaction, dependents first (jobs and
 *   patterns before their function), so an engine may enforce foreign keys.
 * - **Records are values.** A record read is not changed by later writes, and changing it
 *   changes nothing stored (the SQL engines build every record afresh from its rows).
 * - **Order.** Lists come in the order their records were first put; updating a record
 *   keeps its place. Documents come in no particular order.
 * - **Several nodes.** Stores opened on the same data (one PostgreSQL database) by several
 *   processes serve one platform: every guarantee above holds across them.
 */
export interface PlatformStore extends StoreReader {
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /**
   * Takes one tick of a cron job (the job and the moment it is due) for this node: of every
   * claim of the same tick, through any store on the same data, exactly one resolves true.
   * The nodes of one platform all arm every job's timer, and the one that claims a tick fires it.
   */
  claimCronTick(jobId: string, dueAt: number): Promise<boolean>;
  /** Forgets the claims of ticks due before `dueBefore` (epoch ms): they can no longer be contested. */
  pruneCronClaims(dueBefore: number): Promise<void>;
  /** Forgets every record, durably (the `/__local/reset` extra). */
  reset(): Promise<void>;
  /** Releases what the engine holds (connections, handles); nothing is lost. */
  close(): Promise<void>;
}

/** A put that would give two records the same unique key (see PlatformStore). */
export class UniqueKeyError extends Error {
  constructor(
    readonly collection: string,
    readonly key: string,
    readonly existingId: string,
  ) {
    super(`${collection}: ${key} is already taken by ${existingId}`);
    this.name = 'UniqueKeyError';
  }
}

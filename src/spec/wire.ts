/**
 * Wire types of the Spotinst Functions REST API (SPEC §2).
 *
 * These are the contract shared by the typed client (src/api) and the local platform
 * (src/local): both sides import them, so a change here is a change of the protocol.
 * Types only: the rules values must follow are beside this file, one module per fact.
 */

export interface RequestInfo {
  id: string;
  url: string;
  method: string;
  timestamp: string;
}

export interface ApiErrorItem {
  code: string;
  message: string;
  field?: string;
}

export interface Envelope<T> {
  request: RequestInfo;
  response: {
    status: { code: number; message: string };
    kind?: string;
    items?: T[];
    count?: number;
    errors?: ApiErrorItem[];
  };
}

export const CLOUD_PROVIDERS = ['aws', 'azure', 'gcp', 'ibm', 'oracle', 'equinix'] as const;
export type CloudProvider = (typeof CLOUD_PROVIDERS)[number];

export const STRATEGIES = ['least-expensive', 'highest-performance', 'location'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const PATTERN_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'PATCH', 'ALL'] as const;
export type PatternMethod = (typeof PATTERN_METHODS)[number];

/** ACCESS_LEVELS (limits.ts) */
export type Access = 'private' | 'public';

interface Timestamps {
  createdAt?: string;
  updatedAt?: string;
}

// ---- applications -------------------------------------------------------------------

export interface ApplicationInput {
  name: string;
  description?: string;
}

export interface Application extends ApplicationInput, Timestamps {
  id: string;
}

// ---- environments -------------------------------------------------------------------

export interface EnvironmentInput {
  name: string;
  applicationId: string;
  providers?: CloudProvider[];
  locations?: string[];
  strategy?: Strategy;
}

export interface Environment extends Timestamps {
  id: string;
  name: string;
  applicationId: string;
  providers: CloudProvider[];
  locations: string[];
  strategy: Strategy;
  /** Base URL of the environment's function URLs. */
  url?: string;
}

// ---- functions ----------------------------------------------------------------------

export type VersionRef = '$LATEST' | number;

export interface ActiveVersion {
  version: VersionRef;
  percentage: number;
}

/** The accepted values are MEMORY_RULE and TIMEOUT_RULE (limits.ts). */
export interface FunctionLimits {
  /** MB */
  memory: number;
  /** seconds */
  timeout: number;
}

export interface CorsConfig {
  enabled: boolean;
  origin?: string;
  headers?: string;
  methods?: string;
}

export interface IamRoleConfig {
  roleId: string;
}

export interface FunctionInput {
  environmentId: string;
  name: string;
  /** API form, without dots: `nodejs83`, `python27`, `java8`. */
  runtime: string;
  access: Access;
  limits: FunctionLimits;
  code: {
    handler: string;
    /** base64 of the zip (or jar for java) */
    source: string;
  };
  environmentVariables?: Record<string, string>;
  activeVersions?: ActiveVersion[];
  cors?: CorsConfig;
  iamRoleConfig?: IamRoleConfig;
}

/** An update may omit `code` (configuration only: no new version is created). */
export type FunctionUpdateInput = Partial<Omit<FunctionInput, 'code'>> & {
  environmentId: string;
  code?: FunctionInput['code'];
};

export interface FunctionCodeInfo {
  handler: string;
  /** (ext) hex sha256 of the uploaded source bytes */
  sha256?: string;
  /** (ext) size in bytes of the uploaded source */
  size?: number;
}

export interface SpotinstFunction extends Timestamps {
  id: string;
  name: string;
  environmentId: string;
  /** API form, without dots. */
  runtime: string;
  access: Access;
  limits: FunctionLimits;
  latestVersion: number;
  activeVersions: ActiveVersion[];
  url: string;
  environmentVariables?: Record<string, string>;
  cors?: CorsConfig;
  iamRoleConfig?: IamRoleConfig;
  /** (ext) never carries the source */
  code?: FunctionCodeInfo;
}

// ---- logs ---------------------------------------------------------------------------

export interface LogLine {
  /** epoch milliseconds */
  time: number;
  log: string;
}

export type InvocationStatus = 'success' | 'error' | 'timeout';

export interface InvocationLog {
  invocationId: string;
  content: LogLine[];
  /** (ext) */
  version?: VersionRef;
  /** (ext) */
  status?: InvocationStatus;
  /** (ext) */
  durationMs?: number;
  /** (ext) epoch milliseconds */
  startedAt?: number;
  /** (ext) the invocation started a new worker process (a cold start) */
  coldStart?: boolean;
}

// ---- endpoint patterns and aliases --------------------------------------------------

export interface PatternInput {
  environmentId: string;
  functionId: string;
  pattern: string;
  method: PatternMethod;
}

export interface Pattern extends PatternInput, Timestamps {
  id: string;
}

export interface AliasInput {
  host: string;
  environmentId: string;
}

export interface Alias extends AliasInput, Timestamps {
  id: string;
}

// ---- cron jobs (spectrum event jobs) ------------------------------------------------

export interface QueryParam {
  key: string;
  value: string;
}

export interface CronJobConfig {
  /** the request body the function receives, as a string (the SDK sends `""` for none) */
  body?: string;
  /** the SDK sends a list, not a map */
  queryParams?: QueryParam[];
}

export interface CronJobInput {
  environmentId: string;
  action: 'INVOKE_FUNCTION';
  /** the function id */
  resourceId: string;
  isEnabled: boolean;
  cronExpression: string;
  config?: CronJobConfig;
}

export interface CronJob extends CronJobInput, Timestamps {
  id: string;
}

// ---- document store -----------------------------------------------------------------

export interface UserDocument extends Timestamps {
  key: string;
  value: unknown;
}

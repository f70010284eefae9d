/**
 * The platform's records as services keep them and stores hold them: the API's shapes
 * (spec/wire) without what is computed per request (a URL depends on the address served
 * on; a function's `code` is derived from its latest version).
 */
import type { Environment, InvocationLog, SpotinstFunction } from '../spec/wire';
import type { InvocationExchange } from './exchange';

export type { Alias, Application, CronJob, Pattern, UserDocument, InvocationLog } from '../spec/wire';

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

/** One invocation without its log lines, request or response: what lists and charts need. */
export interface InvocationSummary {
  invocationId: string;
  /** epoch ms; 0 when the entry had none */
  startedAt: number;
  version?: number;
  status?: InvocationLog['status'];
  durationMs?: number;
  coldStart?: boolean;
}

/** One invocation with everything kept of it: its log entry, and its request and response when they were recorded. */
export interface InvocationRecord extends InvocationLog {
  request?: InvocationExchange['request'];
  response?: InvocationExchange['response'];
}

/**
 * The service as the plugin understands it, after validation and defaults: what every
 * command works from instead of the raw serverless.yml objects.
 */
import type { ActiveVersion, Access, CloudProvider, CorsConfig, PatternMethod, Strategy } from '../spec/wire';

/** How the environment is chosen: an explicit id, or found/created by name. */
export type EnvironmentTarget =
  | { kind: 'id'; id: string }
  | {
      kind: 'managed';
      /** default: the stage */
      name: string;
      providers?: CloudProvider[];
      locations?: string[];
      strategy?: Strategy;
    };

export interface CronTrigger {
  active: boolean;
  /** 5 fields, or 6 with seconds first: as written, or as the spec's cron rule normalised it (`/1` → `*\/1`) */
  expression: string;
}

export interface EndpointTrigger {
  path: string;
  method: PatternMethod;
}

export interface FunctionModel {
  /** the key under `functions:` */
  key: string;
  /** the remote name: `name:` if set, else the key (as plugin 1.x named functions) */
  name: string;
  runtime: string;
  handler: string;
  memory: number;
  timeout: number;
  access: Access;
  /** service-level merged under function-level, all values strings */
  environmentVariables: Record<string, string>;
  cron?: CronTrigger;
  endpoint?: EndpointTrigger;
  cors?: CorsConfig;
  activeVersions?: ActiveVersion[];
  iamRoleConfig?: { roleId: string };
  /** default event data for `invoke` and `invoke local` */
  parameters?: Record<string, unknown>;
}

/** The function `--function` names: its key under `functions:` (what users type), else its remote name. */
export function findFunction(service: Pick<ServiceModel, 'functions'>, wanted: string): FunctionModel | undefined {
  return service.functions.find((fn) => fn.key === wanted) ?? service.functions.find((fn) => fn.name === wanted);
}

export interface ServiceModel {
  service: string;
  stage: string;
  application: string;
  environment: EnvironmentTarget;
  profile?: string;
  apiUrl?: string;
  alias?: string;
  prune: boolean;
  functions: FunctionModel[];
}

/** One thing wrong (or dubious) in serverless.yml, phrased so the user can fix it. */
export interface ConfigProblem {
  /** dotted path in serverless.yml, e.g. `functions.hello.memory` */
  path: string;
  /** the offending value, rendered for the message */
  value?: unknown;
  /** what is wrong */
  problem: string;
  /** what to write instead */
  fix: string;
}

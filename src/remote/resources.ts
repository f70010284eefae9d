/**
 * One descriptor per kind of remote resource a deploy writes (function, cron job, endpoint
 * pattern, alias): how it is read from the file and from the API, compared, turned into API
 * input, written (create, update, delete, and found again after a create whose reply was
 * lost) and named in the plan. The plan uses the pure parts, apply the calls, render the
 * words, so a kind is described in one place.
 */
import { DEFAULT_ACTIVE_VERSIONS, DEFAULT_CORS } from '../spec/defaults';
import type { SpotinstClient } from '../api';
import { toApiRuntime } from '../spec/runtimes';
import type {
  Alias,
  AliasInput,
  CronJob,
  CronJobInput,
  FunctionInput,
  FunctionUpdateInput,
  Pattern,
  PatternInput,
  SpotinstFunction,
} from '../spec/wire';
import type { CronTrigger, EndpointTrigger, FunctionModel } from '../framework/service-model';
import { changeOf, type ActualState } from './state';

export type ResourceKind = 'function' | 'cron' | 'endpoint' | 'alias';

/** The API calls of one kind. `find` looks for what a create may have made before its reply was lost. */
export interface ResourceCalls<Remote, Input, Update = Input> {
  create(input: Input): Promise<Remote>;
  update(id: string, input: Update): Promise<Remote>;
  delete(id: string): Promise<boolean>;
  find(input: Input): Promise<Remote | undefined>;
}

/** What every kind says of itself. */
interface Descriptor<Kind extends ResourceKind> {
  kind: Kind;
  /** the word for one of them in plan lines and reports */
  label: string;
  /** one of them in plan lines and reports, by the step's name (`function hello`, `cron of hello`) */
  subject(name: string): string;
}

/** A function's configuration as the API takes it, without its code; `runtime` in the file's form (the client converts it). */
export type FunctionConfiguration = Omit<FunctionInput, 'code'>;

export interface FunctionDescriptor extends Descriptor<'function'> {
  /**
   * Differences between the configuration the file wants and what the API reports. The
   * handler is compared only when its deployed value is known (`remoteHandler`).
   */
  differences(remote: SpotinstFunction, model: FunctionModel, remoteHandler?: string): string[];
  input(model: FunctionModel, environmentId: string): FunctionConfiguration;
  calls(client: SpotinstClient, environmentId: string): ResourceCalls<SpotinstFunction, FunctionInput, FunctionUpdateInput>;
}

export const FUNCTION: FunctionDescriptor = {
  kind: 'function',
  label: 'function',
  subject: (name) => `function ${name}`,
  differences(remote, model, remoteHandler) {
    return [
      ...changeOf('runtime', toApiRuntime(remote.runtime), toApiRuntime(model.runtime)),
      ...(remoteHandler === undefined ? [] : changeOf('handler', remoteHandler, model.handler)),
      ...changeOf('memory', remote.limits?.memory, model.memory),
      ...changeOf('timeout', remote.limits?.timeout, model.timeout),
      ...changeOf('access', remote.access, model.access),
      ...changeOf('environmentVariables', remote.environmentVariables ?? {}, model.environmentVariables),
      ...changeOf('activeVersions', remote.activeVersions ?? DEFAULT_ACTIVE_VERSIONS, model.activeVersions ?? DEFAULT_ACTIVE_VERSIONS),
      ...changeOf('cors', remote.cors ?? DEFAULT_CORS, model.cors ?? DEFAULT_CORS),
      ...changeOf('iamRoleConfig', remote.iamRoleConfig ?? undefined, model.iamRoleConfig),
    ];
  },
  input: (model, environmentId) => ({
    environmentId,
    name: model.name,
    runtime: model.runtime,
    access: model.access,
    limits: { memory: model.memory, timeout: model.timeout },
    environmentVariables: model.environmentVariables,
    // plugin 1.x sent these defaults; sending them keeps a redeploy from resetting them
    activeVersions: model.activeVersions ?? DEFAULT_ACTIVE_VERSIONS.map((entry) => ({ ...entry })),
    cors: model.cors ?? { ...DEFAULT_CORS },
    ...(model.iamRoleConfig ? { iamRoleConfig: model.iamRoleConfig } : {}),
  }),
  calls: (client, environmentId) => ({
    create: (input) => client.functions.create(input),
    update: (id, input) => client.functions.update(id, input),
    delete: (id) => client.functions.delete(id),
    find: (input) => client.functions.findByName(environmentId, input.name),
  }),
};

/** A kind that belongs to one function (cron job, endpoint pattern): at most one per function. */
export interface TriggerDescriptor<
  Kind extends 'cron' | 'endpoint',
  Remote extends { id: string },
  Desired,
  Input,
> extends Descriptor<Kind> {
  /** how a created one is shown in the plan: its expression, its route */
  show(desired: Desired): string;
  /** what the file asks for, read from the function's model */
  wanted(model: FunctionModel): Desired | undefined;
  /** the ones the API reports */
  deployed(state: ActualState): Remote[];
  /** the id of the function it belongs to */
  ownerId(remote: Remote): string;
  differences(remote: Remote, desired: Desired): string[];
  input(desired: Desired, functionId: string, environmentId: string): Input;
  calls(client: SpotinstClient, environmentId: string): ResourceCalls<Remote, Input>;
}

export const CRON: TriggerDescriptor<'cron', CronJob, CronTrigger, CronJobInput> = {
  kind: 'cron',
  label: 'cron',
  subject: (name) => `cron of ${name}`,
  show: (cron) => `${cron.expression}${cron.active ? '' : ' (inactive)'}`,
  wanted: (model) => model.cron,
  deployed: (state) => state.jobs,
  ownerId: (job) => job.resourceId,
  differences: (job, cron) => [
    ...changeOf('expression', job.cronExpression, cron.expression),
    ...changeOf('active', job.isEnabled, cron.active),
  ],
  input: (cron, functionId, environmentId) => ({
    environmentId,
    action: 'INVOKE_FUNCTION',
    resourceId: functionId,
    isEnabled: cron.active,
    cronExpression: cron.expression,
    // the shape the Spotinst SDK sends for "no body, no query"
    config: { body: '', queryParams: [] },
  }),
  calls: (client) => ({
    create: (input) => client.cronJobs.create(input),
    update: (id, input) => client.cronJobs.update(id, input),
    delete: (id) => client.cronJobs.delete(id),
    find: async (input) => (await client.cronJobs.listByFunction(input.resourceId))[0],
  }),
};

export const ENDPOINT: TriggerDescriptor<'endpoint', Pattern, EndpointTrigger, PatternInput> = {
  kind: 'endpoint',
  label: 'endpoint',
  subject: (name) => `endpoint of ${name}`,
  show: (endpoint) => `${endpoint.method} ${endpoint.path}`,
  wanted: (model) => model.endpoint,
  deployed: (state) => state.patterns,
  ownerId: (pattern) => pattern.functionId,
  differences: (pattern, endpoint) => [
    ...changeOf('path', pattern.pattern, endpoint.path),
    ...changeOf('method', pattern.method, endpoint.method),
  ],
  input: (endpoint, functionId, environmentId) => ({ environmentId, functionId, pattern: endpoint.path, method: endpoint.method }),
  calls: (client, environmentId) => ({
    create: (input) => client.patterns.create(input),
    update: (id, input) => client.patterns.update(id, input),
    delete: (id) => client.patterns.delete(id),
    find: async (input) =>
      (await client.patterns.listByEnvironment(environmentId)).find((pattern) => pattern.functionId === input.functionId),
  }),
};

export interface AliasDescriptor extends Descriptor<'alias'> {
  /** the deployed alias of this host, if any */
  deployed(state: ActualState, host: string): Alias | undefined;
  input(host: string, environmentId: string): AliasInput;
  /** aliases cannot be updated: a host is created or deleted */
  calls(client: SpotinstClient, environmentId: string): Omit<ResourceCalls<Alias, AliasInput>, 'update'>;
}

export const ALIAS: AliasDescriptor = {
  kind: 'alias',
  label: 'alias',
  subject: (host) => `alias ${host}`,
  deployed: (state, host) => state.aliases.find((alias) => alias.host === host),
  input: (host, environmentId) => ({ host, environmentId }),
  calls: (client, environmentId) => ({
    create: (input) => client.aliases.create(input),
    delete: (id) => client.aliases.delete(id),
    find: async (input) => (await client.aliases.listByEnvironment(environmentId)).find((alias) => alias.host === input.host),
  }),
};

/** The table from a step's kind to its descriptor. */
export const RESOURCES = { function: FUNCTION, cron: CRON, endpoint: ENDPOINT, alias: ALIAS } as const;

/**
 * Apply: carry out a plan against the API. Every function is attempted even when another
 * fails; a function's triggers are written after it (they need its id) and deleted before
 * it; creates that may have reached the server before failing look the name up first, so
 * a rerun converges without duplicates.
 */
import { createOnce, type SpotinstClient } from '../api';
import type {
  ActiveVersion,
  Alias,
  CorsConfig,
  CronJob,
  CronJobInput,
  FunctionCodeInfo,
  Pattern,
  PatternInput,
  SpotinstFunction,
} from '../spec/wire';
import type { FunctionModel } from '../framework/service-model';
import type { Artifact } from '../package/artifacts';
import type { AdaptiveLimiter } from './limiter';
import type { DeployPlan, FunctionStep, JobStep, PatternStep, StepAction } from './plan';
import type { ActualState } from '../remote/state';

export type ResourceKind = 'function' | 'cron' | 'endpoint' | 'alias';

export interface StepResult {
  kind: ResourceKind;
  /** the function the step belongs to (the alias host for the alias) */
  name: string;
  action: StepAction;
  outcome: 'done' | 'failed' | 'skipped';
  error?: Error;
}

export interface ApplyResult {
  results: StepResult[];
  /** the code this deploy uploaded, by function id, for the local cache */
  uploaded: Map<string, FunctionCodeInfo>;
  /** function ids this deploy deleted */
  deleted: string[];
  /**
   * What the environment holds after apply: what was read before it, with every write's
   * reply folded in. The API's replies are the remote state, so no read-back is needed.
   */
  state: ActualState;
}

export interface ApplyContext {
  client: SpotinstClient;
  environmentId: string;
  limiter: AdaptiveLimiter;
  /** the artifact of each function to upload, by function name */
  artifacts: Map<string, Artifact>;
  actual: ActualState;
  /** called after each finished step, for progress */
  onStep?: (result: StepResult) => void;
}

/** The calls a kind of trigger needs; a found one ends a create that may have happened. */
interface TriggerApi<Input, Resource extends { id: string }> {
  create(input: Input): Promise<Resource>;
  update(id: string, input: Input): Promise<Resource>;
  delete(id: string): Promise<boolean>;
  findForFunction(functionId: string): Promise<Resource | undefined>;
  /** where the trigger's remote state is kept, by id */
  state: Map<string, Resource>;
}

const DEFAULT_ACTIVE_VERSIONS: ActiveVersion[] = [{ version: '$LATEST', percentage: 100 }];
const DEFAULT_CORS: CorsConfig = { enabled: false };

/** The function's configuration as the API takes it; `runtime` in the file's form (the client converts it). */
function functionConfiguration(model: FunctionModel, environmentId: string) {
  return {
    environmentId,
    name: model.name,
    runtime: model.runtime,
    access: model.access,
    limits: { memory: model.memory, timeout: model.timeout },
    environmentVariables: model.environmentVariables,
    // plugin 1.x sent these defaults; sending them keeps a redeploy from resetting them
    activeVersions: model.activeVersions ?? DEFAULT_ACTIVE_VERSIONS,
    cors: model.cors ?? DEFAULT_CORS,
    ...(model.iamRoleConfig ? { iamRoleConfig: model.iamRoleConfig } : {}),
  };
}

function jobInput(step: JobStep, functionId: string, environmentId: string): CronJobInput {
  const cron = step.wanted!;
  return {
    environmentId,
    action: 'INVOKE_FUNCTION',
    resourceId: functionId,
    isEnabled: cron.active,
    cronExpression: cron.expression,
    // the shape the Spotinst SDK sends for "no body, no query"
    config: { body: '', queryParams: [] },
  };
}

function patternInput(step: PatternStep, functionId: string, environmentId: string): PatternInput {
  const endpoint = step.wanted!;
  return { environmentId, functionId, pattern: endpoint.path, method: endpoint.method };
}

class Applier {
  private readonly results: StepResult[] = [];
  private readonly functions = new Map<string, SpotinstFunction>();
  private readonly uploaded = new Map<string, FunctionCodeInfo>();
  private readonly deleted: string[] = [];
  private readonly base64 = new Map<string, Promise<string>>();
  private readonly jobs: Map<string, CronJob>;
  private readonly patterns: Map<string, Pattern>;
  private readonly aliases: Alias[];
  /** ids of the functions this deploy created a cron job for */
  private readonly jobCreatedFor = new Set<string>();

  constructor(private readonly context: ApplyContext) {
    for (const fn of context.actual.functions) this.functions.set(fn.name, fn);
    this.jobs = new Map(context.actual.jobs.map((job) => [job.id, job]));
    this.patterns = new Map(context.actual.patterns.map((pattern) => [pattern.id, pattern]));
    this.aliases = [...context.actual.aliases];
  }

  private record(result: StepResult): void {
    this.results.push(result);
    this.context.onStep?.(result);
  }

  private write<T>(call: () => Promise<T>): Promise<T> {
    return this.context.limiter.run(call);
  }

  /** Runs one step and records its outcome; true when it succeeded. */
  private async step(kind: ResourceKind, name: string, action: StepAction, work: () => Promise<void>): Promise<boolean> {
    try {
      await work();
      this.record({ kind, name, action, outcome: 'done' });
      return true;
    } catch (error) {
      this.record({ kind, name, action, outcome: 'failed', error: error as Error });
      return false;
    }
  }

  private skip(kind: ResourceKind, name: string, action: StepAction, reason: string): void {
    this.record({ kind, name, action, outcome: 'skipped', error: new Error(reason) });
  }

  /** base64 of an artifact, read and encoded once however many functions share it. */
  private source(artifact: Artifact): Promise<string> {
    let encoded = this.base64.get(artifact.path);
    if (encoded === undefined) {
      encoded = artifact.bytes().then((bytes) => bytes.toString('base64'));
      this.base64.set(artifact.path, encoded);
    }
    return encoded;
  }

  private async code(step: FunctionStep): Promise<{ handler: string; source: string }> {
    const artifact = this.context.artifacts.get(step.name);
    if (!artifact) throw new Error(`no artifact was read for function ${step.name}`);
    return { handler: step.desired!.model.handler, source: await this.source(artifact) };
  }

  private async applyFunction(step: FunctionStep): Promise<void> {
    const { client, environmentId } = this.context;
    const model = step.desired?.model;
    if (step.action === 'create' && model) {
      const spec = { ...functionConfiguration(model, environmentId), code: await this.code(step) };
      const created = await createOnce(
        () => this.write(() => client.functions.create(spec)),
        () => client.functions.findByName(environmentId, step.name),
      );
      this.functions.set(step.name, created);
      this.uploaded.set(created.id, { handler: model.handler, sha256: step.desired!.codeSha256 });
    } else if (step.action === 'update' && model && step.id) {
      const spec = { ...functionConfiguration(model, environmentId), ...(step.uploadCode ? { code: await this.code(step) } : {}) };
      const updated = await this.write(() => client.functions.update(step.id!, spec));
      this.functions.set(step.name, updated);
      if (step.uploadCode) this.uploaded.set(updated.id, { handler: model.handler, sha256: step.desired!.codeSha256 });
    } else if (step.action === 'delete' && step.id) {
      await this.write(() => client.functions.delete(step.id!));
      this.functions.delete(step.name);
      this.deleted.push(step.id);
    }
  }

  /** Writes one cron job or pattern; both kinds differ only in their API and input. */
  private async applyTrigger<Input, Resource extends { id: string }>(
    step: { action: StepAction; id?: string },
    functionId: string | undefined,
    api: TriggerApi<Input, Resource>,
    input: (functionId: string) => Input,
  ): Promise<void> {
    if (step.action === 'delete' && step.id) {
      await this.write(() => api.delete(step.id!));
      api.state.delete(step.id);
    } else if (step.action === 'update' && step.id && functionId) {
      const updated = await this.write(() => api.update(step.id!, input(functionId)));
      api.state.set(updated.id, updated);
    } else if (step.action === 'create' && functionId) {
      const body = input(functionId);
      const created = await createOnce(
        () => this.write(() => api.create(body)),
        () => api.findForFunction(functionId),
      );
      api.state.set(created.id, created);
    }
  }

  private async applyJob(step: JobStep, functionId: string | undefined): Promise<void> {
    const { client, environmentId } = this.context;
    await this.applyTrigger<CronJobInput, CronJob>(
      step,
      functionId,
      {
        create: (input) => client.cronJobs.create(input),
        update: (id, input) => client.cronJobs.update(id, input),
        delete: (id) => client.cronJobs.delete(id),
        findForFunction: async (id) => (await client.cronJobs.listByFunction(id))[0],
        state: this.jobs,
      },
      (id) => jobInput(step, id, environmentId),
    );
    if (step.action === 'create' && functionId) this.jobCreatedFor.add(functionId);
  }

  /**
   * Cron jobs are the one resource the API does not keep unique. Two deploys of a service
   * from two checkouts (which share no lock) can each read "no job" and create one for the
   * same function. So a deploy that created jobs lists them afterwards and deletes all but
   * the first of each such function, the one a plan keeps too: whichever deploy finishes
   * last sees both jobs, so the account is left with one.
   */
  private async removeDuplicateJobs(): Promise<void> {
    if (this.jobCreatedFor.size === 0) return;
    const { client } = this.context;
    try {
      const jobs = await client.cronJobs.list({ action: 'INVOKE_FUNCTION' });
      const extras = [...this.jobCreatedFor].flatMap((functionId) => jobs.filter((job) => job.resourceId === functionId).slice(1));
      await Promise.all(
        extras.map(async (extra) => {
          await this.write(() => client.cronJobs.delete(extra.id));
          this.jobs.delete(extra.id);
        }),
      );
      for (const job of jobs) if (this.jobCreatedFor.has(job.resourceId) && !extras.includes(job)) this.jobs.set(job.id, job);
    } catch (error) {
      // the next deploy's plan deletes any duplicate left behind
      this.record({ kind: 'cron', name: 'duplicates', action: 'delete', outcome: 'failed', error: error as Error });
    }
  }

  private applyPattern(step: PatternStep, functionId: string | undefined): Promise<void> {
    const { client, environmentId } = this.context;
    return this.applyTrigger<PatternInput, Pattern>(
      step,
      functionId,
      {
        create: (input) => client.patterns.create(input),
        update: (id, input) => client.patterns.update(id, input),
        delete: (id) => client.patterns.delete(id),
        findForFunction: async (id) =>
          (await client.patterns.listByEnvironment(environmentId)).find((pattern) => pattern.functionId === id),
        state: this.patterns,
      },
      (id) => patternInput(step, id, environmentId),
    );
  }

  private triggerSteps(jobs: JobStep[], patterns: PatternStep[], functionId: () => string | undefined) {
    return [
      ...jobs.map((step) => ({
        kind: 'cron' as const,
        step: step as JobStep | PatternStep,
        run: () => this.step('cron', step.functionName, step.action, () => this.applyJob(step, functionId())),
      })),
      ...patterns.map((step) => ({
        kind: 'endpoint' as const,
        step: step as JobStep | PatternStep,
        run: () => this.step('endpoint', step.functionName, step.action, () => this.applyPattern(step, functionId())),
      })),
    ];
  }

  /** One function and its triggers, in the order their dependencies need. */
  private async applyChain(fnStep: FunctionStep, jobs: JobStep[], patterns: PatternStep[]): Promise<void> {
    const name = fnStep.name;
    const functionId = (): string | undefined => this.functions.get(name)?.id ?? fnStep.id;
    const triggers = this.triggerSteps(jobs, patterns, functionId);
    const writes = triggers.filter(({ step }) => step.action === 'create' || step.action === 'update');
    const deletes = triggers.filter(({ step }) => step.action === 'delete');

    // Triggers go before the function they point at, so none is left pointing at nothing.
    const deletesDone = await Promise.all(deletes.map(({ run }) => run()));
    let functionDone = true;
    if (fnStep.action === 'delete' && deletesDone.includes(false)) {
      functionDone = false;
      this.skip('function', name, fnStep.action, 'a trigger of this function could not be deleted');
    } else if (fnStep.action === 'create' || fnStep.action === 'update' || fnStep.action === 'delete') {
      functionDone = await this.step('function', name, fnStep.action, () => this.applyFunction(fnStep));
    }
    if (!functionDone || functionId() === undefined) {
      for (const { kind, step } of writes) this.skip(kind, name, step.action, 'its function was not deployed');
      return;
    }
    await Promise.all(writes.map(({ run }) => run()));
  }

  async apply(plan: DeployPlan): Promise<ApplyResult> {
    // An alias maps a host to the environment; patterns do not need it to exist, so it is
    // written alongside the functions rather than before them.
    await Promise.all([
      this.applyAlias(plan),
      ...plan.functions.map((fnStep) =>
        this.applyChain(
          fnStep,
          plan.jobs.filter((job) => job.functionName === fnStep.name),
          plan.patterns.filter((pattern) => pattern.functionName === fnStep.name),
        ),
      ),
    ]);
    await this.removeDuplicateJobs();
    return {
      results: this.results,
      uploaded: this.uploaded,
      deleted: this.deleted,
      state: {
        functions: [...this.functions.values()],
        jobs: [...this.jobs.values()],
        patterns: [...this.patterns.values()],
        aliases: this.aliases,
        knownCode: this.context.actual.knownCode,
      },
    };
  }

  private async applyAlias(plan: DeployPlan): Promise<void> {
    if (plan.alias?.action !== 'create') return;
    const { client, environmentId } = this.context;
    const host = plan.alias.host;
    await this.step('alias', host, 'create', async () => {
      const alias = await createOnce(
        () => this.write(() => client.aliases.create({ host, environmentId })),
        async () => (await client.aliases.listByEnvironment(environmentId)).find((found) => found.host === host),
      );
      this.aliases.push(alias);
    });
  }
}

export function applyPlan(plan: DeployPlan, context: ApplyContext): Promise<ApplyResult> {
  return new Applier(context).apply(plan);
}

export function failuresOf(result: ApplyResult): StepResult[] {
  return result.results.filter((step) => step.outcome !== 'done');
}

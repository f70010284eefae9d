/**
 * Apply: carry out a plan against the API. Every function is attempted even when another
 * fails; a function's triggers are written after it (they need its id) and deleted before
 * it; creates that may have reached the server before failing look the resource up first,
 * so a rerun converges without duplicates. What each kind's calls are comes from its
 * descriptor (resources.ts).
 */
import { createOnce, type SpotinstClient } from '../api';
import type { Alias, CronJob, FunctionCodeInfo, Pattern, SpotinstFunction } from '../spec/wire';
import type { AdaptiveLimiter } from './limiter';
import type { DeployPlan, FunctionStep, JobStep, PatternStep, Step, StepAction } from './plan';
import { ALIAS, CRON, ENDPOINT, FUNCTION, type ResourceKind, type TriggerDescriptor } from './resources';
import type { ActualState } from './state';

export type { ResourceKind } from './resources';

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
  /** the code this deploy uploaded, by function id, for the memory file */
  uploaded: Map<string, FunctionCodeInfo>;
  /** function ids this deploy deleted */
  deleted: string[];
  /**
   * What the environment holds after apply: what was read before it, with every write's
   * reply folded in. The API's replies are the remote state, so no read-back is needed.
   */
  state: ActualState;
}

/**
 * The code a function uploads, as packaging checked it (src/package/artifacts.ts): read when
 * it is uploaded, once however many functions share the file.
 */
export interface UploadableCode {
  path: string;
  sha256: string;
  size: number;
  bytes(): Promise<Buffer>;
}

export interface ApplyContext {
  client: SpotinstClient;
  environmentId: string;
  limiter: AdaptiveLimiter;
  /** the artifact of each function to upload, by function name */
  artifacts: Map<string, UploadableCode>;
  actual: ActualState;
  /** called after each finished step, for progress */
  onStep?: (result: StepResult) => void;
}

type Write<S extends Step<ResourceKind, unknown>> = Extract<S, { action: 'create' | 'update' }>;
type Removal<S extends Step<ResourceKind, unknown>> = Extract<S, { action: 'delete' }>;

function isWrite<S extends Step<ResourceKind, unknown>>(step: S): step is Write<S> {
  return step.action === 'create' || step.action === 'update';
}

function isRemoval<S extends Step<ResourceKind, unknown>>(step: S): step is Removal<S> {
  return step.action === 'delete';
}

/** A trigger write of one function's chain, run once the function's id is known. */
interface TriggerWrite {
  kind: ResourceKind;
  action: StepAction;
  run(functionId: string): Promise<boolean>;
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
  private source(name: string): Promise<string> {
    const artifact = this.context.artifacts.get(name);
    if (!artifact) return Promise.reject(new Error(`no artifact was read for function ${name}`));
    let encoded = this.base64.get(artifact.path);
    if (encoded === undefined) {
      encoded = artifact.bytes().then((bytes) => bytes.toString('base64'));
      this.base64.set(artifact.path, encoded);
    }
    return encoded;
  }

  private async applyFunction(step: Write<FunctionStep> | Removal<FunctionStep>): Promise<void> {
    const { client, environmentId } = this.context;
    const calls = FUNCTION.calls(client, environmentId);
    if (step.action === 'delete') {
      await this.write(() => calls.delete(step.id));
      this.functions.delete(step.name);
      this.deleted.push(step.id);
      return;
    }
    const { model, code } = step.desired;
    const configuration = FUNCTION.input(model, environmentId);
    let written: SpotinstFunction;
    if (step.action === 'create') {
      const input = { ...configuration, code: { handler: model.handler, source: await this.source(step.name) } };
      written = await createOnce(
        () => this.write(() => calls.create(input)),
        () => calls.find(input),
      );
    } else {
      // The handler travels with the code: without an upload, both stay as deployed.
      const upload = code ? { code: { handler: model.handler, source: await this.source(step.name) } } : {};
      written = await this.write(() => calls.update(step.id, { ...configuration, ...upload }));
    }
    this.functions.set(step.name, written);
    if (code) this.uploaded.set(written.id, { handler: model.handler, sha256: code.sha256 });
  }

  /** Writes one cron job or pattern of a function that exists: `functionId` is its id. */
  private async writeTrigger<Kind extends 'cron' | 'endpoint', Remote extends { id: string }, Desired, Input>(
    kind: TriggerDescriptor<Kind, Remote, Desired, Input>,
    step: Write<Step<Kind, Desired>>,
    functionId: string,
    state: Map<string, Remote>,
  ): Promise<void> {
    const calls = kind.calls(this.context.client, this.context.environmentId);
    const input = kind.input(step.desired, functionId, this.context.environmentId);
    const written =
      step.action === 'create'
        ? await createOnce(
            () => this.write(() => calls.create(input)),
            () => calls.find(input),
          )
        : await this.write(() => calls.update(step.id, input));
    state.set(written.id, written);
    if (kind.kind === 'cron' && step.action === 'create') this.jobCreatedFor.add(functionId);
  }

  private async deleteTrigger<Kind extends 'cron' | 'endpoint', Remote extends { id: string }, Desired, Input>(
    kind: TriggerDescriptor<Kind, Remote, Desired, Input>,
    step: Removal<Step<Kind, Desired>>,
    state: Map<string, Remote>,
  ): Promise<void> {
    const calls = kind.calls(this.context.client, this.context.environmentId);
    await this.write(() => calls.delete(step.id));
    state.delete(step.id);
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
    const { client, environmentId } = this.context;
    const calls = CRON.calls(client, environmentId);
    try {
      const jobs = await client.cronJobs.list({ action: 'INVOKE_FUNCTION' });
      const extras = [...this.jobCreatedFor].flatMap((functionId) => jobs.filter((job) => job.resourceId === functionId).slice(1));
      await Promise.all(
        extras.map(async (extra) => {
          await this.write(() => calls.delete(extra.id));
          this.jobs.delete(extra.id);
        }),
      );
      for (const job of jobs) if (this.jobCreatedFor.has(job.resourceId) && !extras.includes(job)) this.jobs.set(job.id, job);
    } catch (error) {
      // the next deploy's plan deletes any duplicate left behind
      this.record({ kind: 'cron', name: 'duplicates', action: 'delete', outcome: 'failed', error: error as Error });
    }
  }

  /** The trigger steps of one function: the writes need its id, the deletes go before it. */
  private triggerSteps(jobs: JobStep[], patterns: PatternStep[]): { writes: TriggerWrite[]; deletes: Array<() => Promise<boolean>> } {
    const writes: TriggerWrite[] = [];
    const deletes: Array<() => Promise<boolean>> = [];
    const queue = <Kind extends 'cron' | 'endpoint', Remote extends { id: string }, Desired, Input>(
      kind: TriggerDescriptor<Kind, Remote, Desired, Input>,
      steps: Array<Step<Kind, Desired>>,
      state: Map<string, Remote>,
    ): void => {
      for (const step of steps) {
        if (isWrite(step)) {
          writes.push({
            kind: kind.kind,
            action: step.action,
            run: (functionId) => this.step(kind.kind, step.name, step.action, () => this.writeTrigger(kind, step, functionId, state)),
          });
        } else if (isRemoval(step)) {
          deletes.push(() => this.step(kind.kind, step.name, step.action, () => this.deleteTrigger(kind, step, state)));
        }
      }
    };
    queue(CRON, jobs, this.jobs);
    queue(ENDPOINT, patterns, this.patterns);
    return { writes, deletes };
  }

  /** One function and its triggers, in the order their dependencies need. */
  private async applyChain(fnStep: FunctionStep, jobs: JobStep[], patterns: PatternStep[]): Promise<void> {
    const name = fnStep.name;
    const { writes, deletes } = this.triggerSteps(jobs, patterns);

    // Triggers go before the function they point at, so none is left pointing at nothing.
    const deletesDone = await Promise.all(deletes.map((run) => run()));
    let functionDone = true;
    if (fnStep.action === 'delete' && deletesDone.includes(false)) {
      functionDone = false;
      this.skip('function', name, fnStep.action, 'a trigger of this function could not be deleted');
    } else if (isWrite(fnStep) || isRemoval(fnStep)) {
      functionDone = await this.step('function', name, fnStep.action, () => this.applyFunction(fnStep));
    }
    const functionId = this.functions.get(name)?.id;
    if (!functionDone || functionId === undefined) {
      for (const { kind, action } of writes) this.skip(kind, name, action, 'its function was not deployed');
      return;
    }
    await Promise.all(writes.map((write) => write.run(functionId)));
  }

  private async applyAlias(plan: DeployPlan): Promise<void> {
    const step = plan.alias;
    if (step?.action !== 'create') return;
    const { client, environmentId } = this.context;
    const calls = ALIAS.calls(client, environmentId);
    const input = ALIAS.input(step.desired, environmentId);
    await this.step('alias', step.name, 'create', async () => {
      const alias = await createOnce(
        () => this.write(() => calls.create(input)),
        () => calls.find(input),
      );
      this.aliases.push(alias);
    });
  }

  async apply(plan: DeployPlan): Promise<ApplyResult> {
    // An alias maps a host to the environment; patterns do not need it to exist, so it is
    // written alongside the functions rather than before them.
    await Promise.all([
      this.applyAlias(plan),
      ...plan.functions.map((fnStep) =>
        this.applyChain(
          fnStep,
          plan.jobs.filter((job) => job.name === fnStep.name),
          plan.patterns.filter((pattern) => pattern.name === fnStep.name),
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
}

export function applyPlan(plan: DeployPlan, context: ApplyContext): Promise<ApplyResult> {
  return new Applier(context).apply(plan);
}

export function failuresOf(result: ApplyResult): StepResult[] {
  return result.results.filter((step) => step.outcome !== 'done');
}

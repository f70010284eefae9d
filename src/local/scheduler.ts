import { parseExpression } from 'cron-parser';
import { checkCronExpression } from '../spec/cron';
import type { CronJob } from '../spec/wire';

/** setTimeout cannot wait longer than this; longer waits are done in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Fires enabled cron jobs on time. One timer per job, armed for its next occurrence (in
 * UTC) and re-armed after each run. A run that is still going when the next occurrence
 * comes does not delay it: the runtime queues invocations per worker.
 *
 * Each run is told the occurrence it is for (`dueAt`, epoch ms), the same on every node of
 * a platform whatever its clock: the nodes all arm every job, and the one that claims the
 * occurrence first fires it.
 */
export class CronScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly expressions = new Map<string, string>();

  constructor(
    private readonly run: (jobId: string, dueAt: number) => Promise<void>,
    /** a run that failed (the platform's log says it) */
    private readonly failed: (jobId: string, error: Error) => void,
  ) {}

  sync(jobs: CronJob[]): void {
    for (const job of jobs) this.schedule(job);
  }

  /**
   * Makes the armed jobs exactly the enabled ones of `jobs` (every job there is), keeping
   * the timers of those whose expression did not change: what a node does with the jobs
   * table another node may have changed.
   */
  reconcile(jobs: CronJob[]): void {
    const wanted = new Map<string, { job: CronJob; expression: string }>();
    for (const job of jobs) {
      const checked = checkCronExpression(job.cronExpression);
      if (job.isEnabled && checked.ok) wanted.set(job.id, { job, expression: checked.expression });
    }
    for (const jobId of [...this.expressions.keys()]) if (!wanted.has(jobId)) this.unschedule(jobId);
    for (const [jobId, { job, expression }] of wanted) if (this.expressions.get(jobId) !== expression) this.schedule(job);
  }

  schedule(job: CronJob): void {
    this.unschedule(job.id);
    const checked = checkCronExpression(job.cronExpression);
    if (!job.isEnabled || !checked.ok) return;
    this.expressions.set(job.id, checked.expression);
    this.arm(job.id, Date.now());
  }

  unschedule(jobId: string): void {
    const timer = this.timers.get(jobId);
    if (timer) clearTimeout(timer);
    this.timers.delete(jobId);
    this.expressions.delete(jobId);
  }

  stopAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.expressions.clear();
  }

  /** Arms the timer for the first occurrence strictly after `after`. */
  private arm(jobId: string, after: number): void {
    const expression = this.expressions.get(jobId);
    if (expression === undefined) return;
    const due = parseExpression(expression, { utc: true, currentDate: new Date(after) })
      .next()
      .getTime();
    this.wait(jobId, due);
  }

  private wait(jobId: string, due: number): void {
    const delay = Math.max(0, due - Date.now());
    const timer = setTimeout(
      () => {
        if (Date.now() < due) {
          this.wait(jobId, due); // a long wait done in steps, or a timer that fired early
          return;
        }
        this.arm(jobId, due);
        this.run(jobId, due).catch((error: Error) => this.failed(jobId, error));
      },
      Math.min(delay, MAX_TIMER_MS),
    );
    timer.unref();
    this.timers.set(jobId, timer);
  }
}

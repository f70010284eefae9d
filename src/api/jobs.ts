import { HttpTransport } from './http';
import { Resource } from './resource';
import type { CronJob, CronJobInput } from '../spec/wire';

/** Cron triggers, which the API calls spectrum event jobs. */
export class CronJobsApi extends Resource<CronJob, CronJobInput> {
  constructor(http: HttpTransport) {
    super(http, '/spectrum/events/job', 'job');
  }

  async listByFunction(functionId: string): Promise<CronJob[]> {
    return this.list({ resourceId: functionId, action: 'INVOKE_FUNCTION' });
  }
}

import { HttpTransport, TransportOptions } from './http';
import { ApplicationsApi } from './applications';
import { EnvironmentsApi } from './environments';
import { FunctionsApi } from './functions';
import { LogsApi } from './logs';
import { PatternsApi } from './patterns';
import { AliasesApi } from './aliases';
import { CronJobsApi } from './jobs';
import { DocumentsApi } from './documents';

/** The typed Spotinst Functions client: one property per resource of SPEC §2. */
export class SpotinstClient {
  readonly http: HttpTransport;
  readonly applications: ApplicationsApi;
  readonly environments: EnvironmentsApi;
  readonly functions: FunctionsApi;
  readonly logs: LogsApi;
  readonly patterns: PatternsApi;
  readonly aliases: AliasesApi;
  readonly cronJobs: CronJobsApi;
  readonly documents: DocumentsApi;

  constructor(options: TransportOptions) {
    this.http = new HttpTransport(options);
    this.applications = new ApplicationsApi(this.http);
    this.environments = new EnvironmentsApi(this.http);
    this.functions = new FunctionsApi(this.http);
    this.logs = new LogsApi(this.http);
    this.patterns = new PatternsApi(this.http);
    this.aliases = new AliasesApi(this.http);
    this.cronJobs = new CronJobsApi(this.http);
    this.documents = new DocumentsApi(this.http);
  }

  /** Closes the kept-alive connections so that the process can exit. */
  close(): void {
    this.http.close();
  }
}

export { HttpTransport, DEFAULT_API_URL, DEFAULT_RETRY_POLICY, parseRetryAfter } from './http';
export type { TransportOptions, RetryPolicy, RetryEvent, CallOptions } from './http';
export { SpotinstApiError, isNotFound } from './errors';
export { createOnce } from './create-once';
export type { FunctionRecord, FunctionSpec, FunctionUpdateSpec } from './functions';
export * from '../spec/wire';

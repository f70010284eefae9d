/**
 * The platform's rules, one service per resource. Services are the only code that reads or
 * changes the store; routes turn HTTP into their typed inputs and their results into replies.
 */
import type { AliasService } from './aliases';
import type { ApplicationService } from './applications';
import type { DocumentService } from './documents';
import type { EnvironmentService } from './environments';
import type { FunctionService } from './functions';
import type { JobService } from './jobs';
import type { LogService } from './logs';
import type { PatternService } from './patterns';

export { AliasService, type NewAlias } from './aliases';
export { ApplicationService, type NewApplication, type ApplicationChanges } from './applications';
export { ConsoleService, nextRuns, SERIES_BUCKET_MS, type ApplicationContents, type EnvironmentContents } from './console';
export { DocumentService } from './documents';
export { EnvironmentService, type NewEnvironment, type EnvironmentChanges } from './environments';
export { FunctionService, type NewFunction, type FunctionChanges, type CodeUpload } from './functions';
export { JobService, type NewJob, type JobChanges } from './jobs';
export { LogService } from './logs';
export { PatternService, type NewPattern, type PatternChanges } from './patterns';

export interface Services {
  applications: ApplicationService;
  environments: EnvironmentService;
  functions: FunctionService;
  patterns: PatternService;
  aliases: AliasService;
  jobs: JobService;
  documents: DocumentService;
  logs: LogService;
}

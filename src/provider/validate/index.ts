/**
 * The semantic validator: turns the raw `serverless.yml` objects (as the framework holds
 * them after variable resolution) into the ServiceModel every command works from, and a
 * list of problems that each name the key path, the offending value, what is wrong and
 * what to write instead.
 *
 * The framework's JSON schema (schema.ts) catches unknown function keys and plain type
 * errors. The platform's rules (steps and ranges, runtimes, handlers, cron, traffic
 * splits, variable names) are the spec's (src/spec), which spotinst-local applies too;
 * this module puts each of the spec's reasons under its key path with a fix, and adds what
 * needs the file's context (template placeholders, typos of keys, YAML surprises). It never
 * stops at the first problem, and it builds the model even when there are errors (with
 * the defaults a refused value falls back to), so that a command can go on when what is
 * broken is not what it uses (scope.ts).
 */
import { SpotinstError } from '../../framework/errors';
import { validateEnvironmentVariables } from './environment-variables';
import { EXAMPLE_FUNCTION_FIX, checkCrossFunctionRules, validateFunction } from './functions';
import { Problems, type ConfigNotice } from './problems';
import { validateProviderSettings } from './provider-settings';
import { partitionErrors, WHOLE_SERVICE, type ValidationScope } from './scope';
import { isMap, renderValue, sentence } from './text';
import type { ConfigProblem, FunctionModel, ServiceModel } from '../../framework/service-model';

export { checkApiUrl } from './provider-settings';
export { renderValue } from './text';
export { partitionErrors, WHOLE_SERVICE, type ServiceScope, type ValidationScope } from './scope';
export type { ConfigNotice } from './problems';
/** The spec's cron rule, as the validator applies it to `cron.value`. */
export { checkCronExpression } from '../../spec/cron';

export interface RawServerless {
  service: string;
  /** the resolved stage (`--stage`, then provider.stage, then 'dev') */
  stage: string;
  /** serverless.service.provider */
  provider: unknown;
  /**
   * serverless.service.functions, with `name` only where the user wrote one (the framework
   * fills in `<service>-<stage>-<key>` otherwise, which is not the remote name here)
   */
  functions: Record<string, unknown>;
  /** the config file name for messages, e.g. 'serverless.yml' */
  configFile?: string;
}

export interface ValidationResult {
  /** built even when there are errors: a refused value is left out or replaced by its default */
  model: ServiceModel;
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
  /** what was read differently from how it was written (for --verbose) */
  notices: ConfigNotice[];
}

export const INVALID_CONFIG_CODE = 'SPOTINST_INVALID_CONFIG';

/** Validates everything and builds the model; never throws for bad input. */
export function validateService(raw: RawServerless): ValidationResult {
  const problems = new Problems();
  const service = typeof raw.service === 'string' ? raw.service : String(raw.service ?? '');
  const stage = typeof raw.stage === 'string' && raw.stage !== '' ? raw.stage : 'dev';
  const provider = isMap(raw.provider) ? raw.provider : {};

  const settings = validateProviderSettings(provider.spotinst, service, stage, problems);
  const providerVars = validateEnvironmentVariables(provider.environmentVariables, 'provider.environmentVariables', problems);

  const functions: FunctionModel[] = [];
  const rawFunctions: unknown = raw.functions;
  if (rawFunctions !== undefined && rawFunctions !== null) {
    if (!isMap(rawFunctions)) {
      problems.error('functions', rawFunctions, 'functions must be a map of function definitions', EXAMPLE_FUNCTION_FIX);
    } else {
      for (const [key, definition] of Object.entries(rawFunctions)) {
        const fn = validateFunction(key, definition, { providerVars }, problems);
        if (fn) functions.push(fn);
      }
      checkCrossFunctionRules(functions, rawFunctions, problems);
    }
  }

  const model: ServiceModel = {
    service,
    stage,
    application: settings.application,
    environment: settings.environment,
    ...(settings.profile !== undefined ? { profile: settings.profile } : {}),
    ...(settings.apiUrl !== undefined ? { apiUrl: settings.apiUrl } : {}),
    ...(settings.alias !== undefined ? { alias: settings.alias } : {}),
    prune: settings.prune,
    functions,
  };
  return { model, errors: problems.errors, warnings: problems.warnings, notices: problems.notices };
}

/** One bullet per problem: file, key path and value on the first line, then problem and fix. */
export function formatProblems(problems: readonly ConfigProblem[], configFile: string): string {
  return problems
    .map(
      (problem) =>
        `  - ${configFile}: ${problem.path} = ${renderValue(problem.value)}\n` +
        `      ${sentence(problem.problem)}\n` +
        `      Fix: ${sentence(problem.fix)}`,
    )
    .join('\n');
}

/** The error a command stops with: every one of `errors`, each with its fix. */
export function invalidConfigError(errors: readonly ConfigProblem[], configFile: string): SpotinstError {
  const count = errors.length;
  return new SpotinstError(
    `Invalid Spotinst configuration in ${configFile} (${count} ${count === 1 ? 'error' : 'errors'}):\n` +
      formatProblems(errors, configFile),
    INVALID_CONFIG_CODE,
  );
}

export interface ScopedValidation {
  model: ServiceModel;
  warnings: ConfigProblem[];
  /** errors in what the scope does not use: the command goes on, and says so */
  tolerated: ConfigProblem[];
  notices: ConfigNotice[];
}

/**
 * Like validateService, but throws one SpotinstError listing every error the scope uses
 * (by default: every error).
 */
export function assertValidService(raw: RawServerless, scope: ValidationScope = WHOLE_SERVICE): ScopedValidation {
  return assertValidResult(validateService(raw), raw.configFile ?? 'serverless.yml', scope);
}

/** assertValidService for a result already computed (a provider validates once per command). */
export function assertValidResult(result: ValidationResult, configFile: string, scope: ValidationScope): ScopedValidation {
  const { fatal, tolerated } = partitionErrors(result.errors, result.model, scope);
  if (fatal.length > 0) throw invalidConfigError(fatal, configFile);
  return { model: result.model, warnings: result.warnings, tolerated, notices: result.notices };
}

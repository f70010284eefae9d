/**
 * Which problems stop a command. `deploy` and `package` use everything, so every error
 * stops them. The other commands use part of the file: an error elsewhere (a cron value
 * broken after the last deploy) must not keep a user from `remove`, `info`, `logs` or
 * `invoke`; it is reported as a warning instead.
 */
import { findFunction, type ConfigProblem, type ServiceModel } from '../../framework/service-model';
import { joinPath } from './text';

export interface ServiceScope {
  /** provider.spotinst: the command finds the service's environment or calls the API */
  placement: boolean;
  /** the functions (keys, or remote names as -f takes them) whose whole definition the command uses */
  functions: readonly string[];
}

/** Everything: any error stops the command. */
export const WHOLE_SERVICE = 'all';
export type ValidationScope = typeof WHOLE_SERVICE | ServiceScope;

function under(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}.`) || path.startsWith(`${base}[`);
}

/**
 * Every command tells the functions apart by their remote names, so a definition that is
 * not a map (its settings cannot be read) and a clash of names are errors for all of them.
 */
const FUNCTION_IDENTITY = /^functions(?:(?:\.[A-Za-z0-9_$-]+|\["(?:[^"\\]|\\.)*"\])(?:\.name)?)?$/;

/** Splits errors into those the command must stop for and those it may go on despite. */
export function partitionErrors(
  errors: readonly ConfigProblem[],
  model: Pick<ServiceModel, 'functions'>,
  scope: ValidationScope,
): { fatal: ConfigProblem[]; tolerated: ConfigProblem[] } {
  if (scope === WHOLE_SERVICE) return { fatal: [...errors], tolerated: [] };
  const used = new Set<string>();
  for (const wanted of scope.functions) {
    used.add(wanted);
    const found = findFunction(model, wanted);
    if (found) used.add(found.key);
  }
  const usedPaths = [...used].map((key) => joinPath('functions', key));
  // Provider-level variables are merged into each function's own.
  if (used.size > 0) usedPaths.push('provider.environmentVariables');
  if (scope.placement) usedPaths.push('provider.spotinst');

  const fatal: ConfigProblem[] = [];
  const tolerated: ConfigProblem[] = [];
  for (const problem of errors) {
    const inScope = FUNCTION_IDENTITY.test(problem.path) || usedPaths.some((base) => under(problem.path, base));
    (inScope ? fatal : tolerated).push(problem);
  }
  return { fatal, tolerated };
}

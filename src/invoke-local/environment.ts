/**
 * The variables a handler sees under `invoke local`: the same as deployed (the service's and
 * the function's `environmentVariables`, then the platform's SPOTINST_* ones), then what the
 * user asked for with `--env`. Nothing of the host's environment: a handler that works here
 * because of a variable in the developer's shell would break once deployed.
 */
import { ENV_NAME_PATTERN } from '../spec/environment-variables';
import { SpotinstError } from '../framework/errors';
import { platformVariables, type FunctionIdentity } from '../spec/contract';

/** `--env KEY=VALUE`, repeatable: the framework hands one as a string, several as a list. */
export function parseEnvOptions(value: unknown): Record<string, string> {
  if (value === undefined || value === false) return {};
  const items = Array.isArray(value) ? value : [value];
  const parsed: Record<string, string> = {};
  for (const item of items) {
    if (typeof item !== 'string') {
      throw new SpotinstError(
        '--env needs KEY=VALUE, e.g. --env STAGE=dev (repeat it for more variables).',
        'SPOTINST_INVOKE_LOCAL_ENV_INVALID',
      );
    }
    const equals = item.indexOf('=');
    const name = equals < 0 ? item : item.slice(0, equals);
    if (equals < 0 || !ENV_NAME_PATTERN.test(name)) {
      const problem = equals < 0 ? 'has no "="' : `"${name}" is not a variable name (letters, digits and _, not starting with a digit)`;
      throw new SpotinstError(
        `--env ${item} ${problem}. Write KEY=VALUE, e.g. --env STAGE=dev (an empty value is KEY=).`,
        'SPOTINST_INVOKE_LOCAL_ENV_INVALID',
      );
    }
    parsed[name] = item.slice(equals + 1);
  }
  return parsed;
}

export function localEnvironment(
  own: Record<string, string>,
  identity: FunctionIdentity,
  overrides: Record<string, string>,
): Record<string, string> {
  // --env comes last: the user asked for exactly that value, even for a SPOTINST_* name
  return { ...platformVariables(own, identity), ...overrides };
}

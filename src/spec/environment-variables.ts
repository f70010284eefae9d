/** Environment variable names a function may have, and the ones the platform keeps for itself. */
import type { Refusal } from './refusal';

/** Letters, digits and `_`, not starting with a digit. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The variables the platform sets in every invocation (SPEC §6), by what they tell. */
export const PLATFORM_VARIABLE_NAMES = {
  functionId: 'SPOTINST_FUNCTION_ID',
  environmentId: 'SPOTINST_ENVIRONMENT_ID',
  version: 'SPOTINST_FUNCTION_VERSION',
} as const;

/** Names a function cannot set: the platform's variables win (a function cannot pretend to be another). */
export const RESERVED_ENV_NAMES: readonly string[] = Object.values(PLATFORM_VARIABLE_NAMES);

export type EnvironmentVariableNameRefusal = Refusal<'pattern' | 'reserved'> & { nearest?: string };

/**
 * Undefined when a function may have a variable of this name. `nearest` is a name that
 * would be accepted (the name with every other character turned into `_`, or the reserved
 * name under MY_), when it still has a letter or digit.
 */
export function checkEnvironmentVariableName(name: string): EnvironmentVariableNameRefusal | undefined {
  if (!ENV_NAME_PATTERN.test(name)) {
    const sanitized = name
      .trim()
      .replace(/[^A-Za-z0-9_]+/g, '_')
      .replace(/^(?=\d)/, '_');
    return {
      kind: 'pattern',
      problem: 'is not a valid environment variable name (letters, digits and _, not starting with a digit)',
      ...(/[A-Za-z0-9]/.test(sanitized) ? { nearest: sanitized } : {}),
    };
  }
  if (RESERVED_ENV_NAMES.includes(name)) {
    return {
      kind: 'reserved',
      problem: 'is reserved: the platform sets it for every invocation',
      nearest: `MY_${name.replace(/^SPOTINST_/, '')}`,
    };
  }
  return undefined;
}

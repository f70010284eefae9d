/**
 * The one error type every layer below the plugin throws for a problem the user can fix.
 *
 * The plugin turns it into the framework's ServerlessError at the hook boundary, so the
 * CLI shows the message as a user error (no stack) and the code in `--debug` output.
 */
export class SpotinstError extends Error {
  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.name = 'SpotinstError';
    this.code = code;
  }
}

export function isSpotinstError(error: unknown): error is SpotinstError {
  return error instanceof SpotinstError;
}

/** `SPOTINST_INVOKE`, `SPOTINST_INVOKE_LOCAL`, `SPOTINST_LOGS`: error codes say which command failed. */
export type CodePrefix = 'SPOTINST_INVOKE' | 'SPOTINST_INVOKE_LOCAL' | 'SPOTINST_LOGS';

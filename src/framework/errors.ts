/**
 * The one error type every layer below the plugin throws for a problem the user can fix,
 * and the table of every code it can carry, with its cause and fix.
 *
 * The plugin turns a SpotinstError into the framework's ServerlessError at the hook
 * boundary, so the CLI shows the message as a user error (no stack) and the code in
 * `--debug` output. The table is the one list of codes: the compiler refuses a code that is
 * not in it, and docs/troubleshooting.md is checked against it
 * (test/unit/docs/troubleshooting.test.ts; `npm run docs:errors` rewrites the page's tables).
 */

export type ErrorTopic = 'configuration' | 'credentials' | 'api' | 'deploy' | 'commands';

export interface ErrorDescription {
  /** the part of docs/troubleshooting.md it is listed under */
  topic: ErrorTopic;
  /** what happened, as the page says it */
  cause: string;
  /** what to do */
  fix: string;
}

export const ERROR_CODES = {
  SPOTINST_INVALID_CONFIG: {
    topic: 'configuration',
    cause:
      'A `serverless.yml` value is wrong: its range, a multiple, cron syntax, percentages, a placeholder left in. The message lists every problem, with key, value and fix.',
    fix: "Do what each line's `Fix:` says. [Configuration](configuration.md) lists the limits.",
  },
  SPOTINST_API_URL_INVALID: {
    topic: 'configuration',
    cause: '`SPOTINST_API_URL` is set, but not to an `http://` or `https://` URL (e.g. `127.0.0.1:7711`, without its scheme).',
    fix: 'Write the whole URL, as the message shows, or unset the variable.',
  },
  SPOTINST_INVALID_OPTION: {
    topic: 'configuration',
    cause: 'A command-line option value is wrong, e.g. `--concurrency x`.',
    fix: 'Use the form the message shows.',
  },
  SPOTINST_FUNCTION_REQUIRED: {
    topic: 'configuration',
    cause: '`invoke`, `invoke local` or `logs` ran without `-f`.',
    fix: 'Name the function with `-f`; the message lists them.',
  },
  SPOTINST_FUNCTION_NOT_IN_FILE: {
    topic: 'configuration',
    cause:
      '`-f NAME` (`deploy function`, `info`, `invoke`, `invoke local`, `logs`) names a function that is not in the file, by key or by remote name.',
    fix: 'Use one of the functions the message lists.',
  },
  SPOTINST_ARTIFACT_MISSING: {
    topic: 'configuration',
    cause: 'A function has no artifact: packaging was disabled, or `package.artifact` points nowhere.',
    fix: 'Remove `package.disable`, or fix `package.artifact`.',
  },
  SPOTINST_ARTIFACT_TOO_LARGE: {
    topic: 'configuration',
    cause: "An artifact is over the platform's 50 MB.",
    fix: 'Exclude files with `package.patterns`, or package functions individually.',
  },
  SPOTINST_ARTIFACT_INVALID: {
    topic: 'configuration',
    cause: 'An artifact is not a zip or jar.',
    fix: 'Rebuild it.',
  },
  SPOTINST_ARTIFACT_CHANGED: {
    topic: 'configuration',
    cause: 'An artifact was rewritten between its check and its upload (a build running beside the deploy).',
    fix: 'Let the build finish, then run the command again.',
  },
  SPOTINST_HANDLER_NOT_PACKAGED: {
    topic: 'configuration',
    cause: 'The artifact does not contain the handler file (or java class).',
    fix: 'Fix `handler`, or the `package.patterns` that left the file out.',
  },
  SPOTINST_TYPESCRIPT_BUILD_FAILED: {
    topic: 'configuration',
    cause:
      'A TypeScript handler (`.ts`, `.mts`, `.cts`) does not build with esbuild: a syntax error, or an import that cannot be resolved. The message names the file, line and column.',
    fix: 'Fix the code at that line. Type errors never stop a build: esbuild strips types without checking them.',
  },
  SPOTINST_JAR_MISSING: {
    topic: 'configuration',
    cause: 'A java8 function has no `target/<service>.jar`.',
    fix: "Build it: `mvn package`, or `javac` + `jar` as in the java template's README. Or set `package.artifact`.",
  },
  SPOTINST_DEPLOY_LOCKED: {
    topic: 'configuration',
    cause: 'Another `deploy`, `remove` or `dev` of the same directory is running, or a lock file from another machine is present.',
    fix: 'Wait for it to finish. If no such process exists, delete `.serverless/spotinst-deploy.lock`.',
  },
  SPOTINST_CREDENTIALS_MISSING: {
    topic: 'credentials',
    cause: 'No token and account in the environment or in the profile.',
    fix: '`serverless spotinst credentials --token … --account …`, or set `SPOTINST_TOKEN` and `SPOTINST_ACCOUNT`. Against spotinst-local, use the values it prints.',
  },
  SPOTINST_CREDENTIALS_INVALID: {
    topic: 'credentials',
    cause: 'The profile or the variables are incomplete, or the account does not look like `act-…`.',
    fix: 'Fix what the message names.',
  },
  SPOTINST_CREDENTIALS_UNREADABLE: {
    topic: 'credentials',
    cause: '`~/.spotinst/credentials` (or `SPOTINST_CREDENTIALS_FILE`) is not valid YAML. The message gives the line, never the content.',
    fix: 'Fix the file, or write it again with `serverless spotinst credentials --overwrite`.',
  },
  SPOTINST_CREDENTIALS_EXIST: {
    topic: 'credentials',
    cause: '`spotinst credentials` would replace an existing profile.',
    fix: 'Add `--overwrite`, or choose another `--profile`.',
  },
  SPOTINST_API_UNAUTHORIZED: {
    topic: 'api',
    cause: '401: the token is wrong or missing.',
    fix: 'Check the token and where it came from; the message names the source.',
  },
  SPOTINST_API_FORBIDDEN: {
    topic: 'api',
    cause: '403: the token may not use this account.',
    fix: "Check `SPOTINST_ACCOUNT` or the profile's `account`.",
  },
  SPOTINST_API_NOT_FOUND: {
    topic: 'api',
    cause: '404: a resource is gone, e.g. deleted in the console during the command.',
    fix: 'Run the command again; the plan reads the state afresh.',
  },
  SPOTINST_API_VALIDATION: {
    topic: 'api',
    cause: "400: the API refused a value. The message quotes the API's reason and field.",
    fix: 'Change the value it names.',
  },
  SPOTINST_API_CONFLICT: {
    topic: 'api',
    cause: '409: a name is taken, e.g. by an application or environment that someone else made.',
    fix: 'Rename, or use the existing one (`provider.spotinst.application`, `environment`).',
  },
  SPOTINST_API_TOO_LARGE: {
    topic: 'api',
    cause: "413: a request body is over the API's limit.",
    fix: 'Make the artifact smaller (see `SPOTINST_ARTIFACT_TOO_LARGE`).',
  },
  SPOTINST_API_RATE_LIMITED: {
    topic: 'api',
    cause: '429 persisted through every retry.',
    fix: 'Wait and run again, or lower `--concurrency`.',
  },
  SPOTINST_API_SERVER_ERROR: {
    topic: 'api',
    cause: '5xx persisted through the retries.',
    fix: 'Run the command again; it converges. If the error stays, the service is down.',
  },
  SPOTINST_API_UNREACHABLE: {
    topic: 'api',
    cause: 'No connection: refused, reset, or DNS failure.',
    fix: 'Check `provider.spotinst.apiUrl` or `SPOTINST_API_URL`. The message says which one was used. Is spotinst-local running?',
  },
  SPOTINST_API_TIMEOUT: {
    topic: 'api',
    cause: 'No reply in time.',
    fix: 'Run again. A create that may have reached the server is looked up first, so nothing is duplicated.',
  },
  SPOTINST_API_UNEXPECTED_REPLY: {
    topic: 'api',
    cause: 'The reply is not a Spotinst envelope.',
    fix: 'The URL is probably not the Spotinst API: check `apiUrl`.',
  },
  SPOTINST_API_ERROR: {
    topic: 'api',
    cause: 'Any other HTTP error.',
    fix: 'The message quotes the API.',
  },
  SPOTINST_ENVIRONMENT_NOT_FOUND: {
    topic: 'deploy',
    cause: '`provider.spotinst.environment` is an `env-…` id that does not exist in the account.',
    fix: 'Fix the id, or remove the line to let the plugin create an environment per stage.',
  },
  SPOTINST_NOT_DEPLOYED: {
    topic: 'deploy',
    cause: '`info`, `deploy function`, `invoke` or `logs` ran on a service (or function) that is not deployed in this stage.',
    fix: 'Run `serverless deploy` first, with the same `--stage`.',
  },
  SPOTINST_DEPLOY_INCOMPLETE: {
    topic: 'deploy',
    cause: "Some changes failed. Everything else was deployed, and each step's outcome is listed.",
    fix: 'Fix what the `✖` lines say, then run `serverless deploy` again; it picks up where it stopped.',
  },
  SPOTINST_REMOVE_INCOMPLETE: {
    topic: 'deploy',
    cause: 'Some deletions failed.',
    fix: 'Run `serverless remove` again.',
  },
  SPOTINST_DATA_INVALID: {
    topic: 'commands',
    cause: '`invoke` or `invoke local` got `--data` without a value.',
    fix: 'Give the event data: `--data \'{"name":"you"}\'`.',
  },
  SPOTINST_DATA_CONFLICT: {
    topic: 'commands',
    cause: '`invoke` or `invoke local` got both `--data` and `--path`.',
    fix: 'Give one of them.',
  },
  SPOTINST_DATA_FILE_NOT_FOUND: {
    topic: 'commands',
    cause: 'The `--path` file does not exist, or is a directory.',
    fix: 'Fix the path: it is relative to the service directory.',
  },
  SPOTINST_DATA_FILE_INVALID: {
    topic: 'commands',
    cause: 'The `--path` file is not valid JSON (or YAML, for `.yml`/`.yaml`), or `--path` has no value.',
    fix: 'Fix the file, or pass text with `--data`.',
  },
  SPOTINST_INVOKE_FUNCTION_ERROR: {
    topic: 'commands',
    cause: "The function threw, or timed out, on the platform. The message is the function's.",
    fix: 'Fix the function. `serverless logs -f NAME` shows what it printed.',
  },
  SPOTINST_INVOKE_STATUS: {
    topic: 'commands',
    cause: 'The function answered outside 2xx. The body is printed.',
    fix: 'Usually intended. Otherwise, fix the function.',
  },
  SPOTINST_INVOKE_UNAUTHORIZED: {
    topic: 'commands',
    cause: 'The function URL refused the token.',
    fix: 'Check the credentials of this account.',
  },
  SPOTINST_INVOKE_TOO_LARGE: {
    topic: 'commands',
    cause: "The event is over the platform's 6 MB.",
    fix: 'Send less data.',
  },
  SPOTINST_INVOKE_TIMEOUT: {
    topic: 'commands',
    cause: 'The function URL did not answer.',
    fix: 'Check that the platform is up.',
  },
  SPOTINST_INVOKE_NO_REPLY: {
    topic: 'commands',
    cause: 'The function URL did not answer.',
    fix: 'Check that the platform is up.',
  },
  SPOTINST_INVOKE_UNREACHABLE: {
    topic: 'commands',
    cause: 'The function URL did not answer.',
    fix: 'Check that the platform is up.',
  },
  SPOTINST_INVOKE_LOCAL_FUNCTION_ERROR: {
    topic: 'commands',
    cause: 'The handler threw. Its message and stack are shown.',
    fix: 'Fix the handler.',
  },
  SPOTINST_INVOKE_LOCAL_TIMEOUT: {
    topic: 'commands',
    cause: 'The handler ran past `timeout` and was killed.',
    fix: 'Make it faster, or raise `timeout`.',
  },
  SPOTINST_INVOKE_LOCAL_STATUS: {
    topic: 'commands',
    cause: 'The handler returned a `statusCode` outside 2xx, or an invalid one.',
    fix: 'Return `{statusCode, body, headers}`.',
  },
  SPOTINST_INVOKE_LOCAL_INVALID_RESULT: {
    topic: 'commands',
    cause: 'The handler returned a `statusCode` outside 2xx, or an invalid one.',
    fix: 'Return `{statusCode, body, headers}`.',
  },
  SPOTINST_INVOKE_LOCAL_HANDLER_NOT_FOUND: {
    topic: 'commands',
    cause: 'The handler file or export is missing.',
    fix: 'Fix `handler`.',
  },
  SPOTINST_INVOKE_LOCAL_CODE_NOT_FOUND: {
    topic: 'commands',
    cause: 'No java jar or classes, or an unreadable jar.',
    fix: 'Build `target/<service>.jar` (or `target/classes`).',
  },
  SPOTINST_INVOKE_LOCAL_CODE_INVALID: {
    topic: 'commands',
    cause: 'No java jar or classes, or an unreadable jar.',
    fix: 'Build `target/<service>.jar` (or `target/classes`).',
  },
  SPOTINST_INVOKE_LOCAL_RUNTIME_UNAVAILABLE: {
    topic: 'commands',
    cause: 'The interpreter (`python3`, `ruby`, `java`) is not installed.',
    fix: 'Install the interpreter the message names.',
  },
  SPOTINST_INVOKE_LOCAL_UNSUPPORTED_RUNTIME: {
    topic: 'commands',
    cause: 'The runtime family is unknown.',
    fix: 'Use a runtime from the [configuration](configuration.md) list.',
  },
  SPOTINST_INVOKE_LOCAL_ENV_INVALID: {
    topic: 'commands',
    cause: 'An `--env` is not `KEY=VALUE`.',
    fix: 'e.g. `--env LOG_LEVEL=debug`',
  },
  SPOTINST_DEV_PLATFORM_UNREACHABLE: {
    topic: 'commands',
    cause: '`serverless dev --platform URL`: no spotinst-local answers at that URL (`GET /__local/health`).',
    fix: 'Start it (`npx spotinst-local`), fix the URL, or leave `--platform` out so that dev runs one itself.',
  },
  SPOTINST_LOGS_START_TIME_INVALID: {
    topic: 'commands',
    cause: '`--startTime` is not one of the accepted forms, or is in the future.',
    fix: '`30m`, `2h`, `3d`, an ISO date, or epoch milliseconds.',
  },
  SPOTINST_LOGS_INTERVAL_INVALID: {
    topic: 'commands',
    cause: '`--interval` is not a number of milliseconds in range.',
    fix: 'e.g. `--interval 2000`',
  },
  SPOTINST_LOGS_FILTER_INVALID: {
    topic: 'commands',
    cause: '`--filter` has no text.',
    fix: 'e.g. `--filter ERROR`',
  },
  SPOTINST_LOGS_OUTPUT_FAILED: {
    topic: 'commands',
    cause: '`--tail` could not write to its output (not a closed pipe such as `| head`, which ends the tail quietly).',
    fix: 'Check where the output goes (a full disk, a broken terminal).',
  },
} as const satisfies Record<string, ErrorDescription>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class SpotinstError extends Error {
  readonly code: ErrorCode;

  constructor(message: string, code: ErrorCode) {
    super(message);
    this.name = 'SpotinstError';
    this.code = code;
  }
}

export function isSpotinstError(error: unknown): error is SpotinstError {
  return error instanceof SpotinstError;
}

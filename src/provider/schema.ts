/**
 * The JSON schema the framework validates serverless.yml against (configSchemaHandler,
 * AJV 8 strict mode). It declares every key the plugin reads, so that the framework still
 * reports a misspelt function key (`memroy: 128`), and describes each one.
 *
 * It does not constrain the values: validate/ checks every one of them, with messages that
 * name the file, the key, the value and what to write instead. The framework's messages for
 * the same mistakes name the key only ("must be <= 2496", "unrecognized property
 * 'enviroment'", "unsupported configuration format"), and they would come first: osls stops
 * on them by default (its configValidationMode defaults to error), before the plugin runs.
 */
import { PATTERN_METHODS } from '../spec/wire';
import { DEFAULT_ACCESS, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, MEMORY_RULE, TIMEOUT_RULE } from '../spec/limits';
import { DOCUMENTED_RUNTIMES } from '../spec/runtimes';

type JsonSchema = Record<string, unknown>;

/**
 * Any value. "true" and "false" become booleans on the way, as they did when the key was
 * typed boolean: a value from `${env:…}` or `${opt:…}` is a string.
 */
function lenientBoolean(description: string): JsonSchema {
  return { description, anyOf: [{ type: 'boolean' }, { not: { type: 'boolean' } }] };
}

/** Any value; a map has its (lenient) boolean keys converted as above. */
function lenientMap(description: string, properties: Record<string, JsonSchema>): JsonSchema {
  return { description, anyOf: [{ type: 'object', properties }, { not: { type: 'object' } }] };
}

const environmentVariables: JsonSchema = {
  description: 'Map of NAME: value. Values are sent as strings (size: 100 → "100").',
};

export const providerSchema = {
  provider: {
    properties: {
      spotinst: lenientMap(
        'Spotinst Functions settings: environment (an env-… id, or {name, providers, locations, strategy}; empty: one per stage), ' +
          'application, profile, apiUrl, alias, prune.',
        {
          prune: lenientBoolean('Delete remote functions that are no longer in this file. Default: false.'),
        },
      ),
      environmentVariables,
    },
  },
  function: {
    properties: {
      handler: { description: 'file.function (node, python, ruby) or a class name such as com.serverless.Handler (java).' },
      runtime: {
        description: `One of ${DOCUMENTED_RUNTIMES.join(', ')}; newer versions of these families are accepted with a warning.`,
      },
      description: { type: 'string' },
      memory: {
        description: `MB, a multiple of ${MEMORY_RULE.step} from ${MEMORY_RULE.min} to ${MEMORY_RULE.max}. Default: ${DEFAULT_MEMORY_MB}.`,
      },
      timeout: {
        description: `Seconds, a multiple of ${TIMEOUT_RULE.step} from ${TIMEOUT_RULE.min} to ${TIMEOUT_RULE.max}. Default: ${DEFAULT_TIMEOUT_S}.`,
      },
      access: { description: `private (calls need the token) or public. Default: ${DEFAULT_ACCESS}.` },
      environmentVariables,
      cron: lenientMap("{active, value}: a cron expression of 5 fields, or 6 with seconds first, e.g. '*/5 * * * *'.", {
        active: lenientBoolean('Default: true.'),
      }),
      endpoint: { description: `{path, method}: a path under the alias host, and one of ${PATTERN_METHODS.join(', ')} (any case).` },
      // The old guides wrote cors as a list of maps; validate.ts reads both forms.
      cors: lenientMap("{enabled, origin, headers, methods}. Default: disabled; origin '*'.", {
        enabled: lenientBoolean('Answer CORS preflight requests and add CORS headers. Default: false.'),
      }),
      activeVersions: { description: 'Traffic split: a list of {version: $LATEST or a number, percentage}; percentages sum to 100.' },
      iamRoleConfig: { description: '{roleId}: a Spotinst role id, e.g. sfr-5ea76784.' },
      parameters: { description: 'Default event data (a map) for invoke and invoke local.' },
      package: {
        type: 'object',
        properties: {
          artifact: { type: 'string' },
          exclude: { type: 'array', items: { type: 'string' } },
          include: { type: 'array', items: { type: 'string' } },
          individually: { type: 'boolean' },
          patterns: { type: 'array', items: { type: 'string' } },
          disable: { type: 'boolean' },
        },
        additionalProperties: false,
      },
    },
  },
  functionEvents: {
    // The old docs showed `events: - http: path`; every function already has a URL, so the
    // event is accepted and has no further effect.
    http: { anyOf: [{ type: 'string' }, { type: 'object' }] },
  },
};

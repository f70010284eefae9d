/**
 * The JSON schema the framework validates serverless.yml against (configSchemaHandler,
 * AJV 8 strict mode). It catches typos and type errors with the framework's own messages;
 * the semantic checks that need context (cron syntax, percentages summing to 100, the
 * template placeholder) live in validate.ts.
 */
import { CLOUD_PROVIDERS, MEMORY_RULE, PATTERN_METHODS, STRATEGIES, TIMEOUT_RULE, type StepRange } from '../api/types';
import { DOCUMENTED_RUNTIMES } from '../runtimes/catalog';

type JsonSchema = Record<string, unknown>;

function stepRange(rule: StepRange): JsonSchema {
  return { type: 'integer', minimum: rule.min, maximum: rule.max, multipleOf: rule.step };
}

const environmentVariables: JsonSchema = {
  description: 'Environment variables of the function. Values are sent as strings.',
  type: 'object',
  patternProperties: {
    '^.+$': {
      // Scalars only: the framework coerces numbers and booleans to strings in place.
      anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }],
    },
  },
  additionalProperties: false,
};

const cors: JsonSchema = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean', description: 'Answer CORS preflight requests and add CORS headers. Default: false.' },
    origin: { type: 'string', description: "Allowed origin. Default: '*'." },
    headers: { type: 'string', description: "Comma-separated allowed headers. Default: 'Content-Type,Authorization'." },
    methods: { type: 'string', description: "Comma-separated allowed methods. Default: 'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT'." },
  },
  additionalProperties: false,
};

const iamRoleConfig: JsonSchema = {
  type: 'object',
  properties: { roleId: { type: 'string', description: 'Spotinst role id, e.g. sfr-5ea76784.' } },
  required: ['roleId'],
  additionalProperties: false,
};

export const providerSchema = {
  definitions: {
    spotinstEnvironmentVariables: environmentVariables,
  },
  provider: {
    properties: {
      spotinst: {
        description: 'Spotinst Functions settings.',
        // The old template leaves every child commented out, which YAML reads as null.
        anyOf: [
          { type: 'null' },
          {
            type: 'object',
            properties: {
              environment: {
                description:
                  'Environment id (env-…), or {name, providers, locations, strategy}. Empty: one environment per stage, created when missing.',
                anyOf: [
                  { type: 'null' },
                  { type: 'string' },
                  {
                    // Left open on purpose: a leftover `{Your Environment}` placeholder gets a
                    // precise message from the semantic validator instead of a generic one.
                    type: 'object',
                    properties: {
                      name: { type: 'string', description: 'Environment name. Default: the stage.' },
                      providers: {
                        type: 'array',
                        items: { enum: [...CLOUD_PROVIDERS] },
                        description: 'Eligible clouds.',
                      },
                      locations: { type: 'array', items: { type: 'string' }, description: 'e.g. us-east, europe.' },
                      strategy: { enum: [...STRATEGIES] },
                    },
                  },
                ],
              },
              application: { type: 'string', description: 'Application name. Default: the service name.' },
              profile: { type: 'string', description: 'Profile in ~/.spotinst/credentials. Default: default.' },
              apiUrl: { type: 'string', description: 'API base URL, e.g. http://127.0.0.1:7711 for spotinst-local.' },
              alias: { type: 'string', description: 'Host name that routes to the endpoint patterns.' },
              prune: { type: 'boolean', description: 'Delete remote functions that are no longer in this file. Default: false.' },
            },
            additionalProperties: false,
          },
        ],
      },
      environmentVariables: { $ref: '#/definitions/spotinstEnvironmentVariables' },
    },
  },
  function: {
    properties: {
      handler: {
        type: 'string',
        description: 'file.function (node, python, ruby) or a class name such as com.serverless.Handler (java).',
      },
      runtime: {
        type: 'string',
        description: `One of ${DOCUMENTED_RUNTIMES.join(', ')}; newer versions of these families are accepted with a warning.`,
      },
      description: { type: 'string' },
      memory: { ...stepRange(MEMORY_RULE), description: 'MB. Default: 128.' },
      timeout: { ...stepRange(TIMEOUT_RULE), description: 'Seconds. Default: 30.' },
      access: { enum: ['private', 'public'], description: 'private needs the token to call the URL. Default: private.' },
      environmentVariables: { $ref: '#/definitions/spotinstEnvironmentVariables' },
      cron: {
        type: 'object',
        properties: {
          active: { type: 'boolean', description: 'Default: true.' },
          value: { type: 'string', description: "Cron expression: 5 fields, or 6 with seconds first, e.g. '*/5 * * * *'." },
        },
        required: ['value'],
        additionalProperties: false,
      },
      endpoint: {
        type: 'object',
        properties: {
          path: { type: 'string', description: 'Path under the alias host, e.g. /hello.' },
          method: {
            type: 'string',
            description: `${PATTERN_METHODS.join(', ')} (any case).`,
          },
        },
        required: ['path', 'method'],
        additionalProperties: false,
      },
      // The old guides wrote cors as a list of maps; both forms stay valid.
      cors: { anyOf: [cors, { type: 'array', items: cors, minItems: 1 }] },
      activeVersions: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: {
            version: { anyOf: [{ const: '$LATEST' }, { type: 'integer', minimum: 0 }, { type: 'string' }] },
            percentage: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
          },
          required: ['version', 'percentage'],
          additionalProperties: false,
        },
        description: 'Traffic split between versions; percentages sum to 100.',
      },
      iamRoleConfig,
      parameters: { type: 'object', description: 'Default event data for invoke and invoke local.' },
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

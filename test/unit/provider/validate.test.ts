import * as fs from 'fs';
import * as path from 'path';
import { load } from 'js-yaml';
import { SpotinstError } from '../../../src/framework/errors';
import type { ConfigProblem } from '../../../src/framework/service-model';
import { assertValidService, formatProblems, validateService, type RawServerless } from '../../../src/provider/validate';

const LEGACY = path.join(__dirname, '..', '..', 'fixtures', 'legacy');

/** Marks a key to delete from the base function definition. */
const UNSET = Symbol('unset');
type Overrides = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function baseFunction(overrides: Overrides = {}): Record<string, unknown> {
  const fn: Record<string, unknown> = { runtime: 'nodejs8.3', handler: 'handler.main', memory: 128, timeout: 30 };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === UNSET) delete fn[key];
    else fn[key] = value;
  }
  return fn;
}

/** A service with one function `hello` (base definition + overrides) and optional provider parts. */
function svc(fnOverrides: Overrides = {}, provider: Record<string, unknown> = {}): RawServerless {
  return {
    service: 'svc',
    stage: 'dev',
    provider: { name: 'spotinst', ...provider },
    functions: { hello: baseFunction(fnOverrides) },
    configFile: 'serverless.yml',
  };
}

function spotinst(settings: unknown): RawServerless {
  return svc({}, { spotinst: settings });
}

function env(environment: unknown): RawServerless {
  return spotinst({ environment });
}

/** Reads a YAML fixture the way the framework hands it over: parsed, stage resolved. */
function fromYaml(text: string, stage = 'dev'): RawServerless {
  const doc: unknown = load(text);
  if (!isRecord(doc)) throw new Error('fixture is not a map');
  const provider = isRecord(doc.provider) ? doc.provider : {};
  const functions = isRecord(doc.functions) ? doc.functions : {};
  return {
    service: String(doc.service),
    stage: typeof provider.stage === 'string' ? provider.stage : stage,
    provider,
    functions,
    configFile: 'serverless.yml',
  };
}

function fixture(name: string): RawServerless {
  return fromYaml(fs.readFileSync(path.join(LEGACY, name), 'utf8'));
}

function describeProblems(problems: ConfigProblem[]): string {
  return problems.map((p) => `${p.path}: ${p.problem} | fix: ${p.fix}`).join('\n');
}

// ---- bad inputs ---------------------------------------------------------------------

interface BadCase {
  /** what is wrong */
  name: string;
  input: RawServerless;
  /** the key path of the expected error */
  path: string;
  /** the offending value as the message renders it */
  value: string;
  /** part of the fix */
  fix: string;
  /** part of the problem text, when worth pinning */
  problem?: string;
}

const F = 'functions.hello';
const SPOT = 'provider.spotinst';

const badCases: BadCase[] = [
  // memory
  {
    name: 'memory below the minimum',
    input: svc({ memory: 100 }),
    path: `${F}.memory`,
    value: '100',
    fix: 'use 128',
    problem: 'multiple of 64',
  },
  { name: 'memory not a multiple of 64', input: svc({ memory: 200 }), path: `${F}.memory`, value: '200', fix: 'use 192' },
  { name: 'memory above the maximum', input: svc({ memory: 3000 }), path: `${F}.memory`, value: '3000', fix: 'use 2496', problem: '2496' },
  { name: 'memory with a unit', input: svc({ memory: '256MB' }), path: `${F}.memory`, value: '"256MB"', fix: 'use 256' },
  {
    name: 'memory with decimals',
    input: svc({ memory: 128.5 }),
    path: `${F}.memory`,
    value: '128.5',
    fix: 'use 128',
    problem: 'whole number',
  },
  { name: 'memory as a boolean', input: svc({ memory: true }), path: `${F}.memory`, value: 'true', fix: 'use 128' },
  // timeout
  {
    name: 'timeout not a multiple of 30',
    input: svc({ timeout: 45 }),
    path: `${F}.timeout`,
    value: '45',
    fix: 'use 60',
    problem: 'multiple of 30',
  },
  { name: 'timeout above 300', input: svc({ timeout: 600 }), path: `${F}.timeout`, value: '600', fix: 'use 300' },
  { name: 'timeout zero', input: svc({ timeout: 0 }), path: `${F}.timeout`, value: '0', fix: 'use 30' },
  { name: 'timeout with a unit', input: svc({ timeout: '90s' }), path: `${F}.timeout`, value: '"90s"', fix: 'use 90' },
  // runtime
  {
    name: 'runtime missing',
    input: svc({ runtime: UNSET }),
    path: `${F}.runtime`,
    value: '(not set)',
    fix: 'runtime: nodejs8.3',
    problem: 'required',
  },
  {
    name: 'AWS-style runtime',
    input: svc({ runtime: 'nodejs20.x' }),
    path: `${F}.runtime`,
    value: '"nodejs20.x"',
    fix: 'use nodejs20',
    problem: 'AWS',
  },
  {
    name: 'runtime older than documented',
    input: svc({ runtime: 'nodejs4.3' }),
    path: `${F}.runtime`,
    value: '"nodejs4.3"',
    fix: 'nodejs4.8',
    problem: 'older',
  },
  {
    name: 'java older than java8',
    input: svc({ runtime: 'java7', handler: 'com.serverless.Handler' }),
    path: `${F}.runtime`,
    value: '"java7"',
    fix: 'use java8',
  },
  { name: 'python older than 2.7', input: svc({ runtime: 'python2.6' }), path: `${F}.runtime`, value: '"python2.6"', fix: 'python2.7' },
  {
    name: 'unknown runtime family',
    input: svc({ runtime: 'go1.x' }),
    path: `${F}.runtime`,
    value: '"go1.x"',
    fix: 'nodejs4.8, nodejs8.3, nodejs8.9.3, python2.7, ruby2.4.1, java8',
  },
  { name: 'runtime in upper case', input: svc({ runtime: 'NodeJS8.3' }), path: `${F}.runtime`, value: '"NodeJS8.3"', fix: 'use nodejs8.3' },
  { name: 'runtime typo', input: svc({ runtime: 'nodjs8.3' }), path: `${F}.runtime`, value: '"nodjs8.3"', fix: 'did you mean nodejs8.3' },
  // handler
  {
    name: 'handler missing',
    input: svc({ handler: UNSET }),
    path: `${F}.handler`,
    value: '(not set)',
    fix: 'handler: handler.main',
    problem: 'required',
  },
  {
    name: 'handler without a function part',
    input: svc({ handler: 'main' }),
    path: `${F}.handler`,
    value: '"main"',
    fix: 'use handler.main',
  },
  {
    name: 'handler naming only the file',
    input: svc({ handler: 'handler.js' }),
    path: `${F}.handler`,
    value: '"handler.js"',
    fix: 'handler.main',
    problem: 'not the function',
  },
  {
    name: 'handler with a colon',
    input: svc({ handler: 'handler:main' }),
    path: `${F}.handler`,
    value: '"handler:main"',
    fix: 'use handler.main',
  },
  {
    name: 'handler function not an identifier',
    input: svc({ handler: 'src/handler.1main' }),
    path: `${F}.handler`,
    value: '"src/handler.1main"',
    fix: 'file.function',
    problem: 'not a valid function name',
  },
  {
    name: 'handler with an absolute path',
    input: svc({ handler: '/srv/handler.main' }),
    path: `${F}.handler`,
    value: '"/srv/handler.main"',
    fix: 'file.function',
    problem: 'relative',
  },
  {
    name: 'python handler function with $',
    input: svc({ runtime: 'python2.7', handler: 'handler.$main' }),
    path: `${F}.handler`,
    value: '"handler.$main"',
    fix: 'file.function',
  },
  {
    name: 'java handler with ::method',
    input: svc({ runtime: 'java8', handler: 'com.serverless.Handler::handleRequest' }),
    path: `${F}.handler`,
    value: '"com.serverless.Handler::handleRequest"',
    fix: 'use com.serverless.Handler',
    problem: '::',
  },
  {
    name: 'java handler as a file path',
    input: svc({ runtime: 'java8', handler: 'com/serverless/Handler.java' }),
    path: `${F}.handler`,
    value: '"com/serverless/Handler.java"',
    fix: 'use com.serverless.Handler',
  },
  {
    name: 'java handler not a class name',
    input: svc({ runtime: 'java8', handler: 'com.serverless.1Handler' }),
    path: `${F}.handler`,
    value: '"com.serverless.1Handler"',
    fix: 'com.serverless.Handler',
    problem: 'fully qualified class name',
  },
  // access
  { name: 'access capitalised', input: svc({ access: 'Public' }), path: `${F}.access`, value: '"Public"', fix: 'use public' },
  { name: 'access unknown', input: svc({ access: 'internal' }), path: `${F}.access`, value: '"internal"', fix: 'private or public' },
  // cron
  {
    name: 'cron with 7 fields',
    input: svc({ cron: { value: '0 0 12 * * ? 2030' } }),
    path: `${F}.cron.value`,
    value: '"0 0 12 * * ? 2030"',
    fix: "'0 0 12 * * *'",
    problem: '7 fields',
  },
  {
    name: 'cron with 3 fields',
    input: svc({ cron: { value: '* * *' } }),
    path: `${F}.cron.value`,
    value: '"* * *"',
    fix: "'*/5 * * * *'",
    problem: '3 fields',
  },
  {
    name: 'cron minute out of range',
    input: svc({ cron: { value: '61 * * * *' } }),
    path: `${F}.cron.value`,
    value: '"61 * * * *"',
    fix: "'*/5 * * * *'",
    problem: 'not a valid cron expression',
  },
  {
    name: 'cron with AWS rate syntax',
    input: svc({ cron: { value: 'rate(5 minutes)' } }),
    path: `${F}.cron.value`,
    value: '"rate(5 minutes)"',
    fix: "use '*/5 * * * *'",
    problem: 'AWS',
  },
  { name: 'cron macro', input: svc({ cron: { value: '@daily' } }), path: `${F}.cron.value`, value: '"@daily"', fix: "use '0 0 * * *'" },
  {
    name: 'cron as a bare string',
    input: svc({ cron: '*/5 * * * *' }),
    path: `${F}.cron`,
    value: '"*/5 * * * *"',
    fix: "cron: {active: true, value: '*/5 * * * *'}",
  },
  {
    name: 'cron.active quoted',
    input: svc({ cron: { active: 'yes', value: '* * * * *' } }),
    path: `${F}.cron.active`,
    value: '"yes"',
    fix: 'active: true (without quotes)',
  },
  {
    name: 'cron value missing',
    input: svc({ cron: { active: true } }),
    path: `${F}.cron.value`,
    value: '(not set)',
    fix: "'*/5 * * * *'",
    problem: 'required',
  },
  {
    name: 'cron key typo',
    input: svc({ cron: { enabled: true, value: '* * * * *' } }),
    path: `${F}.cron.enabled`,
    value: 'true',
    fix: 'did you mean active',
  },
  // endpoint
  {
    name: 'endpoint path without /',
    input: svc({ endpoint: { path: 'hello', method: 'get' } }),
    path: `${F}.endpoint.path`,
    value: '"hello"',
    fix: 'use /hello',
    problem: 'start with /',
  },
  {
    name: 'endpoint path with a query',
    input: svc({ endpoint: { path: '/hello?x=1', method: 'get' } }),
    path: `${F}.endpoint.path`,
    value: '"/hello?x=1"',
    fix: 'use /hello',
    problem: 'query string',
  },
  {
    name: 'endpoint path with a space',
    input: svc({ endpoint: { path: '/hello world', method: 'get' } }),
    path: `${F}.endpoint.path`,
    value: '"/hello world"',
    fix: 'use /hello-world',
    problem: 'spaces',
  },
  {
    name: 'endpoint method unknown',
    input: svc({ endpoint: { path: '/hello', method: 'FETCH' } }),
    path: `${F}.endpoint.method`,
    value: '"FETCH"',
    fix: 'GET, PUT, POST, DELETE, OPTIONS, PATCH, ALL',
  },
  {
    name: 'endpoint method ANY',
    input: svc({ endpoint: { path: '/hello', method: 'any' } }),
    path: `${F}.endpoint.method`,
    value: '"any"',
    fix: 'use ALL',
  },
  {
    name: 'endpoint method missing',
    input: svc({ endpoint: { path: '/hello' } }),
    path: `${F}.endpoint.method`,
    value: '(not set)',
    fix: 'method: get',
    problem: 'required',
  },
  // cors
  {
    name: 'cors.enabled quoted',
    input: svc({ cors: { enabled: 'true' } }),
    path: `${F}.cors.enabled`,
    value: '"true"',
    fix: 'enabled: true (without quotes)',
  },
  {
    name: 'cors.origin as a list',
    input: svc({ cors: { enabled: true, origin: ['https://a.example', 'https://b.example'] } }),
    path: `${F}.cors.origin`,
    value: '["https://a.example","https://b.example"]',
    fix: "origin: 'https://a.example,https://b.example'",
  },
  {
    name: 'cors key from AWS',
    input: svc({ cors: { enabled: true, allowOrigin: '*' } }),
    path: `${F}.cors.allowOrigin`,
    value: '"*"',
    fix: 'did you mean origin',
  },
  { name: 'cors: true', input: svc({ cors: true }), path: `${F}.cors`, value: 'true', fix: 'cors: {enabled: true}' },
  // activeVersions
  {
    name: 'activeVersions summing to 90',
    input: svc({
      activeVersions: [
        { version: '$LATEST', percentage: 80 },
        { version: 2, percentage: 10 },
      ],
    }),
    path: `${F}.activeVersions`,
    value: '[{"version":"$LATEST","percentage":80},{"version":2,"percentage":10}]',
    fix: 'add 10',
    problem: 'add up to 90',
  },
  {
    name: 'activeVersions summing to 110',
    input: svc({
      activeVersions: [
        { version: '$LATEST', percentage: 80 },
        { version: 2, percentage: 30 },
      ],
    }),
    path: `${F}.activeVersions`,
    value: '[{"version":"$LATEST","percentage":80},{"version":2,"percentage":30}]',
    fix: 'take 10 off',
    problem: 'add up to 110',
  },
  {
    name: 'percentage with three decimals',
    input: svc({
      activeVersions: [
        { version: '$LATEST', percentage: 33.333 },
        { version: 1, percentage: 66.667 },
      ],
    }),
    path: `${F}.activeVersions[0].percentage`,
    value: '33.333',
    fix: 'use 33.33',
    problem: 'two decimals',
  },
  {
    name: 'percentage zero',
    input: svc({
      activeVersions: [
        { version: '$LATEST', percentage: 100 },
        { version: 1, percentage: 0 },
      ],
    }),
    path: `${F}.activeVersions[1].percentage`,
    value: '0',
    fix: 'positive',
    problem: 'greater than 0',
  },
  {
    name: 'negative version',
    input: svc({ activeVersions: [{ version: -1, percentage: 100 }] }),
    path: `${F}.activeVersions[0].version`,
    value: '-1',
    fix: '0 or above',
  },
  {
    name: 'fractional version',
    input: svc({ activeVersions: [{ version: 1.5, percentage: 100 }] }),
    path: `${F}.activeVersions[0].version`,
    value: '1.5',
    fix: 'whole version number, e.g. 1',
  },
  {
    name: 'version latest in lower case',
    input: svc({ activeVersions: [{ version: 'latest', percentage: 100 }] }),
    path: `${F}.activeVersions[0].version`,
    value: '"latest"',
    fix: 'use $LATEST',
  },
  {
    name: 'duplicate version (number and string)',
    input: svc({
      activeVersions: [
        { version: 2, percentage: 50 },
        { version: '2', percentage: 50 },
      ],
    }),
    path: `${F}.activeVersions[1].version`,
    value: '"2"',
    fix: 'merge the two entries',
    problem: 'listed twice',
  },
  {
    name: 'activeVersions empty',
    input: svc({ activeVersions: [] }),
    path: `${F}.activeVersions`,
    value: '[]',
    fix: '{version: $LATEST, percentage: 100}',
    problem: 'at least one',
  },
  {
    name: 'activeVersions as a single map',
    input: svc({ activeVersions: { version: '$LATEST', percentage: 100 } }),
    path: `${F}.activeVersions`,
    value: '{"version":"$LATEST","percentage":100}',
    fix: 'write it as a list',
  },
  // iamRoleConfig, parameters
  {
    name: 'iamRoleConfig.roleId empty',
    input: svc({ iamRoleConfig: { roleId: '' } }),
    path: `${F}.iamRoleConfig.roleId`,
    value: '""',
    fix: 'roleId: sfr-',
    problem: 'required',
  },
  {
    name: 'iamRoleConfig with id instead of roleId',
    input: svc({ iamRoleConfig: { id: 'sfr-1a2b3c4d' } }),
    path: `${F}.iamRoleConfig.id`,
    value: '"sfr-1a2b3c4d"',
    fix: 'did you mean roleId',
  },
  {
    name: 'iamRoleConfig as the old commented list',
    input: svc({ iamRoleConfig: [{ id: 'sfr-1a2b3c4d' }] }),
    path: `${F}.iamRoleConfig`,
    value: '[{"id":"sfr-1a2b3c4d"}]',
    fix: 'iamRoleConfig: {roleId: sfr-1a2b3c4d}',
  },
  {
    name: 'parameters as a string',
    input: svc({ parameters: 'name=world' }),
    path: `${F}.parameters`,
    value: '"name=world"',
    fix: 'parameters: {name: world}',
  },
  {
    name: 'parameters as a JSON string',
    input: svc({ parameters: '{"name":"world"}' }),
    path: `${F}.parameters`,
    value: '"{\\"name\\":\\"world\\"}"',
    fix: 'YAML map instead of a JSON string',
  },
  // environment variables
  {
    name: 'env name with a dash',
    input: svc({ environmentVariables: { 'MY-VAR': 'x' } }),
    path: `${F}.environmentVariables.MY-VAR`,
    value: '"x"',
    fix: 'MY_VAR',
    problem: '"MY-VAR" is not a valid environment variable name',
  },
  {
    name: 'env name starting with a digit',
    input: svc({ environmentVariables: { '1ST': 'x' } }),
    path: `${F}.environmentVariables.1ST`,
    value: '"x"',
    fix: '_1ST',
  },
  {
    name: 'env name with a space',
    input: svc({ environmentVariables: { 'MY VAR': 'x' } }),
    path: `${F}.environmentVariables["MY VAR"]`,
    value: '"x"',
    fix: 'MY_VAR',
  },
  {
    name: 'reserved env name',
    input: svc({ environmentVariables: { SPOTINST_FUNCTION_ID: 'fx-1' } }),
    path: `${F}.environmentVariables.SPOTINST_FUNCTION_ID`,
    value: '"fx-1"',
    fix: 'remove it',
    problem: 'reserved',
  },
  {
    name: 'reserved env name at provider level',
    input: svc({}, { environmentVariables: { SPOTINST_ENVIRONMENT_ID: 'env-1' } }),
    path: 'provider.environmentVariables.SPOTINST_ENVIRONMENT_ID',
    value: '"env-1"',
    fix: 'remove it',
    problem: 'reserved',
  },
  {
    name: 'env value is a map',
    input: svc({ environmentVariables: { CONFIG: { a: 1 } } }),
    path: `${F}.environmentVariables.CONFIG`,
    value: '{"a":1}',
    fix: 'quote it as a string or JSON.stringify it',
    problem: 'is a map',
  },
  {
    name: 'env value is a list at provider level',
    input: svc({}, { environmentVariables: { LIST: [1, 2] } }),
    path: 'provider.environmentVariables.LIST',
    value: '[1,2]',
    fix: 'JSON.stringify',
    problem: 'is a list',
  },
  {
    name: 'the {…} ellipsis left as provider variables',
    input: svc({}, { environmentVariables: { '…': null } }),
    path: 'provider.environmentVariables["…"]',
    value: 'null (empty)',
    fix: 'environmentVariables: {LOG_LEVEL: info}',
    problem: 'placeholder',
  },
  {
    name: 'environmentVariables as a list',
    input: svc({ environmentVariables: ['A=1'] }),
    path: `${F}.environmentVariables`,
    value: '["A=1"]',
    fix: 'write a map instead of a list',
  },
  // provider.spotinst
  {
    name: 'the {Your Environment} placeholder',
    input: env({ 'Your Environment': null }),
    path: `${SPOT}.environment`,
    value: '{"Your Environment":null}',
    fix: 'environment: env-1a2b3c4d',
    problem: '{Your Environment} is the template placeholder',
  },
  {
    name: 'the {Your Environment ID} placeholder',
    input: env({ 'Your Environment ID': null }),
    path: `${SPOT}.environment`,
    value: '{"Your Environment ID":null}',
    fix: 'remove the environment line',
    problem: 'placeholder',
  },
  {
    name: 'the <env-XXXX> placeholder as a string',
    input: env('<env-XXXX>'),
    path: `${SPOT}.environment`,
    value: '"<env-XXXX>"',
    fix: 'environment: env-1a2b3c4d',
    problem: 'placeholder left from the template',
  },
  {
    name: 'an environment id in braces',
    input: env({ 'env-1a2b3c4d': null }),
    path: `${SPOT}.environment`,
    value: '{"env-1a2b3c4d":null}',
    fix: 'remove the braces: environment: env-1a2b3c4d',
  },
  {
    name: 'an environment name as a string',
    input: env('production'),
    path: `${SPOT}.environment`,
    value: '"production"',
    fix: 'environment: {name: production}',
    problem: 'env-',
  },
  { name: 'environment as a number', input: env(42), path: `${SPOT}.environment`, value: '42', fix: 'environment: env-1a2b3c4d' },
  {
    name: 'environment unknown key',
    input: env({ nmae: 'prod' }),
    path: `${SPOT}.environment.nmae`,
    value: '"prod"',
    fix: 'did you mean name',
  },
  {
    name: 'environment unknown provider',
    input: env({ providers: ['aws', 'digitalocean'] }),
    path: `${SPOT}.environment.providers[1]`,
    value: '"digitalocean"',
    fix: 'aws, azure, gcp, ibm, oracle, equinix',
  },
  {
    name: 'environment provider in upper case',
    input: env({ providers: ['AWS'] }),
    path: `${SPOT}.environment.providers[0]`,
    value: '"AWS"',
    fix: 'use aws',
  },
  {
    name: 'environment strategy typo',
    input: env({ strategy: 'least-expensiv' }),
    path: `${SPOT}.environment.strategy`,
    value: '"least-expensiv"',
    fix: 'use strategy: least-expensive',
  },
  {
    name: 'environment strategy unknown',
    input: env({ strategy: 'cheapest' }),
    path: `${SPOT}.environment.strategy`,
    value: '"cheapest"',
    fix: 'least-expensive, highest-performance, location',
  },
  {
    name: 'environment locations as a string',
    input: env({ locations: 'us-east' }),
    path: `${SPOT}.environment.locations`,
    value: '"us-east"',
    fix: 'locations: [us-east]',
  },
  {
    name: 'environment empty location',
    input: env({ locations: ['us-east', ''] }),
    path: `${SPOT}.environment.locations[1]`,
    value: '""',
    fix: 'us-east',
  },
  {
    name: 'provider.spotinst key typo',
    input: spotinst({ enviroment: 'env-1a2b3c4d' }),
    path: `${SPOT}.enviroment`,
    value: '"env-1a2b3c4d"',
    fix: 'did you mean environment',
  },
  {
    name: 'provider.spotinst unknown key',
    input: spotinst({ region: 'us-east-1' }),
    path: `${SPOT}.region`,
    value: '"us-east-1"',
    fix: 'environment, application, profile, apiUrl, alias, prune',
  },
  {
    name: 'provider.spotinst is a string',
    input: spotinst('env-1a2b3c4d'),
    path: SPOT,
    value: '"env-1a2b3c4d"',
    fix: 'spotinst: {environment: env-1a2b3c4d}',
  },
  {
    name: 'apiUrl without scheme',
    input: spotinst({ apiUrl: 'localhost:7711' }),
    path: `${SPOT}.apiUrl`,
    value: '"localhost:7711"',
    fix: 'apiUrl: http://localhost:7711',
  },
  {
    name: 'apiUrl with another scheme',
    input: spotinst({ apiUrl: 'ftp://api.example.com' }),
    path: `${SPOT}.apiUrl`,
    value: '"ftp://api.example.com"',
    fix: 'http://127.0.0.1:7711',
  },
  {
    name: 'alias with scheme and path',
    input: spotinst({ alias: 'https://api.example.com/v1' }),
    path: `${SPOT}.alias`,
    value: '"https://api.example.com/v1"',
    fix: 'alias: api.example.com',
  },
  { name: 'prune quoted', input: spotinst({ prune: 'yes' }), path: `${SPOT}.prune`, value: '"yes"', fix: 'prune: true (without quotes)' },
  {
    name: 'application as a number',
    input: spotinst({ application: 42 }),
    path: `${SPOT}.application`,
    value: '42',
    fix: 'application: my-app',
  },
  // function definitions
  {
    name: 'function defined as null',
    input: { service: 'svc', stage: 'dev', provider: { name: 'spotinst' }, functions: { hello: null } },
    path: F,
    value: 'null (empty)',
    fix: 'runtime: nodejs8.3, handler: handler.main',
  },
  {
    name: 'two functions with the same remote name',
    input: {
      service: 'svc',
      stage: 'dev',
      provider: { name: 'spotinst' },
      functions: { a: baseFunction({ name: 'shared' }), b: baseFunction({ name: 'shared' }) },
    },
    path: 'functions.b.name',
    value: '"shared"',
    fix: 'name: shared-2',
    problem: 'both be deployed',
  },
  {
    name: 'two functions on the same endpoint',
    input: {
      service: 'svc',
      stage: 'dev',
      provider: { name: 'spotinst' },
      functions: {
        a: baseFunction({ endpoint: { path: '/x', method: 'get' } }),
        b: baseFunction({ endpoint: { path: '/x', method: 'ALL' } }),
      },
    },
    path: 'functions.b.endpoint',
    value: '{"path":"/x","method":"ALL"}',
    fix: 'another path',
  },
];

describe('validateService: bad inputs', () => {
  it('covers well over 35 cases', () => {
    expect(badCases.length).toBeGreaterThanOrEqual(35);
  });

  it.each(badCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = validateService(c.input);
    // deploy stops, naming the key path and the value
    expect(() => assertValidService(c.input)).toThrow(`${c.path} = ${c.value}`);
    const problem = result.errors.find((p) => p.path === c.path);
    if (!problem) throw new Error(`no error at ${c.path}; got:\n${describeProblems(result.errors)}`);

    expect(problem.fix).toContain(c.fix);
    if (c.problem) expect(problem.problem).toContain(c.problem);

    const text = formatProblems([problem], 'serverless.yml');
    expect(text).toContain(`serverless.yml: ${c.path} = ${c.value}`);
    expect(text).toContain(c.fix);
    // the message names the key itself, not only a path
    const key =
      c.path
        .replace(/\[\d+\]$/, '')
        .split(/[.[]/)
        .pop()
        ?.replace(/["\]]/g, '') ?? '';
    expect(text).toContain(key);
  });
});

// ---- valid legacy files -------------------------------------------------------------

describe('validateService: files written by the old templates and docs', () => {
  it('accepts the old nodejs template with provider.spotinst null (all children commented)', () => {
    const raw = fixture('template-nodejs.yml');
    expect((raw.provider as Record<string, unknown>).spotinst).toBeNull();
    const result = validateService(raw);
    expect(describeProblems(result.errors)).toBe('');
    expect(result.warnings).toEqual([]);
    expect(result.model).toEqual({
      service: 'spotinst-nodejs',
      stage: 'dev',
      application: 'spotinst-nodejs',
      environment: { kind: 'managed', name: 'dev' },
      prune: false,
      functions: [
        {
          key: 'hello',
          name: 'hello',
          runtime: 'nodejs8.3',
          handler: 'handler.main',
          memory: 128,
          timeout: 30,
          access: 'private',
          environmentVariables: {},
        },
      ],
    });
  });

  it.each([
    ['spotinst: null', null],
    ['spotinst: {environment: null}', { environment: null }],
    ["spotinst: {environment: ''}", { environment: '' }],
    ['no spotinst key', undefined],
  ])('accepts the template function with %s', (_label, settings) => {
    const raw: RawServerless = {
      service: 'spotinst-nodejs',
      stage: 'dev',
      provider: settings === undefined ? { name: 'spotinst' } : { name: 'spotinst', spotinst: settings },
      functions: {
        hello: { runtime: 'nodejs8.3', handler: 'handler.main', memory: 128, timeout: 30, access: 'private' },
      },
    };
    const result = validateService(raw);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.model?.environment).toEqual({ kind: 'managed', name: 'dev' });
  });

  it.each([
    ['template-python.yml', 'spotinst-python', 'python2.7', 'handler.main'],
    ['template-ruby.yml', 'spotinst-ruby', 'ruby2.4.1', 'handler.main'],
    ['template-java8.yml', 'spotinst-java8', 'java8', 'com.serverless.Handler'],
  ])('accepts %s', (file, service, runtime, handler) => {
    const result = validateService(fixture(file));
    expect(describeProblems(result.errors)).toBe('');
    expect(result.warnings).toEqual([]);
    const fn = result.model?.functions[0];
    expect(fn).toMatchObject({ key: 'hello', name: 'hello', runtime, handler, memory: 128, timeout: 30, access: 'private' });
  });

  it('accepts the old serverless.yml reference page (blank environment, dashed function key)', () => {
    const result = validateService(fixture('docs-reference.yml'));
    expect(describeProblems(result.errors)).toBe('');
    expect(result.warnings).toEqual([]);
    expect(result.model?.functions.map((f) => f.name)).toEqual(['function-name']);
  });

  it('accepts the optional settings as the old guides wrote them', () => {
    const result = validateService(fixture('docs-features.yml'));
    expect(describeProblems(result.errors)).toBe('');
    expect(result.warnings).toEqual([]);
    const model = result.model;
    expect(model?.environment).toEqual({ kind: 'id', id: 'env-8f451a5f' });
    const [hello, canary] = model?.functions ?? [];
    expect(hello.environmentVariables).toEqual({ Key: 'Value' });
    expect(hello.endpoint).toEqual({ path: '/home', method: 'GET' });
    // cors as a list of one-key maps reads as one map
    expect(hello.cors).toEqual({ enabled: true, origin: 'http://foo.example', headers: 'Content-Type,X-PINGOTHER', methods: 'PUT,POST' });
    expect(hello.activeVersions).toEqual([
      { version: 5, percentage: 50 },
      { version: 3, percentage: 25 },
      { version: 1, percentage: 25 },
    ]);
    expect(hello.iamRoleConfig).toEqual({ roleId: 'sfr-5da1aba5' });
    expect(hello.cron).toEqual({ active: false, expression: '*/1 * * * *' });
    expect(hello.access).toBe('public');
    // cors as a one-item list
    expect(canary.cors).toEqual({ enabled: true, origin: 'http://foo.example', headers: 'Content-Type,X-PINGOTHER', methods: 'PUT,POST' });
    expect(canary.activeVersions).toEqual([
      { version: '$LATEST', percentage: 80 },
      { version: 2, percentage: 20 },
    ]);
    expect(canary).toMatchObject({ handler: 'src/canary.main', memory: 256, timeout: 60, runtime: 'nodejs8.9.3' });
  });

  it('accepts the full SPEC §3 example and builds the expected model', () => {
    const raw = fixture('spec-example.yml');
    const result = validateService(raw);
    expect(describeProblems(result.errors)).toBe('');
    expect(result.warnings).toEqual([]);
    expect(result.model).toEqual({
      service: 'my-service',
      stage: 'dev',
      application: 'my-app',
      environment: { kind: 'id', id: 'env-1a2b3c4d' },
      profile: 'default',
      apiUrl: 'http://127.0.0.1:7711',
      alias: 'api.example.com',
      prune: false,
      functions: [
        {
          key: 'hello',
          name: 'hello',
          runtime: 'nodejs8.3',
          handler: 'handler.main',
          memory: 128,
          timeout: 30,
          access: 'private',
          environmentVariables: { LOG_LEVEL: 'info', size: '100', debug: 'true', KEY: 'value' },
          cron: { active: true, expression: '*/5 * * * *' },
          endpoint: { path: '/hello', method: 'GET' },
          cors: { enabled: true, origin: '*', headers: 'Content-Type,Authorization', methods: 'GET,POST' },
          activeVersions: [
            { version: '$LATEST', percentage: 80 },
            { version: 2, percentage: 20 },
          ],
          iamRoleConfig: { roleId: 'sfr-5ea76784' },
          parameters: { name: 'world' },
        },
      ],
    });
  });

  it('does not share objects with the raw input', () => {
    const raw = fixture('spec-example.yml');
    const model = validateService(raw).model;
    const params = model?.functions[0].parameters;
    expect(params).toEqual({ name: 'world' });
    const rawHello = (raw.functions.hello as Record<string, unknown>).parameters;
    expect(params).not.toBe(rawHello);
  });
});

// ---- warnings -----------------------------------------------------------------------

describe('validateService: warnings', () => {
  it.each([
    ['nodejs20', 'handler.main'],
    ['nodejs8.10', 'handler.main'],
    ['python3.12', 'handler.main'],
    ['ruby3.3', 'handler.main'],
    ['java17', 'com.serverless.Handler'],
  ])('%s is a warning, not an error', (runtime, handler) => {
    const result = validateService(svc({ runtime, handler }));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    const warning = result.warnings[0];
    expect(warning.path).toBe(`${F}.runtime`);
    expect(warning.value).toBe(runtime);
    expect(warning.problem).toContain('the Spotinst cloud may reject it');
    expect(result.model?.functions[0].runtime).toBe(runtime);
  });

  it('warns when cors settings are given without enabled', () => {
    const result = validateService(svc({ cors: { origin: '*' } }));
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.path)).toEqual([`${F}.cors.enabled`]);
    expect(result.warnings[0].fix).toContain('enabled: true');
    expect(result.model?.functions[0].cors).toEqual({ enabled: false, origin: '*' });
  });

  it('keeps errors and warnings apart when both occur', () => {
    const result = validateService(svc({ runtime: 'nodejs20', memory: 100 }));
    expect(result.warnings.map((w) => w.path)).toEqual([`${F}.runtime`]);
    expect(result.errors.map((e) => e.path)).toEqual([`${F}.memory`]);
    // the model is built anyway, with the default in place of the refused value
    expect(result.model.functions[0]).toMatchObject({ runtime: 'nodejs20', memory: 128 });
  });
});

// ---- coercions, defaults and merge --------------------------------------------------

describe('validateService: coercions and defaults', () => {
  it('applies the defaults for memory, timeout and access', () => {
    const result = validateService(svc({ memory: UNSET, timeout: UNSET }));
    expect(result.model?.functions[0]).toMatchObject({ memory: 128, timeout: 30, access: 'private' });
  });

  it('accepts numeric strings for memory, timeout, versions and percentages', () => {
    const result = validateService(
      svc({
        memory: '256',
        timeout: '60',
        activeVersions: [
          { version: '$LATEST', percentage: '80' },
          { version: '2', percentage: 20 },
        ],
      }),
    );
    expect(result.errors).toEqual([]);
    const fn = result.model?.functions[0];
    expect(fn?.memory).toBe(256);
    expect(fn?.timeout).toBe(60);
    expect(fn?.activeVersions).toEqual([
      { version: '$LATEST', percentage: 80 },
      { version: 2, percentage: 20 },
    ]);
  });

  it('upper-cases endpoint methods', () => {
    const methods = ['get', 'Put', 'post', 'delete', 'options', 'patch', 'all'];
    for (const method of methods) {
      const result = validateService(svc({ endpoint: { path: '/x', method } }));
      expect(result.model?.functions[0].endpoint).toEqual({ path: '/x', method: method.toUpperCase() });
    }
  });

  it('coerces environment variable values to strings', () => {
    const result = validateService(
      svc({ environmentVariables: { SIZE: 100, RATIO: 1.5, DEBUG: true, OFF: false, EMPTY: null, TEXT: 'plain' } }),
    );
    expect(result.errors).toEqual([]);
    expect(result.model?.functions[0].environmentVariables).toEqual({
      SIZE: '100',
      RATIO: '1.5',
      DEBUG: 'true',
      OFF: 'false',
      EMPTY: '',
      TEXT: 'plain',
    });
  });

  it('sends a YAML date as the date written, with a warning', () => {
    const raw = fromYaml(
      'service: s\nprovider: {name: spotinst}\nfunctions:\n  hello: {runtime: nodejs8.3, handler: handler.main, environmentVariables: {RELEASED: 2024-05-01}}\n',
    );
    const result = validateService(raw);
    expect(result.errors).toEqual([]);
    expect(result.model?.functions[0].environmentVariables).toEqual({ RELEASED: '2024-05-01' });
    expect(result.warnings.map((w) => w.path)).toEqual(['functions.hello.environmentVariables.RELEASED']);
    expect(result.warnings[0].fix).toContain('quote the value');
  });

  it('merges provider variables under function variables (function wins)', () => {
    const raw: RawServerless = {
      service: 'svc',
      stage: 'prod',
      provider: { name: 'spotinst', environmentVariables: { A: 'provider', B: 'provider', N: 1 } },
      functions: {
        first: baseFunction({ environmentVariables: { B: 'function', C: 'function' } }),
        second: baseFunction(),
      },
    };
    const model = validateService(raw).model;
    expect(model?.functions[0].environmentVariables).toEqual({ A: 'provider', B: 'function', C: 'function', N: '1' });
    expect(model?.functions[1].environmentVariables).toEqual({ A: 'provider', B: 'provider', N: '1' });
  });

  it('sums percentages exactly (hundredths, no float error)', () => {
    const cases = [
      [0.1, 0.2, 99.7],
      [33.33, 33.33, 33.34],
      [0.01, 99.99],
    ];
    for (const percentages of cases) {
      const activeVersions = percentages.map((percentage, index) => ({ version: index === 0 ? '$LATEST' : index, percentage }));
      const result = validateService(svc({ activeVersions }));
      expect(describeProblems(result.errors)).toBe('');
      expect(result.model?.functions[0].activeVersions?.map((v) => v.percentage)).toEqual(percentages);
    }
  });

  it('uses the name written in the file, else the key (as plugin 1.x did)', () => {
    const raw: RawServerless = {
      service: 'shop',
      stage: 'prod',
      provider: { name: 'spotinst' },
      functions: {
        named: baseFunction({ name: 'custom-name' }),
        plain: baseFunction(),
      },
    };
    expect(validateService(raw).model?.functions.map((f) => f.name)).toEqual(['custom-name', 'plain']);
  });

  it('ignores the keys that belong to the framework schema', () => {
    const result = validateService(
      svc({ package: { patterns: ['!node_modules/**'] }, events: [{ http: 'GET /' }], description: 'x', somethingElse: 1 }),
    );
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('reads an environment map as a managed environment', () => {
    const result = validateService(
      env({ name: 'shop-prod', providers: ['aws', 'gcp'], locations: ['us-east', 'europe'], strategy: 'least-expensive' }),
    );
    expect(result.errors).toEqual([]);
    expect(result.model?.environment).toEqual({
      kind: 'managed',
      name: 'shop-prod',
      providers: ['aws', 'gcp'],
      locations: ['us-east', 'europe'],
      strategy: 'least-expensive',
    });
  });

  it('names a managed environment after the stage when the map has no name', () => {
    const raw = env({ strategy: 'highest-performance' });
    raw.stage = 'qa';
    expect(validateService(raw).model?.environment).toEqual({ kind: 'managed', name: 'qa', strategy: 'highest-performance' });
  });

  it('keeps provider.spotinst settings and trims a trailing slash of apiUrl', () => {
    const result = validateService(
      spotinst({
        environment: 'env-abc123',
        application: 'shop',
        profile: 'work',
        apiUrl: 'https://api.spotinst.io/',
        alias: 'api.shop.example',
        prune: true,
      }),
    );
    expect(result.errors).toEqual([]);
    expect(result.model).toMatchObject({
      application: 'shop',
      environment: { kind: 'id', id: 'env-abc123' },
      profile: 'work',
      apiUrl: 'https://api.spotinst.io',
      alias: 'api.shop.example',
      prune: true,
    });
  });

  it('accepts 6-field cron expressions (seconds first) and defaults active to true', () => {
    const result = validateService(svc({ cron: { value: '0 */5 * * * *' } }));
    expect(result.errors).toEqual([]);
    expect(result.model?.functions[0].cron).toEqual({ active: true, expression: '0 */5 * * * *' });
  });

  it('accepts java handlers, including classes in the default package', () => {
    for (const handler of ['com.serverless.Handler', 'hello.HelloJava', 'Handler']) {
      expect(validateService(svc({ runtime: 'java8', handler })).errors).toEqual([]);
    }
  });

  it('accepts file.function handlers with directories', () => {
    for (const handler of ['src/handler.main', 'lib/api/users.get_user', './handler.main', 'index.$handler']) {
      expect(validateService(svc({ handler })).errors).toEqual([]);
    }
  });
});

// ---- collecting everything, formatting, throwing ------------------------------------

describe('collecting every problem', () => {
  const manyErrors: RawServerless = {
    service: 'svc',
    stage: 'dev',
    configFile: 'serverless.dev.yml',
    provider: { name: 'spotinst', spotinst: { environment: { 'Your Environment': null } } },
    functions: {
      first: baseFunction({ memory: 100, timeout: 45, runtime: 'nodejs20.x' }),
      second: baseFunction({ cron: { value: '* * *' }, environmentVariables: { SPOTINST_FUNCTION_VERSION: '1' } }),
      third: null,
    },
  };

  it('does not stop at the first error', () => {
    const paths = validateService(manyErrors).errors.map((e) => e.path);
    expect(paths).toEqual([
      'provider.spotinst.environment',
      'functions.first.runtime',
      'functions.first.memory',
      'functions.first.timeout',
      'functions.second.environmentVariables.SPOTINST_FUNCTION_VERSION',
      'functions.second.cron.value',
      'functions.third',
    ]);
  });

  it('formats one bullet per problem naming file, path, value, problem and fix', () => {
    const { errors } = validateService(manyErrors);
    const text = formatProblems(errors, 'serverless.dev.yml');
    const bullets = text.split('\n').filter((line) => line.startsWith('  - '));
    expect(bullets).toHaveLength(errors.length);
    for (const bullet of bullets) expect(bullet).toMatch(/^ {2}- serverless\.dev\.yml: \S+ = /);
    expect(text).toContain('  - serverless.dev.yml: functions.first.memory = 100\n');
    expect(text).toContain('      Fix: use 128.');
    expect(text.match(/^ {6}Fix: /gm)).toHaveLength(errors.length);
  });

  it('assertValidService throws one SpotinstError listing every error', () => {
    let thrown: unknown;
    try {
      assertValidService(manyErrors);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SpotinstError);
    const error = thrown as SpotinstError;
    expect(error.code).toBe('SPOTINST_INVALID_CONFIG');
    expect(error.message).toContain('Invalid Spotinst configuration in serverless.dev.yml (7 errors)');
    for (const p of [
      'provider.spotinst.environment',
      'functions.first.runtime',
      'functions.first.memory',
      'functions.first.timeout',
      'functions.second.environmentVariables.SPOTINST_FUNCTION_VERSION',
      'functions.second.cron.value',
      'functions.third',
    ]) {
      expect(error.message).toContain(`serverless.dev.yml: ${p} = `);
    }
    expect(error.message).toContain('{Your Environment} is the template placeholder');
    expect(error.message).toContain('use nodejs20');
  });

  it('assertValidService returns the model and the warnings of a valid file', () => {
    const { model, warnings } = assertValidService(svc({ runtime: 'nodejs20' }));
    expect(model.functions[0].runtime).toBe('nodejs20');
    expect(warnings.map((w) => w.path)).toEqual([`${F}.runtime`]);
  });

  it('assertValidService names serverless.yml when no config file is given', () => {
    const raw = svc({ memory: 64 });
    delete raw.configFile;
    expect(() => assertValidService(raw)).toThrow(
      /Invalid Spotinst configuration in serverless\.yml \(1 error\):\n {2}- serverless\.yml: functions\.hello\.memory = 64/,
    );
  });
});

describe('malformed input: never a throw, always errors that say what is wrong', () => {
  /** name, input, and every error expected: its key path and what its problem says */
  const weird: [string, RawServerless, [string, string][]][] = [
    ['provider is a string', { service: 's', stage: 'dev', provider: 'spotinst', functions: {} }, []],
    ['provider is null', { service: 's', stage: 'dev', provider: null, functions: {} }, []],
    [
      'functions is not a map',
      { service: 's', stage: 'dev', provider: {}, functions: 'hello' as unknown as Record<string, unknown> },
      [['functions', 'functions must be a map of function definitions']],
    ],
    ['functions is null', { service: 's', stage: 'dev', provider: {}, functions: null as unknown as Record<string, unknown> }, []],
    [
      'function is a number',
      { service: 's', stage: 'dev', provider: {}, functions: { a: 5 } },
      [['functions.a', 'the definition of function "a" must be a map of settings']],
    ],
    [
      'function is a list',
      { service: 's', stage: 'dev', provider: {}, functions: { a: [1] } },
      [['functions.a', 'the definition of function "a" must be a map of settings']],
    ],
    [
      'spotinst is a list',
      { service: 's', stage: 'dev', provider: { spotinst: [] }, functions: {} },
      [['provider.spotinst', 'provider.spotinst must be a map of settings']],
    ],
    [
      'every key has the wrong type',
      svc({
        runtime: 8,
        handler: 9,
        memory: {},
        timeout: [],
        access: 1,
        environmentVariables: 'x',
        cron: 1,
        endpoint: 2,
        cors: 3,
        activeVersions: 4,
        iamRoleConfig: 5,
        parameters: 6,
      }),
      [
        [`${F}.runtime`, 'runtime must be a runtime name such as nodejs8.3'],
        [`${F}.handler`, 'handler must be a string'],
        [`${F}.memory`, 'memory must be a whole number of MB, a multiple of 64 between 128 and 2496, written without a unit'],
        [`${F}.timeout`, 'timeout must be a whole number of seconds, a multiple of 30 between 30 and 300, written without a unit'],
        [`${F}.access`, 'access must be private (calls need the token) or public (anyone with the URL)'],
        [`${F}.environmentVariables`, 'environmentVariables must be a map of NAME: value'],
        [`${F}.cron`, 'cron must be a map {active, value}'],
        [`${F}.endpoint`, 'endpoint must be a map {path, method}'],
        [`${F}.cors`, 'cors must be a map {enabled, origin, headers, methods}'],
        [`${F}.activeVersions`, 'activeVersions must be a list of {version, percentage}'],
        [`${F}.iamRoleConfig`, 'iamRoleConfig must be a map {roleId}'],
        [`${F}.parameters`, 'parameters must be a map'],
      ],
    ],
    [
      'nested nonsense',
      svc(
        {
          cron: { value: 5 },
          endpoint: { path: 1, method: 2 },
          cors: [1, { enabled: true }],
          activeVersions: [null, { version: {}, percentage: 'x' }],
        },
        {
          environmentVariables: 7,
          spotinst: { environment: { providers: 'x', locations: [1], strategy: 2 }, apiUrl: 5, alias: 6, profile: [] },
        },
      ),
      [
        [`${SPOT}.environment.providers`, 'providers must be a list of cloud providers'],
        [`${SPOT}.environment.locations[0]`, 'each location must be a non-empty string'],
        [`${SPOT}.environment.strategy`, 'strategy must be one of least-expensive, highest-performance, location'],
        [`${SPOT}.profile`, 'profile must be a string: the credentials profile name'],
        [`${SPOT}.apiUrl`, 'apiUrl must be a string: the API base URL'],
        [`${SPOT}.alias`, 'alias must be a string: the alias host name'],
        ['provider.environmentVariables', 'environmentVariables must be a map of NAME: value'],
        [`${F}.cron.value`, 'cron.value must be a cron expression string'],
        [`${F}.endpoint.path`, 'endpoint.path must be a string starting with /'],
        [`${F}.endpoint.method`, 'endpoint.method must be one of GET, PUT, POST, DELETE, OPTIONS, PATCH, ALL'],
        [`${F}.cors[0]`, 'each item of a cors list must be a map'],
        [`${F}.activeVersions[0]`, 'each activeVersions item must be a map {version, percentage}'],
        [`${F}.activeVersions[1].version`, 'version must be $LATEST or a non-negative whole version number'],
        [`${F}.activeVersions[1].percentage`, 'percentage must be a number greater than 0 and at most 100'],
      ],
    ],
  ];

  it.each(weird)('%s', (_name, raw, expected) => {
    let result: ReturnType<typeof validateService> | undefined;
    expect(() => {
      result = validateService(raw);
    }).not.toThrow();
    const errors = result?.errors ?? [];
    expect(errors.map((error) => error.path)).toEqual(expected.map(([path]) => path));
    errors.forEach((error, index) => {
      expect(error.problem).toContain(expected[index][1]);
      // every error says what to do instead
      expect(error.fix).toMatch(/^(use|write|add|define|leave|quote) /);
    });
    // the model is still built, from what could be read and the defaults
    expect(result?.model.service).toBe(raw.service);
  });

  it('a service without functions is valid', () => {
    const result = validateService({ service: 's', stage: 'dev', provider: { name: 'spotinst' }, functions: {} });
    expect(result.errors).toEqual([]);
    expect(result.model?.functions).toEqual([]);
  });
});

/**
 * Issue 8, item 4: bad input. Every invalid input below (serverless.yml keys and values,
 * command-line options, data files, credentials, artifacts) must stop the real CLI with a
 * non-zero exit and a message that names the key or value and says the fix, and must not
 * make a single write call: each case runs against its own spotinst-local, whose
 * /__local/stats is read afterwards.
 *
 * The quick pass runs each case once, alternating serverless 3.40.0 and osls; the chaos
 * pass (SPOTINST_CHAOS=1) runs every case on both.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { CLIS, combinedOutput, createWorkspace, runCli, type CliName, type CliResult, type Workspace } from '../helpers/cli';
import { startTestPlatform, stopTestPlatform } from '../helpers/platform';
import { readStats, runLimited, writeCalls, type PlatformStats } from './cli-runs';
import { CHAOS, recordFigure } from './figures';

interface ServiceConfig {
  service: string;
  frameworkVersion: string;
  configValidationMode?: string;
  provider: { name: string; spotinst?: Record<string, unknown>; environmentVariables?: unknown };
  package?: Record<string, unknown>;
  functions: Record<string, Record<string, unknown>>;
  plugins: string[];
}

/** A service every command accepts: the cases below each break one thing in it. */
function validConfig(): ServiceConfig {
  return {
    service: 'shop',
    frameworkVersion: '>=3',
    provider: { name: 'spotinst' },
    functions: { hello: { runtime: 'nodejs8.3', handler: 'handler.main' } },
    plugins: ['serverless-spotinst-functions'],
  };
}

const HANDLER = "module.exports.main = async () => ({ statusCode: 200, body: 'hello' });\n";

/** Where a case runs, for the inputs that need paths. */
interface CaseDirs {
  service: string;
  credentials: string;
}

interface BadInput {
  name: string;
  args: string[];
  config?: (config: ServiceConfig) => void;
  /** serverless.yml as written, when YAML itself is the point */
  rawConfig?: string;
  files?: Record<string, string>;
  setup?: (dirs: CaseDirs) => void;
  /** no SPOTINST_TOKEN/SPOTINST_ACCOUNT; this content (if any) in the credentials file */
  credentialsFile?: string | null;
  env?: Record<string, string>;
  /** fragments of the message: the key or value, and the fix */
  expect: Array<string | RegExp>;
  /** further checks after the run, each returning a failure or undefined */
  after?: (dirs: CaseDirs) => string | undefined;
}

const hello = (patch: Record<string, unknown>) => (config: ServiceConfig) => {
  Object.assign(config.functions.hello, patch);
};
const spotinst = (patch: Record<string, unknown>) => (config: ServiceConfig) => {
  config.provider.spotinst = { ...config.provider.spotinst, ...patch };
};
const javaFunction = (config: ServiceConfig) => {
  config.functions.brew = { runtime: 'java8', handler: 'com.example.Handler' };
};
const CREDENTIALS = 'default:\n  token: 0123456789abcdef\n  account: act-1a2b3c4d\n';

const CASES: BadInput[] = [
  // ---- serverless.yml values -----------------------------------------------------------
  {
    name: 'memory not a multiple of 64',
    args: ['deploy'],
    config: hello({ memory: 200 }),
    expect: ['functions.hello.memory = 200', 'a multiple of 64', 'Fix: use 192.'],
  },
  {
    name: 'memory above the range',
    args: ['deploy'],
    config: hello({ memory: 4096 }),
    expect: ['functions.hello.memory = 4096', 'between 128 and 2496', 'Fix: use 2496.'],
  },
  {
    name: 'memory with a unit',
    args: ['deploy'],
    config: hello({ memory: '512MB' }),
    expect: ['functions.hello.memory = "512MB"', 'written without a unit', 'Fix: use 512.'],
  },
  {
    name: 'timeout not a multiple of 30',
    args: ['deploy'],
    config: hello({ timeout: 45 }),
    expect: ['functions.hello.timeout = 45', 'a multiple of 30', 'Fix: use 60.'],
  },
  {
    name: 'timeout above the range',
    args: ['deploy'],
    config: hello({ timeout: 900 }),
    expect: ['functions.hello.timeout = 900', 'between 30 and 300', 'Fix: use 300.'],
  },
  {
    name: 'unknown runtime',
    args: ['deploy'],
    config: hello({ runtime: 'cobol85' }),
    expect: [
      'functions.hello.runtime = "cobol85"',
      'not a runtime Spotinst Functions runs',
      'Fix: use one of the documented runtimes: nodejs4.8',
    ],
  },
  {
    name: 'AWS Lambda runtime name',
    args: ['deploy'],
    config: hello({ runtime: 'nodejs18.x' }),
    expect: ['functions.hello.runtime = "nodejs18.x"', 'AWS Lambda runtime name', 'Fix: use nodejs18'],
  },
  {
    name: 'runtime older than any Spotinst had',
    args: ['deploy'],
    config: hello({ runtime: 'nodejs0.12' }),
    expect: ['functions.hello.runtime = "nodejs0.12"', 'older than the oldest', 'Fix: use nodejs4.8 or nodejs8.3'],
  },
  {
    name: 'runtime missing',
    args: ['deploy'],
    config: (config) => delete config.functions.hello.runtime,
    expect: ['functions.hello.runtime = (not set)', 'runtime is required', 'Fix: add a runtime, e.g. runtime: nodejs8.3'],
  },
  {
    name: 'handler without a function part',
    args: ['deploy'],
    config: hello({ handler: 'handler' }),
    expect: ['functions.hello.handler = "handler"', 'has no function part', 'Fix: use handler.handler'],
  },
  {
    name: 'handler naming the file only',
    args: ['deploy'],
    config: hello({ handler: 'handler.js' }),
    expect: ['functions.hello.handler = "handler.js"', 'names the file but not the function', 'Fix: use handler.main'],
  },
  {
    name: 'handler outside the service',
    args: ['deploy'],
    config: hello({ handler: '../shared/handler.main' }),
    expect: ['functions.hello.handler = "../shared/handler.main"', 'stay inside it', 'Fix: write file.function'],
  },
  {
    name: 'java handler in the AWS Class::method form',
    args: ['deploy'],
    config: (config) => {
      javaFunction(config);
      config.functions.brew.handler = 'com.example.Handler::handleRequest';
    },
    expect: ['functions.brew.handler = "com.example.Handler::handleRequest"', 'Fix: use com.example.Handler.'],
  },
  {
    name: 'cron with 4 fields',
    args: ['deploy'],
    config: hello({ cron: { active: true, value: '*/5 * * *' } }),
    expect: ['functions.hello.cron.value = "*/5 * * *"', 'has 4 fields', 'Fix: write all 5 fields'],
  },
  {
    name: 'cron in AWS rate() syntax',
    args: ['deploy'],
    config: hello({ cron: { value: 'rate(5 minutes)' } }),
    expect: ['functions.hello.cron.value = "rate(5 minutes)"', 'AWS EventBridge', "Fix: use '*/5 * * * *'."],
  },
  {
    name: 'cron minute out of range',
    args: ['deploy'],
    config: hello({ cron: { value: '61 * * * *' } }),
    expect: ['functions.hello.cron.value = "61 * * * *"', 'its minute field "61" is outside 0-59', 'Fix: correct the minute field (0-59)'],
  },
  {
    name: 'cron as a bare string',
    args: ['deploy'],
    config: hello({ cron: '0 * * * *' }),
    expect: ['functions.hello.cron = "0 * * * *"', 'cron must be a map', "Fix: write cron: {active: true, value: '0 * * * *'}."],
  },
  {
    name: 'environment variable name with a dash',
    args: ['deploy'],
    config: hello({ environmentVariables: { 'LOG-LEVEL': 'debug' } }),
    expect: [
      'functions.hello.environmentVariables.LOG-LEVEL = "debug"',
      'not a valid environment variable name',
      'Fix: rename it, e.g. LOG_LEVEL.',
    ],
  },
  {
    name: 'reserved environment variable',
    args: ['deploy'],
    config: hello({ environmentVariables: { SPOTINST_FUNCTION_ID: 'x' } }),
    expect: [
      'functions.hello.environmentVariables.SPOTINST_FUNCTION_ID',
      'is reserved',
      'Fix: remove it, or use another name such as MY_FUNCTION_ID.',
    ],
  },
  {
    name: 'environment variable value that is a map',
    args: ['deploy'],
    config: (config) => {
      config.provider.environmentVariables = { LIMITS: { max: 3 } };
    },
    expect: [
      'provider.environmentVariables.LIMITS = {"max":3}',
      'is a map',
      `Fix: quote it as a string or JSON.stringify it, e.g. LIMITS: '{"max":3}'.`,
    ],
  },
  {
    name: 'environment variables as a list',
    args: ['deploy'],
    config: hello({ environmentVariables: ['STAGE=dev'] }),
    expect: ['functions.hello.environmentVariables = ["STAGE=dev"]', 'Fix: write a map instead of a list'],
  },
  {
    name: 'environment id of the wrong form',
    args: ['deploy'],
    config: spotinst({ environment: 'env_123' }),
    expect: [
      'provider.spotinst.environment = "env_123"',
      'env-<id>',
      'Fix: write the id of an existing environment (environment: env-1a2b3c4d)',
    ],
  },
  {
    name: 'template placeholder left in environment',
    args: ['deploy'],
    rawConfig:
      'service: shop\nframeworkVersion: ">=3"\nprovider:\n  name: spotinst\n  spotinst:\n    environment: {Your Environment}\nfunctions:\n  hello:\n    runtime: nodejs8.3\n    handler: handler.main\nplugins:\n  - serverless-spotinst-functions\n',
    expect: [
      'provider.spotinst.environment = {"Your Environment":null}',
      'template placeholder left in place',
      'Fix: remove the environment line',
    ],
  },
  {
    name: 'unknown environment strategy',
    args: ['deploy'],
    config: spotinst({ environment: { name: 'dev', strategy: 'cheapest' } }),
    expect: ['provider.spotinst.environment.strategy = "cheapest"', 'Fix: use one of: least-expensive, highest-performance, location.'],
  },
  {
    name: 'unknown cloud provider',
    args: ['deploy'],
    config: spotinst({ environment: { providers: ['amazon'] } }),
    expect: ['provider.spotinst.environment.providers[0] = "amazon"', 'not a cloud provider', 'Fix: use one of: aws, azure'],
  },
  {
    name: 'misspelt key under provider.spotinst',
    args: ['deploy'],
    config: spotinst({ enviroment: 'env-1a2b3c4d' }),
    expect: ['provider.spotinst.enviroment = "env-1a2b3c4d"', 'not a setting of provider.spotinst', 'Fix: did you mean environment?'],
  },
  {
    name: 'unknown key under provider.spotinst, configValidationMode: error',
    args: ['deploy'],
    config: (config) => {
      config.configValidationMode = 'error';
      spotinst({ region: 'us-east' })(config);
    },
    expect: [
      'provider.spotinst.region = "us-east"',
      'not a setting of provider.spotinst',
      'Fix: remove it; the known keys are environment, application',
    ],
  },
  {
    name: 'apiUrl without its scheme',
    args: ['deploy'],
    config: spotinst({ apiUrl: '127.0.0.1:7711' }),
    expect: ['provider.spotinst.apiUrl = "127.0.0.1:7711"', 'Fix: write the full URL with its scheme, e.g. apiUrl: http://127.0.0.1:7711.'],
  },
  {
    name: 'alias written as a URL',
    args: ['deploy'],
    config: spotinst({ alias: 'https://api.example.com/v1' }),
    expect: [
      'provider.spotinst.alias = "https://api.example.com/v1"',
      'Fix: write the host name only, without scheme or path: alias: api.example.com.',
    ],
  },
  {
    name: 'prune as a quoted word',
    args: ['deploy'],
    config: spotinst({ prune: 'yes' }),
    expect: ['provider.spotinst.prune = "yes"', 'Fix: write prune: true (without quotes).'],
  },
  {
    name: 'access in the wrong case',
    args: ['deploy'],
    config: hello({ access: 'Public' }),
    expect: ['functions.hello.access = "Public"', 'Fix: use public.'],
  },
  {
    name: 'access of another kind',
    args: ['deploy'],
    config: hello({ access: 'open' }),
    expect: ['functions.hello.access = "open"', 'Fix: use private or public.'],
  },
  {
    name: 'endpoint method that is no HTTP method',
    args: ['deploy'],
    config: hello({ endpoint: { path: '/hello', method: 'FETCH' } }),
    expect: ['functions.hello.endpoint.method = "FETCH"', 'Fix: use one of GET, PUT, POST, DELETE, OPTIONS, PATCH, ALL.'],
  },
  {
    name: 'endpoint path written as a URL',
    args: ['deploy'],
    config: hello({ endpoint: { path: 'https://api.example.com/hello', method: 'get' } }),
    expect: ['functions.hello.endpoint.path = "https://api.example.com/hello"', 'not a URL', 'Fix: use /hello.'],
  },
  {
    name: 'endpoint without a method',
    args: ['deploy'],
    config: hello({ endpoint: { path: '/hello' } }),
    expect: ['functions.hello.endpoint.method = (not set)', 'endpoint.method is required', 'Fix: add e.g. method: get'],
  },
  {
    name: 'activeVersions adding up to 110',
    args: ['deploy'],
    config: hello({
      activeVersions: [
        { version: '$LATEST', percentage: 80 },
        { version: 1, percentage: 30 },
      ],
    }),
    expect: ['functions.hello.activeVersions = ', 'add up to 110', 'Fix: take 10 off the percentages.'],
  },
  {
    name: 'activeVersions percentage with three decimals',
    args: ['deploy'],
    config: hello({
      activeVersions: [
        { version: '$LATEST', percentage: 33.333 },
        { version: 1, percentage: 66.667 },
      ],
    }),
    expect: ['functions.hello.activeVersions[0].percentage = 33.333', 'at most two decimals', 'Fix: use 33.33.'],
  },
  {
    name: 'activeVersions version "latest"',
    args: ['deploy'],
    config: hello({ activeVersions: [{ version: 'latest', percentage: 100 }] }),
    expect: ['functions.hello.activeVersions[0].version = "latest"', 'Fix: use $LATEST (upper case, with the $).'],
  },
  {
    name: 'cors origin as a list',
    args: ['deploy'],
    config: hello({ cors: { enabled: true, origin: ['https://a.example', 'https://b.example'] } }),
    expect: [
      'functions.hello.cors.origin = ["https://a.example","https://b.example"]',
      "Fix: write origin: 'https://a.example,https://b.example'.",
    ],
  },
  {
    name: 'iamRoleConfig as a bare id',
    args: ['deploy'],
    config: hello({ iamRoleConfig: 'sfr-5ea76784' }),
    expect: ['functions.hello.iamRoleConfig = "sfr-5ea76784"', 'Fix: write iamRoleConfig: {roleId: sfr-5ea76784}.'],
  },
  {
    name: 'parameters as a JSON string',
    args: ['deploy'],
    config: hello({ parameters: '{"name":"world"}' }),
    expect: [
      'functions.hello.parameters = "{\\"name\\":\\"world\\"}"',
      'Fix: write it as a YAML map instead of a JSON string, e.g. parameters: {"name":"world"}.',
    ],
  },
  {
    name: 'two functions under one remote name',
    args: ['deploy'],
    config: (config) => {
      config.functions.hello.name = 'greeter';
      config.functions.hi = { runtime: 'nodejs8.3', handler: 'handler.main', name: 'greeter' };
    },
    expect: [
      'functions.hi.name = "greeter"',
      'would both be deployed under the remote name "greeter"',
      'Fix: give one of them another name, e.g. name: greeter-2.',
    ],
  },

  // ---- options -------------------------------------------------------------------------
  {
    name: 'deploy --concurrency 0',
    args: ['deploy', '--concurrency', '0'],
    expect: ['--concurrency is "0"; it must be a whole number from 1 to 64'],
  },
  {
    name: 'deploy --concurrency not a number',
    args: ['deploy', '--concurrency', 'lots'],
    expect: ['--concurrency is "lots"; it must be a whole number from 1 to 64'],
  },
  {
    name: 'deploy function -f of an unknown function',
    args: ['deploy', 'function', '-f', 'goodbye'],
    expect: ['Function "goodbye" is not in serverless.yml. Functions of this service: hello.'],
  },
  {
    name: 'info -f of an unknown function',
    args: ['info', '-f', 'goodbye'],
    expect: ['Function "goodbye" is not in serverless.yml. Functions of this service: hello.'],
  },
  {
    name: 'invoke -f of an unknown function',
    args: ['invoke', '-f', 'goodbye'],
    expect: ['Function "goodbye" is not in serverless.yml. Functions of this service: hello.'],
  },
  {
    name: 'invoke --path to a missing file',
    args: ['invoke', '-f', 'hello', '--path', 'events/missing.json'],
    expect: [/--path events\/missing\.json: \S+events\/missing\.json does not exist\. Give a JSON file, relative to the service directory/],
  },
  {
    name: 'invoke --path to a file that is not JSON',
    args: ['invoke', '-f', 'hello', '--path', 'event.json'],
    files: { 'event.json': '{name: world' },
    expect: [/--path event\.json: \S+event\.json is not valid JSON/, 'Fix the file, or pass text with --data instead.'],
  },
  {
    name: 'invoke with both --data and --path',
    args: ['invoke', '-f', 'hello', '--data', '{}', '--path', 'event.json'],
    files: { 'event.json': '{}' },
    expect: ['Give either --data or --path, not both.'],
  },
  {
    name: 'invoke local --path to a YAML file that is not YAML',
    args: ['invoke', 'local', '-f', 'hello', '--path', 'event.yml'],
    files: { 'event.yml': 'name: [world\n' },
    expect: [/--path event\.yml: \S+event\.yml is not valid YAML/, 'Fix the file.'],
  },
  {
    name: 'invoke local --env without =',
    args: ['invoke', 'local', '-f', 'hello', '--env', 'STAGE'],
    expect: ['--env STAGE has no "="', 'Write KEY=VALUE, e.g. --env STAGE=dev'],
  },
  {
    name: 'logs --startTime that is no time',
    args: ['logs', '-f', 'hello', '--startTime', 'yesterday'],
    expect: ['--startTime "yesterday" is not a time', 'Accepted: a duration ago (30m, 2h, 3d'],
  },
  {
    name: 'logs --startTime in epoch seconds',
    args: ['logs', '-f', 'hello', '--startTime', '1714566600'],
    expect: ['--startTime "1714566600" looks like epoch seconds; give milliseconds (append 000)'],
  },
  {
    name: 'logs --startTime in the future',
    args: ['logs', '-f', 'hello', '--startTime', '2999-01-01'],
    expect: ['--startTime "2999-01-01" is in the future', 'Accepted: a duration ago'],
  },
  {
    name: 'logs --interval below 100 ms',
    args: ['logs', '-f', 'hello', '--interval', '5'],
    expect: ['--interval "5" is not a number of milliseconds between 100 and 600000, e.g. --interval 1000.'],
  },

  // ---- credentials and environment -------------------------------------------------------
  {
    name: 'no credentials anywhere',
    args: ['deploy'],
    credentialsFile: null,
    expect: ['No Spotinst credentials', 'serverless spotinst credentials --token <token> --account <account>'],
  },
  {
    name: 'SPOTINST_TOKEN without SPOTINST_ACCOUNT',
    args: ['deploy'],
    credentialsFile: null,
    env: { SPOTINST_TOKEN: '0123456789abcdef' },
    expect: ['SPOTINST_TOKEN is set but SPOTINST_ACCOUNT is not. Set both'],
  },
  {
    name: 'SPOTINST_ACCOUNT that is no account id',
    args: ['info'],
    env: { SPOTINST_ACCOUNT: 'my-account' },
    expect: [
      'SPOTINST_ACCOUNT does not look like a Spotinst account id',
      'Set it to the account the token belongs to, e.g. SPOTINST_ACCOUNT=act-1a2b3c4d.',
    ],
  },
  {
    name: 'credentials file that is not YAML',
    args: ['deploy'],
    credentialsFile: 'default:\n  token: "0123456789abcdef\n  account: act-1a2b3c4d\n',
    expect: [/credentials is not valid YAML near line \d/, 'Fix it, or delete it and run `serverless spotinst credentials'],
  },
  {
    name: 'credentials file that is a list',
    args: ['info'],
    credentialsFile: '- token: 0123456789abcdef\n',
    expect: [/credentials must be a map of profiles \(`<profile>: \{token, account\}`\)/],
  },
  {
    name: 'provider.spotinst.profile not in the file',
    args: ['deploy'],
    credentialsFile: CREDENTIALS,
    config: spotinst({ profile: 'staging' }),
    expect: ['Profile "staging" is not in', '(profiles there: default)', '--profile staging'],
  },
  {
    name: 'SPOTINST_PROFILE not in the file',
    args: ['remove'],
    credentialsFile: CREDENTIALS,
    env: { SPOTINST_PROFILE: 'qa' },
    expect: ['Profile "qa" is not in', '--profile qa'],
  },
  {
    name: 'profile without a token',
    args: ['deploy'],
    credentialsFile: 'default:\n  account: act-1a2b3c4d\n',
    expect: ['Profile "default" in', 'has no token', '--profile default --overwrite'],
  },
  {
    name: 'profile whose account is no account id',
    args: ['info'],
    credentialsFile: 'default:\n  token: 0123456789abcdef\n  account: "1a2b3c4d"\n',
    expect: ['The account of profile "default" in', 'does not look like a Spotinst account id', '--profile default --overwrite'],
  },
  {
    name: 'SPOTINST_API_URL without a scheme',
    args: ['info'],
    env: { SPOTINST_API_URL: '127.0.0.1:7711' },
    expect: [
      'SPOTINST_API_URL is "127.0.0.1:7711", which is not an http:// or https:// URL',
      'Set it to the API base URL with its scheme, e.g. SPOTINST_API_URL=http://127.0.0.1:7711',
    ],
  },
  {
    name: 'spotinst credentials --token of blanks',
    args: ['spotinst', 'credentials', '--token', '   ', '--account', 'act-1a2b3c4d'],
    credentialsFile: null,
    expect: ['--token is empty. Pass the API token from the Spotinst console.'],
  },
  {
    name: 'spotinst credentials --account that is no account id',
    args: ['spotinst', 'credentials', '--token', '0123456789abcdef', '--account', '1a2b3c4d'],
    credentialsFile: null,
    expect: [
      '--account does not look like a Spotinst account id',
      'Pass the account id the token belongs to, e.g. --account act-1a2b3c4d.',
    ],
  },
  {
    name: 'spotinst credentials --profile with a space',
    args: ['spotinst', 'credentials', '--token', '0123456789abcdef', '--account', 'act-1a2b3c4d', '--profile', 'my profile'],
    credentialsFile: null,
    expect: ['--profile "my profile" is not a valid profile name: use letters, digits'],
  },
  {
    name: 'spotinst credentials over an existing profile without --overwrite',
    args: ['spotinst', 'credentials', '--token', 'fedcba9876543210', '--account', 'act-9f8e7d6c'],
    credentialsFile: CREDENTIALS,
    expect: ['Profile "default" already exists in', 'Add --overwrite to replace it, or choose another --profile.'],
    after: (dirs) => (fs.readFileSync(dirs.credentials, 'utf8') === CREDENTIALS ? undefined : 'the credentials file changed'),
  },

  // ---- artifacts ---------------------------------------------------------------------------
  {
    name: 'package.artifact that is not there',
    args: ['deploy'],
    config: hello({ package: { artifact: 'build/hello.zip' } }),
    expect: [
      /functions\.hello\.package\.artifact is build\/hello\.zip, but \S+build\/hello\.zip does not exist\./,
      'Build that file first, or fix the path',
    ],
  },
  {
    name: 'package.artifact that is a directory',
    args: ['deploy'],
    config: hello({ package: { artifact: 'build' } }),
    setup: (dirs) => fs.mkdirSync(path.join(dirs.service, 'build')),
    expect: [/functions\.hello\.package\.artifact is build, but \S+build is a directory, not a zip or jar\./, 'or fix the path'],
  },
  {
    name: 'artifact over 50 MB',
    args: ['deploy'],
    config: hello({ package: { artifact: 'big.zip' } }),
    // sparse: 51 MB of length, no blocks on disk
    setup: (dirs) => {
      const file = path.join(dirs.service, 'big.zip');
      fs.closeSync(fs.openSync(file, 'w'));
      fs.truncateSync(file, 51 * 1024 * 1024);
    },
    expect: [/The artifact \S+big\.zip is 51\.0 MB; the limit is 50 MB/, 'Exclude files with package.patterns'],
  },
  {
    name: 'artifact that is not a zip',
    args: ['deploy'],
    config: hello({ package: { artifact: 'hello.zip' } }),
    files: { 'hello.zip': 'this is text, not a zip\n' },
    expect: [/The artifact \S+hello\.zip is not a zip or jar archive\. Rebuild it\./],
  },
  {
    name: 'handler file missing from the package',
    args: ['deploy'],
    config: hello({ handler: 'src/hello.main' }),
    expect: [
      'functions.hello.handler is "src/hello.main"',
      'has no src/hello.js',
      'Fix the handler path, or the package.patterns that left the file out.',
    ],
  },
  {
    name: 'handler file left out by package.patterns',
    args: ['deploy'],
    config: (config) => {
      config.package = { patterns: ['!handler.js'] };
    },
    files: { 'README.md': '# shop\n' },
    expect: [
      'functions.hello.handler is "handler.main"',
      'has no handler.js',
      'Fix the handler path, or the package.patterns that left the file out.',
    ],
  },
  {
    name: 'java function without its jar (deploy)',
    args: ['deploy'],
    config: javaFunction,
    expect: ['functions.brew (java8) uploads target/shop.jar, which does not exist.', 'Build the jar first'],
  },
  {
    name: 'java function without its jar (invoke local)',
    args: ['invoke', 'local', '-f', 'brew'],
    config: javaFunction,
    expect: ['Function "brew" (java8) has no built code', 'Build it first (e.g. `mvn package`), or set package.artifact to the jar.'],
  },
  {
    name: 'invoke local of a handler file that is missing',
    args: ['invoke', 'local', '-f', 'hello'],
    config: hello({ handler: 'lib/hello.main' }),
    expect: ['functions.hello.handler is "lib/hello.main"', 'has no lib/hello.js', 'Fix the handler path.'],
  },
];

interface Run {
  input: BadInput;
  cli: CliName;
  result: CliResult;
  stats: PlatformStats;
  /** what failed of the checks; empty when the input was rejected as it should be */
  failures: string[];
}

/** A stack trace means the error reached the user as a crash, not as a message. */
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

function verdict(input: BadInput, result: CliResult, stats: PlatformStats, dirs: CaseDirs): string[] {
  const failures: string[] = [];
  const output = combinedOutput(result);
  if (typeof result.code !== 'number' || result.code === 0) failures.push(`exit code ${String(result.code)}, expected a failure`);
  for (const fragment of input.expect) {
    const found = typeof fragment === 'string' ? output.includes(fragment) : fragment.test(output);
    if (!found) failures.push(`the output lacks ${String(fragment)}`);
  }
  if (STACK_LINE.test(output)) failures.push('the output shows a stack trace');
  const writes = writeCalls(stats);
  if (Object.keys(writes).length > 0) failures.push(`write calls: ${JSON.stringify(writes)}`);
  if (stats.invocations > 0) failures.push(`${stats.invocations} invocations`);
  const extra = input.after?.(dirs);
  if (extra) failures.push(extra);
  return failures;
}

let workspace: Workspace;
const runs: Run[] = [];

/** Quick: each case once, the CLIs taking turns. Chaos: each case on both. */
const PLAN: Array<{ input: BadInput; cli: CliName }> = CASES.flatMap((input, index) =>
  CHAOS ? CLIS.map((cli) => ({ input, cli })) : [{ input, cli: CLIS[index % CLIS.length] }],
);

async function runCase(input: BadInput, cli: CliName, index: number): Promise<Run> {
  const root = path.join(workspace.root, `case-${index}-${cli}`);
  const dirs: CaseDirs = { service: path.join(root, 'service'), credentials: path.join(root, 'spotinst', 'credentials') };
  fs.mkdirSync(dirs.service, { recursive: true });
  const config = validConfig();
  input.config?.(config);
  fs.writeFileSync(path.join(dirs.service, 'serverless.yml'), input.rawConfig ?? yaml.dump(config));
  for (const [file, content] of Object.entries({ 'handler.js': HANDLER, ...input.files })) {
    fs.mkdirSync(path.dirname(path.join(dirs.service, file)), { recursive: true });
    fs.writeFileSync(path.join(dirs.service, file), content);
  }
  input.setup?.(dirs);
  if (typeof input.credentialsFile === 'string') {
    fs.mkdirSync(path.dirname(dirs.credentials), { recursive: true, mode: 0o700 });
    fs.writeFileSync(dirs.credentials, input.credentialsFile, { mode: 0o600 });
  }

  const test = await startTestPlatform({ dataDir: path.join(root, 'platform') });
  const { platform } = test;
  try {
    // Valid credentials for the platform, unless the case is about credentials: a command
    // that got past its input checks could then write.
    const credentials = input.credentialsFile === undefined ? { SPOTINST_TOKEN: platform.token, SPOTINST_ACCOUNT: platform.account } : {};
    const env = { SPOTINST_API_URL: platform.url, SPOTINST_CREDENTIALS_FILE: dirs.credentials, ...credentials, ...input.env };
    const result = await runCli(cli, input.args, { cwd: dirs.service, workspace, env });
    const stats = await readStats(platform.url);
    return { input, cli, result, stats, failures: verdict(input, result, stats, dirs) };
  } finally {
    await stopTestPlatform(test, false);
    fs.rmSync(root, { recursive: true, force: true });
  }
}

beforeAll(
  async () => {
    workspace = createWorkspace();
    const results = await runLimited(
      PLAN.map(
        ({ input, cli }, index) =>
          () =>
            runCase(input, cli, index),
      ),
      3,
    );
    runs.push(...results);
  },
  CHAOS ? 600000 : 180000,
);

afterAll(() => {
  const rejected = runs.filter((run) => run.failures.length === 0).length;
  if (runs.length === PLAN.length) {
    const how = CHAOS ? `${CASES.length} inputs × ${CLIS.length} CLIs` : `${CASES.length} inputs, CLIs taking turns`;
    recordFigure('bad input', `${rejected}/${runs.length} rejected with the key named, 0 writes (${how})`);
  }
  workspace?.cleanup();
});

it(`has at least 40 distinct bad inputs`, () => {
  expect(new Set(CASES.map((input) => input.name)).size).toBe(CASES.length);
  expect(CASES.length).toBeGreaterThanOrEqual(40);
});

describe.each(PLAN.map(({ input, cli }, index) => [`${input.name} (${cli})`, index] as const))('%s', (_label, index) => {
  it('is refused with a message that names it and the fix, and nothing is written', () => {
    const run = runs[index];
    expect(run).toBeDefined();
    if (run.failures.length > 0) {
      throw new Error(
        `${run.failures.join('\n')}\n--- exit ${String(run.result.code)}\n--- stdout\n${run.result.stdout}\n--- stderr\n${run.result.stderr}`,
      );
    }
  });
});

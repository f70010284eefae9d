/**
 * The published package: `npm pack` holds what a user needs and nothing else of weight,
 * and that tarball, installed into a fresh service, deploys, invokes and removes. And
 * `serverless package`, through the framework's own packager: it says what it made, and
 * never zips the plugin or what only the plugin needs.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import {
  REPO_ROOT,
  createWorkspace,
  runCli,
  startLocalWorld,
  writeService,
  type CliName,
  type LocalWorld,
  type Workspace,
} from '../helpers/cli';

const PLUGIN = 'serverless-spotinst-functions';

async function zipEntries(file: string): Promise<string[]> {
  return Object.keys((await JSZip.loadAsync(fs.readFileSync(file))).files).sort();
}

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string; size: number }>;
}

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('the npm package', () => {
  let world: LocalWorld;
  let workspace: Workspace;
  let packed: PackResult;
  let tarball: string;

  beforeAll(async () => {
    world = await startLocalWorld();
    workspace = world.workspace;
    const out = path.join(workspace.root, 'pack');
    fs.mkdirSync(out);
    const json = execFileSync(NPM, ['pack', '--json', '--pack-destination', out], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    [packed] = JSON.parse(json) as PackResult[];
    tarball = path.join(out, packed.filename);
  });
  afterAll(() => world?.stop());

  it('holds dist/, templates/, docs/, README.md and LICENSE, and nothing else', () => {
    const tops = new Set(packed.files.map((file) => file.path.split('/')[0]));
    expect([...tops].sort()).toEqual(['LICENSE', 'README.md', 'dist', 'docs', 'package.json', 'templates']);
    const paths = packed.files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/local/cli.js', 'templates/spotinst-nodejs/serverless.yml']),
    );
    // no sources of the plugin, tests, maps or build caches (a template's own src/ is the user's code)
    expect(paths.filter((file) => !file.startsWith('templates/') && /(^|\/)(test|src)\/|\.map$|\.tsbuildinfo$/.test(file))).toEqual([]);
    expect(paths.filter((file) => /\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    // the java runtime interfaces travel as sources: they are compiled on the user's JDK
    expect(paths.some((file) => file.startsWith('dist/runtimes/java/com/spotinst/functions/runtime/'))).toBe(true);
    expect(packed.size).toBeLessThan(1024 * 1024);
  });

  it('installs into a fresh service and deploys, invokes and removes', async () => {
    const dir = writeService(workspace, 'fresh', {
      config: `service: fresh
frameworkVersion: '>=3'
provider:
  name: spotinst
functions:
  hello:
    runtime: nodejs8.3
    handler: handler.main
    access: public
plugins:
  - serverless-spotinst-functions
`,
      files: {
        'package.json': JSON.stringify({ name: 'fresh', version: '1.0.0', private: true }),
        'handler.js': 'exports.main = async (event) => ({ statusCode: 200, body: JSON.stringify({ packaged: true, got: event.body }) });\n',
      },
    });
    // better-sqlite3 is compiled on install when no prebuilt binary can be downloaded, as on
    // this network: a minute for the same build the repository's own install made. The
    // service gets that build, and npm keeps a package already in place at its version.
    fs.cpSync(path.join(REPO_ROOT, 'node_modules', 'better-sqlite3'), path.join(dir, 'node_modules', 'better-sqlite3'), {
      recursive: true,
    });
    execFileSync(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
      cwd: dir,
      stdio: 'ignore',
    });
    const installed = path.join(dir, 'node_modules', 'serverless-spotinst-functions');
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(installed, 'src'))).toBe(false);

    const { env } = world;
    const deployed = await runCli('osls', ['deploy'], { cwd: dir, workspace, env });
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toMatch(/hello:\n {4}id: fx-/);
    const invoked = await runCli('osls', ['invoke', '-f', 'hello', '--data', '{"n":1}'], { cwd: dir, workspace, env });
    expect(invoked.code).toBe(0);
    expect(JSON.parse(invoked.stdout)).toEqual({ packaged: true, got: { n: 1 } });
    const removed = await runCli('osls', ['remove'], { cwd: dir, workspace, env });
    expect(removed.code).toBe(0);
    // installed with the service's dependencies, as the old docs said: none of it was uploaded
    const shipped = await zipEntries(path.join(dir, '.serverless', 'fresh.zip'));
    expect(shipped).toContain('handler.js');
    expect(shipped.filter((entry) => /^node_modules\/(serverless-spotinst-functions|axios|jszip|lodash)\//.test(entry))).toEqual([]);
  });
});

/**
 * A service with its own node_modules: the plugin (a stand-in that loads this checkout's
 * dist/, with the dependencies it names), lodash (which the service needs too), and
 * left-pad with its own dependency (which only the plugin needs).
 */
function writeServiceWithPlugin(workspace: Workspace, name: string, section: 'dependencies' | 'devDependencies'): string {
  const handler = 'const pad = require("lodash");\nexports.main = async () => ({ statusCode: 200, body: String(typeof pad) });\n';
  const files: Record<string, string> = {
    'handler.js': handler,
    'package.json': JSON.stringify({
      name,
      version: '1.0.0',
      private: true,
      dependencies: { lodash: '*', ...(section === 'dependencies' ? { [PLUGIN]: '*' } : {}) },
      ...(section === 'devDependencies' ? { devDependencies: { [PLUGIN]: '*' } } : {}),
    }),
    [`node_modules/${PLUGIN}/package.json`]: JSON.stringify({
      name: PLUGIN,
      version: '9.9.9',
      main: 'index.js',
      bin: { 'spotinst-local': 'cli.js' },
      dependencies: { lodash: '*', 'left-pad': '*' },
    }),
    [`node_modules/${PLUGIN}/index.js`]: `module.exports = require(${JSON.stringify(path.join(REPO_ROOT, 'dist'))});\n`,
    [`node_modules/${PLUGIN}/cli.js`]: '',
    'node_modules/.bin/spotinst-local': '',
    'node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '4.0.0' }),
    'node_modules/lodash/index.js': 'module.exports = {};\n',
    'node_modules/left-pad/package.json': JSON.stringify({ name: 'left-pad', version: '1.0.0', dependencies: { 'pad-core': '*' } }),
    'node_modules/left-pad/index.js': 'module.exports = require("pad-core");\n',
    'node_modules/pad-core/package.json': JSON.stringify({ name: 'pad-core', version: '1.0.0' }),
    'node_modules/pad-core/index.js': 'module.exports = 1;\n',
  };
  return writeService(workspace, name, {
    config: `service: ${name}
frameworkVersion: '>=3'
provider:
  name: spotinst
functions:
  hello:
    runtime: nodejs8.3
    handler: handler.main
plugins:
  - ${PLUGIN}
`,
    files,
  });
}

describe.each([
  ['serverless', 'dependencies'],
  ['osls', 'devDependencies'],
] as Array<[CliName, 'dependencies' | 'devDependencies']>)('%s package, with the plugin in %s', (cli, section) => {
  let workspace: Workspace;
  beforeAll(() => {
    workspace = createWorkspace();
  });
  afterAll(() => workspace.cleanup());

  it('says what it made and leaves out the plugin and what only it needs', async () => {
    const dir = writeServiceWithPlugin(workspace, `svc-${cli}`, section);
    const zip = path.join(dir, '.serverless', `svc-${cli}.zip`);
    const packaged = await runCli(cli, ['package', '--verbose'], { cwd: dir, workspace });
    if (packaged.code !== 0) throw new Error(`${packaged.stdout}\n${packaged.stderr}`);
    const size = fs.statSync(zip).size;
    expect(packaged.stderr).toMatch(new RegExp(`\\.serverless/svc-${cli}\\.zip +${size} B {2}hello\\n`));
    expect(packaged.stderr).toContain(`Service svc-${cli} packaged: 1 artifact.`);
    expect(packaged.stderr).toContain(
      `Left out of the artifacts, as only this plugin needs them: node_modules/left-pad, node_modules/pad-core, node_modules/${PLUGIN}.`,
    );
    expect(packaged.stderr).toContain("Kept in, as the service's dependencies need them too: node_modules/lodash.");

    const entries = await zipEntries(zip);
    expect(entries).toEqual(expect.arrayContaining(['handler.js', 'node_modules/lodash/index.js', 'package.json']));
    expect(entries.filter((entry) => /^node_modules\/(serverless-spotinst-functions|left-pad|pad-core|\.bin)\//.test(entry))).toEqual([]);

    const again = await runCli(cli, ['package'], { cwd: dir, workspace });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`\\.serverless/svc-${cli}\\.zip +${size} B {2}hello \\(reused, unchanged\\)`));
    expect(fs.statSync(zip).size).toBe(size);
  });

  it('reports a zip without its handler, as deploy would', async () => {
    const dir = writeServiceWithPlugin(workspace, `broken-${cli}`, section);
    fs.renameSync(path.join(dir, 'handler.js'), path.join(dir, 'main.js'));
    const packaged = await runCli(cli, ['package'], { cwd: dir, workspace });
    expect(packaged.code).not.toBe(0);
    expect(`${packaged.stdout}\n${packaged.stderr}`).toContain(
      `functions.hello.handler is "handler.main", but broken-${cli}.zip has no handler.js or handler.cjs or handler.mjs.`,
    );
  });
});

/**
 * The published package: `npm pack` holds what a user needs and nothing else of weight,
 * and that tarball, installed into a fresh service, deploys, invokes and removes.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startLocalPlatform, type LocalPlatform } from '../../src/local';
import { REPO_ROOT, createWorkspace, runCli, writeService, type Workspace } from '../helpers/cli';

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string; size: number }>;
}

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('the npm package', () => {
  let workspace: Workspace;
  let platform: LocalPlatform;
  let packed: PackResult;
  let tarball: string;

  beforeAll(async () => {
    workspace = createWorkspace();
    const out = path.join(workspace.root, 'pack');
    fs.mkdirSync(out);
    const json = execFileSync(NPM, ['pack', '--json', '--pack-destination', out], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    [packed] = JSON.parse(json) as PackResult[];
    tarball = path.join(out, packed.filename);
    platform = await startLocalPlatform({ port: 0, dataDir: path.join(workspace.root, 'platform') });
  });
  afterAll(async () => {
    await platform?.close();
    workspace.cleanup();
  });

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
    execFileSync(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
      cwd: dir,
      stdio: 'ignore',
    });
    const installed = path.join(dir, 'node_modules', 'serverless-spotinst-functions');
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(installed, 'src'))).toBe(false);

    const env = { SPOTINST_API_URL: platform.url, SPOTINST_TOKEN: platform.token, SPOTINST_ACCOUNT: platform.account };
    const deployed = await runCli('osls', ['deploy'], { cwd: dir, workspace, env });
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toMatch(/hello:\n {4}id: fx-/);
    const invoked = await runCli('osls', ['invoke', '-f', 'hello', '--data', '{"n":1}'], { cwd: dir, workspace, env });
    expect(invoked.code).toBe(0);
    expect(JSON.parse(invoked.stdout)).toEqual({ packaged: true, got: { n: 1 } });
    const removed = await runCli('osls', ['remove'], { cwd: dir, workspace, env });
    expect(removed.code).toBe(0);
  });
});

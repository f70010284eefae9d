import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recordArtifacts, reusePreviousArtifacts } from '../../../src/package/reuse';
import { MEMORY_FILE, ServiceMemory } from '../../../src/package/memory';
import type { ServerlessLike } from '../../../src/framework/serverless';

/** The parts of the framework the reuse check reads, for a service in `dir`. */
function framework(dir: string, pkg: Record<string, unknown> = {}, functionPackage?: Record<string, unknown>): ServerlessLike {
  const functions = { hello: { handler: 'handler.main', runtime: 'nodejs8.3', ...(functionPackage ? { package: functionPackage } : {}) } };
  return {
    version: '3.40.0',
    serviceDir: dir,
    configurationFilename: 'serverless.yml',
    service: { service: 'svc', provider: { name: 'spotinst' }, functions, package: { ...pkg }, getAllFunctions: () => ['hello'] },
    classes: { Error },
    configSchemaHandler: { defineProvider: () => undefined },
    setProvider: () => undefined,
    getProvider: () => undefined,
    pluginManager: { spawn: () => Promise.resolve() },
    processedInput: { commands: [], options: {} },
    configurationInput: {},
  };
}

/** What the framework does when it packages: a zip in .serverless and package.artifact set. */
function packageService(serverless: ServerlessLike): void {
  const zip = path.join(serverless.serviceDir!, '.serverless', 'svc.zip');
  fs.mkdirSync(path.dirname(zip), { recursive: true });
  fs.writeFileSync(zip, `zip of ${fs.readdirSync(serverless.serviceDir!).join(',')}`);
  serverless.service.package = { ...serverless.service.package, artifact: zip };
}

/** One full `serverless package`: returns whether the earlier zip was reused. */
function packageRun(dir: string, pkg?: Record<string, unknown>, functionPackage?: Record<string, unknown>): boolean {
  const serverless = framework(dir, pkg, functionPackage);
  const memory = ServiceMemory.load(dir);
  const decision = reusePreviousArtifacts(serverless, memory);
  if (decision.reused) {
    expect(serverless.service.package?.artifact).toBe(path.join('.serverless', 'svc.zip'));
  } else {
    expect(serverless.service.package?.artifact).toBeUndefined();
    packageService(serverless);
  }
  recordArtifacts(serverless, decision, memory);
  memory.save();
  return decision.reused;
}

describe('reusing the previous package', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reuse-'));
    fs.writeFileSync(path.join(dir, 'handler.js'), 'exports.main = () => 1;\n');
    fs.mkdirSync(path.join(dir, 'node_modules', 'dep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reuses the zips of an unchanged service', () => {
    expect(packageRun(dir)).toBe(false);
    expect(packageRun(dir)).toBe(true);
    expect(packageRun(dir)).toBe(true);
  });

  it('packages again when a file changes, even to content of the same size', () => {
    packageRun(dir);
    fs.writeFileSync(path.join(dir, 'handler.js'), 'exports.main = () => 2;\n');
    expect(packageRun(dir)).toBe(false);
    expect(packageRun(dir)).toBe(true);
  });

  it('packages again when a file is added or removed, at any depth', () => {
    packageRun(dir);
    fs.writeFileSync(path.join(dir, 'node_modules', 'dep', 'extra.js'), '');
    expect(packageRun(dir)).toBe(false);
    fs.rmSync(path.join(dir, 'node_modules', 'dep', 'extra.js'));
    expect(packageRun(dir)).toBe(false);
    fs.mkdirSync(path.join(dir, 'empty-dir'));
    expect(packageRun(dir)).toBe(false);
  });

  it('packages again when the packaging settings change', () => {
    packageRun(dir);
    expect(packageRun(dir, { patterns: ['!node_modules/**'] })).toBe(false);
    expect(packageRun(dir, { patterns: ['!node_modules/**'] })).toBe(true);
    expect(packageRun(dir, { patterns: ['!node_modules/**'] }, { patterns: ['handler.js'] })).toBe(false);
  });

  it('packages again when the earlier zip was modified or deleted', () => {
    packageRun(dir);
    fs.appendFileSync(path.join(dir, '.serverless', 'svc.zip'), 'tampered');
    expect(packageRun(dir)).toBe(false);
    fs.rmSync(path.join(dir, '.serverless', 'svc.zip'));
    expect(packageRun(dir)).toBe(false);
  });

  it('never reuses when the user names the artifact or a pattern reaches outside the service', () => {
    packageRun(dir);
    const named = framework(dir, { artifact: 'my.zip' });
    expect(reusePreviousArtifacts(named, ServiceMemory.load(dir))).toMatchObject({ reused: false, reason: 'package.artifact is set' });
    const outside = framework(dir, { patterns: ['../shared/**'] });
    expect(reusePreviousArtifacts(outside, ServiceMemory.load(dir))).toMatchObject({ reused: false });
  });

  it('ignores a corrupt record', () => {
    packageRun(dir);
    fs.writeFileSync(path.join(dir, '.serverless', MEMORY_FILE), '{"format":1,"package":{"fingerpr');
    expect(packageRun(dir)).toBe(false);
    expect(packageRun(dir)).toBe(true);
  });
});

/** Which installed packages only the plugin needs, resolved as Node resolves them. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pluginOnlyPackages } from '../../../src/package/plugin-only';

const PLUGIN = 'serverless-spotinst-functions';

interface Manifest {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  bin?: string | Record<string, string>;
}

/** Writes `<dir>/package.json` (and an index.js) for a package called `name`. */
function writePackage(dir: string, name: string, manifest: Manifest = {}): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...manifest }));
  fs.writeFileSync(path.join(dir, 'index.js'), 'module.exports = 1;\n');
}

const deps = (...names: string[]): Record<string, string> => Object.fromEntries(names.map((name) => [name, '*']));

describe('pluginOnlyPackages', () => {
  let dir: string;
  const modules = (...parts: string[]): string => path.join(dir, 'node_modules', ...parts);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-only-'));
    // The plugin needs axios (which needs follow-redirects), chalk and lodash; its own
    // nested copy of `ms` is not the service's.
    writePackage(modules(PLUGIN), PLUGIN, { dependencies: deps('axios', 'chalk', 'lodash', 'ms'), bin: { 'spotinst-local': 'cli.js' } });
    writePackage(modules(PLUGIN, 'node_modules', 'ms'), 'ms');
    writePackage(modules('axios'), 'axios', { dependencies: deps('follow-redirects') });
    writePackage(modules('follow-redirects'), 'follow-redirects');
    writePackage(modules('chalk'), 'chalk', { dependencies: deps('@scope/colors') });
    writePackage(modules('@scope', 'colors'), '@scope/colors', { bin: 'colors.js' });
    writePackage(modules('lodash'), 'lodash');
    writePackage(modules('ms'), 'ms');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('leaves out the plugin and what only it needs, and keeps a dependency the service lists too', () => {
    writePackage(dir, 'shop', { dependencies: deps(PLUGIN, 'lodash', 'ms') });
    const exclusion = pluginOnlyPackages(dir);
    expect(exclusion?.excluded).toEqual([
      'node_modules/@scope/colors',
      'node_modules/axios',
      'node_modules/chalk',
      'node_modules/follow-redirects',
      `node_modules/${PLUGIN}`,
      `node_modules/${PLUGIN}/node_modules/ms`,
    ]);
    expect(exclusion?.shared).toEqual(['node_modules/lodash']);
    // one pattern per outermost package, and the executables npm linked for them
    expect(exclusion?.patterns).toEqual([
      '!node_modules/@scope/colors/**',
      '!node_modules/.bin/colors',
      '!node_modules/axios/**',
      '!node_modules/chalk/**',
      '!node_modules/follow-redirects/**',
      `!node_modules/${PLUGIN}/**`,
      '!node_modules/.bin/spotinst-local',
    ]);
  });

  it('keeps what the service needs through its dependencies and their peers', () => {
    writePackage(dir, 'shop', { dependencies: deps(PLUGIN, 'express') });
    writePackage(modules('express'), 'express', { dependencies: deps('follow-redirects'), peerDependencies: deps('chalk') });
    const exclusion = pluginOnlyPackages(dir);
    expect(exclusion?.shared).toEqual(['node_modules/@scope/colors', 'node_modules/chalk', 'node_modules/follow-redirects']);
    expect(exclusion?.excluded).toEqual([
      'node_modules/axios',
      'node_modules/lodash',
      `node_modules/${PLUGIN}`,
      `node_modules/${PLUGIN}/node_modules/ms`,
    ]);
  });

  it('leaves the plugin out when it is a devDependency too, and keeps every other package', () => {
    writePackage(dir, 'shop', { dependencies: deps('lodash'), devDependencies: deps(PLUGIN) });
    const exclusion = pluginOnlyPackages(dir);
    expect(exclusion?.excluded).toContain(`node_modules/${PLUGIN}`);
    expect(exclusion?.excluded).not.toContain('node_modules/lodash');
    expect(exclusion?.excluded).not.toContain('node_modules/ms');
  });

  it('follows a dependency nested in the depending package before the shared one', () => {
    writePackage(dir, 'shop', { dependencies: deps(PLUGIN, 'axios') });
    // axios brings its own follow-redirects; the top-level one is needed by the plugin only
    writePackage(modules('axios', 'node_modules', 'follow-redirects'), 'follow-redirects');
    fs.writeFileSync(
      modules(PLUGIN, 'package.json'),
      JSON.stringify({ name: PLUGIN, version: '1.0.0', dependencies: deps('axios', 'follow-redirects') }),
    );
    const exclusion = pluginOnlyPackages(dir);
    expect(exclusion?.shared).toEqual(['node_modules/axios', 'node_modules/axios/node_modules/follow-redirects']);
    expect(exclusion?.excluded).toEqual(['node_modules/follow-redirects', `node_modules/${PLUGIN}`]);
  });

  it('finds nothing to leave out when the plugin is not installed in the service', () => {
    fs.rmSync(modules(PLUGIN), { recursive: true });
    writePackage(dir, 'shop', { dependencies: deps('lodash') });
    expect(pluginOnlyPackages(dir)).toBeUndefined();
  });

  it('works without a package.json in the service: everything the plugin needs goes', () => {
    const exclusion = pluginOnlyPackages(dir);
    expect(exclusion?.shared).toEqual([]);
    expect(exclusion?.excluded).toEqual(expect.arrayContaining(['node_modules/lodash', 'node_modules/axios', `node_modules/${PLUGIN}`]));
  });

  it('follows a plugin linked from elsewhere to where its dependencies really are', () => {
    const checkout = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-checkout-'));
    try {
      writePackage(checkout, PLUGIN, { dependencies: deps('lodash') });
      writePackage(path.join(checkout, 'node_modules', 'lodash'), 'lodash');
      fs.rmSync(modules(PLUGIN), { recursive: true });
      fs.symlinkSync(checkout, modules(PLUGIN), 'dir');
      writePackage(dir, 'shop', { dependencies: deps(PLUGIN) });
      // the checkout's lodash is under the link (left out with it); the service's own stays
      expect(pluginOnlyPackages(dir)).toEqual({
        excluded: [`node_modules/${PLUGIN}`],
        shared: [],
        patterns: [`!node_modules/${PLUGIN}/**`],
      });
    } finally {
      fs.rmSync(checkout, { recursive: true, force: true });
    }
  });
});

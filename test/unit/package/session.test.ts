/**
 * The package hooks as one command runs them: the plugin kept out, the artifacts checked
 * and said right after packaging, and deploy handed what packaging checked.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ServiceMemory } from '../../../src/package/memory';
import { ServiceSession, formatSize } from '../../../src/package/session';
import type { ServerlessLike } from '../../../src/framework/serverless';
import { zipFiles } from '../../fixtures/functions/build';
import { fakeServerless, functionModel, recordingWriters, serviceModel, type Output } from '../../helpers/command-context';

const PLUGIN = 'serverless-spotinst-functions';
const HANDLER = 'exports.main = async () => ({ statusCode: 200 });\n';

describe('ServiceSession', () => {
  let dir: string;
  const service = serviceModel([functionModel('hello'), functionModel('world', { handler: 'world.main' })]);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-session-'));
    fs.writeFileSync(path.join(dir, 'handler.js'), HANDLER);
    fs.writeFileSync(path.join(dir, 'world.js'), HANDLER);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function command(functions: Record<string, Record<string, unknown>> = { hello: {}, world: {} }, pkg: Record<string, unknown> = {}) {
    const serverless = fakeServerless({ serviceDir: dir, service: 'svc', functions, package: pkg });
    const { log, output } = recordingWriters();
    return { serverless, output, session: new ServiceSession(serverless, log) };
  }

  /** What the framework's packager does: one zip of the whole service, named on package.artifact. */
  async function packageService(
    serverless: ServerlessLike,
    files: Record<string, string> = { 'handler.js': HANDLER, 'world.js': HANDLER },
  ) {
    const zip = path.join(dir, '.serverless', 'svc.zip');
    fs.mkdirSync(path.dirname(zip), { recursive: true });
    fs.writeFileSync(zip, await zipFiles(files));
    serverless.service.package = { ...serverless.service.package, artifact: zip };
    return zip;
  }

  const notices = (output: Output): string[] => output.stderr.filter((entry) => entry.level !== 'verbose').map((entry) => entry.text);

  it('says each zip it made, its size and its functions, and that a reused one is unchanged', async () => {
    const first = command();
    await first.session.beforePackage(service);
    const zip = await packageService(first.serverless);
    await first.session.afterPackage(service, true);
    const size = formatSize(fs.statSync(zip).size);
    expect(notices(first.output)).toEqual([`  .serverless/svc.zip  ${size}  hello, world`, 'Service svc packaged: 1 artifact.']);

    const second = command();
    await second.session.beforePackage(service);
    await second.session.afterPackage(service, true);
    expect(notices(second.output)).toEqual([
      'Packaging skipped: no file changed since the last package, so its zips are reused.',
      `  .serverless/svc.zip  ${size}  hello, world (reused, unchanged)`,
      'Service svc packaged: 1 artifact.',
    ]);
  });

  it('inside deploy, says it only with --verbose', async () => {
    const { serverless, output, session } = command();
    await session.beforePackage(service);
    await packageService(serverless);
    await session.afterPackage(service, false);
    expect(output.visibleErr).toBe('');
    expect(output.err).toMatch(/Service svc packaged: 1 artifact\.\n {2}\.serverless\/svc\.zip/);
  });

  it('refuses a zip without its handler at packaging, so `serverless package` reports it', async () => {
    const { serverless, session } = command();
    await session.beforePackage(service);
    await packageService(serverless, { 'handler.js': HANDLER });
    await expect(session.afterPackage(service, true)).rejects.toMatchObject({
      code: 'SPOTINST_HANDLER_NOT_PACKAGED',
      message: expect.stringContaining('functions.world.handler is "world.main", but svc.zip has no world.js') as unknown,
    });
  });

  it('hands deploy what packaging checked: one load of the memory file, no second read of the zip', async () => {
    const load = jest.spyOn(ServiceMemory, 'load');
    const { serverless, session } = command();
    await session.beforePackage(service);
    const zip = await packageService(serverless);
    await session.afterPackage(service, false);
    const reads = jest.spyOn(fs.promises, 'readFile');
    const artifacts = await session.artifactsFor(service.functions);
    expect([...artifacts.keys()]).toEqual(['hello', 'world']);
    expect(artifacts.get('hello')?.path).toBe(zip);
    expect(reads).not.toHaveBeenCalled();
    expect(session.memory).toBeInstanceOf(ServiceMemory);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('checks at deploy what packaging did not check in this process', async () => {
    const { serverless, session } = command();
    await packageService(serverless, { 'handler.js': HANDLER });
    await expect(session.artifactsFor(service.functions)).rejects.toMatchObject({ code: 'SPOTINST_HANDLER_NOT_PACKAGED' });
  });

  it('bundles a TypeScript handler into its own artifact, for package and for deploy function alike', async () => {
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(
      path.join(dir, 'src', 'typed.ts'),
      'export const main = async (): Promise<{ statusCode: number }> => ({ statusCode: 200 });\n',
    );
    const typed = functionModel('typed', { handler: 'src/typed.main' });
    const withTyped = serviceModel([...service.functions, typed]);
    const zip = path.join(dir, '.serverless', 'typed.zip');

    const whole = command({ hello: {}, world: {}, typed: {} });
    await whole.session.beforePackage(withTyped);
    expect(whole.serverless.service.functions.typed).toEqual({ package: { artifact: zip } });
    await packageService(whole.serverless);
    await whole.session.afterPackage(withTyped, true);
    expect(notices(whole.output)).toContain('Service svc packaged: 2 artifacts.');
    expect((await whole.session.artifactsFor([typed])).get('typed')?.path).toBe(zip);

    const one = command({ hello: {}, world: {}, typed: {} });
    await one.session.beforePackageFunction(withTyped, 'typed');
    expect(one.serverless.service.functions.typed).toMatchObject({ package: { artifact: zip } });
    expect(one.serverless.service.functions.hello).toEqual({});
  });

  describe('with the plugin installed in the service', () => {
    beforeEach(() => {
      const modules = path.join(dir, 'node_modules');
      for (const [name, dependencies] of [
        [PLUGIN, { lodash: '*', jszip: '*' }],
        ['lodash', {}],
        ['jszip', {}],
      ] as const) {
        fs.mkdirSync(path.join(modules, name), { recursive: true });
        fs.writeFileSync(path.join(modules, name, 'package.json'), JSON.stringify({ name, version: '1.0.0', dependencies }));
      }
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'svc', dependencies: { [PLUGIN]: '*', lodash: '*' } }));
    });

    it('excludes it from the service and from each function zipped on its own, once however often the hook runs', async () => {
      const functions: Record<string, Record<string, unknown>> = {
        hello: { package: { individually: true, patterns: ['handler.js'] } },
        world: {},
      };
      const { serverless, output, session } = command(functions, { patterns: ['!tests/**'] });
      await session.beforePackage(service);
      await session.beforePackage(service);
      const excluded = ['!node_modules/jszip/**', `!node_modules/${PLUGIN}/**`];
      expect(serverless.service.package?.patterns).toEqual(['!tests/**', ...excluded]);
      expect(functions.hello.package).toEqual({ individually: true, patterns: ['handler.js', ...excluded] });
      // packaged with the service: its own patterns would make the framework warn
      expect(functions.world.package).toBeUndefined();
      expect(output.visibleErr).not.toContain('Left out');
      expect(output.err).toContain(
        `Left out of the artifacts, as only this plugin needs them: node_modules/jszip, node_modules/${PLUGIN}.`,
      );
      expect(output.err).toContain("Kept in, as the service's dependencies need them too: node_modules/lodash.");
    });

    it('excludes it from the one function deploy function packages', async () => {
      const functions: Record<string, Record<string, unknown>> = { hello: {}, world: {} };
      const { serverless, session } = command(functions);
      await session.beforePackageFunction(service, 'world');
      expect(functions.world.package).toEqual({ patterns: ['!node_modules/jszip/**', `!node_modules/${PLUGIN}/**`] });
      expect(functions.hello.package).toBeUndefined();
      expect(serverless.service.package?.patterns).toEqual(['!node_modules/jszip/**', `!node_modules/${PLUGIN}/**`]);
    });
  });
});

/**
 * TypeScript handlers at packaging: bundled with esbuild into their own zip, which becomes the
 * function's artifact; the same sources always make the same bytes; a JavaScript handler
 * file, or an artifact the user named, is left alone; every build error is said at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { packageTypescriptHandlers, typescriptHandlerFile } from '../../../src/package/typescript';
import { handlerSourceCandidates } from '../../../src/spec/handlers';
import { fakeServerless, functionModel } from '../../helpers/command-context';

describe('TypeScript handlers', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-ts-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'util.ts'), 'export const twice = (n: number): number => n * 2;\n');
    fs.writeFileSync(
      path.join(dir, 'src', 'api.ts'),
      "import { twice } from './util';\nexport const main = async (): Promise<{ statusCode: number; body: number }> => ({ statusCode: 200, body: twice(21) });\n",
    );
    fs.writeFileSync(path.join(dir, 'plain.js'), 'exports.main = async () => ({ statusCode: 200 });\n');
    fs.writeFileSync(path.join(dir, 'plain.ts'), 'export const main = async () => ({ statusCode: 500 });\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('node handlers may be written in .ts, .mts and .cts, after the files node loads', () => {
    expect(handlerSourceCandidates('nodejs8.3', 'src/api.main')).toEqual([
      'src/api.js',
      'src/api.cjs',
      'src/api.mjs',
      'src/api.ts',
      'src/api.mts',
      'src/api.cts',
    ]);
    expect(handlerSourceCandidates('python2.7', 'src/api.main')).toEqual(['src/api.py']);
  });

  it('finds the TypeScript file, unless a JavaScript one is there too (it wins) or the function is not node', () => {
    expect(typescriptHandlerFile(dir, functionModel('api', { handler: 'src/api.main' }))).toBe('src/api.ts');
    expect(typescriptHandlerFile(dir, functionModel('plain', { handler: 'plain.main' }))).toBeUndefined();
    expect(typescriptHandlerFile(dir, functionModel('py', { handler: 'src/api.main', runtime: 'python2.7' }))).toBeUndefined();
  });

  it('zips the bundle and its source map as the function artifact, the same bytes every time', async () => {
    const functions: Record<string, Record<string, unknown>> = { api: {}, plain: {} };
    const serverless = fakeServerless({ serviceDir: dir, service: 'svc', functions });
    const models = [functionModel('api', { handler: 'src/api.main' }), functionModel('plain', { handler: 'plain.main' })];

    const [made, ...others] = await packageTypescriptHandlers(serverless, models);
    expect(others).toEqual([]);
    const zip = path.join(dir, '.serverless', 'api.zip');
    expect(made).toMatchObject({ key: 'api', source: 'src/api.ts', artifact: zip });
    expect(made.inputs.sort()).toEqual([path.join(dir, 'src', 'api.ts'), path.join(dir, 'src', 'util.ts')]);
    expect(functions.api.package).toEqual({ artifact: zip });
    expect(functions.plain.package).toBeUndefined();

    const archive = await JSZip.loadAsync(fs.readFileSync(zip));
    expect(Object.keys(archive.files).sort()).toEqual(['src/api.cjs', 'src/api.cjs.map']);
    const code = (await archive.file('src/api.cjs')?.async('string')) ?? '';
    expect(code).toContain('//# sourceMappingURL=api.cjs.map');
    const map = JSON.parse((await archive.file('src/api.cjs.map')?.async('string')) ?? '{}') as { sources: string[]; sourceRoot?: string };
    // relative: an artifact does not carry the path of the machine it was built on
    expect(map.sources.sort()).toEqual(['api.ts', 'util.ts']);
    expect(map.sourceRoot).toBeUndefined();

    const before = fs.readFileSync(zip);
    const identity = fs.statSync(zip);
    functions.api.package = undefined;
    await packageTypescriptHandlers(serverless, models);
    expect(fs.readFileSync(zip).equals(before)).toBe(true);
    // an unchanged zip is not rewritten: the artifact check's memory still knows it
    expect(fs.statSync(zip).mtimeMs).toBe(identity.mtimeMs);
  });

  it('leaves a function with a package.artifact of its own alone', async () => {
    const functions: Record<string, Record<string, unknown>> = { api: { package: { artifact: 'built.zip' } } };
    const serverless = fakeServerless({ serviceDir: dir, service: 'svc', functions });
    expect(await packageTypescriptHandlers(serverless, [functionModel('api', { handler: 'src/api.main' })])).toEqual([]);
    expect(functions.api.package).toEqual({ artifact: 'built.zip' });
  });

  it('reports every handler that does not build, with file, line and column, and writes no zip', async () => {
    fs.writeFileSync(path.join(dir, 'src', 'bad.ts'), 'export const main = async () => {\n  return { statusCode: 200 ;\n};\n');
    fs.writeFileSync(path.join(dir, 'src', 'lost.ts'), "import { gone } from './missing';\nexport const main = gone;\n");
    const serverless = fakeServerless({ serviceDir: dir, service: 'svc', functions: { bad: {}, lost: {} } });
    const models = [functionModel('bad', { handler: 'src/bad.main' }), functionModel('lost', { handler: 'src/lost.main' })];
    const failure = packageTypescriptHandlers(serverless, models);
    await expect(failure).rejects.toMatchObject({ code: 'SPOTINST_TYPESCRIPT_BUILD_FAILED' });
    const message = await failure.catch((error: Error) => error.message);
    expect(message).toContain(
      'functions.bad: the TypeScript handler src/bad.ts does not build:\nsrc/bad.ts:2:28: Expected "}" but found ";"',
    );
    expect(message).toContain(
      'functions.lost: the TypeScript handler src/lost.ts does not build:\nsrc/lost.ts:1:22: Could not resolve "./missing"',
    );
    expect(fs.existsSync(path.join(dir, '.serverless'))).toBe(false);
  });
});

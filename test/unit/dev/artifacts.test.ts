/**
 * What a save makes again in `serverless dev`: only the zip the saved file is in (through the
 * framework's packager, here a stand-in that zips the files its patterns list), only the
 * TypeScript bundle that imports it; a file no artifact holds changes nothing; an added file
 * is listed again by the patterns.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { DevArtifacts, type FrameworkPackager } from '../../../src/dev/artifacts';
import { ServiceSession } from '../../../src/package/session';
import { fakeServerless, functionModel, recordingWriters } from '../../helpers/command-context';

const HANDLER = 'exports.main = async () => ({ statusCode: 200 });\n';

/** The framework's packager as far as dev uses it: file lists by a prefix per function, deterministic zips. */
class StandInPackager implements FrameworkPackager {
  readonly zipped: string[] = [];
  constructor(
    private readonly dir: string,
    private readonly prefixes: Record<string, string>,
  ) {}

  private list(prefix: string): string[] {
    const found: string[] = [];
    const walk = (relative: string): void => {
      for (const entry of fs.readdirSync(path.join(this.dir, relative), { withFileTypes: true })) {
        const child = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.name === '.serverless') continue;
        if (entry.isDirectory()) walk(child);
        else if (child.startsWith(prefix)) found.push(child);
      }
    };
    walk('');
    return found.sort();
  }

  resolveFilePathsAll(): Promise<string[]> {
    return Promise.resolve(this.list(''));
  }

  resolveFilePathsFunction(functionName: string): Promise<string[]> {
    return Promise.resolve(this.list(this.prefixes[functionName] ?? functionName));
  }

  async zipFiles(files: string[], zipFileName: string): Promise<string> {
    this.zipped.push(zipFileName);
    const zip = new JSZip();
    for (const file of files) zip.file(file, fs.readFileSync(path.join(this.dir, file)), { date: new Date('1980-01-01T00:00:00Z') });
    const target = path.join(this.dir, '.serverless', zipFileName);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, await zip.generateAsync({ type: 'nodebuffer' }));
    return target;
  }
}

describe('DevArtifacts', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-artifacts-'));
    for (const [file, content] of Object.entries({
      'hello/handler.js': HANDLER,
      'world/handler.js': HANDLER,
      'typed/handler.ts': "import { two } from './two';\nexport const main = async () => ({ statusCode: 200, body: two });\n",
      'typed/two.ts': 'export const two = 2;\n',
      'notes.md': 'not code',
    })) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function setUp() {
    const functions: Record<string, Record<string, unknown>> = { hello: {}, world: {}, typed: {} };
    const serverless = fakeServerless({ serviceDir: dir, service: 'svc', functions, package: { individually: true } });
    const packager = new StandInPackager(dir, { hello: 'hello/', world: 'world/' });
    const models = [
      functionModel('hello', { handler: 'hello/handler.main' }),
      functionModel('world', { handler: 'world/handler.main' }),
      functionModel('typed', { handler: 'typed/handler.main' }),
    ];
    // the first package, as the framework and the plugin's hooks make it
    const session = new ServiceSession(serverless, recordingWriters().log, { absoluteSources: true });
    await session.bundleTypescript(models);
    for (const key of ['hello', 'world'])
      functions[key].package = { artifact: await packager.zipFiles(await packager.resolveFilePathsFunction(key), `${key}.zip`) };
    packager.zipped.length = 0;
    const artifacts = new DevArtifacts(serverless, packager);
    const first = await artifacts.afterFullPackage(models, session);
    return { artifacts, packager, session, first };
  }

  it('makes again only the zip the saved file is in; the others keep their hash', async () => {
    const { artifacts, packager, session, first } = await setUp();
    const saved = path.join(dir, 'hello', 'handler.js');
    fs.writeFileSync(saved, `${HANDLER}// saved\n`);
    expect(artifacts.concerns(saved)).toBe(true);
    const { artifacts: after, rebuilt } = await artifacts.repackage({ files: new Set([saved]), structural: false }, session);
    expect(rebuilt).toEqual(['hello']);
    expect(packager.zipped).toEqual(['hello.zip']);
    expect(after.get('hello')?.sha256).not.toBe(first.get('hello')?.sha256);
    expect(after.get('world')?.sha256).toBe(first.get('world')?.sha256);
    expect(after.get('typed')?.sha256).toBe(first.get('typed')?.sha256);
  });

  it('bundles again the TypeScript handler that imports the saved file', async () => {
    const { artifacts, packager, session, first } = await setUp();
    const saved = path.join(dir, 'typed', 'two.ts');
    fs.writeFileSync(saved, 'export const two = 22;\n');
    const { artifacts: after, rebuilt } = await artifacts.repackage({ files: new Set([saved]), structural: false }, session);
    expect(rebuilt).toEqual(['typed']);
    expect(packager.zipped).toEqual([]);
    expect(after.get('typed')?.sha256).not.toBe(first.get('typed')?.sha256);
  });

  it('ignores a file no artifact holds, and lists the files again when one is added', async () => {
    const { artifacts, packager, session } = await setUp();
    expect(artifacts.concerns(path.join(dir, 'notes.md'))).toBe(false);
    const added = path.join(dir, 'world', 'extra.js');
    fs.writeFileSync(added, 'module.exports = 1;\n');
    expect(artifacts.concerns(added)).toBe(false);
    const { rebuilt } = await artifacts.repackage({ files: new Set([added]), structural: true }, session);
    expect(rebuilt).toEqual(['world']);
    expect(packager.zipped).toEqual(['world.zip']);
    expect(artifacts.concerns(added)).toBe(true);
  });

  it('keeps the last good bundle when a save does not build, and builds it once fixed', async () => {
    const { artifacts, session } = await setUp();
    const saved = path.join(dir, 'typed', 'handler.ts');
    fs.writeFileSync(saved, 'export const main = async () => {\n');
    await expect(artifacts.repackage({ files: new Set([saved]), structural: false }, session)).rejects.toMatchObject({
      code: 'SPOTINST_TYPESCRIPT_BUILD_FAILED',
    });
    fs.writeFileSync(saved, 'export const main = async () => ({ statusCode: 201 });\n');
    const { rebuilt } = await artifacts.repackage({ files: new Set([saved]), structural: false }, session);
    expect(rebuilt).toEqual(['typed']);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import {
  ArtifactReader,
  handlerCandidates,
  readArtifacts,
  sha256,
  MAX_ARTIFACT_BYTES,
  type Artifact,
} from '../../../src/package/artifacts';
import { MEMORY_FILE, ServiceMemory } from '../../../src/package/memory';
import type { FunctionModel } from '../../../src/framework/service-model';

function model(runtime: string, handler: string): FunctionModel {
  return { key: 'hello', name: 'hello', runtime, handler, memory: 128, timeout: 30, access: 'private', environmentVariables: {} };
}

async function writeZip(dir: string, name: string, files: Record<string, string>): Promise<string> {
  const zip = new JSZip();
  for (const [file, content] of Object.entries(files)) zip.file(file, content);
  const file = path.join(dir, name);
  fs.writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer' }));
  return file;
}

describe('artifacts', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-artifacts-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['nodejs8.3', 'handler.main', ['handler.js', 'handler.cjs', 'handler.mjs']],
    ['nodejs20', 'src/api/users.list', ['src/api/users.js', 'src/api/users.cjs', 'src/api/users.mjs']],
    ['python2.7', 'handler.main', ['handler.py']],
    ['ruby2.4.1', 'lib/handler.main', ['lib/handler.rb']],
    ['java8', 'com.serverless.Handler', ['com/serverless/Handler.class']],
  ])('%s %s lives in %j', (runtime, handler, files) => {
    expect(handlerCandidates(model(runtime, handler))).toEqual(files);
  });

  it('hashes the bytes, and reads a shared artifact once', async () => {
    const file = await writeZip(dir, 'svc.zip', { 'handler.js': 'x', 'other.py': 'y' });
    const reader = new ArtifactReader();
    const spy = jest.spyOn(fs.promises, 'readFile');
    const first = await reader.forFunction(model('nodejs8.3', 'handler.main'), file);
    const second = await reader.forFunction(model('python2.7', 'other.main'), file);
    expect(first).toBe(second);
    expect(first.sha256).toBe(sha256(fs.readFileSync(file)));
    expect(first.size).toBe(fs.statSync(file).size);
    expect(await first.bytes()).toEqual(fs.readFileSync(file));
    expect(spy.mock.calls.filter(([target]) => target === file)).toHaveLength(1);
    spy.mockRestore();
  });

  it('refuses an artifact without the handler file, naming key, handler and archive', async () => {
    const file = await writeZip(dir, 'svc.zip', { 'index.js': 'x' });
    const failure = new ArtifactReader().forFunction(model('nodejs8.3', 'handler.main'), file);
    await expect(failure).rejects.toMatchObject({ code: 'SPOTINST_HANDLER_NOT_PACKAGED' });
    await expect(failure).rejects.toThrow(/functions\.hello\.handler is "handler\.main", but svc\.zip has no handler\.js/);
  });

  it('refuses a missing, a non-zip and an oversized artifact', async () => {
    const reader = new ArtifactReader();
    await expect(reader.forFunction(model('nodejs8.3', 'handler.main'), path.join(dir, 'nope.zip'))).rejects.toMatchObject({
      code: 'SPOTINST_ARTIFACT_MISSING',
    });
    const directory = path.join(dir, 'build');
    fs.mkdirSync(directory);
    await expect(reader.forFunction(model('nodejs8.3', 'handler.main'), directory)).rejects.toMatchObject({
      code: 'SPOTINST_ARTIFACT_MISSING',
      message: `The artifact ${directory} is a directory, not a zip or jar. Fix package.artifact to name the archive.`,
    });
    const text = path.join(dir, 'text.zip');
    fs.writeFileSync(text, 'not a zip');
    await expect(reader.forFunction(model('nodejs8.3', 'handler.main'), text)).rejects.toMatchObject({
      code: 'SPOTINST_ARTIFACT_INVALID',
    });
    const big = path.join(dir, 'big.zip');
    fs.writeFileSync(big, Buffer.alloc(MAX_ARTIFACT_BYTES + 1));
    const tooLarge = reader.forFunction(model('nodejs8.3', 'handler.main'), big);
    await expect(tooLarge).rejects.toMatchObject({ code: 'SPOTINST_ARTIFACT_TOO_LARGE' });
    await expect(tooLarge).rejects.toThrow('package.patterns');
  });

  describe('memory of checked artifacts', () => {
    const node = model('nodejs8.3', 'handler.main');
    const readsOf = (spy: jest.SpyInstance, file: string): number => spy.mock.calls.filter(([target]) => target === file).length;
    const memoFile = (): string => path.join(dir, '.serverless', MEMORY_FILE);

    /** One command's check: the memory file loaded, used and saved, as the plugin does. */
    async function check(models: FunctionModel[], file: string): Promise<Map<string, Artifact>> {
      const memory = ServiceMemory.load(dir);
      const artifacts = await readArtifacts(models, () => file, memory);
      memory.save();
      return artifacts;
    }

    it('skips reading, hashing and unzipping an artifact that is the very same file as last time', async () => {
      const file = await writeZip(dir, 'svc.zip', { 'handler.js': 'x' });
      const first = await check([node], file);
      const past = new Date(Date.now() - 60000);
      fs.utimesSync(memoFile(), past, past);
      const written = fs.statSync(memoFile()).mtimeMs;
      const spy = jest.spyOn(fs.promises, 'readFile');
      try {
        const again = await check([node], file);
        expect(readsOf(spy, file)).toBe(0);
        // nothing new was learnt, so the memo is not rewritten either
        expect(fs.statSync(memoFile()).mtimeMs).toBe(written);
        expect(again.get('hello')?.sha256).toBe(first.get('hello')?.sha256);
        // the bytes are read when they are uploaded, and are the file's
        expect(await again.get('hello')?.bytes()).toEqual(fs.readFileSync(file));
      } finally {
        spy.mockRestore();
      }
    });

    it('checks a rewritten artifact in full, and a handler it never looked up', async () => {
      const file = await writeZip(dir, 'svc.zip', { 'handler.js': 'x' });
      await check([node], file);
      await writeZip(dir, 'svc.zip', { 'other.js': 'x' });
      await expect(check([node], file)).rejects.toMatchObject({
        code: 'SPOTINST_HANDLER_NOT_PACKAGED',
      });

      const kept = await writeZip(dir, 'kept.zip', { 'handler.js': 'x', 'lib/users.js': 'y' });
      await check([node], kept);
      const users = { ...model('nodejs8.3', 'lib/users.list'), key: 'users', name: 'users' };
      const missing = { ...model('nodejs8.3', 'lib/none.list'), key: 'none', name: 'none' };
      await expect(check([users], kept)).resolves.toHaveProperty('size', 1);
      await expect(check([missing], kept)).rejects.toMatchObject({
        code: 'SPOTINST_HANDLER_NOT_PACKAGED',
      });
    });

    it('refuses to upload bytes that are not the ones it checked', async () => {
      const file = await writeZip(dir, 'svc.zip', { 'handler.js': 'x' });
      await check([node], file);
      const memo = JSON.parse(fs.readFileSync(memoFile(), 'utf8')) as { artifacts: Record<string, { sha256: string }> };
      memo.artifacts[file].sha256 = sha256(Buffer.from('something else'));
      fs.writeFileSync(memoFile(), JSON.stringify(memo));
      const artifact = (await check([node], file)).get('hello')!;
      await expect(artifact.bytes()).rejects.toMatchObject({ code: 'SPOTINST_ARTIFACT_CHANGED' });
    });

    it('ignores a corrupt memo', async () => {
      const file = await writeZip(dir, 'svc.zip', { 'handler.js': 'x' });
      fs.mkdirSync(path.join(dir, '.serverless'));
      fs.writeFileSync(memoFile(), '{"format": 1, "artifacts": ');
      const artifact = (await check([node], file)).get('hello')!;
      expect(artifact.sha256).toBe(sha256(fs.readFileSync(file)));
    });
  });
});

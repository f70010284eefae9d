/** The one file in .serverless/ that the plugin remembers things in. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FORMER_FILES, MEMORY_FILE, ServiceMemory } from '../../../src/package/memory';

const identity = { size: 10, mtimeMs: 1000.5, ctimeMs: 1000.5, ino: 42 };
const checked = { ...identity, sha256: 'c'.repeat(64), entries: { 'handler.js': true } };
const record = { fingerprint: 'f'.repeat(64), service: { path: '.serverless/svc.zip', sha256: 'a'.repeat(64) }, functions: {} };

describe('ServiceMemory', () => {
  let dir: string;
  const file = (): string => path.join(dir, '.serverless', MEMORY_FILE);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-memory-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A memory holding one of everything, saved. */
  function filled(): ServiceMemory {
    const memory = ServiceMemory.load(dir);
    memory.rememberPackage(record);
    memory.rememberArtifact('/svc/.serverless/svc.zip', checked);
    memory.rememberCode('fx-1', { handler: 'a.main', sha256: 'aaa' });
    memory.rememberPlacement('api act app dev', { applicationId: 'app-1', environmentId: 'env-1' });
    memory.save();
    return memory;
  }

  it('keeps the package record, checked archives, uploaded code and placements in one file', () => {
    filled();
    expect(fs.readdirSync(path.join(dir, '.serverless'))).toEqual([MEMORY_FILE]);
    const again = ServiceMemory.load(dir);
    expect(again.packaged()).toEqual(record);
    expect(again.checkedArtifact('/svc/.serverless/svc.zip', identity)).toEqual(checked);
    expect(again.knownCode()).toEqual({ 'fx-1': { handler: 'a.main', sha256: 'aaa' } });
    expect(again.placement('api act app dev')).toEqual({ applicationId: 'app-1', environmentId: 'env-1' });
  });

  it('trusts a checked archive only while it is the very same file', () => {
    filled();
    const memory = ServiceMemory.load(dir);
    for (const changed of [{ size: 11 }, { mtimeMs: 1001 }, { ctimeMs: 1001 }, { ino: 43 }]) {
      expect(memory.checkedArtifact('/svc/.serverless/svc.zip', { ...identity, ...changed })).toBeUndefined();
    }
  });

  it('writes only when something changed', () => {
    filled();
    const past = new Date(Date.now() - 60000);
    fs.utimesSync(file(), past, past);
    const before = fs.statSync(file()).mtimeMs;
    const memory = ServiceMemory.load(dir);
    memory.rememberCode('fx-1', { handler: 'a.main', sha256: 'aaa' });
    memory.rememberPackage({ ...record });
    memory.rememberPlacement('api act app dev', { applicationId: 'app-1', environmentId: 'env-1' });
    memory.forgetCode('fx-unknown');
    memory.save();
    expect(fs.statSync(file()).mtimeMs).toBe(before);

    memory.forgetCode('fx-1');
    memory.save();
    expect(ServiceMemory.load(dir).knownCode()).toEqual({});
  });

  it('ignores a corrupt or foreign file, and keeps the sections that are whole', () => {
    filled();
    fs.writeFileSync(file(), '{"format": 1, "code": {"fx-1": {"handler": "a.main", "sha');
    expect(ServiceMemory.load(dir).knownCode()).toEqual({});
    fs.writeFileSync(file(), JSON.stringify({ format: 2, code: { 'fx-1': { handler: 'a.main', sha256: 'aaa' } } }));
    expect(ServiceMemory.load(dir).knownCode()).toEqual({});
    fs.writeFileSync(file(), JSON.stringify([1, 2, 3]));
    expect(ServiceMemory.load(dir).packaged()).toBeUndefined();

    fs.writeFileSync(
      file(),
      JSON.stringify({
        format: 1,
        package: { fingerprint: 'f', functions: { hello: { path: 3 } } },
        artifacts: { '/a.zip': { ...checked, ino: 'x' }, '/b.zip': checked },
        code: { 'fx-1': { handler: 'a.main' }, 'fx-2': { handler: 'b.main', sha256: 'bbb' } },
        placements: { key: { applicationId: 'app-1' } },
      }),
    );
    const partial = ServiceMemory.load(dir);
    expect(partial.packaged()).toBeUndefined();
    expect(partial.checkedArtifact('/a.zip', identity)).toBeUndefined();
    expect(partial.checkedArtifact('/b.zip', identity)).toEqual(checked);
    expect(partial.knownCode()).toEqual({ 'fx-2': { handler: 'b.main', sha256: 'bbb' } });
    expect(partial.placement('key')).toBeUndefined();
  });

  it('replaces the three files of 2.0.0-dev without reading them', () => {
    fs.mkdirSync(path.join(dir, '.serverless'));
    for (const former of FORMER_FILES) {
      fs.writeFileSync(
        path.join(dir, '.serverless', former),
        JSON.stringify({ format: 1, functions: { 'fx-1': { handler: 'a', sha256: 'b' } } }),
      );
    }
    const memory = ServiceMemory.load(dir);
    expect(memory.knownCode()).toEqual({});
    memory.rememberCode('fx-2', { handler: 'b.main', sha256: 'bbb' });
    memory.save();
    expect(fs.readdirSync(path.join(dir, '.serverless'))).toEqual([MEMORY_FILE]);
  });

  it('a memory of none remembers for the process and writes nothing', () => {
    const memory = ServiceMemory.none();
    memory.rememberCode('fx-1', { handler: 'a.main', sha256: 'aaa' });
    memory.save();
    expect(memory.knownCode()).toEqual({ 'fx-1': { handler: 'a.main', sha256: 'aaa' } });
    expect(fs.existsSync(path.join(dir, '.serverless'))).toBe(false);
  });
});

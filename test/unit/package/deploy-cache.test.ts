import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CACHE_FILE, DeployCache } from '../../../src/package/deploy-cache';

describe('DeployCache', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-cache-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('remembers uploaded code across runs and forgets deleted functions', () => {
    const cache = DeployCache.load(dir);
    cache.remember('fx-1', { handler: 'a.main', sha256: 'aaa' });
    cache.remember('fx-2', { handler: 'b.main', sha256: 'bbb' });
    cache.save();
    const again = DeployCache.load(dir);
    again.forget('fx-2');
    again.save();
    expect(DeployCache.load(dir).known()).toEqual({ 'fx-1': { handler: 'a.main', sha256: 'aaa' } });
  });

  it('does not write the file again when nothing changed', () => {
    const cache = DeployCache.load(dir);
    cache.remember('fx-1', { handler: 'a.main', sha256: 'aaa' });
    cache.rememberPlacement('key', { applicationId: 'app-1', environmentId: 'env-1' });
    cache.save();
    const file = path.join(dir, '.serverless', CACHE_FILE);
    const past = new Date(Date.now() - 60000);
    fs.utimesSync(file, past, past);
    const written = fs.statSync(file).mtimeMs;
    const again = DeployCache.load(dir);
    again.remember('fx-1', { handler: 'a.main', sha256: 'aaa' });
    again.rememberPlacement('key', { applicationId: 'app-1', environmentId: 'env-1' });
    again.forget('fx-unknown');
    again.save();
    expect(fs.statSync(file).mtimeMs).toBe(written);
    again.rememberPlacement('key', { applicationId: 'app-1', environmentId: 'env-2' });
    again.save();
    expect(fs.statSync(file).mtimeMs).toBeGreaterThan(written);
  });

  it('ignores a corrupt or foreign file instead of trusting it', () => {
    fs.mkdirSync(path.join(dir, '.serverless'));
    const file = path.join(dir, '.serverless', CACHE_FILE);
    fs.writeFileSync(file, '{"format": 1, "functions": {"fx-1": {"handler": "a.main", "sha2');
    expect(DeployCache.load(dir).known()).toEqual({});
    fs.writeFileSync(file, JSON.stringify({ format: 99, functions: { 'fx-1': { handler: 'a', sha256: 'b' } } }));
    expect(DeployCache.load(dir).known()).toEqual({});
    fs.writeFileSync(file, JSON.stringify({ format: 1, functions: { 'fx-1': { handler: 3 }, 'fx-2': { handler: 'b', sha256: 'c' } } }));
    expect(DeployCache.load(dir).known()).toEqual({ 'fx-2': { handler: 'b', sha256: 'c' } });
  });

  it('leaves no temporary file behind after saving', () => {
    const cache = DeployCache.load(dir);
    cache.remember('fx-1', { handler: 'a.main', sha256: 'aaa' });
    cache.save();
    expect(fs.readdirSync(path.join(dir, '.serverless'))).toEqual([CACHE_FILE]);
  });
});

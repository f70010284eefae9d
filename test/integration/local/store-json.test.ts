import fs from 'node:fs';
import path from 'node:path';
import { JsonlLogStore } from '../../../src/local/store/jsonl-log-store';
import { JsonStateStore } from '../../../src/local/store/json-state-store';
import { tempDir } from '../../helpers/platform';
import { storeContract } from './store-contract';

storeContract('the file engine (state.json, logs/*.jsonl)', {
  create: () => Promise.resolve(tempDir('spotinst-store-')),
  openRecords: (dir) => Promise.resolve(JsonStateStore.open(dir)),
  openLogs: (dir, retention) => Promise.resolve(new JsonlLogStore(dir, retention)),
  dispose: (dir) => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })),
});

describe('the file engine', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('keeps the 2.0.0-dev layout: one state.json a previous release can read, one .jsonl per function', async () => {
    const dir = tempDir('spotinst-store-');
    dirs.push(dir);
    const store = JsonStateStore.open(dir);
    await store.transaction(async (tx) => {
      await tx.putApplication({ id: 'app-00000001', name: 'kept' });
      await tx.putDocument('env-00000001', { key: 'k', value: 1 });
    });
    const written = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as Record<string, unknown>;
    expect(written).toEqual({
      schema: 1,
      applications: { 'app-00000001': { id: 'app-00000001', name: 'kept' } },
      environments: {},
      functions: {},
      patterns: {},
      aliases: {},
      jobs: {},
      documents: { 'env-00000001': { k: { key: 'k', value: 1 } } },
    });
    const logs = new JsonlLogStore(dir, { maxBytesPerFunction: 1024 });
    await logs.append('fx-00000001', { invocationId: 'i', content: [], startedAt: 1 });
    expect(fs.readFileSync(path.join(dir, 'logs', 'fx-00000001.jsonl'), 'utf8')).toBe('{"invocationId":"i","content":[],"startedAt":1}\n');
  });

  test('a failed write leaves memory as it was on disk, and the transaction rejects', async () => {
    const dir = tempDir('spotinst-store-');
    dirs.push(dir);
    const store = JsonStateStore.open(dir);
    await store.transaction((tx) => tx.putApplication({ id: 'app-00000001', name: 'before' }));
    // what stands in for a full or failing disk: state.json cannot be replaced (a directory that is not empty)
    const file = path.join(dir, 'state.json');
    fs.renameSync(file, `${file}.saved`);
    fs.mkdirSync(path.join(file, 'blocker'), { recursive: true });
    await expect(store.transaction((tx) => tx.putApplication({ id: 'app-00000002', name: 'lost' }))).rejects.toThrow();
    expect((await store.applications()).map((app) => app.name)).toEqual(['before']);
  });

  test('a write through a transaction that is over is refused, not lost silently', async () => {
    const dir = tempDir('spotinst-store-');
    dirs.push(dir);
    const store = JsonStateStore.open(dir);
    let leaked: Parameters<Parameters<JsonStateStore['transaction']>[0]>[0] | undefined;
    await store.transaction((tx) => {
      leaked = tx;
      return Promise.resolve();
    });
    await expect(leaked?.putApplication({ id: 'app-00000001', name: 'late' })).rejects.toThrow(/transaction is over/);
  });
});

/**
 * The contract of spotinst-local's storage engines (src/local/store/platform-store.ts and
 * log-store.ts), as a suite any engine must pass. Call `storeContract` from a test file
 * with the engine under test; store-sql.test.ts runs it against SQLite and PostgreSQL.
 */
import type { Alias, Application, CronJob, InvocationLog, Pattern, StoredEnvironment, StoredFunction } from '../../../src/local/records';
import { UniqueKeyError, type InvocationLogStore, type LogRetention, type PlatformStore } from '../../../src/local/store';
import type { InvocationExchange } from '../../../src/local/exchange';

export interface EngineUnderTest {
  /** A new, empty place for the engine's data (a temp dir, a fresh database), as the engine names places. */
  create(): Promise<string>;
  openRecords(location: string): Promise<PlatformStore>;
  openLogs(location: string, retention: LogRetention): Promise<InvocationLogStore>;
  /** Removes what create() made. */
  dispose(location: string): Promise<void>;
}

const STAMP = '2024-01-01T00:00:00.000Z';

const application = (id: string, name = `name of ${id}`): Application => ({ id, name, createdAt: STAMP, updatedAt: STAMP });

const environment = (id: string, applicationId: string, name = `name of ${id}`): StoredEnvironment => ({
  id,
  name,
  applicationId,
  providers: ['aws'],
  locations: ['us-east'],
  strategy: 'least-expensive',
  createdAt: STAMP,
  updatedAt: STAMP,
});

const fn = (id: string, environmentId: string, name = `name of ${id}`, shas: string[] = [`${id}-sha`]): StoredFunction => ({
  id,
  name,
  environmentId,
  runtime: 'nodejs83',
  access: 'public',
  limits: { memory: 128, timeout: 30 },
  environmentVariables: { A: '1' },
  activeVersions: [{ version: '$LATEST', percentage: 100 }],
  latestVersion: shas.length - 1,
  versions: shas.map((sha256, version) => ({ version, handler: 'handler.main', sha256, size: 10, createdAt: STAMP })),
  createdAt: STAMP,
  updatedAt: STAMP,
});

const pattern = (id: string, environmentId: string, functionId: string, path = `/${id}`): Pattern => ({
  id,
  environmentId,
  functionId,
  pattern: path,
  method: 'GET',
  createdAt: STAMP,
  updatedAt: STAMP,
});

const alias = (id: string, environmentId: string, host = `${id}.example.com`): Alias => ({
  id,
  host,
  environmentId,
  createdAt: STAMP,
  updatedAt: STAMP,
});

const job = (id: string, environmentId: string, resourceId: string, isEnabled = true): CronJob => ({
  id,
  environmentId,
  action: 'INVOKE_FUNCTION',
  resourceId,
  isEnabled,
  cronExpression: '*/5 * * * *',
  config: { body: '{"a":1}', queryParams: [{ key: 'q', value: 'v' }] },
  createdAt: STAMP,
  updatedAt: STAMP,
});

const logEntry = (invocationId: string, startedAt: number, text = 'hello'): InvocationLog => ({
  invocationId,
  startedAt,
  content: [{ time: startedAt, log: text }],
  status: 'success',
  version: 0,
  durationMs: 1,
});

const ids = <T extends { id: string }>(records: T[]): string[] => records.map((record) => record.id);

type Transaction = Parameters<Parameters<PlatformStore['transaction']>[0]>[0];

/** Environment env-1 of app-1: what records of env-1 refer to (an engine may enforce references). */
async function putEnvironmentOf(tx: Transaction): Promise<void> {
  await tx.putApplication(application('app-1'));
  await tx.putEnvironment(environment('env-1', 'app-1'));
}

/** Environment env-1 of app-1 with two functions, their pattern, alias and jobs, and documents. */
async function seed(store: PlatformStore): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.putApplication(application('app-1'));
    await tx.putApplication(application('app-2'));
    await tx.putEnvironment(environment('env-1', 'app-1'));
    await tx.putEnvironment(environment('env-2', 'app-2'));
    await tx.putFunction(fn('fx-1', 'env-1', 'one', ['sha-a', 'sha-b']));
    await tx.putFunction(fn('fx-2', 'env-1', 'two', ['sha-b']));
    await tx.putFunction(fn('fx-3', 'env-2', 'one', ['sha-c']));
    await tx.putPattern(pattern('pat-1', 'env-1', 'fx-1', '/one'));
    await tx.putPattern(pattern('pat-2', 'env-1', 'fx-2', '/two'));
    await tx.putAlias(alias('al-1', 'env-1', 'api.example.com'));
    await tx.putJob(job('job-1', 'env-1', 'fx-1'));
    await tx.putJob(job('job-2', 'env-1', 'fx-2', false));
    await tx.putDocument('env-1', { key: 'greeting', value: { text: 'hi' }, createdAt: STAMP, updatedAt: STAMP });
    await tx.putDocument('env-2', { key: 'greeting', value: 'other', createdAt: STAMP, updatedAt: STAMP });
  });
}

export function storeContract(name: string, engine: EngineUnderTest): void {
  describe(`${name}: the platform store contract`, () => {
    let location: string;
    const opened: Array<PlatformStore | InvocationLogStore> = [];
    const openRecords = async (): Promise<PlatformStore> => {
      const store = await engine.openRecords(location);
      opened.push(store);
      return store;
    };
    const openLogs = async (retention: LogRetention = { maxBytesPerFunction: 1024 * 1024 }): Promise<InvocationLogStore> => {
      const logs = await engine.openLogs(location, retention);
      opened.push(logs);
      return logs;
    };

    beforeEach(async () => {
      location = await engine.create();
    });

    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
      await engine.dispose(location);
    });

    test('answers every question the services ask', async () => {
      const store = await openRecords();
      await seed(store);
      expect(ids(await store.applications())).toEqual(['app-1', 'app-2']);
      expect(await store.application('app-1')).toEqual(application('app-1'));
      expect((await store.applicationNamed('name of app-2'))?.id).toBe('app-2');
      expect(await store.application('app-9')).toBeUndefined();

      expect(ids(await store.environments())).toEqual(['env-1', 'env-2']);
      expect(ids(await store.environments({ applicationId: 'app-2' }))).toEqual(['env-2']);
      expect((await store.environmentNamed('app-1', 'name of env-1'))?.id).toBe('env-1');
      expect(await store.environmentNamed('app-2', 'name of env-1')).toBeUndefined();

      expect(ids(await store.functions('env-1'))).toEqual(['fx-1', 'fx-2']);
      expect(await store.function('fx-1')).toEqual(fn('fx-1', 'env-1', 'one', ['sha-a', 'sha-b']));
      expect((await store.functionNamed('env-2', 'one'))?.id).toBe('fx-3');
      expect(await store.functionNamed('env-2', 'two')).toBeUndefined();
      expect([...(await store.codeInUse())].sort()).toEqual(['sha-a', 'sha-b', 'sha-c']);

      expect(ids(await store.patterns())).toEqual(['pat-1', 'pat-2']);
      expect(ids(await store.patterns({ functionId: 'fx-2' }))).toEqual(['pat-2']);
      expect(ids(await store.patterns({ environmentId: 'env-2' }))).toEqual([]);
      expect((await store.patternRouting('env-1', 'GET', '/two'))?.id).toBe('pat-2');
      expect(await store.patternRouting('env-1', 'POST', '/two')).toBeUndefined();

      expect(ids(await store.aliases({ environmentId: 'env-1' }))).toEqual(['al-1']);
      expect((await store.aliasForHost('api.example.com'))?.id).toBe('al-1');
      expect(await store.alias('al-1')).toEqual(alias('al-1', 'env-1', 'api.example.com'));

      expect(ids(await store.jobs())).toEqual(['job-1', 'job-2']);
      expect(ids(await store.jobs({ resourceId: 'fx-2' }))).toEqual(['job-2']);
      expect(ids(await store.jobs({ environmentId: 'env-1', isEnabled: true }))).toEqual(['job-1']);
      expect(ids(await store.jobs({ action: 'INVOKE_FUNCTION' }))).toEqual(['job-1', 'job-2']);
      expect(await store.job('job-1')).toEqual(job('job-1', 'env-1', 'fx-1'));

      expect(await store.documents('env-1')).toEqual([{ key: 'greeting', value: { text: 'hi' }, createdAt: STAMP, updatedAt: STAMP }]);
      expect((await store.document('env-2', 'greeting'))?.value).toBe('other');
      expect(await store.document('env-1', 'missing')).toBeUndefined();
    });

    test('a put replaces the record with its id and keeps its place; deletes remove one record', async () => {
      const store = await openRecords();
      await seed(store);
      await store.transaction(async (tx) => {
        await tx.putApplication({ ...application('app-1'), description: 'changed' });
        await tx.deletePattern('pat-1');
        await tx.deleteDocument('env-1', 'greeting');
      });
      expect(await store.applications()).toEqual([{ ...application('app-1'), description: 'changed' }, application('app-2')]);
      expect(ids(await store.patterns())).toEqual(['pat-2']);
      expect(await store.documents('env-1')).toEqual([]);
      expect(await store.documents('env-2')).toHaveLength(1);
      await store.transaction((tx) => tx.deleteDocuments('env-2'));
      expect(await store.documents('env-2')).toEqual([]);
    });

    test('a transaction sees its own writes; others see them only once it committed', async () => {
      const store = await openRecords();
      let seenInside: Application | undefined;
      let seenOutside: Application | undefined = application('not read');
      await store.transaction(async (tx) => {
        await tx.putApplication(application('app-1'));
        seenInside = await tx.application('app-1');
        seenOutside = await store.application('app-1');
      });
      expect(seenInside).toEqual(application('app-1'));
      expect(seenOutside).toBeUndefined();
      expect(await store.application('app-1')).toEqual(application('app-1'));
    });

    test('a transaction that throws lands nothing, and its error comes back', async () => {
      const store = await openRecords();
      await seed(store);
      const failure = new Error('changed my mind');
      await expect(
        store.transaction(async (tx) => {
          for (const pattern of await tx.patterns({ functionId: 'fx-1' })) await tx.deletePattern(pattern.id);
          for (const cron of await tx.jobs({ resourceId: 'fx-1' })) await tx.deleteJob(cron.id);
          await tx.deleteFunction('fx-1');
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await store.function('fx-1')).toBeDefined();
      expect(ids(await store.patterns({ functionId: 'fx-1' }))).toEqual(['pat-1']);
      expect(ids(await store.jobs({ resourceId: 'fx-1' }))).toEqual(['job-1']);
    });

    test('transactions are serializable: of two that check a name and then take it, one wins', async () => {
      const store = await openRecords();
      const takeName = (id: string): Promise<void> =>
        store.transaction(async (tx) => {
          if (await tx.applicationNamed('contested')) throw new Error(`${id}: the name is taken`);
          await new Promise((resolve) => setImmediate(resolve)); // give the other one every chance to interleave
          await tx.putApplication(application(id, 'contested'));
        });
      const results = await Promise.allSettled([takeName('app-1'), takeName('app-2')]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expect(await store.applications()).toHaveLength(1);
    });

    test('concurrent read-modify-write transactions lose no update (an engine may run one again after a conflict)', async () => {
      const store = await openRecords();
      await store.transaction(async (tx) => {
        await putEnvironmentOf(tx);
        await tx.putDocument('env-1', { key: 'counter', value: 0 });
      });
      const increment = (): Promise<void> =>
        store.transaction(async (tx) => {
          const current = (await tx.document('env-1', 'counter'))?.value as number;
          await new Promise((resolve) => setImmediate(resolve));
          await tx.putDocument('env-1', { key: 'counter', value: current + 1 });
        });
      await Promise.all(Array.from({ length: 12 }, increment));
      expect((await store.document('env-1', 'counter'))?.value).toBe(12);
    });

    test.each([
      [
        'an application name',
        (tx: Parameters<Parameters<PlatformStore['transaction']>[0]>[0]) => tx.putApplication(application('app-2', 'name of app-1')),
      ],
      [
        'an environment name in its application',
        (tx: Parameters<Parameters<PlatformStore['transaction']>[0]>[0]) =>
          tx.putEnvironment(environment('env-9', 'app-1', 'name of env-1')),
      ],
      [
        'a function name in its environment',
        (tx: Parameters<Parameters<PlatformStore['transaction']>[0]>[0]) => tx.putFunction(fn('fx-9', 'env-1', 'one')),
      ],
      [
        'a pattern route in its environment',
        (tx: Parameters<Parameters<PlatformStore['transaction']>[0]>[0]) => tx.putPattern(pattern('pat-9', 'env-1', 'fx-2', '/one')),
      ],
      [
        'an alias host',
        (tx: Parameters<Parameters<PlatformStore['transaction']>[0]>[0]) => tx.putAlias(alias('al-9', 'env-2', 'api.example.com')),
      ],
    ])('%s is unique: a put that would repeat it fails and its transaction lands nothing', async (_what, repeat) => {
      const store = await openRecords();
      await seed(store);
      await expect(
        store.transaction(async (tx) => {
          await tx.putApplication(application('app-new'));
          await repeat(tx);
        }),
      ).rejects.toBeInstanceOf(UniqueKeyError);
      expect(await store.application('app-new')).toBeUndefined();
      // the same name elsewhere is fine
      await store.transaction(async (tx) => {
        await tx.putEnvironment(environment('env-3', 'app-2', 'name of env-1'));
        await tx.putFunction(fn('fx-4', 'env-2', 'two'));
        await tx.putPattern(pattern('pat-3', 'env-2', 'fx-3', '/one'));
      });
      expect(ids(await store.environments({ applicationId: 'app-2' }))).toEqual(['env-2', 'env-3']);
    });

    test('records are values: changing what was put or read changes nothing stored', async () => {
      const store = await openRecords();
      const original = fn('fx-1', 'env-1', 'one');
      await store.transaction(async (tx) => {
        await putEnvironmentOf(tx);
        await tx.putFunction(original);
      });
      original.name = 'changed after the put';
      original.versions.push({ version: 1, handler: 'x.y', sha256: 'later', size: 1, createdAt: STAMP });
      const read = await store.function('fx-1');
      try {
        if (read) {
          read.name = 'changed after the read';
          read.limits.memory = 4096;
        }
      } catch {
        // an engine may hand out frozen records
      }
      expect(await store.function('fx-1')).toEqual(fn('fx-1', 'env-1', 'one'));
    });

    test('document keys are any text, "__proto__" and "constructor" included', async () => {
      const store = await openRecords();
      const keys = ['__proto__', 'constructor', 'hasOwnProperty', 'a/b c'];
      await store.transaction(async (tx) => {
        await putEnvironmentOf(tx);
        for (const key of keys) await tx.putDocument('env-1', { key, value: key, createdAt: STAMP, updatedAt: STAMP });
      });
      for (const key of keys) expect((await store.document('env-1', key))?.value).toBe(key);
      expect((await store.documents('env-1')).map((document) => document.key).sort()).toEqual([...keys].sort());
      expect(await store.document('env-1', 'toString')).toBeUndefined();
    });

    test('a committed change is durable: another store opened on the same place sees it, even before the first closes', async () => {
      const store = await openRecords();
      await seed(store);
      await store.transaction((tx) => tx.deleteAlias('al-1'));
      const other = await openRecords();
      expect(ids(await other.functions('env-1'))).toEqual(['fx-1', 'fx-2']);
      expect(await other.aliases()).toEqual([]);
      expect((await other.document('env-1', 'greeting'))?.value).toEqual({ text: 'hi' });
    });

    test('reset forgets everything, durably', async () => {
      const store = await openRecords();
      await seed(store);
      await store.reset();
      expect(await store.applications()).toEqual([]);
      expect(await store.documents('env-1')).toEqual([]);
      const other = await openRecords();
      expect(await other.functions('env-1')).toEqual([]);
      expect(await other.jobs()).toEqual([]);
    });

    test('of the claims of one cron tick, through any store on the same place, exactly one wins; pruned ticks are forgotten', async () => {
      const stores = [await openRecords(), await openRecords()];
      const claims = await Promise.all(Array.from({ length: 8 }, (_, index) => stores[index % 2].claimCronTick('job-1', 60000)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await stores[1].claimCronTick('job-1', 61000)).toBe(true);
      expect(await stores[0].claimCronTick('job-2', 60000)).toBe(true);
      expect(await stores[0].claimCronTick('job-1', 61000)).toBe(false);
      await stores[0].pruneCronClaims(61000);
      // the tick due at 60000 was forgotten, the one at 61000 was not
      expect(await stores[1].claimCronTick('job-1', 60000)).toBe(true);
      expect(await stores[1].claimCronTick('job-1', 61000)).toBe(false);
    });

    describe('invocation logs', () => {
      test('a window holds the entries that started in it, by start time then id, of that function only', async () => {
        const logs = await openLogs();
        await logs.append('fx-1', logEntry('c', 300));
        await logs.append('fx-1', logEntry('b', 100));
        await logs.append('fx-1', logEntry('a', 100));
        await logs.append('fx-1', logEntry('late', 900));
        await logs.append('fx-2', logEntry('other', 200));
        await logs.append('fx-1', { invocationId: 'no-start', content: [] });
        expect((await logs.window('fx-1', 100, 300)).map((entry) => entry.invocationId)).toEqual(['a', 'b', 'c']);
        expect((await logs.window('fx-1', 0, 99)).map((entry) => entry.invocationId)).toEqual(['no-start']);
        expect(await logs.window('fx-1', 101, 299)).toEqual([]);
        expect(await logs.window('fx-1', 900, 900)).toEqual([logEntry('late', 900)]);
        expect(await logs.window('fx-3', 0, 1000)).toEqual([]);
      });

      test('appended entries are durable: another log store opened on the same place sees them', async () => {
        const logs = await openLogs();
        await logs.append('fx-1', logEntry('kept', 5));
        const other = await openLogs();
        expect(await other.window('fx-1', 0, 10)).toEqual([logEntry('kept', 5)]);
      });

      test('retention by size drops the oldest entries and keeps the newest', async () => {
        const maxBytesPerFunction = 4096;
        const logs = await openLogs({ maxBytesPerFunction });
        for (let i = 0; i < 100; i += 1) await logs.append('fx-1', logEntry(`inv-${String(i).padStart(3, '0')}`, i, '€'.repeat(50)));
        await logs.append('fx-2', logEntry('untouched', 1));
        const kept = await logs.window('fx-1', 0, 1000);
        expect(kept.length).toBeGreaterThan(0);
        expect(kept[kept.length - 1].invocationId).toBe('inv-099');
        expect(kept.map((entry) => Buffer.byteLength(JSON.stringify(entry))).reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(
          maxBytesPerFunction,
        );
        expect(kept.map((entry) => entry.invocationId)).toEqual([...kept.map((entry) => entry.invocationId)].sort());
        expect(await logs.window('fx-2', 0, 10)).toHaveLength(1);
      });

      test('retention by count drops the oldest entries and keeps the newest', async () => {
        const logs = await openLogs({ maxBytesPerFunction: 1024 * 1024, maxEntriesPerFunction: 10 });
        for (let i = 0; i < 25; i += 1) await logs.append('fx-1', logEntry(`inv-${String(i).padStart(2, '0')}`, i));
        const kept = (await logs.window('fx-1', 0, 100)).map((entry) => entry.invocationId);
        expect(kept.length).toBeGreaterThan(0);
        expect(kept.length).toBeLessThanOrEqual(10);
        expect(kept[kept.length - 1]).toBe('inv-24');
      });

      test('an entry keeps its request and response: one invocation gives them back, windows and lists leave them out', async () => {
        const logs = await openLogs();
        const exchange: InvocationExchange = {
          request: {
            method: 'POST',
            path: '/orders',
            query: { q: '1' },
            headers: { 'content-type': 'text/plain' },
            body: '<b>€</b>',
            bodyBytes: 10,
            truncated: false,
          },
          response: { status: 201, headers: { 'X-Spotinst-Invocation-Id': 'with' }, body: '{"ok":true}', bodyBytes: 11, truncated: false },
        };
        await logs.append('fx-1', { ...logEntry('with', 10), coldStart: true }, exchange);
        await logs.append('fx-1', { ...logEntry('without', 20), coldStart: false });
        expect(await logs.invocation('fx-1', 'with')).toEqual({ ...logEntry('with', 10), coldStart: true, ...exchange });
        expect(await logs.invocation('fx-1', 'without')).toEqual({ ...logEntry('without', 20), coldStart: false });
        expect(await logs.invocation('fx-2', 'with')).toBeUndefined();
        expect(await logs.window('fx-1', 0, 100)).toEqual([
          { ...logEntry('with', 10), coldStart: true },
          { ...logEntry('without', 20), coldStart: false },
        ]);
      });

      test('recent lists the newest summaries first; summaries cover a window oldest first, without log lines', async () => {
        const logs = await openLogs();
        for (const [id, at] of [
          ['b', 200],
          ['a', 100],
          ['c', 300],
          ['d', 400],
        ] as const)
          await logs.append('fx-1', logEntry(id, at));
        await logs.append('fx-2', logEntry('other', 250));
        const summary = (invocationId: string, startedAt: number) => ({
          invocationId,
          startedAt,
          status: 'success',
          version: 0,
          durationMs: 1,
        });
        expect(await logs.recent('fx-1', 3)).toEqual([summary('d', 400), summary('c', 300), summary('b', 200)]);
        expect(await logs.summaries('fx-1', 150, 300)).toEqual([summary('b', 200), summary('c', 300)]);
        expect(await logs.recent('fx-3', 10)).toEqual([]);
      });

      test('retention counts the kept request and response too', async () => {
        const logs = await openLogs({ maxBytesPerFunction: 64 * 1024 });
        const body = 'x'.repeat(10 * 1024);
        const exchange: InvocationExchange = {
          request: { method: 'POST', path: '/', query: {}, headers: {}, body, bodyBytes: body.length, truncated: false },
          response: { status: 200, headers: {}, body, bodyBytes: body.length, truncated: false },
        };
        for (let i = 0; i < 20; i += 1) await logs.append('fx-1', logEntry(`inv-${String(i).padStart(2, '0')}`, i), exchange);
        const kept = await logs.recent('fx-1', 100);
        // each entry holds 20 KB of bodies: 64 KB keeps three at most
        expect(kept.length).toBeLessThanOrEqual(3);
        expect(kept[0].invocationId).toBe('inv-19');
      });

      test('remove drops one function’s entries; reset drops all', async () => {
        const logs = await openLogs();
        await logs.append('fx-1', logEntry('one', 1));
        await logs.append('fx-2', logEntry('two', 2));
        await logs.remove('fx-1');
        expect(await logs.window('fx-1', 0, 10)).toEqual([]);
        expect(await logs.window('fx-2', 0, 10)).toHaveLength(1);
        await logs.append('fx-1', logEntry('again', 3));
        expect(await logs.window('fx-1', 0, 10)).toHaveLength(1);
        await logs.reset();
        expect(await logs.window('fx-1', 0, 10)).toEqual([]);
        expect(await logs.window('fx-2', 0, 10)).toEqual([]);
      });
    });
  });
}

/** What dev watches: never .serverless, .git, node_modules/.cache, the plugin or editor litter; saves arrive debounced. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Changes } from '../../../src/dev/artifacts';
import { excludedDirectories, ignoredPath, watchService, type Watching } from '../../../src/dev/watch';
import { pollUntil } from '../../helpers/poll';

const ROOT = '/srv/shop';

describe('what dev ignores', () => {
  it.each([
    ['.serverless/hello.zip', true],
    ['.git/index', true],
    ['node_modules/.cache/x', true],
    ['node_modules/serverless-spotinst-functions/dist/index.js', true],
    ['src/.handler.ts.swp', true],
    ['src/handler.ts~', true],
    ['src/.#handler.ts', true],
    ['4913', true],
    ['src/handler.ts', false],
    ['node_modules/lodash/index.js', false],
    ['serverless.yml', false],
  ])('%s: ignored %s', (file, ignored) => {
    expect(ignoredPath(ROOT, path.join(ROOT, file), excludedDirectories(['!node_modules/serverless-spotinst-functions/**']))).toBe(ignored);
  });
});

describe('watchService', () => {
  let dir: string;
  let watching: Watching | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-watch-'));
    fs.writeFileSync(path.join(dir, 'a.js'), '1');
    fs.mkdirSync(path.join(dir, '.serverless'));
  });
  afterEach(async () => {
    await watching?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('hands over the files of a burst of saves as one batch, and an added file as structural', async () => {
    const batches: Changes[] = [];
    watching = await watchService({
      root: dir,
      quietMs: 50,
      onChanges: (changes) => batches.push(changes),
      onError: (error) => {
        throw error;
      },
    });
    fs.writeFileSync(path.join(dir, 'a.js'), '2');
    fs.writeFileSync(path.join(dir, '.serverless', 'a.zip'), 'ignored');
    fs.writeFileSync(path.join(dir, 'b.js'), 'new');
    await pollUntil(() => batches.length > 0 && batches.some((batch) => batch.files.has(path.join(dir, 'b.js'))), {
      what: 'the batch with b.js',
    });
    const files = new Set(batches.flatMap((batch) => [...batch.files]));
    expect(files).toEqual(new Set([path.join(dir, 'a.js'), path.join(dir, 'b.js')]));
    expect(batches.some((batch) => batch.structural)).toBe(true);
  });
});

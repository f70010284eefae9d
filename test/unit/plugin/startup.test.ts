/**
 * Every `sls` command, `print` included, loads the plugin: loading it must not load what
 * only some commands use (the HTTP client, zip reader, YAML, cron parser, bundler, watcher, command modules).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

it('loads no HTTP client, zip, YAML, cron or command module with the plugin', () => {
  const script = `
    require(${JSON.stringify(path.join(ROOT, 'dist'))});
    console.log(JSON.stringify(Object.keys(require.cache)));
  `;
  const loaded = (JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[]).map((file) =>
    path.relative(ROOT, file),
  );
  expect(loaded.filter((file) => /node_modules\/(axios|jszip|js-yaml|cron-parser|lodash|chalk|esbuild|chokidar)\//.test(file))).toEqual([]);
  expect(loaded.filter((file) => /^dist\/(deploy|dev|invoke|invoke-local|logs|local|api\/(http|index))/.test(file))).toEqual([]);
  expect(loaded).toContain(path.join('dist', 'plugin', 'plugin.js'));
});

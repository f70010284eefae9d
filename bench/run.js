// @ts-check
/**
 * `npm run bench`: every benchmark in one run, each against its baseline measured in the
 * same run. Writes bench/results.json and the figures block of docs/performance.md, prints
 * a table, and exits non-zero when a target is missed. `node bench/run.js deploy cli`
 * runs only the named groups (and leaves the files alone).
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { REPO_ROOT, PRIMARY_CLI, progress } = require('./lib');

const GROUPS = {
  deploy: () => require('./deploy').run(),
  cli: () => require('./cli').run(),
  local: () => require('./local').run(),
  'cold-start': () => require('./cold-start').run(),
  memory: () => require('./memory').run(),
  dev: () => require('./dev').run(),
  storage: () => require('./storage').run(),
};

const ORDER = [
  'noop_redeploy_writes',
  'noop_redeploy_code_bytes',
  'noop_redeploy_ratio',
  'cold_deploy_speedup',
  'cold_deploy_calls_per_function',
  'cli_overhead_ratio',
  'package_warm_ratio',
  'local_rps_ratio',
  'local_p99_ratio',
  'cold_start_ms_node',
  'cold_start_ms_python',
  'cold_start_ms_ruby',
  'cold_start_ms_java',
  'invoke_local_ratio',
  'warm_rss_mb_per_function_node',
  'warm_rss_mb_per_function_python',
  'thousand_functions',
  'dev_edit_to_live_ms',
  'dev_edit_to_live_p95_ms',
  'dev_edit_to_live_ms_python',
  'dev_edit_to_live_ms_typescript',
  'dev_edit_to_live_ms_one_zip',
  'dev_start_ms',
  'noop_redeploy_vs_print',
  'docstore_writes_per_s_1k',
  'docstore_writes_per_s_20k',
  'logs_window_ms',
  'deploy_1000_functions',
  'invoke_p99_during_writes_ratio',
  'invoke_p99_during_flat_out_writes_ratio',
  'cluster_rps_ratio',
];

/** @param {number | null} value */
function show(value) {
  if (value === null) return '–';
  return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) >= 100 ? 0 : 3);
}

/** @param {Record<string, import('./lib').Figure>} results */
function table(results) {
  const names = [...ORDER.filter((name) => name in results), ...Object.keys(results).filter((name) => !ORDER.includes(name))];
  const rows = names.map((name) => {
    const r = results[name];
    const verdict = r.met === undefined ? 'reported' : r.met ? 'met' : 'MISSED';
    return `| \`${name}\` | ${show(r.value)} ${r.unit} | ${show(r.baseline)} | ${show(r.ratio)} | ${r.target ?? ''} | ${verdict} | ${r.note ?? ''} |`;
  });
  return ['| name | value | baseline | ratio | target | result | how |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** @param {string} block */
function updateDocs(block) {
  const file = path.join(REPO_ROOT, 'docs', 'performance.md');
  const text = fs.readFileSync(file, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`docs/performance.md lacks the ${START} … ${END} block`);
  fs.writeFileSync(file, `${text.slice(0, from + START.length)}\n${block}\n${text.slice(to)}`);
}

async function main() {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in GROUPS));
  if (unknown.length) throw new Error(`unknown benchmark group(s): ${unknown.join(', ')}; known: ${Object.keys(GROUPS).join(', ')}`);
  const groups = asked.length ? asked : Object.keys(GROUPS);
  const started = Date.now();
  /** @type {Record<string, import('./lib').Figure>} */
  const results = {};
  for (const group of groups) {
    progress(`== ${group}`);
    Object.assign(results, await GROUPS[/** @type {keyof typeof GROUPS} */ (group)]());
  }
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  const rendered = table(results);
  process.stdout.write(`${rendered}\n\n${minutes} min\n`);
  if (!asked.length) {
    const ordered = Object.fromEntries(
      Object.keys(results)
        .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99))
        .map((name) => [name, results[name]]),
    );
    fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(ordered, null, 2)}\n`);
    const cpus = os.cpus();
    updateDocs(
      [
        `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ` +
          `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, host CLI \`${PRIMARY_CLI}\`; the whole run took ${minutes} min.`,
        '',
        rendered,
      ].join('\n'),
    );
  }
  const missed = Object.entries(results)
    .filter(([, r]) => r.met === false)
    .map(([name]) => name);
  if (missed.length) {
    process.stderr.write(`Targets missed: ${missed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});

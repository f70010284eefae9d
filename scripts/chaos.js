#!/usr/bin/env node
/**
 * `npm run chaos`: the long pass of the reliability suite (every file of test/reliability with
 * SPOTINST_CHAOS=1: 100 fault runs, 100 crash trials, 100 SIGKILLs of spotinst-local mid-write
 * on SQLite and, where PostgreSQL is installed, 100 on PostgreSQL (store-crash), …), one file
 * at a time, then every figure the items recorded, also kept in
 * test/reliability/chaos-figures.json for docs/reliability.md.
 * `npm run chaos -- faults crash` runs only the files whose names match (`store-crash` that
 * item alone; `crash` matches both crash files).
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const figures = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-chaos-')), 'figures.jsonl');
const started = Date.now();
const jest = spawnSync(
  process.execPath,
  [
    path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--runInBand',
    '--testTimeout=3600000',
    ...process.argv.slice(2).map((name) => `test/reliability/.*${name}`),
    ...(process.argv.length > 2 ? [] : ['test/reliability']),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, SPOTINST_CHAOS: '1', SPOTINST_RELIABILITY_FIGURES: figures } },
);
const minutes = ((Date.now() - started) / 60000).toFixed(1);
const recorded = fs.existsSync(figures)
  ? fs
      .readFileSync(figures, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  : [];
process.stdout.write(`\nReliability figures (npm run chaos, ${minutes} min, ${new Date().toISOString().slice(0, 10)}):\n`);
for (const { item, figure } of recorded) process.stdout.write(`- ${item}: ${figure}\n`);
// a partial run (file names given) replaces the figures of its items and keeps the others
const kept = path.join(root, 'test', 'reliability', 'chaos-figures.json');
let previous;
try {
  previous = process.argv.length > 2 ? JSON.parse(fs.readFileSync(kept, 'utf8')).figures : [];
} catch {
  previous = [];
}
const rerun = new Set(recorded.map(({ item }) => item));
const merged = [
  ...previous.filter(({ item }) => !rerun.has(item)),
  ...recorded.map((entry) => ({ ...entry, date: new Date().toISOString().slice(0, 10), minutes: Number(minutes) })),
];
fs.writeFileSync(kept, `${JSON.stringify({ figures: merged }, null, 2)}\n`);
fs.rmSync(path.dirname(figures), { recursive: true, force: true });
process.exit(jest.status ?? 1);

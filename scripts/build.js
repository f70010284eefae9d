#!/usr/bin/env node
// Build: compile TypeScript to CommonJS, copy the non-TypeScript files the runtimes need at
// run time (python/ruby runner scripts, java sources) beside their modules, then swap the
// result in as dist/. Building beside dist/ keeps a CLI that runs during the build working.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const next = path.join(root, `.dist-build-${process.pid}`);
const ASSET_EXTENSIONS = new Set(['.py', '.rb', '.java']);

fs.rmSync(next, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', next], {
    stdio: 'inherit',
  });
} catch (error) {
  fs.rmSync(next, { recursive: true, force: true });
  // tsc has printed the errors already; a stack trace of this script would only hide them.
  process.exit(typeof error.status === 'number' ? error.status : 1);
}

function copyAssets(from, to) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyAssets(source, target);
    else if (ASSET_EXTENSIONS.has(path.extname(entry.name))) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, target);
    }
  }
}
copyAssets(path.join(root, 'src'), next);

// Two renames: the old tree is gone only once the new one is in place.
const old = `${dist}.old-${process.pid}`;
if (fs.existsSync(dist)) fs.renameSync(dist, old);
fs.renameSync(next, dist);
fs.rmSync(old, { recursive: true, force: true });

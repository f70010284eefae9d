#!/usr/bin/env node
// Build: compile TypeScript to CommonJS, copy the non-TypeScript files the runtimes need at
// run time (python/ruby runner scripts, java sources) beside their modules, build the web
// console's front end (type-checked, then bundled by esbuild into one script beside its page
// and stylesheet), then swap the result in as dist/. Building beside dist/ keeps a CLI that
// runs during the build working.
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

// The console's page: browser code, with its own tsconfig (DOM types). Served from
// dist/local/console/static/ by src/local/console/static.ts; nothing is built at run time.
const consoleApp = path.join(root, 'src', 'local', 'console', 'app');
const consoleOut = path.join(next, 'local', 'console', 'static');
try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(consoleApp, 'tsconfig.json')], {
    stdio: 'inherit',
  });
  require('esbuild').buildSync({
    entryPoints: [path.join(consoleApp, 'main.ts')],
    outfile: path.join(consoleOut, 'app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'app.css', 'icon.svg']) fs.copyFileSync(path.join(consoleApp, file), path.join(consoleOut, file));
} catch (error) {
  fs.rmSync(next, { recursive: true, force: true });
  // tsc and esbuild have printed what is wrong
  process.exit(typeof error.status === 'number' ? error.status : 1);
}

// Two renames: the old tree is gone only once the new one is in place.
const old = `${dist}.old-${process.pid}`;
if (fs.existsSync(dist)) fs.renameSync(dist, old);
fs.renameSync(next, dist);
fs.rmSync(old, { recursive: true, force: true });

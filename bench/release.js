// @ts-check
/**
 * The 2.0.0-dev release, the baseline of the docstore figures: built from git history in a
 * temp dir (its JSON store was removed from the tree), and its state.json filled directly.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { REPO_ROOT } = require('./lib');
const { VALUE } = require('./storage-load');

/**
 * Builds the release of `commit` from git history in a temp dir (this checkout's
 * node_modules, its own scripts/build.js). @param {string} commit
 * @returns {{ cli: string, cleanup(): void } | { missing: string }}
 */
function buildRelease(commit) {
  try {
    execFileSync('git', ['cat-file', '-e', `${commit}^{commit}`], { cwd: REPO_ROOT, stdio: 'ignore' });
  } catch {
    return { missing: `commit ${commit} (2.0.0-dev's JSON store) is not in this clone's history: clone without --depth to measure it` };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-bench-2.0.0-dev-'));
  try {
    const archive = path.join(dir, 'release.tar');
    execFileSync('git', ['archive', '--format=tar', '-o', archive, commit], { cwd: REPO_ROOT });
    execFileSync('tar', ['-xf', archive, '-C', dir]);
    fs.rmSync(archive);
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    execFileSync(process.execPath, [path.join(dir, 'scripts', 'build.js')], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { cli: path.join(dir, 'dist', 'local', 'cli.js'), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * 2.0.0-dev keeps everything in state.json and rewrites it on each change, so filling it
 * through the API would take minutes: the documents are written into state.json while it is
 * stopped (in the shape its API writes them), then it is started on it.
 * @param {string} dataDir @param {string} environmentId @param {number} count
 */
function fillStateFile(dataDir, environmentId, count) {
  const file = path.join(dataDir, 'state.json');
  const state = JSON.parse(fs.readFileSync(file, 'utf8'));
  const stamp = new Date().toISOString();
  /** @type {Record<string, unknown>} */
  const documents = {};
  for (let i = 0; i < count; i += 1) documents[`d${i}`] = { key: `d${i}`, value: VALUE, createdAt: stamp, updatedAt: stamp };
  state.documents = { ...state.documents, [environmentId]: documents };
  fs.writeFileSync(file, JSON.stringify(state));
}

module.exports = { buildRelease, fillStateFile };

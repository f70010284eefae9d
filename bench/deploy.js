// @ts-check
/**
 * Deploy benchmarks, against a spotinst-local whose every management call costs a cloud
 * round trip (`--faults "rate=0,latency=40-80"`):
 *   - a 20-function service with 3,000 files in node_modules: first and warm `package`,
 *     first and no-op `deploy` (writes and code bytes of the no-op read from /__local/stats);
 *   - a 50-function service deployed cold with --concurrency 1 and with the default.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { PRIMARY_CLI, createWorkspace, writeService, runCli, startPlatform, writeCalls, totalCalls, median, checked, runWhenMain, progress } = require('./lib');

const CLOUD_LATENCY = 'rate=0,latency=40-80';

/**
 * @param {number} count
 * @param {(index: number) => Record<string, unknown>} extra per-function keys
 */
function functions(count, extra) {
  /** @type {Record<string, unknown>} */
  const result = {};
  for (let index = 0; index < count; index += 1) {
    result[`fn${String(index).padStart(2, '0')}`] = { runtime: 'nodejs8.3', handler: `handlers/fn${index}.main`, memory: 128, timeout: 30, ...extra(index) };
  }
  return result;
}

/** @param {number} count */
function handlerFiles(count) {
  /** @type {Record<string, string>} */
  const files = {};
  for (let index = 0; index < count; index += 1) {
    files[`handlers/fn${index}.js`] = `const lib = require('../node_modules/lib-0/index.js');\nexports.main = async (event) => ({ statusCode: 200, body: JSON.stringify({ fn: ${index}, lib: lib.name }) });\n`;
  }
  return files;
}

/** 3,000 files in 60 packages, about what a small service with a few dependencies carries. */
function nodeModules() {
  /** @type {Record<string, string>} */
  const files = {};
  for (let pkg = 0; pkg < 60; pkg += 1) {
    files[`node_modules/lib-${pkg}/package.json`] = JSON.stringify({ name: `lib-${pkg}`, version: '1.0.0', main: 'index.js' });
    files[`node_modules/lib-${pkg}/index.js`] = `exports.name = 'lib-${pkg}';\n`;
    for (let file = 0; file < 48; file += 1) {
      files[`node_modules/lib-${pkg}/lib/module-${file}.js`] = `// module ${file} of lib-${pkg}\n${'exports.v' + file + ' = ' + JSON.stringify('x'.repeat(2000 + ((pkg * 48 + file) % 3000))) + ';\n'}`;
    }
  }
  return files; // 60 × 50 = 3,000 files
}

/**
 * @param {string} service
 * @param {Record<string, unknown>} fns
 * @param {Record<string, unknown>} [spotinst]
 */
function serviceConfig(service, fns, spotinst = {}) {
  return {
    service,
    frameworkVersion: '>=3',
    provider: { name: 'spotinst', stage: 'dev', spotinst },
    functions: fns,
    plugins: ['serverless-spotinst-functions'],
  };
}

/** @returns {Promise<Record<string, import('./lib').Figure>>} */
async function run() {
  const workspace = createWorkspace();
  const platform = await startPlatform({ dataDir: path.join(workspace.root, 'platform'), faults: CLOUD_LATENCY });
  /** @type {Record<string, import('./lib').Figure>} */
  const results = {};
  try {
    const cli = PRIMARY_CLI;
    const options = { workspace, env: platform.env };

    // ---- 20 functions, 3,000 dependency files --------------------------------------
    const twenty = writeService(
      path.join(workspace.root, 'twenty'),
      serviceConfig('bench-twenty', functions(20, (i) => (i % 2 ? { cron: { active: true, value: `${i} * * * *` } } : { endpoint: { path: `/fn${i}`, method: 'get' } })), { alias: 'bench.example.test' }),
      { ...handlerFiles(20), ...nodeModules() },
    );
    progress(`${cli} package, 20 functions + 3,000 files: first`);
    const packageFirst = await runCli(cli, ['package'], { ...options, cwd: twenty });
    progress('package again, unchanged');
    const packageWarm = await runCli(cli, ['package'], { ...options, cwd: twenty });
    results.package_warm_ratio = checked({
      value: packageWarm.ms / packageFirst.ms,
      baseline: packageFirst.ms,
      target: '<= 0.5',
      note: `warm package ${Math.round(packageWarm.ms)} ms / first ${Math.round(packageFirst.ms)} ms`,
    });

    fs.rmSync(path.join(twenty, '.serverless'), { recursive: true, force: true });
    progress('deploy, first');
    const first = await runCli(cli, ['deploy'], { ...options, cwd: twenty });
    const afterFirst = await platform.stats();
    progress('deploy, unchanged');
    const second = await runCli(cli, ['deploy'], { ...options, cwd: twenty });
    const afterSecond = await platform.stats();
    const noopWrites = writeCalls(afterSecond) - writeCalls(afterFirst);
    const noopBytes = afterSecond.codeBytesUploaded - afterFirst.codeBytesUploaded;
    results.noop_redeploy_writes = checked({ value: noopWrites, unit: 'calls', baseline: writeCalls(afterFirst), target: '0', note: 'baseline: write calls of the first deploy' });
    results.noop_redeploy_code_bytes = checked({ value: noopBytes, unit: 'bytes', baseline: afterFirst.codeBytesUploaded, target: '0', note: 'baseline: code bytes of the first deploy' });
    results.noop_redeploy_ratio = checked({
      value: second.ms / first.ms,
      baseline: first.ms,
      target: '<= 0.25',
      note: `no-op deploy ${Math.round(second.ms)} ms / first ${Math.round(first.ms)} ms`,
    });
    await runCli(cli, ['remove'], { ...options, cwd: twenty });

    // ---- 50 functions, cold, concurrency 1 vs default ------------------------------
    const fifty = writeService(
      path.join(workspace.root, 'fifty'),
      serviceConfig('bench-fifty', functions(50, (i) => ({ endpoint: { path: `/fn${i}`, method: 'get' } })), { alias: 'fifty.example.test' }),
      { ...handlerFiles(50), 'node_modules/lib-0/index.js': "exports.name = 'lib-0';\n" },
    );
    /** @param {string[]} extra */
    const coldDeploy = async (extra) => {
      await platform.reset();
      fs.rmSync(path.join(fifty, '.serverless'), { recursive: true, force: true });
      const result = await runCli(cli, ['deploy', ...extra], { ...options, cwd: fifty });
      return { ms: result.ms, calls: totalCalls(await platform.stats()) };
    };
    /** @type {number[]} */
    const serial = [];
    /** @type {number[]} */
    const parallel = [];
    /** @type {number[]} */
    const calls = [];
    for (let round = 0; round < 3; round += 1) {
      progress(`deploy 50 functions cold, --concurrency 1 (round ${round + 1}/3)`);
      serial.push((await coldDeploy(['--concurrency', '1'])).ms);
      progress(`deploy 50 functions cold, default concurrency (round ${round + 1}/3)`);
      const cold = await coldDeploy([]);
      parallel.push(cold.ms);
      calls.push(cold.calls);
    }
    const speedup = median(serial) / median(parallel);
    results.cold_deploy_speedup = checked({
      value: speedup,
      baseline: median(serial),
      target: '>= 4',
      note: `median of 3: --concurrency 1 ${Math.round(median(serial))} ms / default ${Math.round(median(parallel))} ms`,
    });
    const perFunction = median(calls) / 50;
    results.cold_deploy_calls_per_function = checked({ value: perFunction, unit: 'calls', baseline: median(calls), target: '<= 3', note: 'baseline: all API calls of the cold deploy' });
    return results;
  } finally {
    await platform.stop();
    workspace.cleanup();
  }
}

module.exports = { run, CLOUD_LATENCY };

runWhenMain(module, run);

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
const {
  PRIMARY_CLI,
  createWorkspace,
  writeService,
  runCli,
  startPlatform,
  writeCalls,
  totalCalls,
  median,
  checked,
  runWhenMain,
  progress,
} = require('./lib');

const CLOUD_LATENCY = 'rate=0,latency=40-80';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/**
 * @param {number} count
 * @param {(index: number) => Record<string, unknown>} extra per-function keys
 */
function functions(count, extra) {
  /** @type {Record<string, unknown>} */
  const result = {};
  for (let index = 0; index < count; index += 1) {
    result[`fn${String(index).padStart(2, '0')}`] = {
      runtime: 'nodejs8.3',
      handler: `handlers/fn${index}.main`,
      memory: 128,
      timeout: 30,
      ...extra(index),
    };
  }
  return result;
}

/** @param {number} count */
function handlerFiles(count) {
  /** @type {Record<string, string>} */
  const files = {};
  for (let index = 0; index < count; index += 1) {
    files[`handlers/fn${index}.js`] =
      `const lib = require('../node_modules/lib-0/index.js');\nexports.main = async (event) => ({ statusCode: 200, body: JSON.stringify({ fn: ${index}, lib: lib.name }) });\n`;
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
      files[`node_modules/lib-${pkg}/lib/module-${file}.js`] =
        `// module ${file} of lib-${pkg}\n${'exports.v' + file + ' = ' + JSON.stringify('x'.repeat(2000 + ((pkg * 48 + file) % 3000))) + ';\n'}`;
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
      serviceConfig(
        'bench-twenty',
        functions(20, (i) =>
          i % 2 ? { cron: { active: true, value: `${i} * * * *` } } : { endpoint: { path: `/fn${i}`, method: 'get' } },
        ),
        { alias: 'bench.example.test' },
      ),
      { ...handlerFiles(20), ...nodeModules() },
    );
    // Each pair (first, then unchanged) is measured ROUNDS times from the same clean start,
    // and the median ratio reported: one pair is at the mercy of a noisy neighbour.
    /** @type {Array<{ first: number, warm: number }>} */
    const packages = [];
    /** @type {Array<{ first: number, noop: number, writes: number, bytes: number, firstWrites: number, firstBytes: number }>} */
    const deploys = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      fs.rmSync(path.join(twenty, '.serverless'), { recursive: true, force: true });
      progress(`${cli} package, 20 functions + 3,000 files: first, then unchanged (round ${round}/${ROUNDS})`);
      const packageFirst = await runCli(cli, ['package'], { ...options, cwd: twenty });
      const packageWarm = await runCli(cli, ['package'], { ...options, cwd: twenty });
      packages.push({ first: packageFirst.ms, warm: packageWarm.ms });

      await platform.reset();
      fs.rmSync(path.join(twenty, '.serverless'), { recursive: true, force: true });
      progress(`${cli} deploy, first, then unchanged (round ${round}/${ROUNDS})`);
      const before = await platform.stats();
      const first = await runCli(cli, ['deploy'], { ...options, cwd: twenty });
      const afterFirst = await platform.stats();
      const second = await runCli(cli, ['deploy'], { ...options, cwd: twenty });
      const afterSecond = await platform.stats();
      deploys.push({
        first: first.ms,
        noop: second.ms,
        writes: writeCalls(afterSecond) - writeCalls(afterFirst),
        bytes: afterSecond.codeBytesUploaded - afterFirst.codeBytesUploaded,
        firstWrites: writeCalls(afterFirst) - writeCalls(before),
        firstBytes: afterFirst.codeBytesUploaded - before.codeBytesUploaded,
      });
    }
    const middle = (/** @type {Array<{ ratio: number }>} */ pairs) =>
      [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor(pairs.length / 2)];
    const pkg = middle(packages.map((p) => ({ ...p, ratio: p.warm / p.first })));
    results.package_warm_ratio = checked({
      value: pkg.ratio,
      baseline: pkg.first,
      target: '<= 0.5',
      note: `median of ${ROUNDS}: warm package ${Math.round(pkg.warm)} ms / first ${Math.round(pkg.first)} ms`,
    });
    // writes and bytes: the worst round counts
    const noopWrites = Math.max(...deploys.map((d) => d.writes));
    const noopBytes = Math.max(...deploys.map((d) => d.bytes));
    results.noop_redeploy_writes = checked({
      value: noopWrites,
      unit: 'calls',
      baseline: deploys[0].firstWrites,
      target: '0',
      note: `most of ${ROUNDS} rounds; baseline: write calls of the first deploy`,
    });
    results.noop_redeploy_code_bytes = checked({
      value: noopBytes,
      unit: 'bytes',
      baseline: deploys[0].firstBytes,
      target: '0',
      note: `most of ${ROUNDS} rounds; baseline: code bytes of the first deploy`,
    });
    const noop = middle(deploys.map((d) => ({ ...d, ratio: d.noop / d.first })));
    results.noop_redeploy_ratio = checked({
      value: noop.ratio,
      baseline: noop.first,
      target: '<= 0.25',
      note: `median of ${ROUNDS}: no-op deploy ${Math.round(noop.noop)} ms / first ${Math.round(noop.first)} ms`,
    });
    await runCli(cli, ['remove'], { ...options, cwd: twenty });

    // ---- 50 functions, cold, concurrency 1 vs default ------------------------------
    const fifty = writeService(
      path.join(workspace.root, 'fifty'),
      serviceConfig(
        'bench-fifty',
        functions(50, (i) => ({ endpoint: { path: `/fn${i}`, method: 'get' } })),
        { alias: 'fifty.example.test' },
      ),
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
    for (let round = 0; round < ROUNDS; round += 1) {
      progress(`deploy 50 functions cold, --concurrency 1 (round ${round + 1}/${ROUNDS})`);
      serial.push((await coldDeploy(['--concurrency', '1'])).ms);
      progress(`deploy 50 functions cold, default concurrency (round ${round + 1}/${ROUNDS})`);
      const cold = await coldDeploy([]);
      parallel.push(cold.ms);
      calls.push(cold.calls);
    }
    const speedup = median(serial) / median(parallel);
    results.cold_deploy_speedup = checked({
      value: speedup,
      baseline: median(serial),
      target: '>= 4',
      note: `median of ${ROUNDS}: --concurrency 1 ${Math.round(median(serial))} ms / default ${Math.round(median(parallel))} ms`,
    });
    const perFunction = median(calls) / 50;
    results.cold_deploy_calls_per_function = checked({
      value: perFunction,
      unit: 'calls',
      baseline: median(calls),
      target: '<= 3',
      note: 'baseline: all API calls of the cold deploy',
    });
    return results;
  } finally {
    await platform.stop();
    workspace.cleanup();
  }
}

module.exports = { run, CLOUD_LATENCY, functions, handlerFiles, nodeModules, serviceConfig };

runWhenMain(module, run);

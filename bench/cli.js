// @ts-check
/**
 * What the plugin costs on every command: `serverless print` and `serverless invoke local`
 * of a spotinst service against the same service with `provider: aws` (the framework's
 * built-in provider, no plugin), medians of interleaved runs so drift hits both alike.
 */
'use strict';

const path = require('node:path');
const { PRIMARY_CLI, createWorkspace, writeService, runCli, median, checked, runWhenMain, progress } = require('./lib');

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 15);

const HANDLER =
  "exports.main = async (event) => ({ statusCode: 200, body: JSON.stringify({ hello: 'world', got: event.body ?? null }) });\n";

/** @param {'spotinst' | 'aws'} provider */
function config(provider) {
  const fn = { handler: 'handler.main', timeout: 30 };
  return provider === 'spotinst'
    ? {
        service: 'bench-cli',
        frameworkVersion: '>=3',
        provider: { name: 'spotinst', stage: 'dev', spotinst: { apiUrl: 'http://127.0.0.1:9' } },
        functions: { hello: { ...fn, memory: 128, runtime: 'nodejs8.3' } },
        plugins: ['serverless-spotinst-functions'],
      }
    : {
        service: 'bench-cli',
        frameworkVersion: '>=3',
        provider: { name: 'aws', stage: 'dev', region: 'us-east-1', runtime: 'nodejs20.x' },
        functions: { hello: { ...fn, memorySize: 128 } },
      };
}

/**
 * Runs `args` alternately on both services and returns the medians.
 * @param {import('./lib').Workspace} workspace
 * @param {{ spotinst: string, aws: string }} dirs
 * @param {string[]} args
 * @param {(output: string) => boolean} check
 */
async function interleaved(workspace, dirs, args, check) {
  /** @type {{ spotinst: number[], aws: number[] }} */
  const times = { spotinst: [], aws: [] };
  // one unmeasured run each: file-system caches and the framework's schema cache warm up
  for (let run = -1; run < RUNS; run += 1) {
    for (const provider of /** @type {const} */ (['spotinst', 'aws'])) {
      const result = await runCli(PRIMARY_CLI, args, { cwd: dirs[provider], workspace });
      if (!check(result.stdout))
        throw new Error(`${provider}: unexpected output of ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`);
      if (run >= 0) times[provider].push(result.ms);
    }
  }
  return { spotinst: median(times.spotinst), aws: median(times.aws) };
}

/** @returns {Promise<Record<string, import('./lib').Figure>>} */
async function run() {
  const workspace = createWorkspace();
  try {
    const dirs = {
      spotinst: writeService(path.join(workspace.root, 'spotinst'), config('spotinst'), { 'handler.js': HANDLER }),
      aws: writeService(path.join(workspace.root, 'aws'), config('aws'), { 'handler.js': HANDLER }),
    };
    progress(`${PRIMARY_CLI} print, spotinst and aws alternately, ${RUNS} runs each`);
    const print = await interleaved(workspace, dirs, ['print'], (out) => out.includes('bench-cli'));
    progress(`${PRIMARY_CLI} invoke local -f hello, spotinst and aws alternately, ${RUNS} runs each`);
    const invoke = await interleaved(workspace, dirs, ['invoke', 'local', '-f', 'hello', '--data', '{"n":1}'], (out) =>
      out.includes('"hello'),
    );
    return {
      cli_overhead_ratio: checked({
        value: print.spotinst / print.aws,
        baseline: print.aws,
        target: '<= 1.10',
        note: `median of ${RUNS}: print spotinst ${Math.round(print.spotinst)} ms / aws ${Math.round(print.aws)} ms`,
      }),
      invoke_local_ratio: checked({
        value: invoke.spotinst / invoke.aws,
        baseline: invoke.aws,
        target: '<= 1.0',
        note: `median of ${RUNS}: invoke local spotinst ${Math.round(invoke.spotinst)} ms / aws ${Math.round(invoke.aws)} ms`,
      }),
    };
  } finally {
    workspace.cleanup();
  }
}

module.exports = { run };

runWhenMain(module, run);

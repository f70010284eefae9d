/**
 * Runs the plugin's command hooks in-process against a spotinst-local, with a fake of the
 * framework that hands over one zip per function (as `package.individually` would), so
 * each test counts exactly the API calls a command makes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SpotinstPlugin = require('../../../src');
import type { LocalStats } from '../../../src/local';
import { zipFiles } from '../../fixtures/functions/build';
import { fakeServerless, recordingWriters, type Output } from '../../helpers/command-context';

export type { Output };

export class FakeServerlessError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface FunctionSpec {
  /** file name → content; zipped as this function's artifact */
  files?: Record<string, string>;
  [key: string]: unknown;
}

export interface ServiceSpec {
  service: string;
  stage?: string;
  spotinst: Record<string, unknown>;
  functions: Record<string, FunctionSpec>;
}

const HELLO = 'exports.main = async (event) => ({ statusCode: 200, body: JSON.stringify({ hello: event.body }) });\n';

export function helloFiles(marker = ''): Record<string, string> {
  return { 'handler.js': `${HELLO}// ${marker}\n` };
}

export class ServiceDir {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-deploy-'));

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Builds the plugin for `spec` with zips written into .serverless/, as after packaging,
   * and runs the given hooks in order. Resolves with what was printed; rejects with the
   * framework error a CLI would show.
   */
  async run(spec: ServiceSpec, hooks: string[], options: Record<string, string | boolean> = {}): Promise<Output> {
    const { log, writeText, output } = recordingWriters();
    const functions: Record<string, Record<string, unknown>> = {};
    for (const [key, { files, ...definition }] of Object.entries(spec.functions)) {
      const zip = path.join(this.dir, '.serverless', `${key}.zip`);
      fs.mkdirSync(path.dirname(zip), { recursive: true });
      fs.writeFileSync(zip, await zipFiles(files ?? helloFiles()));
      functions[key] = { ...definition, package: { artifact: zip } };
    }
    const written = JSON.parse(JSON.stringify(functions)) as Record<string, unknown>;
    const serverless = fakeServerless({
      serviceDir: this.dir,
      service: spec.service,
      functions,
      provider: { stage: spec.stage ?? 'dev', spotinst: spec.spotinst },
      package: {},
      options,
      written,
      ErrorClass: FakeServerlessError,
    });
    const plugin = new SpotinstPlugin(serverless, options, {
      log,
      writeText,
      progress: { create: () => ({ update: () => undefined, remove: () => undefined }) },
    });
    for (const hook of hooks) {
      try {
        await plugin.hooks[hook]();
      } catch (error) {
        Object.assign(error as object, { output });
        throw error;
      }
    }
    return output;
  }
}

/** API calls between two stats readings, by `METHOD /route`. */
export function callsBetween(before: LocalStats, after: LocalStats): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const [route, count] of Object.entries(after.requests)) {
    const delta = count - (before.requests[route] ?? 0);
    if (delta > 0) calls[route] = delta;
  }
  return calls;
}

/** Only the calls that change something. */
export function writesBetween(before: LocalStats, after: LocalStats): Record<string, number> {
  return Object.fromEntries(Object.entries(callsBetween(before, after)).filter(([route]) => !route.startsWith('GET ')));
}

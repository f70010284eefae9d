/**
 * For the deploy reliability items (faults, crashes, concurrent deploys): a 20-function
 * service in two versions, what a spotinst-local holds compared with what the file asks
 * for, and whether the plugin's files in `.serverless/` are intact.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SpotinstClient } from '../../src/api';
import { TEMP_MARKER } from '../../src/util/atomic-file';
import { writeService, type LocalWorld, type Workspace } from '../helpers/cli';

export const ALIAS = 'reliable.example.test';
const FUNCTIONS = 20;

interface FunctionShape {
  memory: number;
  cron?: string;
  endpoint?: string;
}

/**
 * The service the items deploy. v1: 20 functions, even ones with a cron job, odd ones with
 * an endpoint. v2 changes a deploy's every kind of step: memory and cron updates, two
 * functions gone (with --prune), two new ones.
 */
export function desiredFunctions(version: 1 | 2): Record<string, FunctionShape> {
  const functions: Record<string, FunctionShape> = {};
  for (let index = 0; index < FUNCTIONS; index += 1) {
    if (version === 2 && index >= FUNCTIONS - 2) continue;
    const shape: FunctionShape = { memory: version === 2 && index % 4 === 0 ? 256 : 128 };
    if (index % 2 === 0) shape.cron = version === 2 && index % 3 === 0 ? `${index} 2 * * *` : `${index} * * * *`;
    else shape.endpoint = `/fn${index}`;
    functions[`fn${String(index).padStart(2, '0')}`] = shape;
  }
  if (version === 2) {
    functions.added1 = { memory: 192, cron: '5 5 * * *' };
    functions.added2 = { memory: 128, endpoint: '/added2' };
  }
  return functions;
}

/** Writes (or rewrites) the service's serverless.yml and handler; returns its directory. */
export function writeReliableService(workspace: Workspace, name: string, version: 1 | 2): string {
  const functions: Record<string, unknown> = {};
  for (const [key, shape] of Object.entries(desiredFunctions(version))) {
    functions[key] = {
      runtime: 'nodejs8.3',
      handler: 'handler.main',
      memory: shape.memory,
      timeout: 30,
      ...(shape.cron ? { cron: { active: true, value: shape.cron } } : {}),
      ...(shape.endpoint ? { endpoint: { path: shape.endpoint, method: 'get' } } : {}),
    };
  }
  return writeService(workspace, name, {
    config: {
      service: 'reliable',
      frameworkVersion: '>=3',
      provider: { name: 'spotinst', stage: 'dev', spotinst: { alias: ALIAS, prune: true } },
      functions,
      plugins: ['serverless-spotinst-functions'],
    },
    files: { 'handler.js': "exports.main = async () => ({ statusCode: 200, body: 'ok' });\n" },
  });
}

/** Empties the world's account (`POST /__local/reset`), as before a first deploy. */
export async function emptyAccount(world: LocalWorld): Promise<void> {
  const reply = await fetch(`${world.platform.url}/__local/reset`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.platform.token}` },
  });
  if (!reply.ok) throw new Error(`POST /__local/reset answered ${reply.status}`);
}

export interface StateReport {
  /** human-readable differences from the file; empty when remote state equals desired */
  differences: string[];
  /** resources that exist more than once (same name, or a second trigger of one function) */
  duplicates: number;
}

/** Compares what the platform holds with what `version` of the file asks for. */
export async function compareState(client: SpotinstClient, version: 1 | 2): Promise<StateReport> {
  const differences: string[] = [];
  let duplicates = 0;
  const applications = (await client.applications.list()).filter((app) => app.name === 'reliable');
  duplicates += Math.max(0, applications.length - 1);
  if (applications.length === 0) return { differences: ['no application "reliable"'], duplicates };
  const environments = (await client.environments.list()).filter((env) => env.applicationId === applications[0].id && env.name === 'dev');
  duplicates += Math.max(0, environments.length - 1);
  if (environments.length === 0) return { differences: ['no environment "dev"'], duplicates };
  const environmentId = environments[0].id;

  const [functions, jobs, patterns, aliases] = await Promise.all([
    client.functions.list(environmentId),
    client.cronJobs.list(),
    client.patterns.listByEnvironment(environmentId),
    client.aliases.listByEnvironment(environmentId),
  ]);
  const desired = desiredFunctions(version);
  const byName = new Map<string, (typeof functions)[number]>();
  for (const fn of functions) {
    if (byName.has(fn.name)) duplicates += 1;
    byName.set(fn.name, fn);
  }
  const nameOf = new Map(functions.map((fn) => [fn.id, fn.name]));
  for (const name of byName.keys()) if (!(name in desired)) differences.push(`function ${name} should not exist`);

  const jobsOf = new Map<string, string[]>();
  for (const job of jobs) {
    const owner = nameOf.get(job.resourceId);
    if (!owner) {
      if (job.environmentId === environmentId) differences.push(`cron job ${job.id} points at no function`);
      continue;
    }
    jobsOf.set(owner, [...(jobsOf.get(owner) ?? []), job.cronExpression]);
  }
  const patternsOf = new Map<string, string[]>();
  for (const pattern of patterns) {
    const owner = nameOf.get(pattern.functionId);
    if (!owner) {
      differences.push(`pattern ${pattern.method} ${pattern.pattern} points at no function`);
      continue;
    }
    patternsOf.set(owner, [...(patternsOf.get(owner) ?? []), `${pattern.method.toUpperCase()} ${pattern.pattern}`]);
  }

  for (const [name, shape] of Object.entries(desired)) {
    const fn = byName.get(name);
    if (!fn) {
      differences.push(`function ${name} missing`);
      continue;
    }
    if (fn.limits.memory !== shape.memory) differences.push(`function ${name}: memory ${fn.limits.memory}, want ${shape.memory}`);
    const haveJobs = jobsOf.get(name) ?? [];
    duplicates += Math.max(0, haveJobs.length - 1);
    const wantJobs = shape.cron ? [shape.cron] : [];
    if (haveJobs.length === 0 && wantJobs.length) differences.push(`function ${name}: cron job missing`);
    else if (haveJobs.length && !wantJobs.length) differences.push(`function ${name}: has a cron job it should not`);
    else if (haveJobs.length && haveJobs[0] !== wantJobs[0]) differences.push(`function ${name}: cron ${haveJobs[0]}, want ${wantJobs[0]}`);
    const havePatterns = patternsOf.get(name) ?? [];
    duplicates += Math.max(0, havePatterns.length - 1);
    const wantPattern = shape.endpoint ? `GET ${shape.endpoint}` : undefined;
    if (havePatterns.length === 0 && wantPattern) differences.push(`function ${name}: endpoint missing`);
    else if (havePatterns.length && !wantPattern) differences.push(`function ${name}: has an endpoint it should not`);
    else if (havePatterns.length && havePatterns[0] !== wantPattern)
      differences.push(`function ${name}: endpoint ${havePatterns[0]}, want ${wantPattern}`);
  }
  const hosts = aliases.filter((alias) => alias.host === ALIAS).length;
  duplicates += Math.max(0, hosts - 1);
  if (hosts === 0) differences.push(`alias ${ALIAS} missing`);
  return { differences, duplicates };
}

/**
 * The plugin's own files in `.serverless/` that are not what they should be: a JSON file
 * that does not parse. Temporary files of an atomic write cut short are listed apart: they
 * are debris, not a corrupt cache, since nothing reads them.
 */
export function inspectServerlessDir(serviceDir: string): { corrupt: string[]; debris: string[] } {
  const dir = path.join(serviceDir, '.serverless');
  const corrupt: string[] = [];
  const debris: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return { corrupt, debris };
  }
  for (const name of names) {
    if (name.includes(TEMP_MARKER)) {
      debris.push(name);
      continue;
    }
    if (!/^spotinst-.*\.json$/.test(name)) continue;
    try {
      JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    } catch {
      corrupt.push(name);
    }
  }
  return { corrupt, debris };
}

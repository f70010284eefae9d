/**
 * The platform `serverless dev` deploys to: a spotinst-local started inside this process
 * (state in `.serverless/spotinst-local` unless --data-dir says otherwise, on 127.0.0.1, with
 * its own token), or one already running on this machine (--platform URL, credentials from the
 * usual sources). Never a remote API (options.ts refuses any URL off this machine).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SpotinstError } from '../framework/errors';
import { writeFileAtomic } from '../util/atomic-file';
import { startLocalPlatform, type InvocationNotice, type LocalPlatform } from '../local';
import type { Credentials } from '../provider/credentials';
import type { PlatformChoice } from './options';

export interface DevPlatform {
  url: string;
  credentials: Credentials;
  /** set when dev started the platform itself (its invocations are told in-process) */
  embedded?: LocalPlatform;
  /** the web console, when the platform serves one */
  consoleUrl?: string;
  /** what dev says about where it runs */
  description: string;
  close(): Promise<void>;
}

/** What the embedded platform keeps between runs of dev in its data directory. */
interface DevState {
  token: string;
  account: string;
  /** the port it served on last time: taken again when free, so the URLs stay the same */
  port?: number;
}

const STATE_FILE = 'dev-platform.json';

function readState(dataDir: string): Partial<DevState> {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dataDir, STATE_FILE), 'utf8')) as Partial<DevState>;
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

function newAccount(): string {
  return `act-${randomBytes(4).toString('hex')}`;
}

/** Whether a port is free on 127.0.0.1 right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface EmbeddedSettings {
  dataDir: string;
  reset: boolean;
  /** node workers listen for a debugger where this says */
  inspect?: (fn: { id: string; name: string }) => { host: string; port: number } | undefined;
}

/** Starts spotinst-local inside dev; the token and account (and port, when free) are kept in the data dir. */
export async function startEmbeddedPlatform(settings: EmbeddedSettings): Promise<DevPlatform> {
  const { dataDir } = settings;
  if (settings.reset) fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const kept = readState(dataDir);
  const state: DevState = {
    token: typeof kept.token === 'string' && kept.token.length >= 32 ? kept.token : randomBytes(24).toString('hex'),
    account: typeof kept.account === 'string' && /^act-[0-9a-f]{8}$/.test(kept.account) ? kept.account : newAccount(),
  };
  const preferred = typeof kept.port === 'number' && (await portIsFree(kept.port)) ? kept.port : 0;
  const start = (port: number): Promise<LocalPlatform> =>
    startLocalPlatform({
      host: '127.0.0.1',
      port,
      dataDir,
      token: state.token,
      account: state.account,
      ...(settings.inspect ? { inspect: settings.inspect, maxWorkersPerVersion: 1 } : {}),
    });
  let platform: LocalPlatform;
  try {
    platform = await start(preferred);
  } catch (error) {
    // taken between the check and the bind: any free port will do
    if (preferred === 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    platform = await start(0);
  }
  state.port = Number(new URL(platform.url).port);
  writeFileAtomic(path.join(dataDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
  return {
    url: platform.url,
    credentials: { token: platform.token, account: platform.account, source: `the platform serverless dev started (${dataDir})` },
    embedded: platform,
    // the console's address never carries the token: the terminal is no place for it
    consoleUrl: platform.consoleUrl,
    description: `spotinst-local ${platform.url} (data: ${dataDir})`,
    close: () => platform.close(),
  };
}

/**
 * The console of a running platform, when it has one: releases before the console answer 404
 * there. (A checkout run from its sources answers 503 saying how to build the assets: the line
 * is printed all the same, as for the embedded platform, and the page says the rest.)
 */
async function consoleOf(url: string): Promise<string | undefined> {
  const consoleUrl = `${url}/__local/console`;
  try {
    const reply = await fetch(consoleUrl, { method: 'HEAD', signal: AbortSignal.timeout(3000) });
    return reply.status === 404 ? undefined : consoleUrl;
  } catch {
    return undefined;
  }
}

/** A spotinst-local already running at `url`: checked to answer before anything is deployed to it. */
export async function useRunningPlatform(url: string, credentials: () => Credentials): Promise<DevPlatform> {
  let healthy: boolean;
  try {
    const reply = await fetch(`${url}/__local/health`, { signal: AbortSignal.timeout(3000) });
    healthy = reply.ok;
  } catch {
    healthy = false;
  }
  if (!healthy) {
    throw new SpotinstError(
      `--platform ${url}: no spotinst-local answers there (GET /__local/health). Start it (npx spotinst-local --port ${new URL(url).port || 80}), ` +
        'or leave --platform out and serverless dev runs one itself.',
      'SPOTINST_DEV_PLATFORM_UNREACHABLE',
    );
  }
  const consoleUrl = await consoleOf(url);
  return {
    url,
    credentials: credentials(),
    ...(consoleUrl ? { consoleUrl } : {}),
    description: `spotinst-local ${url}`,
    close: () => Promise.resolve(),
  };
}

export async function openPlatform(
  choice: PlatformChoice,
  settings: Pick<EmbeddedSettings, 'inspect'>,
  credentials: () => Credentials,
): Promise<DevPlatform> {
  return choice.kind === 'running'
    ? useRunningPlatform(choice.url, credentials)
    : startEmbeddedPlatform({ dataDir: choice.dataDir, reset: choice.reset, ...settings });
}

export type { InvocationNotice };

/**
 * The options of `serverless dev`, checked before anything starts:
 * `[--platform URL] [--data-dir DIR] [--reset] [--inspect[=PORT]]`.
 */
import path from 'node:path';
import { SpotinstError } from '../framework/errors';
import { flagOption, stringOption } from '../framework/options';
import type { CliOptions } from '../framework/serverless';

/** Where an embedded platform keeps its state, under the service directory. */
export const DEFAULT_DATA_DIR = path.join('.serverless', 'spotinst-local');
/** node's own default inspector port; further functions take the ports after it */
export const DEFAULT_INSPECT_PORT = 9229;

export type PlatformChoice = { kind: 'embedded'; dataDir: string; reset: boolean } | { kind: 'running'; url: string };

export interface DevOptions {
  platform: PlatformChoice;
  /** the first inspector port, when node workers listen for a debugger */
  inspectPort?: number;
  verbose: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Whether a URL's host is this machine (127.0.0.0/8 included). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

function invalid(message: string): SpotinstError {
  return new SpotinstError(message, 'SPOTINST_INVALID_OPTION');
}

/**
 * `--platform`: a spotinst-local on this machine. dev runs the code of every save there, so a
 * URL off this machine (the Spotinst cloud, another host) is refused: dev never deploys to a
 * remote API.
 */
export function checkPlatformUrl(written: string): string {
  let url: URL;
  try {
    url = new URL(written);
  } catch {
    throw invalid(
      `--platform is ${JSON.stringify(written)}, which is not a URL. Give the address spotinst-local printed, e.g. --platform http://127.0.0.1:7711.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`--platform is ${written}: only http:// and https:// URLs are served, e.g. --platform http://127.0.0.1:7711.`);
  }
  if (!isLoopbackHost(url.hostname)) {
    throw invalid(
      `--platform is ${written}, which is not on this machine. serverless dev deploys every save and never to a remote API: ` +
        'give a spotinst-local on 127.0.0.1 (e.g. --platform http://127.0.0.1:7711), or leave --platform out to run one inside dev. ' +
        'To deploy elsewhere, use serverless deploy.',
    );
  }
  return url.origin;
}

/** `--inspect` alone, or `--inspect=PORT` / `--inspect PORT`. */
function inspectPort(options: CliOptions): number | undefined {
  const value = options.inspect;
  if (value === undefined || value === false || value === 'false') return undefined;
  if (value === true || value === 'true' || value === '' || value === null) return DEFAULT_INSPECT_PORT;
  if (Array.isArray(value)) throw invalid(`--inspect was given ${value.length} times; give it once, e.g. --inspect or --inspect=9229.`);
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    throw invalid(
      `--inspect is ${JSON.stringify(value)}; give a port from 1024 to 65535 (--inspect=9229), or --inspect alone for ${DEFAULT_INSPECT_PORT}.`,
    );
  }
  return port;
}

export function readDevOptions(options: CliOptions, serviceDir: string): DevOptions {
  const platform = stringOption(options, 'platform', 'SPOTINST_INVALID_OPTION', 'http://127.0.0.1:7711');
  const dataDir = stringOption(options, 'data-dir', 'SPOTINST_INVALID_OPTION', '.serverless/spotinst-local');
  const reset = flagOption(options, 'reset');
  const port = inspectPort(options);
  const verbose = flagOption(options, 'verbose');
  if (platform !== undefined) {
    const clash = dataDir !== undefined ? '--data-dir' : reset ? '--reset' : port !== undefined ? '--inspect' : undefined;
    if (clash) {
      throw invalid(
        `${clash} is for the platform dev runs itself, and --platform names one already running. ` +
          (clash === '--reset'
            ? 'To start that one empty, restart it (or POST /__local/reset to it: that empties it for every service); or leave --platform out.'
            : `Leave out ${clash}, or --platform.`),
      );
    }
    return { platform: { kind: 'running', url: checkPlatformUrl(platform) }, verbose };
  }
  return {
    platform: { kind: 'embedded', dataDir: path.resolve(serviceDir, dataDir ?? DEFAULT_DATA_DIR), reset },
    ...(port === undefined ? {} : { inspectPort: port }),
    verbose,
  };
}

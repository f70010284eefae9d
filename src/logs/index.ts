/**
 * `serverless logs -f NAME [--startTime 30m|2h|3d|ISO|epoch-ms] [--tail] [--interval ms]
 * [--filter TEXT]`: the invocation logs of a deployed function on stdout.
 */
import type { EventEmitter } from 'node:events';
import chalk from 'chalk';
import { SpotinstError } from '../framework/errors';
import type { FunctionCommandContext } from '../provider/port';
import { flagOption } from '../framework/options';
import { redactor } from '../util/redact';
import { findDeployedFunction, selectFunction } from '../remote/function';
import { createFormatter } from './format';
import { filterOption, intervalOption, startTimeOption } from './options';
import { abortableSleep, CLOCK_SLACK_MS, readLogs, type NewLines } from './tail';

export interface LogsDependencies {
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** ends `--tail`; without it, Ctrl-C (SIGINT) does */
  signal?: AbortSignal;
  /** default: when stdout is a terminal that supports colours */
  colors?: boolean;
  /** where the lines go, watched for a reader that went away (default process.stdout) */
  output?: EventEmitter;
}

/** A failing poll is said once, then every this many failures in a row, not every second. */
const WARN_EVERY_FAILURES = 10;

function stdoutWantsColors(): boolean {
  return process.stdout.isTTY === true && chalk.supportsColor !== false && chalk.supportsColor.level > 0;
}

/** The `logs:logs` hook. */
export async function logs(context: FunctionCommandContext, dependencies: LogsDependencies = {}): Promise<void> {
  const { options, log } = context;
  const now = dependencies.now ?? Date.now;
  const service = context.provider.getService();
  const fn = selectFunction(service, options);
  // options first: a typo is reported before any API call
  const startTime = startTimeOption(options, now());
  const intervalMs = intervalOption(options);
  const filter = filterOption(options);
  const follow = flagOption(options, 'tail');

  const client = context.provider.getClient();
  const remote = await findDeployedFunction(client, service, fn);
  const formatter = createFormatter(dependencies.colors ?? stdoutWantsColors(), redactor(context.provider.getCredentials().token));

  const print = (batches: NewLines[]): void => {
    const lines: string[] = [];
    for (const batch of batches) {
      const header = batch.first ? formatter.header(batch.entry) : undefined;
      if (header !== undefined) lines.push(header);
      for (const line of batch.lines) lines.push(...formatter.line(batch.entry, line));
    }
    context.writeText(lines);
  };

  // Ctrl-C ends a tail as its normal end: the hook resolves and the CLI exits 0.
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort();
  const external = dependencies.signal;
  if (external) {
    if (external.aborted) controller.abort();
    else external.addEventListener('abort', onInterrupt, { once: true });
  } else if (follow) {
    process.once('SIGINT', onInterrupt);
  }
  // `logs --tail | head -20`: once the reader is gone, the tail is over (as with Ctrl-C),
  // instead of an uncaught EPIPE at the next line. Another write error ends it with a message.
  const output = dependencies.output ?? process.stdout;
  let outputFailed = false;
  let outputError: NodeJS.ErrnoException | undefined;
  const onOutputError = (error: NodeJS.ErrnoException): void => {
    if (!outputFailed && error.code !== 'EPIPE') outputError = error;
    outputFailed = true;
    controller.abort();
  };
  if (follow) output.on('error', onOutputError);

  let failures = 0;
  try {
    const since = new Date(startTime).toISOString();
    if (follow) log.notice(`Tailing the logs of "${fn.key}" since ${since}${filter ? ` matching "${filter}"` : ''} (Ctrl-C to stop)…`);
    const printed = await readLogs({
      fetch: async (fromMs, toMs) => {
        const entries = await client.logs.list(remote.id, fromMs, toMs);
        failures = 0;
        return entries;
      },
      print,
      startTime,
      follow,
      intervalMs,
      // an invocation's log may appear up to its timeout after it started
      lookbackMs: remote.limits.timeout * 1000 + CLOCK_SLACK_MS + intervalMs,
      filter,
      now,
      sleep: dependencies.sleep ?? abortableSleep,
      signal: controller.signal,
      onTransientError: (error) => {
        failures += 1;
        if (failures === 1 || failures % WARN_EVERY_FAILURES === 0) {
          log.warning(`Could not read the logs (${failures} ${failures === 1 ? 'try' : 'tries'} in a row): ${error.message} Still trying.`);
        }
      },
    });
    if (!follow && printed === 0) {
      log.notice(`No logs of "${fn.key}" since ${since}${filter ? ` matching "${filter}"` : ''}.`);
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    external?.removeEventListener('abort', onInterrupt);
    // kept once a write failed: that stream is done for, and a late error event must not crash the CLI
    if (!outputFailed) output.removeListener('error', onOutputError);
  }
  if (outputError) {
    throw new SpotinstError(
      `Could not write the logs (${outputError.code ?? outputError.message}); stopped tailing.`,
      'SPOTINST_LOGS_OUTPUT_FAILED',
    );
  }
}

/**
 * `serverless invoke local -f NAME [--data | --path] [--env K=V]… [--raw]`: runs the handler
 * on this machine with the runners spotinst-local uses, so the event, context, environment,
 * timeout and memory limit are those of the platform. What the handler prints goes to
 * stderr, its result to stdout; an error, a timeout or a non-2xx statusCode fails the command,
 * as `invoke` would.
 */
import { randomUUID } from 'node:crypto';
import { createRunner, defaultCacheDir, type InvocationOutcome } from '../runtimes';
import { DOCUMENTED_RUNTIMES, runtimeFamily } from '../spec/runtimes';
import { resultStatus } from '../spec/contract';
import { SpotinstError } from '../framework/errors';
import type { FunctionCommandContext } from '../provider/port';
import { flagOption, serviceDirOf, warnIgnoredOptions } from '../framework/options';
import { eventData, localEvent, requestPayload } from '../framework/event-data';
import { formatValue } from '../framework/output';
import { selectFunction } from '../remote/function';
import { locateCode } from './code';
import { localEnvironment, parseEnvOptions } from './environment';

/** What the context and SPOTINST_* variables say under `invoke local`: no deployed id exists. */
export const LOCAL_IDENTITY = { functionId: 'fx-local', environmentId: 'env-local', version: '$LATEST' } as const;

export interface InvokeLocalSettings {
  /** where the runtimes keep compiled helpers (default: the user's temp cache) */
  cacheDir?: string;
}

/** AWS-only options of the core's `invoke local` that mean nothing here: said, not silently dropped. */
const IGNORED_OPTIONS: Record<string, string> = {
  docker: 'handlers run directly with the local interpreters',
  'docker-arg': 'handlers run directly with the local interpreters',
  context: 'the context is built as the platform builds it',
  contextPath: 'the context is built as the platform builds it',
};

function failure(key: string, runtime: string, outcome: InvocationOutcome): SpotinstError {
  const error = outcome.error;
  const message = error?.message ?? 'no reason given';
  if (outcome.status === 'timeout') {
    return new SpotinstError(`Function "${key}" timed out: ${message}; it was stopped.`, 'SPOTINST_INVOKE_LOCAL_TIMEOUT');
  }
  if (error?.type === 'RuntimeUnavailable' || error?.type === 'RuntimeStartFailed') {
    return new SpotinstError(`Cannot run ${runtime} here: ${message}`, 'SPOTINST_INVOKE_LOCAL_RUNTIME_UNAVAILABLE');
  }
  return new SpotinstError(`Function "${key}" failed (${error?.type ?? 'Error'}): ${message}`, 'SPOTINST_INVOKE_LOCAL_FUNCTION_ERROR');
}

/** The `invoke:local:invoke` hook. */
export async function invokeLocal(context: FunctionCommandContext, settings: InvokeLocalSettings = {}): Promise<void> {
  const { options, log } = context;
  const service = context.provider.getService();
  const fn = selectFunction(service, options);
  const family = runtimeFamily(fn.runtime);
  if (!family) {
    throw new SpotinstError(
      `functions.${fn.key}.runtime is ${fn.runtime}, which invoke local cannot run. It runs nodejs, python, ruby and java runtimes.`,
      'SPOTINST_INVOKE_LOCAL_UNSUPPORTED_RUNTIME',
    );
  }
  warnIgnoredOptions(context, IGNORED_OPTIONS);
  const serviceDir = serviceDirOf(context.serverless);
  const overrides = parseEnvOptions(options.env);
  const data = eventData(fn, options, serviceDir);
  if (data.note) log.warning(data.note);
  log.verbose(`Event data: ${data.source}.`);
  if ((DOCUMENTED_RUNTIMES as readonly string[]).includes(fn.runtime) && family !== 'java' && family !== 'nodejs') {
    // python2.7 and ruby2.4.1 are long gone from most machines: the runners use what is installed
    log.verbose(`${fn.runtime} runs on the local ${family === 'python' ? 'python3' : 'ruby'}.`);
  }

  const code = await locateCode(context.serverless, fn, family, serviceDir);
  let warnedAboutDocuments = false;
  const runner = createRunner({
    family,
    runtime: fn.runtime,
    codeDir: code.codeDir,
    handler: fn.handler,
    env: localEnvironment(fn.environmentVariables, LOCAL_IDENTITY, overrides),
    memoryMb: fn.memory,
    timeoutS: fn.timeout,
    cacheDir: settings.cacheDir ?? defaultCacheDir(),
    // The document store lives in a deployed environment; invoke local reads no credentials.
    getDocument: (key) => {
      if (!warnedAboutDocuments) {
        warnedAboutDocuments = true;
        log.warning(`context.getDoc("${key}") returns nothing under invoke local: documents live in a deployed environment.`);
      }
      return Promise.resolve(undefined);
    },
  });
  let outcome: InvocationOutcome;
  try {
    log.verbose(`Running ${fn.handler} (${fn.runtime}) from ${code.description}.`);
    outcome = await runner.invoke(localEvent(requestPayload(data.value)), {
      ...LOCAL_IDENTITY,
      requestId: randomUUID(),
      functionName: fn.name,
    });
  } finally {
    // the worker process would keep the CLI alive, and an unpacked jar is ours to remove
    await runner.dispose();
    code.cleanup();
  }

  for (const line of outcome.logs) log.notice(line.log);
  if (outcome.status !== 'success') throw failure(fn.key, fn.runtime, outcome);

  const status = resultStatus(outcome.result);
  if (status === undefined) {
    throw new SpotinstError(
      `Function "${fn.key}" returned an invalid statusCode (${JSON.stringify((outcome.result as { statusCode: unknown }).statusCode)}); the platform would answer 502.`,
      'SPOTINST_INVOKE_LOCAL_INVALID_RESULT',
    );
  }
  const text = formatValue(outcome.result, flagOption(options, 'raw'));
  if (text !== '') context.writeText(text);
  log.notice(`Status: ${status} (${outcome.durationMs} ms)`);
  if (status < 200 || status >= 300) {
    throw new SpotinstError(`Function "${fn.key}" returned statusCode ${status}.`, 'SPOTINST_INVOKE_LOCAL_STATUS');
  }
}

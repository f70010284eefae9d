/**
 * `serverless invoke -f NAME [--data JSON | --path FILE] [--raw] [--log]`: finds the deployed
 * function through the API and posts the event data to its URL, as any HTTP client would.
 * The body goes to stdout, the status to stderr; anything but 2xx fails the command.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { isAxiosError, type AxiosResponse } from 'axios';
import { SpotinstError } from '../framework/errors';
import type { FunctionRecord } from '../api';
import type { InvocationLog } from '../spec/wire';
import type { FunctionCommandContext } from '../provider/port';
import { flagOption, serviceDirOf, warnIgnoredOptions } from '../framework/options';
import { eventData, requestPayload, type RequestPayload } from '../framework/event-data';
import { USER_AGENT } from '../util/version';
import { formatBody, platformError } from '../framework/output';
import { shortId } from '../spec/ids';
import { findDeployedFunction, selectFunction } from '../remote/function';
import { redactor } from '../util/redact';

/** AWS options of the core's `invoke` with no meaning for a function URL. */
const IGNORED_OPTIONS: Record<string, string> = {
  qualifier: "a function URL runs the versions of the function's activeVersions",
  type: 'a function URL is always invoked synchronously',
  context: 'the platform builds the context',
  contextPath: 'the platform builds the context',
};

/** Beyond the function's own timeout, how long to wait for the platform to answer. */
const REPLY_GRACE_MS = 30000;
/** Clock difference between here and the server tolerated when looking the invocation's log up. */
const LOG_WINDOW_SLACK_MS = 5 * 60 * 1000;

interface Reply {
  status: number;
  statusText: string;
  body: string;
  invocationId?: string;
  version?: string;
  elapsedMs: number;
}

function headerOf(response: AxiosResponse<string>, name: string): string | undefined {
  const value: unknown = response.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Posts the payload to the function URL; one attempt (a retried POST could run the function twice). */
async function post(remote: FunctionRecord, payload: RequestPayload, token: string | undefined): Promise<Reply> {
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT, Accept: '*/*' };
  if (payload.contentType) headers['Content-Type'] = payload.contentType;
  // Only a private function gets the token: a public one would see it in event.headers.
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  // No keep-alive: a kept socket would hold the CLI open after the command is done.
  const httpAgent = new http.Agent({ keepAlive: false });
  const httpsAgent = new https.Agent({ keepAlive: false });
  const started = Date.now();
  try {
    const response = await axios.request<string>({
      method: 'POST',
      url: remote.url,
      data: payload.body,
      headers,
      responseType: 'text',
      // the body is sent and shown exactly as it is: no JSON guessing either way
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      timeout: remote.limits.timeout * 1000 + REPLY_GRACE_MS,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
      httpAgent,
      httpsAgent,
    });
    return {
      status: response.status,
      statusText: response.statusText || http.STATUS_CODES[response.status] || '',
      body: typeof response.data === 'string' ? response.data : String(response.data ?? ''),
      invocationId: headerOf(response, 'x-spotinst-invocation-id'),
      version: headerOf(response, 'x-spotinst-function-version'),
      elapsedMs: Date.now() - started,
    };
  } catch (error) {
    const code = (isAxiosError(error) && error.code) || (error as NodeJS.ErrnoException).code || 'ERROR';
    const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
    throw new SpotinstError(
      timedOut
        ? `No reply from ${remote.url} within ${Math.round((Date.now() - started) / 1000)} s (the function's timeout is ${remote.limits.timeout} s). ` +
            'The function may still be running: check `serverless logs`.'
        : `Could not reach the function URL ${remote.url} (${code}). Check that the platform is up and the URL is reachable from here.`,
      timedOut ? 'SPOTINST_INVOKE_NO_REPLY' : 'SPOTINST_INVOKE_UNREACHABLE',
    );
  } finally {
    httpAgent.destroy();
    httpsAgent.destroy();
  }
}

function statusLine(reply: Reply): string {
  const details = [
    reply.version !== undefined ? `version ${reply.version}` : undefined,
    reply.invocationId !== undefined ? `invocation ${shortId(reply.invocationId)}` : undefined,
    `${reply.elapsedMs} ms`,
  ].filter((part): part is string => part !== undefined);
  return `Status: ${reply.status}${reply.statusText ? ` ${reply.statusText}` : ''} (${details.join(', ')})`;
}

/** The error for a reply that is not 2xx: the function's own message when the platform gives one. */
function failure(key: string, reply: Reply, access: FunctionRecord['access'], credentialsSource: string): SpotinstError {
  const logsHint = `See its logs: serverless logs -f ${key}`;
  const reported = platformError(reply.body);
  if (reply.status === 401 || reply.status === 403) {
    return new SpotinstError(
      `The function URL refused the request (${reply.status})${access === 'private' ? ` with the token from ${credentialsSource}` : ''}. ` +
        'Check that the token belongs to the account the function is deployed in.',
      'SPOTINST_INVOKE_UNAUTHORIZED',
    );
  }
  if (reply.status === 413) {
    return new SpotinstError(
      `The function URL refused the data as too large (413): ${reported?.errorMessage ?? 'send less data'}.`,
      'SPOTINST_INVOKE_TOO_LARGE',
    );
  }
  if (reply.status === 504) {
    return new SpotinstError(
      `Function "${key}" timed out (504): ${reported?.errorMessage ?? 'no reply in time'}. ${logsHint}`,
      'SPOTINST_INVOKE_TIMEOUT',
    );
  }
  if (reported) {
    const type = reported.errorType ? ` ${reported.errorType}` : '';
    return new SpotinstError(
      `Function "${key}" failed (${reply.status}${type}): ${reported.errorMessage}. ${logsHint}`,
      'SPOTINST_INVOKE_FUNCTION_ERROR',
    );
  }
  return new SpotinstError(
    `Function "${key}" answered ${reply.status}${reply.statusText ? ` ${reply.statusText}` : ''}.`,
    'SPOTINST_INVOKE_STATUS',
  );
}

/** `--log`: the lines this invocation printed, from the log API (they are there once it ended). */
async function printInvocationLog(
  context: FunctionCommandContext,
  remote: FunctionRecord,
  reply: Reply,
  sentAt: number,
  redact: (text: string) => string,
): Promise<void> {
  if (reply.invocationId === undefined) {
    context.log.warning('The server did not say which invocation answered, so its log cannot be shown; use `serverless logs`.');
    return;
  }
  let entries: InvocationLog[];
  try {
    entries = await context.provider.getClient().logs.list(remote.id, sentAt - LOG_WINDOW_SLACK_MS, Date.now() + LOG_WINDOW_SLACK_MS);
  } catch (error) {
    context.log.warning(`Could not read the invocation's log: ${(error as Error).message}`);
    return;
  }
  const entry = entries.find((candidate) => candidate.invocationId === reply.invocationId);
  const lines = entry?.content ?? [];
  context.log.notice(lines.length === 0 ? 'The invocation printed nothing.' : `Log of invocation ${shortId(reply.invocationId)}:`);
  for (const line of lines) context.log.notice(redact(line.log));
}

/** The `invoke:invoke` hook. */
export async function invoke(context: FunctionCommandContext): Promise<void> {
  const service = context.provider.getService();
  const fn = selectFunction(service, context.options);
  warnIgnoredOptions(context, IGNORED_OPTIONS);
  const data = eventData(fn, context.options, serviceDirOf(context.serverless));
  if (data.note) context.log.warning(data.note);
  context.log.verbose(`Event data: ${data.source}.`);

  const remote = await findDeployedFunction(context.provider.getClient(), service, fn);
  const credentials = context.provider.getCredentials();
  const redact = redactor(credentials.token);
  const sentAt = Date.now();
  const reply = await post(remote, requestPayload(data.value), remote.access === 'private' ? credentials.token : undefined);

  context.log.notice(statusLine(reply));
  const ok = reply.status >= 200 && reply.status < 300;
  // The platform's own error reply is said in the error message; a function's body is output.
  if (reply.body !== '' && (ok || platformError(reply.body) === undefined)) {
    context.writeText(redact(formatBody(reply.body, flagOption(context.options, 'raw'))));
  }
  if (flagOption(context.options, 'log')) await printInvocationLog(context, remote, reply, sentAt, redact);
  if (!ok) {
    const error = failure(fn.key, reply, remote.access, credentials.source);
    throw new SpotinstError(redact(error.message), error.code);
  }
}

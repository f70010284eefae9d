import { SpotinstError, type ErrorCode } from '../framework/errors';
import type { ApiErrorItem } from '../spec/wire';

/** What the failed call was, for messages: never carries the token. */
export interface CallDescription {
  method: string;
  /** path without query string, e.g. `/functions/function/fx-1a2b3c4d` */
  path: string;
  /** human name of what the call is about, e.g. `function fx-1a2b3c4d` */
  resource?: string;
}

export interface ApiErrorDetails {
  call: CallDescription;
  /** HTTP status; undefined when no reply arrived (connection refused, reset, timeout) */
  status?: number;
  errors?: ApiErrorItem[];
  requestId?: string;
  /** Node/axios error code when no reply arrived: ECONNREFUSED, ECONNRESET, ETIMEDOUT… */
  networkCode?: string;
  attempts: number;
  /**
   * True when a non-idempotent call (POST) may have been carried out by the server even
   * though it failed here; the caller must look the resource up before creating it again.
   */
  uncertain: boolean;
  /** Where the URL and credentials came from, to point the user at the right place. */
  apiUrl: string;
  credentialsSource?: string;
}

const CODES_BY_STATUS: Record<number, ErrorCode> = {
  400: 'SPOTINST_API_VALIDATION',
  401: 'SPOTINST_API_UNAUTHORIZED',
  403: 'SPOTINST_API_FORBIDDEN',
  404: 'SPOTINST_API_NOT_FOUND',
  409: 'SPOTINST_API_CONFLICT',
  413: 'SPOTINST_API_TOO_LARGE',
  429: 'SPOTINST_API_RATE_LIMITED',
};

function errorCode(details: ApiErrorDetails): ErrorCode {
  if (details.status === undefined) {
    return details.networkCode === 'ETIMEDOUT' || details.networkCode === 'ECONNABORTED'
      ? 'SPOTINST_API_TIMEOUT'
      : 'SPOTINST_API_UNREACHABLE';
  }
  if (details.status < 400) return 'SPOTINST_API_UNEXPECTED_REPLY';
  if (details.status >= 500) return 'SPOTINST_API_SERVER_ERROR';
  return CODES_BY_STATUS[details.status] ?? 'SPOTINST_API_ERROR';
}

function serverMessages(errors: ApiErrorItem[] | undefined): string {
  if (!errors || errors.length === 0) return '';
  return errors
    .map((item) => `${item.code}: ${item.message}${item.field ? ` (field ${item.field})` : ''}`)
    .join('; ')
    .replace(/[.!?]+$/, '');
}

function retriedText(attempts: number): string {
  if (attempts <= 1) return '';
  const retries = attempts - 1;
  return ` (retried ${retries} time${retries === 1 ? '' : 's'})`;
}

function describe(details: ApiErrorDetails): string {
  const { call, status } = details;
  const what = `${call.method} ${call.path}`;
  const server = serverMessages(details.errors);
  const serverPart = server ? ` The API said: ${server}.` : '';
  const credentials = details.credentialsSource ? ` (credentials from ${details.credentialsSource})` : '';
  const requestPart = details.requestId ? ` [request ${details.requestId}]` : '';
  const retried = retriedText(details.attempts);

  let text: string;
  if (status === undefined) {
    const reason = details.networkCode ?? 'no reply';
    const timeout = reason === 'ETIMEDOUT' || reason === 'ECONNABORTED';
    text = timeout
      ? `${what} timed out waiting for ${details.apiUrl}${retried}. Check the network, or that the API is up.`
      : `Could not reach the Spotinst API at ${details.apiUrl} (${reason}) for ${what}${retried}. ` +
        'Check provider.spotinst.apiUrl / SPOTINST_API_URL, or start the local platform with `npx spotinst-local`.';
  } else if (status < 400) {
    // A success status without the envelope: the URL points at something else (a proxy, a web page).
    text =
      `The reply to ${what} from ${details.apiUrl} (${status}) is not a Spotinst API reply. ` +
      'Check provider.spotinst.apiUrl / SPOTINST_API_URL: it must point at the Spotinst API (or `npx spotinst-local`).';
  } else if (status === 401) {
    text =
      `The Spotinst API rejected the token (401) for ${what}${credentials}.${serverPart} ` +
      'Check the token: set SPOTINST_TOKEN, or save it with `serverless spotinst credentials --token <token> --account <account> --overwrite`.';
  } else if (status === 403) {
    text =
      `The token is not allowed to act on this account (403) for ${what}${credentials}.${serverPart} ` +
      'Check the account id (SPOTINST_ACCOUNT or the profile\'s "account").';
  } else if (status === 404) {
    text = `Not found (404): ${call.resource ?? call.path} does not exist (${what}).${serverPart}`;
  } else if (status === 429) {
    text = `The Spotinst API kept rate limiting ${what} (429)${retried}.${serverPart} Wait a minute and run the command again.`;
  } else if (status >= 500) {
    text = `The Spotinst API failed on ${what} with ${status}${retried}.${serverPart} Run the command again; if it persists, the service is down.`;
  } else {
    text = `The Spotinst API refused ${what} (${status}).${serverPart || ' No reason was given.'}`;
  }
  // Set only for calls that may have been carried out (no reply, 5xx, a reply that is not the API's).
  if (details.uncertain) text += ' The request may have been carried out; look the resource up before creating it again.';
  return text + requestPart;
}

/** A failed API call, with everything needed to explain it, and nothing secret. */
export class SpotinstApiError extends SpotinstError {
  readonly status?: number;
  readonly errors: ApiErrorItem[];
  readonly requestId?: string;
  readonly call: CallDescription;
  readonly networkCode?: string;
  readonly attempts: number;
  readonly uncertain: boolean;

  constructor(details: ApiErrorDetails) {
    super(describe(details), errorCode(details));
    this.name = 'SpotinstApiError';
    this.status = details.status;
    this.errors = details.errors ?? [];
    this.requestId = details.requestId;
    this.call = details.call;
    this.networkCode = details.networkCode;
    this.attempts = details.attempts;
    this.uncertain = details.uncertain;
  }

  /** Spotinst error codes of the reply, e.g. `['FUNCTION_NAME_EXISTS']`. */
  get codes(): string[] {
    return this.errors.map((item) => item.code);
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof SpotinstApiError && error.status === 404;
}

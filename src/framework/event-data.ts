/**
 * The data `invoke` and `invoke local` send (SPEC §6): the function's `parameters` merged
 * with `--data` or the file of `--path`, turned into the request body `invoke` posts and
 * into the event `invoke local` hands the handler. Both derive from the same body text, so
 * the handler sees the same `event.body` either way.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { SpotinstError } from './errors';
import { parseBody, type FunctionEvent } from '../spec/contract';
import { USER_AGENT } from '../util/version';
import type { CliOptions } from './serverless';
import type { FunctionModel } from './service-model';
import { stringOption } from './options';

export interface EventData {
  /** undefined: nothing to send (no parameters, no --data, no --path) */
  value: unknown;
  /** where the value came from, for verbose output */
  source: string;
  /** said to the user when --data/--path replaced the parameters instead of merging */
  note?: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `--data`: JSON when it parses, else the string as typed. */
export function parseDataOption(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `--path`: a JSON (or YAML, by extension) file, relative to the service directory. */
export function readDataFile(file: string, serviceDir: string): unknown {
  const absolute = path.resolve(serviceDir, file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`;
    throw new SpotinstError(
      `--path ${file}: ${absolute} ${reason}. Give a JSON file, relative to the service directory (${serviceDir}).`,
      'SPOTINST_DATA_FILE_NOT_FOUND',
    );
  }
  const isYaml = /\.ya?ml$/i.test(absolute);
  try {
    return isYaml ? yaml.load(text) : (JSON.parse(text) as unknown);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new SpotinstError(
      `--path ${file}: ${absolute} is not valid ${isYaml ? 'YAML' : 'JSON'} (${reason}). ` +
        (isYaml ? 'Fix the file.' : 'Fix the file, or pass text with --data instead.'),
      'SPOTINST_DATA_FILE_INVALID',
    );
  }
}

/**
 * `parameters` merged with `--data` or `--path`: a map is merged over the parameters (its
 * keys win); anything else (a string, a list, a number) replaces them, as a body can only
 * be one thing.
 */
export function eventData(fn: Pick<FunctionModel, 'key' | 'parameters'>, options: CliOptions, serviceDir: string): EventData {
  const data = stringOption(options, 'data', 'SPOTINST_DATA_INVALID', `'{"name":"world"}'`);
  const file = stringOption(options, 'path', 'SPOTINST_DATA_FILE_INVALID', 'event.json');
  if (data !== undefined && file !== undefined) {
    throw new SpotinstError('Give either --data or --path, not both.', 'SPOTINST_DATA_CONFLICT');
  }
  const parameters = fn.parameters;
  let given: unknown;
  let source: string;
  if (data !== undefined) {
    given = parseDataOption(data);
    source = '--data';
  } else if (file !== undefined) {
    given = readDataFile(file, serviceDir);
    source = `--path ${file}`;
  } else {
    return parameters === undefined
      ? { value: undefined, source: 'no data' }
      : { value: parameters, source: `functions.${fn.key}.parameters` };
  }
  if (parameters === undefined) return { value: given, source };
  if (isPlainObject(given)) {
    return { value: { ...parameters, ...given }, source: `functions.${fn.key}.parameters merged with ${source}` };
  }
  return {
    value: given,
    source,
    note: `${source} is not a JSON object, so it replaces functions.${fn.key}.parameters instead of being merged with them.`,
  };
}

export interface RequestPayload {
  /** the exact request body */
  body: string;
  /** undefined when there is no body */
  contentType?: string;
}

/**
 * The body `invoke` posts. A string that is not JSON goes as text; everything else as JSON,
 * so the platform's JSON-when-possible parsing gives the value back unchanged.
 */
export function requestPayload(value: unknown): RequestPayload {
  if (value === undefined) return { body: '' };
  if (typeof value === 'string' && parseBody(value) === value) {
    return { body: value, contentType: 'text/plain; charset=utf-8' };
  }
  return { body: JSON.stringify(value), contentType: 'application/json' };
}

/**
 * The event the platform would build when `invoke` posts this payload to the function URL
 * (SPEC §6): a POST to the function's root path, the body parsed the platform's way.
 */
export function localEvent(payload: RequestPayload): FunctionEvent {
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    'content-length': String(Buffer.byteLength(payload.body)),
  };
  if (payload.contentType) headers['content-type'] = payload.contentType;
  return { query: {}, body: parseBody(payload.body), headers, method: 'POST', path: '/' };
}

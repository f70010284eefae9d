import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventData, localEvent, parseDataOption, requestPayload } from '../../../src/framework/event-data';
import { parseBody } from '../../../src/spec/contract';
import { functionModel } from '../../helpers/command-context';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'event-data-'));
  fs.writeFileSync(path.join(dir, 'event.json'), '{"name":"file","list":[1]}');
  fs.writeFileSync(path.join(dir, 'event.yml'), 'name: yaml\nnested:\n  a: 1\n');
  fs.writeFileSync(path.join(dir, 'list.json'), '[1,2]');
  fs.writeFileSync(path.join(dir, 'bad.json'), '{"a": }');
  fs.writeFileSync(path.join(dir, 'bad.yaml'), 'a: [unclosed');
  fs.mkdirSync(path.join(dir, 'sub'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const withParameters = functionModel('hello', { parameters: { name: 'world', keep: true } });
const without = functionModel('hello');

describe('eventData', () => {
  it('is nothing without parameters, --data or --path', () => {
    expect(eventData(without, {}, dir)).toEqual({ value: undefined, source: 'no data' });
  });

  it('is the parameters by default', () => {
    expect(eventData(withParameters, {}, dir)).toEqual({
      value: { name: 'world', keep: true },
      source: 'functions.hello.parameters',
    });
  });

  it('merges a --data object over the parameters (its keys win)', () => {
    const data = eventData(withParameters, { data: '{"name":"you","n":1}' }, dir);
    expect(data.value).toEqual({ name: 'you', keep: true, n: 1 });
    expect(data.note).toBeUndefined();
  });

  it('lets --data that is not an object replace the parameters, and says so', () => {
    const text = eventData(withParameters, { data: 'hello there' }, dir);
    expect(text.value).toBe('hello there');
    expect(text.note).toBe('--data is not a JSON object, so it replaces functions.hello.parameters instead of being merged with them.');
    expect(eventData(withParameters, { data: '[1,2]' }, dir).value).toEqual([1, 2]);
    expect(eventData(without, { data: '42' }, dir)).toEqual({ value: 42, source: '--data' });
  });

  it('reads --path relative to the service directory, JSON or YAML by extension', () => {
    expect(eventData(withParameters, { path: 'event.json' }, dir).value).toEqual({
      name: 'file',
      keep: true,
      list: [1],
    });
    expect(eventData(without, { path: 'event.yml' }, dir).value).toEqual({ name: 'yaml', nested: { a: 1 } });
    expect(eventData(without, { path: path.join(dir, 'list.json') }, dir).value).toEqual([1, 2]);
  });

  it('names the file and the problem when --path cannot be used', () => {
    expect(() => eventData(without, { path: 'missing.json' }, dir)).toThrow(
      expect.objectContaining({
        code: 'SPOTINST_DATA_FILE_NOT_FOUND',
        message: `--path missing.json: ${path.join(dir, 'missing.json')} does not exist. Give a JSON file, relative to the service directory (${dir}).`,
      }),
    );
    expect(() => eventData(without, { path: 'sub' }, dir)).toThrow(/sub is a directory/);
    expect(() => eventData(without, { path: 'bad.json' }, dir)).toThrow(
      expect.objectContaining({
        code: 'SPOTINST_DATA_FILE_INVALID',
        message: expect.stringMatching(/bad\.json is not valid JSON \(.+\)\. Fix the file/),
      }),
    );
    expect(() => eventData(without, { path: 'bad.yaml' }, dir)).toThrow(/bad\.yaml is not valid YAML/);
  });

  it('refuses --data with --path, and flags without a value', () => {
    expect(() => eventData(without, { data: '{}', path: 'event.json' }, dir)).toThrow(
      expect.objectContaining({ code: 'SPOTINST_DATA_CONFLICT' }),
    );
    expect(() => eventData(without, { data: true }, dir)).toThrow(/--data needs a value/);
    expect(() => eventData(without, { path: ['a.json', 'b.json'] }, dir)).toThrow(/--path was given 2 times/);
  });
});

describe('the body invoke posts and the event invoke local builds', () => {
  const values: unknown[] = [
    undefined,
    '',
    'text',
    '42',
    '"quoted"',
    'null',
    0,
    42,
    true,
    null,
    [1, 'a'],
    { a: { b: [1] } },
    { text: 'ü€' },
  ];

  it.each(values.map((value) => [JSON.stringify(value) ?? 'undefined', value]))(
    'the platform parses the posted body of %s back to the value itself',
    (_name, value) => {
      const payload = requestPayload(value);
      expect(parseBody(payload.body)).toEqual(value === undefined ? '' : value);
    },
  );

  it('sends strings that are not JSON as text, everything else as JSON', () => {
    expect(requestPayload('hello')).toEqual({ body: 'hello', contentType: 'text/plain; charset=utf-8' });
    expect(requestPayload('42')).toEqual({ body: '"42"', contentType: 'application/json' });
    expect(requestPayload({ a: 1 })).toEqual({ body: '{"a":1}', contentType: 'application/json' });
    expect(requestPayload(undefined)).toEqual({ body: '' });
  });

  it('is a POST to the function root with the headers of the request', () => {
    expect(localEvent(requestPayload({ a: 'é' }))).toEqual({
      query: {},
      body: { a: 'é' },
      headers: {
        'content-type': 'application/json',
        'content-length': '10',
        'user-agent': expect.stringMatching(/^serverless-spotinst-functions\/\S+$/),
      },
      method: 'POST',
      path: '/',
    });
    expect(localEvent(requestPayload(undefined)).headers['content-type']).toBeUndefined();
  });

  it('parses --data as JSON when it parses, else keeps the text', () => {
    expect(parseDataOption('{"a":1}')).toEqual({ a: 1 });
    expect(parseDataOption('{a:1}')).toBe('{a:1}');
    expect(parseDataOption('')).toBe('');
  });
});

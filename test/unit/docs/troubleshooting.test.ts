/**
 * docs/troubleshooting.md lists every error code the plugin can raise, with its cause and
 * fix, from the one table in src/framework/errors.ts: the page's tables must be exactly
 * what the table renders to. `npm run docs:errors` rewrites them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, type ErrorCode, type ErrorTopic } from '../../../src/framework/errors';

const PAGE = path.resolve(__dirname, '..', '..', '..', 'docs', 'troubleshooting.md');
const START = '<!-- error codes: generated from src/framework/errors.ts by `npm run docs:errors`; edit the table there -->';
const END = '<!-- end of error codes -->';

const HEADINGS: Record<ErrorTopic, string> = {
  configuration: 'Configuration and options (before any API call)',
  credentials: 'Credentials',
  api: 'The API',
  deploy: 'Deploy, info, remove',
  commands: 'invoke, invoke local, logs',
};

/** One table per topic; codes in a row when they share cause and fix. */
function render(): string {
  const sections: string[] = [];
  for (const [topic, heading] of Object.entries(HEADINGS) as [ErrorTopic, string][]) {
    const rows: { codes: ErrorCode[]; cause: string; fix: string }[] = [];
    for (const [code, entry] of Object.entries(ERROR_CODES) as [ErrorCode, (typeof ERROR_CODES)[ErrorCode]][]) {
      if (entry.topic !== topic) continue;
      const same = rows.find((row) => row.cause === entry.cause && row.fix === entry.fix);
      if (same) same.codes.push(code);
      else rows.push({ codes: [code], cause: entry.cause, fix: entry.fix });
    }
    const cell = (text: string): string => text.replace(/\|/g, '\\|');
    sections.push(
      [
        `## ${heading}`,
        '',
        '| code | what happened | fix |',
        '|---|---|---|',
        ...rows.map((row) => `| ${row.codes.map((code) => `\`${code}\``).join(', ')} | ${cell(row.cause)} | ${cell(row.fix)} |`),
      ].join('\n'),
    );
  }
  return [START, ...sections, END].join('\n\n');
}

describe('docs/troubleshooting.md', () => {
  const page = fs.readFileSync(PAGE, 'utf8');
  const start = page.indexOf(START);
  const end = page.indexOf(END);

  if (process.env.UPDATE_DOCS === '1') {
    it('is rewritten from the table', () => {
      expect(start).toBeGreaterThanOrEqual(0);
      fs.writeFileSync(PAGE, `${page.slice(0, start)}${render()}${page.slice(end + END.length)}`);
    });
    return;
  }

  it('holds the tables the error table renders to', () => {
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    expect(page.slice(start, end + END.length)).toBe(render());
  });

  it('names no code outside them that the table does not have', () => {
    const outside = page.slice(0, start) + page.slice(end + END.length);
    const named = [...outside.matchAll(/`(SPOTINST_[A-Z0-9_]+)`/g)].map((match) => match[1]);
    expect(named.filter((code) => !(code in ERROR_CODES))).toEqual([]);
  });
});

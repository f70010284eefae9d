/**
 * Cron expressions as the platform reads them: 5 fields (minute hour day-of-month month
 * day-of-week), or 6 with seconds first. One check for the plugin's validator and for
 * spotinst-local, so that what one accepts the other runs.
 *
 * Every refusal names the field in error in words and says what that field accepts:
 * cron-parser's own messages ("Constraint error, got value -59 expected range 0-59") name
 * nothing a user can act on, so they are never passed on alone.
 */
import type CronParser from 'cron-parser';
import type { Refusal } from './refusal';

export type CronFieldName = 'second' | 'minute' | 'hour' | 'day of month' | 'month' | 'day of week';

export interface CronField {
  name: CronFieldName;
  /** the values, e.g. `0-59` */
  range: string;
  /** what the field accepts, in words */
  accepted: string;
}

const FORMS = 'a single value, *, a list (1,15), a range (1-5) or a step (*/5, 0-30/10)';
const FIELDS: Record<CronFieldName, CronField> = {
  second: { name: 'second', range: '0-59', accepted: `0-59 as ${FORMS}` },
  minute: { name: 'minute', range: '0-59', accepted: `0-59 as ${FORMS}` },
  hour: { name: 'hour', range: '0-23', accepted: `0-23 as ${FORMS}` },
  'day of month': { name: 'day of month', range: '1-31', accepted: `1-31 (or L for the last day, ? for any) as ${FORMS}` },
  month: { name: 'month', range: '1-12 or JAN-DEC', accepted: `1-12 or JAN-DEC as ${FORMS}` },
  'day of week': {
    name: 'day of week',
    range: '0-7 or SUN-SAT',
    accepted: `0-7 (0 and 7 are Sunday) or SUN-SAT (or ? for any) as ${FORMS}`,
  },
};
const FIVE: readonly CronFieldName[] = ['minute', 'hour', 'day of month', 'month', 'day of week'];
const SIX: readonly CronFieldName[] = ['second', ...FIVE];

export const CRON_SHAPE = 'a cron expression has 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first';
/** A valid expression to show in fixes. */
export const CRON_EXAMPLE = '*/5 * * * *';

/** Macros other schedulers accept, and the expression each stands for. */
const CRON_MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export type CronRefusalKind = 'aws-syntax' | 'macro' | 'year-field' | 'field-count' | 'field' | 'never';

export type CronRefusal = Refusal<CronRefusalKind> & {
  /** an expression that means what was probably meant */
  nearest?: string;
  /** the field in error and what it accepts */
  field?: CronField;
};

export type CronCheck =
  | {
      ok: true;
      /** the expression to schedule: as written (trimmed), or normalised when `note` says so */
      expression: string;
      /** what was normalised, when anything was: "the minute field "/1" was read as "*\/1"" */
      note?: string;
    }
  | { ok: false; reason: CronRefusal };

/** The values of each field in the plain numeric forms checked without cron-parser. */
const BOUNDS: Record<CronFieldName, readonly [number, number]> = {
  second: [0, 59],
  minute: [0, 59],
  hour: [0, 23],
  'day of month': [1, 31],
  month: [1, 12],
  'day of week': [0, 7],
};

/** `*`, `*\/n`, `n`, `a-b` or `a-b/n`, each value within the field's bounds; lists of those. */
function plainField(field: string, [low, high]: readonly [number, number]): number[] | undefined {
  const values: number[] = [];
  for (const item of field.split(',')) {
    const match = /^(?:\*|(\d{1,2})(?:-(\d{1,2}))?)(?:\/(\d{1,2}))?$/.exec(item);
    if (!match) return undefined;
    const [, from, to, step] = match;
    if (step !== undefined && (Number(step) < 1 || Number(step) > high || (from !== undefined && to === undefined))) return undefined;
    if (from === undefined) continue;
    const first = Number(from);
    const last = to === undefined ? first : Number(to);
    if (first < low || last > high || first > last) return undefined;
    values.push(first, last);
  }
  return values;
}

/**
 * Whether an expression is made only of plain numeric fields that cron-parser reads the same
 * way and that fire: most real services' expressions (`*\/5 * * * *`, `0 3 * * 1-5`). They are
 * accepted without loading cron-parser and its date library, which every deploy would
 * otherwise pay for. A day of month past 29 in chosen months may never occur: cron-parser decides.
 */
function plainExpression(fields: string[], names: readonly CronFieldName[]): boolean {
  const values = new Map<CronFieldName, number[]>();
  for (const [index, name] of names.entries()) {
    const parsed = plainField(fields[index], BOUNDS[name]);
    if (!parsed) return false;
    values.set(name, parsed);
  }
  const days = values.get('day of month') ?? [];
  return fields[names.indexOf('month')] === '*' || days.every((day) => day <= 29);
}

/** Whether cron-parser can read `expression` and it fires at least once; its message otherwise. */
function parserError(expression: string): string | undefined {
  // loaded only for an expression the plain check cannot vouch for
  const { parseExpression } = require('cron-parser') as typeof CronParser;
  try {
    parseExpression(expression, { utc: true }).next();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** cron-parser's message about one field, said in words. */
function fieldTrouble(field: string, message: string): string {
  const value = /got value (-?\w+) expected range (\S+)/.exec(message);
  if (value?.[1].startsWith('-')) return 'is not a value, a range or a step';
  if (value) return value[1] === field ? `is outside ${value[2]}` : `has ${value[1]}, outside ${value[2]}`;
  const range = /got range (\S+) expected range (\S+)/.exec(message);
  if (range) return `has the range ${range[1]}, outside ${range[2]}`;
  if (/Invalid range/.test(message)) return 'has a range that does not go from low to high';
  if (/repeat at every 0/.test(message)) return 'has a step of 0 (a step must be 1 or more)';
  if (/Invalid characters/.test(message)) return 'has characters this field cannot have';
  if (/list value format/.test(message)) return 'has an empty item in its list';
  return `is not valid (${message})`;
}

/**
 * A field starting with `/` (`/1`) is how real services wrote "every n", and the platform
 * they deployed to ran it: it reads as `*\/1`.
 */
function normalise(fields: string[], names: readonly CronFieldName[]): { fields: string[]; notes: string[] } {
  const notes: string[] = [];
  const normalised = fields.map((field, index) => {
    if (!field.startsWith('/')) return field;
    notes.push(`the ${names[index]} field "${field}" was read as "*${field}"`);
    return `*${field}`;
  });
  return { fields: normalised, notes };
}

/** Checks one expression; `ok` carries the expression to schedule. */
export function checkCronExpression(expression: string): CronCheck {
  const text = expression.trim();
  const refuse = (reason: CronRefusal): CronCheck => ({ ok: false, reason });

  const aws = /^(cron|rate)\((.*)\)$/i.exec(text);
  if (aws) {
    const converted = aws[1].toLowerCase() === 'rate' ? convertRate(aws[2]) : convertAwsCron(aws[2]);
    return refuse({ kind: 'aws-syntax', problem: `is AWS EventBridge schedule syntax; ${CRON_SHAPE}`, nearest: converted });
  }
  if (text.startsWith('@')) {
    return refuse({
      kind: 'macro',
      problem: `is a cron macro, not an expression; ${CRON_SHAPE}`,
      nearest: CRON_MACROS[text.toLowerCase()],
    });
  }
  const written = text.split(/\s+/).filter((field) => field !== '');
  if (written.length === 7) {
    const withoutYear = written
      .slice(0, 6)
      .map((field) => (field === '?' ? '*' : field))
      .join(' ');
    return refuse({
      kind: 'year-field',
      problem: `has 7 fields (a year field, Quartz style), which is not supported; ${CRON_SHAPE}`,
      nearest: withoutYear,
    });
  }
  if (written.length !== 5 && written.length !== 6) {
    return refuse({ kind: 'field-count', problem: `has ${written.length} field${written.length === 1 ? '' : 's'}; ${CRON_SHAPE}` });
  }

  const names = written.length === 6 ? SIX : FIVE;
  const { fields, notes } = normalise(written, names);
  const normalised = fields.join(' ');
  const whole = plainExpression(fields, names) ? undefined : parserError(normalised);
  if (whole === undefined)
    return notes.length > 0 ? { ok: true, expression: normalised, note: notes.join('; ') } : { ok: true, expression: text };

  // Each field alone among stars: the first one cron-parser refuses is the one in error.
  for (let index = 0; index < fields.length; index += 1) {
    const alone = SIX.map((name) => (name === names[index] ? fields[index] : '*')).join(' ');
    const trouble = parserError(alone);
    if (trouble !== undefined) {
      const field = FIELDS[names[index]];
      return refuse({
        kind: 'field',
        problem: `is not a valid cron expression: its ${field.name} field "${fields[index]}" ${fieldTrouble(fields[index], trouble)}; the ${field.name} field accepts ${field.accepted}`,
        field,
      });
    }
  }
  // Every field is fine on its own: together they name no date (31 February).
  return refuse({
    kind: 'never',
    problem: `never fires: its day of month "${fields[names.indexOf('day of month')]}" does not occur in its month "${fields[names.indexOf('month')]}"`,
    field: FIELDS['day of month'],
  });
}

/** `rate(5 minutes)` → `*\/5 * * * *`, when the rate has a cron equivalent. */
function convertRate(body: string): string | undefined {
  const match = /^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$/i.exec(body);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2].toLowerCase();
  if (amount <= 0) return undefined;
  if (unit.startsWith('minute')) return amount === 1 ? '* * * * *' : amount < 60 ? `*/${amount} * * * *` : undefined;
  if (unit.startsWith('hour')) return amount === 1 ? '0 * * * *' : amount < 24 ? `0 */${amount} * * *` : undefined;
  return amount === 1 ? '0 0 * * *' : amount <= 31 ? `0 0 */${amount} * *` : undefined;
}

/** AWS `cron(0 12 * * ? 2030)` (6 fields, the last a year) → `0 12 * * *`. */
function convertAwsCron(body: string): string | undefined {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) return undefined;
  const candidate = fields
    .slice(0, 5)
    .map((field) => (field === '?' ? '*' : field))
    .join(' ');
  return parserError(candidate) === undefined ? candidate : undefined;
}

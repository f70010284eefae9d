/** functions.*.cron: {active, value}, the value checked (and normalised) by the spec's cron rule. */
import { CRON_EXAMPLE as EXPRESSION_EXAMPLE, checkCronExpression, type CronRefusal } from '../../spec/cron';
import { booleanFix, isMap, isOneOf, joinPath, unknownKeyFix } from './text';
import type { Problems } from './problems';
import type { CronTrigger } from '../../framework/service-model';

const CRON_KEYS = ['active', 'value'] as const;
const CRON_EXAMPLE = `'${EXPRESSION_EXAMPLE}' (every 5 minutes)`;
const EXAMPLE_FIX = `e.g. value: ${CRON_EXAMPLE}`;
const CRON_KEY_ALIASES: Record<string, string> = {
  enabled: 'active',
  isEnabled: 'active',
  expression: 'value',
  cronExpression: 'value',
  schedule: 'value',
  rate: 'value',
};

export function cronFix(reason: CronRefusal): string {
  switch (reason.kind) {
    case 'aws-syntax':
    case 'macro':
      return reason.nearest ? `use '${reason.nearest}'` : `write a standard cron expression, ${EXAMPLE_FIX}`;
    case 'year-field':
      return `drop the year field: '${reason.nearest ?? ''}', or write 5 fields, ${EXAMPLE_FIX}`;
    case 'field-count':
      return `write all 5 fields, ${EXAMPLE_FIX}`;
    case 'never':
      return 'use a day of month that every listed month has (1-28 fit all), or L for the last day of the month';
    case 'field':
      return reason.field
        ? `correct the ${reason.field.name} field (${reason.field.range}), ${EXAMPLE_FIX}`
        : `correct the expression, ${EXAMPLE_FIX}`;
  }
}

export function validateCron(raw: unknown, path: string, problems: Problems): CronTrigger | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isMap(raw)) {
    const checked = typeof raw === 'string' ? checkCronExpression(raw) : undefined;
    problems.error(
      path,
      raw,
      'cron must be a map {active, value}',
      typeof raw === 'string' && checked?.ok
        ? `write cron: {active: true, value: '${raw.trim()}'}`
        : `write cron: {active: true, value: '${EXPRESSION_EXAMPLE}'}`,
    );
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!isOneOf(CRON_KEYS, key)) {
      problems.error(
        joinPath(path, key),
        raw[key],
        `"${key}" is not a key of cron (known: active, value)`,
        unknownKeyFix(key, CRON_KEYS, CRON_KEY_ALIASES),
      );
    }
  }

  let active = true;
  if (raw.active !== undefined && raw.active !== null) {
    if (typeof raw.active === 'boolean') active = raw.active;
    else problems.error(`${path}.active`, raw.active, 'cron.active must be true or false', booleanFix('active', raw.active, true));
  }

  const value = raw.value;
  const valuePath = `${path}.value`;
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    problems.error(valuePath, value, 'cron.value is required: the cron expression', `add value: ${CRON_EXAMPLE}`);
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.error(valuePath, value, 'cron.value must be a cron expression string', `quote it, e.g. value: ${CRON_EXAMPLE}`);
    return undefined;
  }
  const checked = checkCronExpression(value);
  if (!checked.ok) {
    problems.error(valuePath, value, `"${value.trim()}" ${checked.reason.problem}`, cronFix(checked.reason));
    return undefined;
  }
  if (checked.note !== undefined) problems.notice(valuePath, `"${value.trim()}" is scheduled as "${checked.expression}": ${checked.note}`);
  return { active, expression: checked.expression };
}

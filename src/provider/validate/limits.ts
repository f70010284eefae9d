/** functions.*.memory, timeout and access. */
import {
  ACCESS_LEVELS,
  DEFAULT_ACCESS,
  checkStepRange,
  isAccess,
  nearestInStepRange,
  stepRangeRequirement,
  type StepRange,
} from '../../spec/limits';
import type { Access } from '../../spec/wire';
import { closest } from './text';
import type { Problems } from './problems';

/** The value, or `fallback` when it is absent or refused (the model is built either way). */
export function validateStepRange(
  raw: unknown,
  path: string,
  key: 'memory' | 'timeout',
  rule: StepRange,
  fallback: number,
  problems: Problems,
): number {
  if (raw === undefined || raw === null) return fallback;
  let value: number | undefined;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && /^\s*[+-]?\d+(?:\.\d+)?\s*$/.test(raw)) value = Number(raw);

  if (value === undefined || !Number.isFinite(value)) {
    const leading = typeof raw === 'string' ? Number.parseFloat(raw) : Number.NaN;
    const suggestion = Number.isFinite(leading) ? nearestInStepRange(leading, rule) : fallback;
    problems.error(path, raw, `${key} must be ${stepRangeRequirement(rule)}, written without a unit`, `use ${suggestion}`);
    return fallback;
  }
  const refusal = checkStepRange(value, rule);
  if (refusal) {
    problems.error(path, raw, `${key} ${refusal.problem}`, `use ${refusal.nearest}`);
    return fallback;
  }
  return value;
}

export function validateAccess(raw: unknown, path: string, problems: Problems): Access {
  if (raw === undefined || raw === null) return DEFAULT_ACCESS;
  if (isAccess(raw)) return raw;
  const lower = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  const suggestion = isAccess(lower) ? lower : typeof raw === 'string' ? closest(raw, ACCESS_LEVELS) : undefined;
  problems.error(
    path,
    raw,
    'access must be private (calls need the token) or public (anyone with the URL)',
    suggestion ? `use ${suggestion}` : 'use private or public',
  );
  return DEFAULT_ACCESS;
}

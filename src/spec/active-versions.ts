/**
 * activeVersions: how a function's traffic is split between its versions. Percentages are
 * counted in integer hundredths, so that 33.33 + 33.33 + 33.34 is exactly 100.
 */
import type { ActiveVersion, VersionRef } from './wire';
import type { Refusal } from './refusal';

export const LATEST = '$LATEST';
const FULL_HUNDREDTHS = 10000;

export type VersionRefRefusal = Refusal<'missing' | 'not-a-version'> & { nearest?: VersionRef };

/** `$LATEST`, or a version number (a whole number from 0; digits in a string are read as one). */
export function readVersionRef(value: unknown): { ok: true; version: VersionRef } | { ok: false; reason: VersionRefRefusal } {
  if (value === LATEST) return { ok: true, version: LATEST };
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return { ok: true, version: value };
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return { ok: true, version: Number(value) };
  if (value === undefined || value === null)
    return { ok: false, reason: { kind: 'missing', problem: 'is required in every activeVersions item' } };
  let nearest: VersionRef | undefined;
  if (typeof value === 'string' && /^\$?latest$/i.test(value.trim())) nearest = LATEST;
  else if (typeof value === 'number' && Number.isFinite(value)) nearest = Math.abs(Math.trunc(value));
  return {
    ok: false,
    reason: {
      kind: 'not-a-version',
      problem: 'must be $LATEST or a non-negative whole version number',
      ...(nearest !== undefined ? { nearest } : {}),
    },
  };
}

export type PercentageRefusal = Refusal<'missing' | 'not-a-number' | 'range' | 'decimals'> & { nearest?: number };

/** A share of the traffic: more than 0, at most 100, at most two decimals; in hundredths. */
export function readPercentage(value: unknown): { ok: true; hundredths: number } | { ok: false; reason: PercentageRefusal } {
  if (value === undefined || value === null)
    return { ok: false, reason: { kind: 'missing', problem: 'is required in every activeVersions item' } };
  let number: number | undefined;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'string' && /^\s*[+-]?\d+(?:\.\d+)?\s*$/.test(value)) number = Number(value);
  if (number === undefined || !Number.isFinite(number)) {
    return { ok: false, reason: { kind: 'not-a-number', problem: 'must be a number greater than 0 and at most 100' } };
  }
  if (number <= 0 || number > 100) {
    return {
      ok: false,
      reason: { kind: 'range', problem: 'must be greater than 0 and at most 100', ...(number > 100 ? { nearest: 100 } : {}) },
    };
  }
  const hundredths = Math.round(number * 100);
  if (Math.abs(number * 100 - hundredths) > 1e-6) {
    return { ok: false, reason: { kind: 'decimals', problem: 'may have at most two decimals', nearest: hundredths / 100 } };
  }
  return { ok: true, hundredths };
}

/** 1050 → "10.5", -250 → "-2.5": a number of hundredths as a percentage is written. */
export function formatHundredths(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  const whole = Math.floor(abs / 100);
  const fraction = abs % 100;
  if (fraction === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}`;
}

/** One thing wrong with an activeVersions list: of the list (no index), or of one item's key. */
export interface ActiveVersionsProblem {
  /** the item in error; absent when the list as a whole is */
  index?: number;
  key?: 'version' | 'percentage';
  reason:
    | VersionRefRefusal
    | PercentageRefusal
    | (Refusal<'empty' | 'not-an-item'> & { nearest?: undefined })
    | (Refusal<'duplicate'> & { firstIndex: number; nearest?: undefined })
    /** `difference`: hundredths to add (negative: to take off) to reach 100 */
    | (Refusal<'sum'> & { difference: number; nearest?: undefined });
}

export interface ActiveVersionsCheck {
  /** the split, when every item is valid (it may still not add up: see problems) */
  activeVersions?: ActiveVersion[];
  problems: ActiveVersionsProblem[];
}

/**
 * Every rule of a list of `{version, percentage}` items: at least one item, each version
 * listed once, each percentage valid, and the percentages adding up to exactly 100. The
 * version numbers are not checked against the versions a function has (the API knows them).
 */
export function checkActiveVersions(items: readonly unknown[]): ActiveVersionsCheck {
  if (items.length === 0) return { problems: [{ reason: { kind: 'empty', problem: 'must list at least one version' } }] };
  const problems: ActiveVersionsProblem[] = [];
  const result: ActiveVersion[] = [];
  const seen = new Map<string, number>();
  let allPercentagesValid = true;
  let totalHundredths = 0;

  items.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      allPercentagesValid = false;
      problems.push({ index, reason: { kind: 'not-an-item', problem: 'must be a map {version, percentage}' } });
      return;
    }
    const fields = item as { version?: unknown; percentage?: unknown };
    const version = readVersionRef(fields.version);
    if (!version.ok) problems.push({ index, key: 'version', reason: version.reason });
    else {
      const id = String(version.version);
      const firstIndex = seen.get(id);
      if (firstIndex === undefined) seen.set(id, index);
      else {
        problems.push({
          index,
          key: 'version',
          reason: { kind: 'duplicate', problem: `${id} is listed twice (also at activeVersions[${firstIndex}])`, firstIndex },
        });
      }
    }
    const percentage = readPercentage(fields.percentage);
    if (!percentage.ok) {
      allPercentagesValid = false;
      problems.push({ index, key: 'percentage', reason: percentage.reason });
    } else totalHundredths += percentage.hundredths;
    if (version.ok && percentage.ok) result.push({ version: version.version, percentage: percentage.hundredths / 100 });
  });

  if (allPercentagesValid && totalHundredths !== FULL_HUNDREDTHS) {
    problems.push({
      reason: {
        kind: 'sum',
        problem: `must add up to exactly 100; they add up to ${formatHundredths(totalHundredths)}`,
        difference: FULL_HUNDREDTHS - totalHundredths,
      },
    });
  }
  return result.length === items.length ? { activeVersions: result, problems } : { problems };
}

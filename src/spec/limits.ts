/**
 * A function's limits and access: the steps and ranges the platform accepts, and the values
 * a function gets when serverless.yml (or the API request) does not say.
 */
import type { Refusal } from './refusal';

/** A whole number, a multiple of `step` in `min..max`. */
export interface StepRange {
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly unit: string;
}

/** `limits.memory` in MB. */
export const MEMORY_RULE: StepRange = { min: 128, max: 2496, step: 64, unit: 'MB' };
/** `limits.timeout` in seconds. */
export const TIMEOUT_RULE: StepRange = { min: 30, max: 300, step: 30, unit: 'seconds' };

export const DEFAULT_MEMORY_MB = 128;
export const DEFAULT_TIMEOUT_S = 30;

/** Who may call a function's URL: private (calls need the token) or public (anyone with the URL). */
export const ACCESS_LEVELS = ['private', 'public'] as const;
export const DEFAULT_ACCESS = 'private' satisfies (typeof ACCESS_LEVELS)[number];

export function inStepRange(value: number, rule: StepRange): boolean {
  return Number.isInteger(value) && value >= rule.min && value <= rule.max && value % rule.step === 0;
}

/** The accepted value closest to `value` (rounded to the step, clamped to the range). */
export function nearestInStepRange(value: number, rule: StepRange): number {
  const rounded = Math.round(value / rule.step) * rule.step;
  return Math.min(rule.max, Math.max(rule.min, rounded));
}

/** "a whole number of MB, a multiple of 64 between 128 and 2496" */
export function stepRangeRequirement(rule: StepRange): string {
  return `a whole number of ${rule.unit}, a multiple of ${rule.step} between ${rule.min} and ${rule.max}`;
}

export type StepRangeRefusal = Refusal<'step-range'> & { nearest: number };

/** Undefined when the platform accepts `value`; else why not and the nearest accepted value. */
export function checkStepRange(value: number, rule: StepRange): StepRangeRefusal | undefined {
  if (inStepRange(value, rule)) return undefined;
  return {
    kind: 'step-range',
    problem: `must be ${stepRangeRequirement(rule)}`,
    nearest: Number.isFinite(value) ? nearestInStepRange(value, rule) : rule.min,
  };
}

export function isAccess(value: unknown): value is (typeof ACCESS_LEVELS)[number] {
  return (ACCESS_LEVELS as readonly unknown[]).includes(value);
}

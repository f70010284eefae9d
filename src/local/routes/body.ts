import { badRequest } from '../envelope';

/**
 * Readers for request bodies: each returns the typed value or throws the 400 the real API
 * would give, naming the field (`function.limits.memory`) so the caller knows what to fix.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `{"function": {...}}` wrapper every write body has. */
export function unwrap(body: unknown, key: string): JsonObject {
  if (!isObject(body)) throw badRequest(`the request body must be a JSON object {"${key}": {...}}`, key);
  const inner = body[key];
  if (!isObject(inner)) throw badRequest(`the request body must carry the ${key} in {"${key}": {...}}`, key);
  return inner;
}

export function optionalString(obj: JsonObject, key: string, field: string, maxLength = 1024): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${field} must be a string`, field);
  if (value.length > maxLength) throw badRequest(`${field} must be at most ${maxLength} characters`, field);
  return value;
}

export function requiredString(obj: JsonObject, key: string, field: string, maxLength = 1024): string {
  const value = optionalString(obj, key, field, maxLength);
  if (value === undefined || value.trim() === '') throw badRequest(`${field} is required`, field);
  return value;
}

export function optionalBoolean(obj: JsonObject, key: string, field: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`${field} must be true or false`, field);
  return value;
}

export function optionalStringArray(obj: JsonObject, key: string, field: string): string[] | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw badRequest(`${field} must be a list of strings`, field);
  }
  return value as string[];
}

export function optionalObject(obj: JsonObject, key: string, field: string): JsonObject | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw badRequest(`${field} must be an object`, field);
  return value;
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw badRequest(`${field} must be one of ${allowed.join(', ')} (got "${value}")`, field);
  }
  return value as T;
}

/**
 * Names are free text on the platform, but not empty (nor only spaces) and without control
 * characters; the caller's string reader limits the length.
 */
export function checkName(value: string, field: string): string {
  if (value.trim() === '') throw badRequest(`${field} must not be empty`, field);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(value)) throw badRequest(`${field} must not contain control characters`, field);
  return value;
}

import { randomBytes } from 'node:crypto';

/** Prefixes of the resource ids the real API hands out (SPEC §1). */
export type IdPrefix = 'app' | 'env' | 'fx' | 'job' | 'pat' | 'al' | 'act';

/** `fx-1a2b3c4d`: the prefix and 8 hex digits, like the real platform's ids (whoever stores one checks it is free). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

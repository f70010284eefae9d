import { randomBytes } from 'node:crypto';
import { ID_PREFIXES, type IdKind } from '../spec/ids';

/** `fx-1a2b3c4d`: the kind's prefix and 8 hex digits, like the real platform's ids (whoever stores one checks it is free). */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}${randomBytes(4).toString('hex')}`;
}

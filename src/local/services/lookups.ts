/** Rules several services share: what a missing record means, and fresh ids. */
import { badRequest, notFound } from '../envelope';
import type { IdKind } from '../../spec/ids';
import { newId } from '../ids';
import type { StoredEnvironment, StoredFunction } from '../records';
import type { StoreReader } from '../store';

/** A resource named in the URL: a 404 when there is none. */
export function existing<T>(record: T | undefined, kind: string, id: string): T {
  if (record === undefined) throw notFound(kind, id);
  return record;
}

/** The environment a body refers to (`field`): a 400 ENVIRONMENT_NOT_FOUND when there is none. */
export async function referencedEnvironment(reader: StoreReader, id: string, field: string): Promise<StoredEnvironment> {
  const found = await reader.environment(id);
  if (!found) throw badRequest(`${field}: environment ${id} does not exist`, field, 'ENVIRONMENT_NOT_FOUND');
  return found;
}

/** The function a body refers to (`field`): it must exist and belong to the environment. */
export async function referencedFunction(
  reader: StoreReader,
  functionId: string,
  environmentId: string,
  field: string,
): Promise<StoredFunction> {
  const found = await reader.function(functionId);
  if (!found) throw badRequest(`${field}: function ${functionId} does not exist`, field, 'FUNCTION_NOT_FOUND');
  if (found.environmentId !== environmentId) {
    throw badRequest(`${field}: function ${functionId} is in environment ${found.environmentId}, not ${environmentId}`, field);
  }
  return found;
}

/** An id of this kind that no record has (ids are random: a clash is rare, not impossible). */
export async function freshId(kind: IdKind, lookup: (id: string) => Promise<unknown>): Promise<string> {
  for (;;) {
    const id = newId(kind);
    if ((await lookup(id)) === undefined) return id;
  }
}

export function now(): string {
  return new Date().toISOString();
}

import type { PatternMethod } from '../../spec/wire';
import { badRequest, conflict } from '../envelope';
import type { Pattern, StoredFunction } from '../records';
import type { PlatformStore, StoreReader } from '../store';
import { existing, freshId, now, referencedEnvironment, referencedFunction } from './lookups';

export interface NewPattern {
  environmentId: string;
  functionId: string;
  /** a path starting with "/", with `{param}` segments and a trailing `*` or `{param+}` */
  pattern: string;
  method: PatternMethod;
}

export type PatternChanges = Partial<NewPattern>;

async function assertFree(reader: StoreReader, candidate: NewPattern, exceptId?: string): Promise<void> {
  const taken = await reader.patternRouting(candidate.environmentId, candidate.method, candidate.pattern);
  if (taken && taken.id !== exceptId) {
    throw conflict(
      'PATTERN_EXISTS',
      `environment ${candidate.environmentId} already routes ${candidate.method} ${candidate.pattern} (${taken.id})`,
      'pattern.pattern',
    );
  }
}

/** Scores how specifically a pattern matches: literal segments beat `{param}`, which beats `*`. */
function matchPath(pattern: string, path: string): number | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  let score = 0;
  for (let i = 0; i < want.length; i += 1) {
    const segment = want[i];
    const last = i === want.length - 1;
    if (last && (segment === '*' || /^\{[^}]+\+\}$/.test(segment))) return score + 1;
    if (i >= have.length) return undefined;
    if (/^\{[^}]+\}$/.test(segment)) score += 10;
    else if (segment === have[i]) score += 100;
    else return undefined;
  }
  return want.length === have.length ? score + 1000 : undefined;
}

/**
 * Endpoint patterns: an environment's routes from a method and path to one of its
 * functions, served under the environment's aliases. A route is unique in its environment.
 */
export class PatternService {
  constructor(private readonly store: PlatformStore) {}

  list(environmentId?: string): Promise<Pattern[]> {
    return this.store.patterns(environmentId ? { environmentId } : {});
  }

  async get(id: string): Promise<Pattern> {
    return existing(await this.store.pattern(id), 'pattern', id);
  }

  create(input: NewPattern): Promise<Pattern> {
    return this.store.transaction(async (tx) => {
      await referencedEnvironment(tx, input.environmentId, 'pattern.environmentId');
      await referencedFunction(tx, input.functionId, input.environmentId, 'pattern.functionId');
      await assertFree(tx, input);
      const stamp = now();
      const created: Pattern = {
        id: await freshId('pattern', (id) => tx.pattern(id)),
        environmentId: input.environmentId,
        functionId: input.functionId,
        pattern: input.pattern,
        method: input.method,
        createdAt: stamp,
        updatedAt: stamp,
      };
      await tx.putPattern(created);
      return created;
    });
  }

  update(id: string, changes: PatternChanges): Promise<Pattern> {
    return this.store.transaction(async (tx) => {
      const current = existing(await tx.pattern(id), 'pattern', id);
      if (changes.environmentId !== undefined && changes.environmentId !== current.environmentId) {
        throw badRequest('pattern.environmentId cannot change', 'pattern.environmentId');
      }
      const functionId = changes.functionId ?? current.functionId;
      await referencedFunction(tx, functionId, current.environmentId, 'pattern.functionId');
      const updated: Pattern = {
        ...current,
        functionId,
        pattern: changes.pattern ?? current.pattern,
        method: changes.method ?? current.method,
        updatedAt: now(),
      };
      await assertFree(tx, updated, current.id);
      await tx.putPattern(updated);
      return updated;
    });
  }

  delete(id: string): Promise<void> {
    return this.store.transaction(async (tx) => {
      const current = existing(await tx.pattern(id), 'pattern', id);
      await tx.deletePattern(current.id);
    });
  }

  /** The function that serves a request to an alias of the environment: the most specific match wins. */
  async route(environmentId: string, method: string, path: string): Promise<StoredFunction | undefined> {
    let best: { pattern: Pattern; score: number } | undefined;
    for (const pattern of await this.store.patterns({ environmentId })) {
      if (pattern.method !== 'ALL' && pattern.method !== method) continue;
      const score = matchPath(pattern.pattern, path);
      if (score === undefined) continue;
      const total = score * 2 + (pattern.method === 'ALL' ? 0 : 1);
      if (!best || total > best.score) best = { pattern, score: total };
    }
    return best ? this.store.function(best.pattern.functionId) : undefined;
  }
}

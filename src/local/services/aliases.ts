import { conflict } from '../envelope';
import type { Alias } from '../records';
import type { PlatformStore } from '../store';
import { existing, freshId, now, referencedEnvironment } from './lookups';

export interface NewAlias {
  /** lower case */
  host: string;
  environmentId: string;
}

/**
 * Aliases: a host name that serves an environment's patterns; a host is one alias. They
 * cannot be updated (the API has no PUT for them): delete and create instead.
 */
export class AliasService {
  constructor(private readonly store: PlatformStore) {}

  list(): Promise<Alias[]> {
    return this.store.aliases();
  }

  async get(id: string): Promise<Alias> {
    return existing(await this.store.alias(id), 'alias', id);
  }

  /** The alias of a host name (any case), if there is one. */
  forHost(host: string): Promise<Alias | undefined> {
    return this.store.aliasForHost(host.toLowerCase());
  }

  create(input: NewAlias): Promise<Alias> {
    return this.store.transaction(async (tx) => {
      await referencedEnvironment(tx, input.environmentId, 'alias.environmentId');
      const taken = await tx.aliasForHost(input.host);
      if (taken) {
        throw conflict(
          'ALIAS_HOST_EXISTS',
          `the host ${input.host} is already an alias (${taken.id}, environment ${taken.environmentId})`,
          'alias.host',
        );
      }
      const stamp = now();
      const created: Alias = {
        id: await freshId('alias', (id) => tx.alias(id)),
        host: input.host,
        environmentId: input.environmentId,
        createdAt: stamp,
        updatedAt: stamp,
      };
      await tx.putAlias(created);
      return created;
    });
  }

  delete(id: string): Promise<void> {
    return this.store.transaction(async (tx) => {
      const current = existing(await tx.alias(id), 'alias', id);
      await tx.deleteAlias(current.id);
    });
  }
}

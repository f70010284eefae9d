import type { CloudProvider, Strategy } from '../../spec/wire';
import { badRequest, conflict } from '../envelope';
import type { StoredEnvironment } from '../records';
import type { PlatformStore, StoreReader } from '../store';
import { existing, freshId, now } from './lookups';

/** What an environment gets when the body does not say (the old console's defaults). */
const DEFAULT_PROVIDERS: CloudProvider[] = ['aws'];
const DEFAULT_LOCATIONS = ['us-east'];
const DEFAULT_STRATEGY: Strategy = 'least-expensive';

export interface NewEnvironment {
  name: string;
  applicationId: string;
  providers?: CloudProvider[];
  locations?: string[];
  strategy?: Strategy;
}

export type EnvironmentChanges = Partial<NewEnvironment>;

async function assertNameFree(reader: StoreReader, applicationId: string, name: string, exceptId?: string): Promise<void> {
  const taken = await reader.environmentNamed(applicationId, name);
  if (taken && taken.id !== exceptId) {
    throw conflict(
      'ENVIRONMENT_NAME_EXISTS',
      `application ${applicationId} already has an environment named "${name}" (${taken.id})`,
      'environment.name',
    );
  }
}

/**
 * Environments: names are unique in their application, which they never leave. One that
 * still holds functions, patterns, aliases or cron jobs cannot be deleted; its document
 * store goes with it.
 */
export class EnvironmentService {
  constructor(private readonly store: PlatformStore) {}

  list(applicationId?: string): Promise<StoredEnvironment[]> {
    return this.store.environments(applicationId ? { applicationId } : {});
  }

  async get(id: string): Promise<StoredEnvironment> {
    return existing(await this.store.environment(id), 'environment', id);
  }

  create(input: NewEnvironment): Promise<StoredEnvironment> {
    return this.store.transaction(async (tx) => {
      if (!(await tx.application(input.applicationId))) {
        throw badRequest(
          `environment.applicationId: application ${input.applicationId} does not exist`,
          'environment.applicationId',
          'APPLICATION_NOT_FOUND',
        );
      }
      await assertNameFree(tx, input.applicationId, input.name);
      const stamp = now();
      const environment: StoredEnvironment = {
        id: await freshId('environment', (id) => tx.environment(id)),
        name: input.name,
        applicationId: input.applicationId,
        providers: input.providers ?? DEFAULT_PROVIDERS,
        locations: input.locations ?? DEFAULT_LOCATIONS,
        strategy: input.strategy ?? DEFAULT_STRATEGY,
        createdAt: stamp,
        updatedAt: stamp,
      };
      await tx.putEnvironment(environment);
      return environment;
    });
  }

  update(id: string, changes: EnvironmentChanges): Promise<StoredEnvironment> {
    return this.store.transaction(async (tx) => {
      const current = existing(await tx.environment(id), 'environment', id);
      if (changes.name !== undefined) await assertNameFree(tx, current.applicationId, changes.name, current.id);
      if (changes.applicationId !== undefined && changes.applicationId !== current.applicationId) {
        throw badRequest('environment.applicationId cannot change: an environment stays in its application', 'environment.applicationId');
      }
      const updated: StoredEnvironment = {
        ...current,
        ...(changes.name === undefined ? {} : { name: changes.name }),
        providers: changes.providers ?? current.providers,
        locations: changes.locations ?? current.locations,
        strategy: changes.strategy ?? current.strategy,
        updatedAt: now(),
      };
      await tx.putEnvironment(updated);
      return updated;
    });
  }

  delete(id: string): Promise<void> {
    return this.store.transaction(async (tx) => {
      const current = existing(await tx.environment(id), 'environment', id);
      const scope = { environmentId: current.id };
      const children = [
        ...(await tx.functions(current.id)),
        ...(await tx.patterns(scope)),
        ...(await tx.aliases(scope)),
        ...(await tx.jobs(scope)),
      ].map((child) => child.id);
      if (children.length > 0) {
        throw conflict(
          'ENVIRONMENT_NOT_EMPTY',
          `environment ${current.id} still has functions, patterns, aliases or cron jobs (${children.join(', ')}); delete them first`,
        );
      }
      await tx.deleteDocuments(current.id);
      await tx.deleteEnvironment(current.id);
    });
  }
}

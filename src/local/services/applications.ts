import { conflict } from '../envelope';
import type { Application } from '../records';
import type { PlatformStore, StoreReader } from '../store';
import { existing, freshId, now } from './lookups';

export interface NewApplication {
  name: string;
  description?: string;
}

export type ApplicationChanges = Partial<NewApplication>;

async function assertNameFree(reader: StoreReader, name: string, exceptId?: string): Promise<void> {
  const taken = await reader.applicationNamed(name);
  if (taken && taken.id !== exceptId) {
    throw conflict('APPLICATION_NAME_EXISTS', `an application named "${name}" already exists (${taken.id})`, 'application.name');
  }
}

/** Applications: names are unique; one with environments cannot be deleted. */
export class ApplicationService {
  constructor(private readonly store: PlatformStore) {}

  list(): Promise<Application[]> {
    return this.store.applications();
  }

  async get(id: string): Promise<Application> {
    return existing(await this.store.application(id), 'application', id);
  }

  create(input: NewApplication): Promise<Application> {
    return this.store.transaction(async (tx) => {
      await assertNameFree(tx, input.name);
      const stamp = now();
      const application: Application = {
        id: await freshId('application', (id) => tx.application(id)),
        name: input.name,
        ...(input.description === undefined ? {} : { description: input.description }),
        createdAt: stamp,
        updatedAt: stamp,
      };
      await tx.putApplication(application);
      return application;
    });
  }

  update(id: string, changes: ApplicationChanges): Promise<Application> {
    return this.store.transaction(async (tx) => {
      const current = existing(await tx.application(id), 'application', id);
      if (changes.name !== undefined) await assertNameFree(tx, changes.name, current.id);
      const updated: Application = {
        ...current,
        ...(changes.name === undefined ? {} : { name: changes.name }),
        ...(changes.description === undefined ? {} : { description: changes.description }),
        updatedAt: now(),
      };
      await tx.putApplication(updated);
      return updated;
    });
  }

  delete(id: string): Promise<void> {
    return this.store.transaction(async (tx) => {
      const current = existing(await tx.application(id), 'application', id);
      const children = await tx.environments({ applicationId: current.id });
      if (children.length > 0) {
        throw conflict(
          'APPLICATION_NOT_EMPTY',
          `application ${current.id} still has ${children.length} environment(s) (${children.map((env) => env.id).join(', ')}); delete them first`,
        );
      }
      await tx.deleteApplication(current.id);
    });
  }
}

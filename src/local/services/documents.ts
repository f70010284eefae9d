import { conflict, notFound } from '../envelope';
import type { UserDocument } from '../records';
import type { PlatformStore } from '../store';
import { existing, now } from './lookups';

/** An environment's key/value store, read by functions through context.getDoc(). */
export class DocumentService {
  constructor(private readonly store: PlatformStore) {}

  async list(environmentId: string): Promise<UserDocument[]> {
    existing(await this.store.environment(environmentId), 'environment', environmentId);
    return this.store.documents(environmentId);
  }

  async get(environmentId: string, key: string): Promise<UserDocument> {
    existing(await this.store.environment(environmentId), 'environment', environmentId);
    return this.found(await this.store.document(environmentId, key), environmentId, key);
  }

  /** What `context.getDoc(key)` gives a function: the value, or undefined when there is none. */
  async value(environmentId: string, key: string): Promise<unknown> {
    return (await this.store.document(environmentId, key))?.value;
  }

  create(environmentId: string, key: string, value: unknown): Promise<UserDocument> {
    return this.store.transaction(async (tx) => {
      existing(await tx.environment(environmentId), 'environment', environmentId);
      if (await tx.document(environmentId, key)) {
        throw conflict(
          'DOCUMENT_EXISTS',
          `environment ${environmentId} already has a document "${key}"; update it with PUT`,
          'userDocument.key',
        );
      }
      const stamp = now();
      const created: UserDocument = { key, value, createdAt: stamp, updatedAt: stamp };
      await tx.putDocument(environmentId, created);
      return created;
    });
  }

  update(environmentId: string, key: string, value: unknown): Promise<UserDocument> {
    return this.store.transaction(async (tx) => {
      existing(await tx.environment(environmentId), 'environment', environmentId);
      const current = this.found(await tx.document(environmentId, key), environmentId, key);
      const updated: UserDocument = { ...current, value, updatedAt: now() };
      await tx.putDocument(environmentId, updated);
      return updated;
    });
  }

  delete(environmentId: string, key: string): Promise<void> {
    return this.store.transaction(async (tx) => {
      existing(await tx.environment(environmentId), 'environment', environmentId);
      this.found(await tx.document(environmentId, key), environmentId, key);
      await tx.deleteDocument(environmentId, key);
    });
  }

  private found(document: UserDocument | undefined, environmentId: string, key: string): UserDocument {
    if (!document) throw notFound('userDocument', `"${key}" of environment ${environmentId}`);
    return document;
  }
}

import { HttpTransport } from './http';
import { isNotFound } from './errors';
import type { UserDocument } from '../spec/wire';

/** The environment's key/value document store that `context.getDoc()` reads. */
export class DocumentsApi {
  constructor(private readonly http: HttpTransport) {}

  private path(environmentId: string, key?: string): string {
    const base = `/functions/environment/${encodeURIComponent(environmentId)}/userDocument`;
    return key === undefined ? base : `${base}/${encodeURIComponent(key)}`;
  }

  async list(environmentId: string): Promise<UserDocument[]> {
    return this.http.request<UserDocument>('GET', this.path(environmentId));
  }

  async get(environmentId: string, key: string): Promise<UserDocument | undefined> {
    try {
      const [document] = await this.http.request<UserDocument>('GET', this.path(environmentId, key), {
        resource: `document "${key}" of environment ${environmentId}`,
      });
      return document;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async create(environmentId: string, key: string, value: unknown): Promise<UserDocument | undefined> {
    const [document] = await this.http.request<UserDocument>('POST', this.path(environmentId), {
      body: { userDocument: { key, value } },
    });
    return document;
  }

  async update(environmentId: string, key: string, value: unknown): Promise<UserDocument | undefined> {
    const [document] = await this.http.request<UserDocument>('PUT', this.path(environmentId, key), {
      body: { userDocument: { key, value } },
      resource: `document "${key}" of environment ${environmentId}`,
    });
    return document;
  }

  async delete(environmentId: string, key: string): Promise<boolean> {
    try {
      await this.http.request('DELETE', this.path(environmentId, key), {
        resource: `document "${key}" of environment ${environmentId}`,
      });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}

import { HttpTransport, QueryValue } from './http';
import { isNotFound } from './errors';
import { SpotinstError } from '../framework/errors';

/**
 * The CRUD shape most Spotinst resources share: a collection path, a body wrapper key
 * (`{"application": {...}}`), and items in the envelope.
 */
export class Resource<Item extends { id: string }, Input, Update = Partial<Input>> {
  constructor(
    protected readonly http: HttpTransport,
    protected readonly path: string,
    /** body wrapper key and the word used in messages */
    protected readonly kind: string,
  ) {}

  protected describe(id: string): string {
    return `${this.kind} ${id}`;
  }

  async list(query?: Record<string, QueryValue>): Promise<Item[]> {
    return this.http.request<Item>('GET', this.path, { query });
  }

  async get(id: string, query?: Record<string, QueryValue>): Promise<Item> {
    const [item] = await this.http.request<Item>('GET', `${this.path}/${encodeURIComponent(id)}`, {
      query,
      resource: this.describe(id),
    });
    return this.expectOne(item, 'GET');
  }

  /** Like get, but undefined instead of a 404 error. */
  async find(id: string, query?: Record<string, QueryValue>): Promise<Item | undefined> {
    try {
      return await this.get(id, query);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async create(input: Input): Promise<Item> {
    const [item] = await this.http.request<Item>('POST', this.path, { body: { [this.kind]: input } });
    return this.expectOne(item, 'POST');
  }

  async update(id: string, changes: Update): Promise<Item> {
    const [item] = await this.http.request<Item>('PUT', `${this.path}/${encodeURIComponent(id)}`, {
      body: { [this.kind]: changes },
      resource: this.describe(id),
    });
    return this.expectOne(item, 'PUT');
  }

  /**
   * Deletes; true when this call deleted it, false when it was already gone. A retried
   * DELETE whose first attempt succeeded sees a 404, which is the outcome we wanted.
   */
  async delete(id: string): Promise<boolean> {
    try {
      await this.http.request('DELETE', `${this.path}/${encodeURIComponent(id)}`, { resource: this.describe(id) });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  protected expectOne<T>(item: T | undefined, method: string): T {
    if (item === undefined) {
      throw new SpotinstError(
        `The Spotinst API answered ${method} ${this.path} without the ${this.kind}; is ${this.http.apiUrl} the Spotinst API?`,
        'SPOTINST_API_UNEXPECTED_REPLY',
      );
    }
    return item;
  }
}

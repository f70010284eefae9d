import { HttpTransport } from './http';
import { Resource } from './resource';
import type { Alias, AliasInput } from '../spec/wire';

/** Aliases: a host name routed to an environment's patterns. They cannot be updated. */
export class AliasesApi extends Resource<Alias, AliasInput, never> {
  constructor(http: HttpTransport) {
    super(http, '/functions/alias', 'alias');
  }

  /** The API lists every alias of the account; this keeps one environment's. */
  async listByEnvironment(environmentId: string): Promise<Alias[]> {
    return (await this.list()).filter((alias) => alias.environmentId === environmentId);
  }
}

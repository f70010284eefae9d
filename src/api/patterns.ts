import { HttpTransport } from './http';
import { Resource } from './resource';
import type { Pattern, PatternInput } from '../spec/wire';

/** Endpoint patterns: route `method pattern` under an alias host to a function. */
export class PatternsApi extends Resource<Pattern, PatternInput> {
  constructor(http: HttpTransport) {
    super(http, '/functions/pattern', 'pattern');
  }

  async listByEnvironment(environmentId: string): Promise<Pattern[]> {
    return this.list({ environmentId });
  }
}

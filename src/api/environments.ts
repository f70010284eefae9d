import { HttpTransport } from './http';
import { Resource } from './resource';
import type { Environment, EnvironmentInput } from '../spec/wire';

export class EnvironmentsApi extends Resource<Environment, EnvironmentInput> {
  constructor(http: HttpTransport) {
    super(http, '/functions/environment', 'environment');
  }

  async listByApplication(applicationId: string): Promise<Environment[]> {
    return this.list({ applicationId });
  }
}

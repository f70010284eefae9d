import { HttpTransport } from './http';
import { Resource } from './resource';
import type { Application, ApplicationInput } from '../spec/wire';

export class ApplicationsApi extends Resource<Application, ApplicationInput> {
  constructor(http: HttpTransport) {
    super(http, '/functions/application', 'application');
  }

  async findByName(name: string): Promise<Application | undefined> {
    return (await this.list()).find((application) => application.name === name);
  }
}

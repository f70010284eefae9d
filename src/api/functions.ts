import { HttpTransport } from './http';
import { Resource } from './resource';
import { fromApiRuntime, toApiRuntime } from '../spec/runtimes';
import type { FunctionInput, FunctionUpdateInput, SpotinstFunction } from '../spec/wire';

/** A function as the client's callers see it: `runtime` in the serverless.yml form (`nodejs8.3`). */
export type FunctionRecord = SpotinstFunction;
/** What to create: `runtime` in the serverless.yml form; the client sends the wire form. */
export type FunctionSpec = FunctionInput;
export type FunctionUpdateSpec = FunctionUpdateInput;

function toWire<T extends { runtime?: string }>(spec: T): T {
  return spec.runtime === undefined ? spec : { ...spec, runtime: toApiRuntime(spec.runtime) };
}

function fromWire(record: SpotinstFunction): FunctionRecord {
  return { ...record, runtime: fromApiRuntime(record.runtime) };
}

export class FunctionsApi {
  private readonly resource: Resource<SpotinstFunction, FunctionInput, FunctionUpdateInput>;

  constructor(http: HttpTransport) {
    this.resource = new Resource(http, '/functions/function', 'function');
  }

  async list(environmentId: string): Promise<FunctionRecord[]> {
    return (await this.resource.list({ environmentId })).map(fromWire);
  }

  async get(id: string, environmentId: string): Promise<FunctionRecord> {
    return fromWire(await this.resource.get(id, { environmentId }));
  }

  async find(id: string, environmentId: string): Promise<FunctionRecord | undefined> {
    const record = await this.resource.find(id, { environmentId });
    return record && fromWire(record);
  }

  async findByName(environmentId: string, name: string): Promise<FunctionRecord | undefined> {
    return (await this.list(environmentId)).find((fn) => fn.name === name);
  }

  async create(spec: FunctionSpec): Promise<FunctionRecord> {
    return fromWire(await this.resource.create(toWire(spec)));
  }

  /** A spec with `code` creates version latestVersion + 1; without it only configuration changes. */
  async update(id: string, spec: FunctionUpdateSpec): Promise<FunctionRecord> {
    return fromWire(await this.resource.update(id, toWire(spec)));
  }

  async delete(id: string): Promise<boolean> {
    return this.resource.delete(id);
  }
}

/**
 * `--inspect[=PORT]`: each node function's workers listen for a debugger on 127.0.0.1, the
 * first function on PORT (9229, node's own default) and each next one on the next free port.
 * A function keeps its port for the whole session, across redeploys, so a debugger set to
 * reattach (VS Code's `"restart": true`) finds the new worker where the old one was.
 */
import { runtimeFamily } from '../spec/runtimes';
import type { FunctionModel } from '../framework/service-model';
import { portIsFree } from './platform';

export const INSPECT_HOST = '127.0.0.1';

export interface InspectAddress {
  host: string;
  port: number;
}

export class InspectorPorts {
  private readonly byName = new Map<string, number>();

  constructor(private readonly firstPort: number) {}

  /** Gives each node function without a port the next port that is free now. */
  async assign(models: FunctionModel[]): Promise<void> {
    const taken = new Set(this.byName.values());
    let candidate = Math.max(this.firstPort, ...[...taken].map((port) => port + 1));
    for (const model of models) {
      if ((runtimeFamily(model.runtime) ?? 'nodejs') !== 'nodejs' || this.byName.has(model.name)) continue;
      while (taken.has(candidate) || !(await portIsFree(candidate))) candidate += 1;
      this.byName.set(model.name, candidate);
      taken.add(candidate);
      candidate += 1;
    }
  }

  /** Where the workers of the function named `name` (its remote name) listen. */
  addressOf(name: string): InspectAddress | undefined {
    const port = this.byName.get(name);
    return port === undefined ? undefined : { host: INSPECT_HOST, port };
  }

  /** By function key, for printing. */
  byKey(models: FunctionModel[]): Map<string, InspectAddress> {
    const addresses = new Map<string, InspectAddress>();
    for (const model of models) {
      const address = this.addressOf(model.name);
      if (address) addresses.set(model.key, address);
    }
    return addresses;
  }
}

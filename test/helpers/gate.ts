/**
 * A gate a function's handler waits at, so that the test decides when an invocation goes on
 * instead of guessing with timers: the handler asks the gate's URL over loopback, and the
 * answer comes when the test releases that gate. The test sees the handler arrive (it is
 * running now) without a marker file.
 *
 * In the handler's source, put WAIT_AT_GATE and `await waitAtGate(event.body.gate)`, with
 * `gate.url('slow')` sent as `gate` in the body.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pollUntil } from './poll';

/** Handler code (CommonJS, any node runtime): `waitAtGate(url)` resolves once the test releases the gate. */
export const WAIT_AT_GATE = `
function waitAtGate(url) {
  return new Promise((resolve, reject) => {
    require('http')
      .get(url, { agent: false }, (response) => {
        response.resume();
        response.on('end', resolve);
      })
      .on('error', reject);
  });
}
`;

export interface Gates {
  /** the URL a handler waits at for the gate `name` */
  url(name: string): string;
  /** resolves once a handler waits at the gate (or has passed it) */
  arrived(name: string, timeoutMs?: number): Promise<void>;
  /** lets every handler waiting at the gate go on, and those that come later pass */
  release(name: string): void;
  /** releases every gate and stops serving */
  close(): Promise<void>;
}

interface GateState {
  arrivals: number;
  released: boolean;
  waiting: http.ServerResponse[];
}

export async function openGates(): Promise<Gates> {
  const gates = new Map<string, GateState>();
  const gate = (name: string): GateState => {
    let state = gates.get(name);
    if (!state) {
      state = { arrivals: 0, released: false, waiting: [] };
      gates.set(name, state);
    }
    return state;
  };
  const server = http.createServer((request, response) => {
    const state = gate(decodeURIComponent((request.url ?? '/').slice(1)));
    state.arrivals += 1;
    if (state.released) response.end('go');
    else state.waiting.push(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const release = (name: string): void => {
    const state = gate(name);
    state.released = true;
    for (const response of state.waiting.splice(0)) response.end('go');
  };

  return {
    url: (name) => `http://127.0.0.1:${port}/${encodeURIComponent(name)}`,
    arrived: async (name, timeoutMs = 20000) => {
      await pollUntil(() => gate(name).arrivals > 0, { timeoutMs, what: `a handler to arrive at the gate "${name}"` });
    },
    release,
    close: async () => {
      for (const name of gates.keys()) release(name);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * readBody of a request whose client has gone: the platform reads a body after a lookup (a
 * round trip on PostgreSQL), and a client that gave up meanwhile (a load tool stopping, a
 * user's Ctrl-C) must not leave a request in flight forever, or close() never returns.
 */
import http from 'node:http';
import net from 'node:net';
import { readBody } from '../../../src/local/http-util';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server whose handler runs `handle`; resolves with its port. */
async function serve(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<number> {
  const server = http.createServer(handle);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

function settled(promise: Promise<Buffer>): Promise<string> {
  return promise.then(
    (body) => `resolved with ${body.length} bytes`,
    (error: Error) => `rejected: ${error.message}`,
  );
}

/** What `outcome` settled to, or "still pending" once `ms` passed. */
function within(outcome: Promise<string>, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`still pending after ${ms} ms`), ms)));
  return Promise.race([outcome, deadline]).finally(() => clearTimeout(timer));
}

test('a request whose client went away before its body was read rejects instead of never settling', async () => {
  let outcome: Promise<string> | undefined;
  const read = new Promise<void>((resolve) => {
    void serve((req) => {
      // the handler reads the body only once the client is gone and the request closed, as after a slow lookup
      req.once('close', () =>
        setImmediate(() => {
          outcome = settled(readBody(req, 1024));
          resolve();
        }),
      );
    }).then((port) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write('GET /fn/env/fx HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
        // the server has the request once its handler runs; give up then
        setImmediate(() => socket.destroy());
      });
    });
  });
  await read;
  expect(await within(outcome ?? Promise.resolve('never read'), 5000)).toBe(
    'rejected: the client closed the connection before its request was read',
  );
});

test('a body read to its end still resolves, and the connection closing afterwards changes nothing', async () => {
  const outcome = new Promise<string>((resolve) => {
    void serve((req, res) => {
      void settled(readBody(req, 1024)).then((result) => {
        res.end('ok');
        resolve(result);
      });
    }).then((port) =>
      fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x'.repeat(100), headers: { connection: 'close' } }).then((reply) =>
        reply.text(),
      ),
    );
  });
  expect(await within(outcome, 5000)).toBe('resolved with 100 bytes');
});

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SpotinstClient } from '../../../src/api';
import { ACCOUNT, TOKEN, envelope, PACKAGE_VERSION } from './helpers';

/** A real local server (no nock): proves the connection is kept alive and that close() lets go of it. */
describe('keep-alive and close()', () => {
  let server: http.Server;
  let baseUrl: string;
  const connections: Socket[] = [];
  const requests: Array<{ url?: string; headers: http.IncomingHttpHeaders }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push({ url: req.url, headers: req.headers });
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(envelope([{ id: 'app-1', name: 'a' }])));
    });
    server.on('connection', (socket) => connections.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reuses one connection for successive calls, and close() ends it', async () => {
    const client = new SpotinstClient({ apiUrl: baseUrl, token: TOKEN, account: ACCOUNT });
    await client.applications.list();
    await client.applications.get('app-1');
    await client.applications.list();
    expect(requests).toHaveLength(3);
    expect(connections).toHaveLength(1);
    expect(requests[0].url).toBe(`/functions/application?accountId=${ACCOUNT}`);
    expect(requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(requests[0].headers['user-agent']).toBe(`serverless-spotinst-functions/${PACKAGE_VERSION}`);
    expect(requests[0].headers.connection).toBe('keep-alive');

    // The server keeps its side open; only the client's close() can end the idle connection.
    const socket = connections[0];
    expect(socket.destroyed).toBe(false);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    client.close();
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the kept-alive connection is still open after close()')), 2000);
    });
    try {
      await Promise.race([closed, stuck]);
    } finally {
      clearTimeout(timer);
    }
  });
});

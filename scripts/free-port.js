// @ts-check
/** A port for a test or benchmark server, shared by the tests, the benchmarks and their PostgreSQL cluster. */
'use strict';

const net = require('node:net');

/** A port free on 127.0.0.1 a moment ago (whoever binds it next may still lose a race for it). @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

module.exports = { freePort };

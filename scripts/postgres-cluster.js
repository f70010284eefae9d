// @ts-check
/**
 * A throwaway PostgreSQL cluster, for the tests (test/helpers/postgres.ts) and the benchmarks
 * (bench/storage.js) alike: initdb in a temp dir, trust auth, a free loopback port, all of it
 * removed by stop(). PostgreSQL refuses to run as root, so under root (CI) the cluster runs as
 * `nobody`, which owns the temp dir. Plain JavaScript because the benchmarks run without a
 * TypeScript step; the tests import it with its JSDoc types.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort } = require('./free-port');

/** @returns {string | undefined} the directory of initdb, pg_ctl and postgres (Debian keeps them out of PATH) */
function postgresBinDir() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const initdb = path.join(dir, 'initdb');
    if (dir !== '' && fs.existsSync(initdb)) return path.dirname(fs.realpathSync(initdb));
  }
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((name) => fs.existsSync(path.join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0], 'bin') : undefined;
}

/** @returns {string | undefined} postgresBinDir when the server itself is there too */
function installedPostgres() {
  const dir = postgresBinDir();
  return dir && fs.existsSync(path.join(dir, 'postgres')) ? dir : undefined;
}

const RUN_AS = process.getuid?.() === 0 ? 'nobody' : undefined;

/**
 * @typedef {object} PostgresCluster
 * @property {string} url postgres://postgres@127.0.0.1:<port>/postgres
 * @property {number} port
 * @property {(name: string) => string} createDatabase a new empty database on this cluster, as a URL
 * @property {(mode: 'immediate' | 'fast') => void} halt stops the server (pg_ctl -w waits for it); immediate ends every
 *   backend at once, and the next start recovers as after a crash
 * @property {() => void} start starts it again on the same port and data (pg_ctl -w waits until it accepts connections)
 * @property {() => void} stop stops it and removes everything
 */

/**
 * @param {{ fsync: boolean }} options fsync off where only the processes in front of the database are killed (tests)
 * @returns {Promise<PostgresCluster>} rejects when PostgreSQL is not installed
 */
async function startPostgres({ fsync }) {
  const bin = installedPostgres();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-pg-'));
  const data = path.join(root, 'data');
  /** @param {string} tool @param {string[]} args */
  const run = (tool, args) => {
    const command = path.join(bin, tool);
    if (RUN_AS) execFileSync('runuser', ['-u', RUN_AS, '--', command, ...args], { stdio: 'ignore' });
    else execFileSync(command, args, { stdio: 'ignore' });
  };
  try {
    if (RUN_AS) execFileSync('chown', [RUN_AS, root]);
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    const port = await freePort();
    const settings = `-p ${port} -h 127.0.0.1 -k ${root} -c max_connections=200${fsync ? '' : ' -c fsync=off'}`;
    const start = () => run('pg_ctl', ['-D', data, '-o', settings, '-l', path.join(root, 'server.log'), '-w', '-t', '60', 'start']);
    /** @param {'immediate' | 'fast'} mode */
    const halt = (mode) => {
      if (fs.existsSync(path.join(data, 'postmaster.pid'))) run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
    };
    start();
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      createDatabase(name) {
        run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
        return `postgres://postgres@127.0.0.1:${port}/${name}`;
      },
      halt,
      start,
      stop() {
        halt('fast');
        fs.rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

module.exports = { startPostgres, installedPostgres };

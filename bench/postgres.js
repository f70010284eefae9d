// @ts-check
/**
 * A throwaway PostgreSQL cluster for a benchmark, as test/helpers/postgres.ts starts one for
 * the tests: initdb in a temp dir, a free loopback port, trust auth, removed by stop().
 * PostgreSQL refuses to run as root, so under root the cluster runs as `nobody`, which owns
 * the temp dir. Unlike the tests' cluster this one keeps fsync on: the figures it serves are
 * about a database that keeps what it acknowledges.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort } = require('./lib');

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

const RUN_AS = process.getuid?.() === 0 ? 'nobody' : undefined;

/** @param {string} command @param {string[]} args @returns {[string, string[]]} */
function asClusterUser(command, args) {
  return RUN_AS ? ['runuser', ['-u', RUN_AS, '--', command, ...args]] : [command, args];
}

/**
 * @typedef {{ url: string, createDatabase(name: string): string, stop(): void }} PostgresCluster
 * @returns {Promise<PostgresCluster>} rejects when PostgreSQL is not installed
 */
async function startPostgres() {
  const bin = postgresBinDir();
  if (!bin || !fs.existsSync(path.join(bin, 'postgres'))) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spotinst-bench-pg-'));
  const data = path.join(root, 'data');
  /** @param {string} tool @param {string[]} args */
  const run = (tool, args) => {
    const [command, full] = asClusterUser(path.join(bin, tool), args);
    execFileSync(command, full, { stdio: 'ignore' });
  };
  try {
    if (RUN_AS) execFileSync('chown', [RUN_AS, root]);
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    const port = await freePort();
    // pg_ctl -w waits until the server accepts connections
    run('pg_ctl', [
      '-D',
      data,
      '-o',
      `-p ${port} -h 127.0.0.1 -k ${root} -c max_connections=200`,
      '-l',
      path.join(root, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      createDatabase(name) {
        run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
        return `postgres://postgres@127.0.0.1:${port}/${name}`;
      },
      stop() {
        if (fs.existsSync(path.join(data, 'postmaster.pid'))) run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
        fs.rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

module.exports = { startPostgres, postgresBinDir };

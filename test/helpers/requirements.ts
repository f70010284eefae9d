/**
 * The components some tests need beyond Node (an interpreter, PostgreSQL, Chromium). On a
 * developer's machine a test whose component is missing is skipped, and the run says once
 * what was skipped and how to install it. In CI (`.ci/run` sets SPOTINST_TEST_STRICT=1)
 * nothing may be skipped: a missing component fails the run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type Component = 'python3' | 'ruby' | 'java' | 'postgresql' | 'chromium';

interface ComponentCheck {
  /** what the tests use it for */
  purpose: string;
  install: string;
  find(): string | undefined;
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<version>/bin. */
export function postgresBinDir(): string | undefined {
  const initdb = onPath('initdb');
  if (initdb) return path.dirname(fs.realpathSync(initdb));
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((name) => fs.existsSync(path.join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0], 'bin') : undefined;
}

function javaWorks(): string | undefined {
  const java = onPath('java');
  const javac = onPath('javac');
  if (!java || !javac) return undefined;
  try {
    execFileSync(java, ['-version'], { stdio: 'ignore', timeout: 20000 });
    return java;
  } catch {
    return undefined;
  }
}

const COMPONENTS: Record<Component, ComponentCheck> = {
  python3: { purpose: 'the python runtime', install: 'apt-get install python3', find: () => onPath('python3') },
  ruby: { purpose: 'the ruby runtime', install: 'apt-get install ruby', find: () => onPath('ruby') },
  java: { purpose: 'the java runtime (java and javac)', install: 'apt-get install default-jdk-headless', find: javaWorks },
  postgresql: {
    purpose: 'spotinst-local on PostgreSQL',
    install: 'apt-get install postgresql',
    find: () => {
      const dir = postgresBinDir();
      return dir && fs.existsSync(path.join(dir, 'postgres')) ? dir : undefined;
    },
  },
  chromium: { purpose: 'the console tests in a real browser', install: 'apt-get install chromium', find: () => onPath('chromium') },
};

const found = new Map<Component, string | undefined>();

/** Where the component is, or undefined when this machine lacks it. */
export function locate(component: Component): string | undefined {
  if (!found.has(component)) found.set(component, COMPONENTS[component].find());
  return found.get(component);
}

export function strict(): boolean {
  return process.env.SPOTINST_TEST_STRICT === '1';
}

/** One line per missing component: what is skipped and how to install it. */
export function missingComponentsReport(): string[] {
  return (Object.keys(COMPONENTS) as Component[])
    .filter((component) => locate(component) === undefined)
    .map((component) => {
      const { purpose, install } = COMPONENTS[component];
      return `${component} is not installed: the tests of ${purpose} are skipped (install: ${install})`;
    });
}

/**
 * `describe` when every component is here; otherwise `describe.skip` (or, in CI, a failing
 * test that names what is missing).
 */
export function describeWith(components: Component[], name: string, body: () => void): void {
  const missing = components.filter((component) => locate(component) === undefined);
  if (missing.length === 0) {
    describe(name, body);
  } else if (strict()) {
    describe(name, () => {
      it('has what it needs', () => {
        throw new Error(
          `missing on this CI machine: ${missing.map((component) => `${component} (${COMPONENTS[component].install})`).join(', ')}`,
        );
      });
    });
  } else {
    describe.skip(`${name} [needs ${missing.join(', ')}]`, body);
  }
}

/** `it` when every component is here, else skipped as describeWith says. */
export function itWith(components: Component[], name: string, body: () => Promise<void>, timeout?: number): void {
  const missing = components.filter((component) => locate(component) === undefined);
  if (missing.length === 0) it(name, body, timeout);
  else if (strict())
    it(name, () => {
      throw new Error(`missing on this CI machine: ${missing.join(', ')}`);
    });
  else it.skip(`${name} [needs ${missing.join(', ')}]`, body);
}

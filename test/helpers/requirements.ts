/**
 * The components some tests need beyond Node (an interpreter, PostgreSQL, Chromium). On a
 * developer's machine a test whose component is missing is skipped, and the run ends with
 * one line that says what was skipped and how to install it. In CI (`.ci/run` sets
 * SPOTINST_TEST_STRICT=1) nothing may be skipped: a missing component fails the run.
 *
 * SPOTINST_TEST_WITHOUT=ruby,python3,java makes the listed components count as missing on a
 * machine that has them, to see what a fresh machine with Node alone runs and skips:
 *   SPOTINST_TEST_WITHOUT=ruby,python3,java npx jest test/integration/runtimes
 * It changes only what the tests decide to run: spotinst-local and `invoke local` still look
 * interpreters up on the PATH (src/runtimes/interpreters.ts).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { installedPostgres } from '../../scripts/postgres-cluster';

export type Component = 'python3' | 'ruby' | 'java' | 'postgresql' | 'chromium';

interface ComponentCheck {
  /** what the tests use it for */
  purpose: string;
  /** the Debian package that brings it */
  debianPackage: string;
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
  python3: { purpose: 'the python runtime', debianPackage: 'python3', find: () => onPath('python3') },
  ruby: { purpose: 'the ruby runtime', debianPackage: 'ruby', find: () => onPath('ruby') },
  java: { purpose: 'the java runtime (java and javac)', debianPackage: 'default-jdk-headless', find: javaWorks },
  postgresql: {
    purpose: 'spotinst-local on PostgreSQL',
    debianPackage: 'postgresql',
    find: installedPostgres,
  },
  chromium: { purpose: 'the web console in a real browser', debianPackage: 'chromium', find: () => onPath('chromium') },
};

const found = new Map<Component, string | undefined>();

/** The components SPOTINST_TEST_WITHOUT asks to treat as missing; an unknown name is an error. */
function withheld(): Set<Component> {
  const names = (process.env.SPOTINST_TEST_WITHOUT ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const known = Object.keys(COMPONENTS);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `SPOTINST_TEST_WITHOUT names ${unknown.map((name) => `"${name}"`).join(', ')}: use a comma-separated list of ${known.join(', ')}`,
    );
  }
  return new Set(names as Component[]);
}

/** Where the component is, or undefined when this machine lacks it (or SPOTINST_TEST_WITHOUT names it). */
export function locate(component: Component): string | undefined {
  if (!found.has(component)) found.set(component, withheld().has(component) ? undefined : COMPONENTS[component].find());
  return found.get(component);
}

/** For a test that keeps running without the component but leaves out the part that needs it. */
export function available(component: Component): boolean {
  return locate(component) !== undefined;
}

export function strict(): boolean {
  return process.env.SPOTINST_TEST_STRICT === '1';
}

export function missingComponents(): Component[] {
  return (Object.keys(COMPONENTS) as Component[]).filter((component) => locate(component) === undefined);
}

/** One line for all missing components: what is skipped and how to install it; undefined when nothing is missing. */
export function missingComponentsReport(): string | undefined {
  const missing = missingComponents();
  if (missing.length === 0) return undefined;
  const skipped = missing.map((component) => COMPONENTS[component].purpose).join(', ');
  const packages = missing.map((component) => COMPONENTS[component].debianPackage).join(' ');
  const withheldNote = process.env.SPOTINST_TEST_WITHOUT ? ' (SPOTINST_TEST_WITHOUT)' : '';
  return `SKIPPED: the tests of ${skipped}: this machine lacks ${missing.join(', ')}${withheldNote}. Install: apt-get install ${packages}`;
}

function missingOnCi(missing: Component[]): Error {
  return new Error(
    `SPOTINST_TEST_STRICT=1 and this machine lacks ${missing.map((component) => `${component} (apt-get install ${COMPONENTS[component].debianPackage})`).join(', ')}`,
  );
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
        throw missingOnCi(missing);
      });
    });
  } else {
    describe.skip(`${name} [needs ${missing.join(', ')}]`, body);
  }
}

/** `it` when every component is here (none named: always), else skipped as describeWith says. */
export function itWith(components: Component[], name: string, body: () => Promise<void>, timeout?: number): void {
  const missing = components.filter((component) => locate(component) === undefined);
  if (missing.length === 0) it(name, body, timeout);
  else if (strict())
    it(name, () => {
      throw missingOnCi(missing);
    });
  else it.skip(`${name} [needs ${missing.join(', ')}]`, body);
}

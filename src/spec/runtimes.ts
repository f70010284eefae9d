/**
 * What runtime names mean: the families the platform runs, the historically documented
 * versions, and the conversion between the serverless.yml form (`nodejs8.3`) and the wire
 * form the API expects (`nodejs83`).
 */
import type { Refusal } from './refusal';

export const RUNTIME_FAMILIES = ['nodejs', 'python', 'ruby', 'java'] as const;
export type RuntimeFamily = (typeof RUNTIME_FAMILIES)[number];

/** The runtimes the Spotinst Functions documentation listed. */
export const DOCUMENTED_RUNTIMES = ['nodejs4.8', 'nodejs8.3', 'nodejs8.9.3', 'python2.7', 'ruby2.4.1', 'java8'] as const;

export interface ParsedRuntime {
  family: RuntimeFamily;
  /** numeric parts of the version: `nodejs8.9.3` → [8, 9, 3] */
  version: number[];
  documented: boolean;
}

const RUNTIME_PATTERN = /^(nodejs|python|ruby|java)(\d+(?:\.\d+){0,2})$/;

/** Parses a serverless.yml runtime name; undefined when it is not of a known family. */
export function parseRuntime(name: string): ParsedRuntime | undefined {
  const match = RUNTIME_PATTERN.exec(name);
  if (!match) return undefined;
  return {
    family: match[1] as RuntimeFamily,
    version: match[2].split('.').map(Number),
    documented: (DOCUMENTED_RUNTIMES as readonly string[]).includes(name),
  };
}

/** The oldest documented version of a family: anything older is not a runtime the platform had. */
export function oldestDocumentedVersion(family: RuntimeFamily): number[] {
  const versions = DOCUMENTED_RUNTIMES.map((name) => parseRuntime(name))
    .filter((parsed): parsed is ParsedRuntime => parsed !== undefined && parsed.family === family)
    .map((parsed) => parsed.version);
  return versions.sort(compareVersions)[0];
}

export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** `nodejs8.3` → `nodejs83`; wire names pass through unchanged. */
export function toApiRuntime(name: string): string {
  return name.replace(/\./g, '');
}

const DOCUMENTED_BY_WIRE_NAME = new Map<string, string>(DOCUMENTED_RUNTIMES.map((name) => [toApiRuntime(name), name]));

/**
 * `nodejs83` → `nodejs8.3`. Only documented names can be restored (the dots are gone);
 * any other name is returned unchanged, which keeps `toApiRuntime(fromApiRuntime(x)) === x`.
 */
export function fromApiRuntime(wireName: string): string {
  return DOCUMENTED_BY_WIRE_NAME.get(wireName) ?? wireName;
}

/** The family of a name in either form (`nodejs83`, `nodejs8.3`, `python311`). */
export function runtimeFamily(name: string): RuntimeFamily | undefined {
  return RUNTIME_FAMILIES.find((family) => name.startsWith(family) && /^\d/.test(name.slice(family.length)));
}

export type RuntimeCheck =
  | {
      ok: true;
      family: RuntimeFamily;
      /** one of DOCUMENTED_RUNTIMES; a newer version of a family is accepted, but the Spotinst cloud may refuse it */
      documented: boolean;
    }
  | { ok: false; reason: Refusal<'not-a-runtime' | 'older' | 'dotted-wire-name'> & { family?: RuntimeFamily } };

/**
 * Whether the platform runs this runtime: a family and a version no older than the oldest
 * documented one of that family. Takes the serverless.yml form (`nodejs8.3`); a name
 * without dots is read as one version number (`nodejs20`, `java8`), which is also its wire
 * form. Once the dots are gone `nodejs4.3` cannot be told from `nodejs43`, so only the
 * serverless.yml form can be held to the oldest version of a family with dotted versions.
 */
export function checkRuntime(name: string): RuntimeCheck {
  const parsed = parseRuntime(name);
  if (!parsed) {
    return {
      ok: false,
      reason: {
        kind: 'not-a-runtime',
        problem: `is not a runtime Spotinst Functions runs (families: ${RUNTIME_FAMILIES.join(', ')})`,
      },
    };
  }
  const oldest = oldestDocumentedVersion(parsed.family);
  if (!parsed.documented && compareVersions(parsed.version, oldest) < 0) {
    return {
      ok: false,
      reason: {
        kind: 'older',
        family: parsed.family,
        problem: `is older than the oldest ${parsed.family} runtime Spotinst Functions had (${parsed.family}${oldest.join('.')})`,
        nearest: documentedRuntimesOf(parsed.family)[0],
      },
    };
  }
  return { ok: true, family: parsed.family, documented: parsed.documented };
}

/** checkRuntime for the name an API request carries: the wire form, without dots (`nodejs83`). */
export function checkWireRuntime(wireName: string): RuntimeCheck {
  if (wireName.includes('.')) {
    const family = runtimeFamily(wireName);
    return {
      ok: false,
      reason: {
        kind: 'dotted-wire-name',
        problem: `must be sent without dots (e.g. nodejs8.3 → nodejs83)`,
        nearest: toApiRuntime(wireName),
        ...(family ? { family } : {}),
      },
    };
  }
  return checkRuntime(fromApiRuntime(wireName));
}

/** The documented runtimes of one family, oldest first. */
export function documentedRuntimesOf(family: RuntimeFamily): string[] {
  return DOCUMENTED_RUNTIMES.filter((name) => parseRuntime(name)?.family === family);
}

/**
 * What runtime names mean: the families the platform runs, the historically documented
 * versions, and the conversion between the serverless.yml form (`nodejs8.3`) and the wire
 * form the API expects (`nodejs83`).
 */

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

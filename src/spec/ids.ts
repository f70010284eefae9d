/** The ids the API hands out (SPEC §1): a prefix per resource kind, then hex digits. */

export const ID_PREFIXES = {
  account: 'act-',
  application: 'app-',
  environment: 'env-',
  function: 'fx-',
  job: 'job-',
  pattern: 'pat-',
  alias: 'al-',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** Whether `text` has the form of an id of this kind: `env-1a2b3c4d`. */
export function isIdOf(kind: IdKind, text: string): boolean {
  const prefix = ID_PREFIXES[kind];
  return text.startsWith(prefix) && /^[0-9A-Za-z]+$/.test(text.slice(prefix.length));
}

/** The first id of this kind inside `text`, e.g. `env-1a2b` in `"id: env-1a2b"`. */
export function findIdOf(kind: IdKind, text: string): string | undefined {
  return new RegExp(`${ID_PREFIXES[kind]}[0-9A-Za-z]+`).exec(text)?.[0];
}

/** An invocation id as a terminal shows it: 8 characters are enough to tell invocations apart. */
export function shortId(invocationId: string): string {
  return invocationId.replace(/^[a-z]+-/, '').slice(0, 8);
}

/** Wording helpers shared by the validator's sections: key paths, values as written, typo hints. */

export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** `functions` + `hello` → `functions.hello`; odd keys are quoted: `x["my key"]`. */
export function joinPath(base: string, key: string): string {
  return /^[A-Za-z0-9_$-]+$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

export function lastKey(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot === -1 ? path : path.slice(dot + 1);
}

export function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** Renders a value the way a user would recognise it from the file. */
export function renderValue(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (value === null) return 'null (empty)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  text ??= Object.prototype.toString.call(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function booleanFix(key: string, value: unknown, example: boolean): string {
  if (typeof value === 'string' && /^(true|false|yes|no|on|off)$/i.test(value.trim())) {
    const truthy = /^(true|yes|on)$/i.test(value.trim());
    return `write ${key}: ${String(truthy)} (without quotes)`;
  }
  return `write ${key}: ${String(example)} or ${key}: ${String(!example)}`;
}

export function unknownKeyFix(key: string, known: readonly string[], aliases: Record<string, string> = {}): string {
  const suggestion = aliases[key] ?? closest(key, known);
  return suggestion ? `did you mean ${suggestion}? Rename the key, or remove it` : `remove it; the known keys are ${known.join(', ')}`;
}

/** The closest candidate by edit distance, when it is close enough to be a typo. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = levenshtein(needle, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.min(3, Math.max(1, Math.floor(Math.max(needle.length, best.length) / 3)));
  return bestDistance <= limit ? best : undefined;
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
function levenshtein(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2][j - 2] + 1);
      rows[i][j] = best;
    }
  }
  return rows[a.length][b.length];
}

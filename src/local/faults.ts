/**
 * Fault injection for the management API (`--faults` / SPOTINST_LOCAL_FAULTS), so the
 * plugin's retries and create-once logic can be tested against real failures:
 *
 *   rate=0.2,codes=500|502|503|429,reset=0.05,latency=0-300[,seed=42]
 *
 * - rate: probability of answering one of `codes` instead of the real reply. A 429 (with
 *   `Retry-After`) is always given before any work, as a rate limiter would; a 5xx is given
 *   half the time before the work and half the time after it (the work is done, the reply
 *   says it failed: the case that makes a POST uncertain).
 * - reset: probability of destroying the connection without a reply, half the time before
 *   the work and half the time after it.
 * - latency: a uniformly random delay in milliseconds (`min-max` or one number) added to
 *   every management request.
 * - seed: makes the sequence of faults repeatable.
 */
export interface FaultSpec {
  rate: number;
  codes: number[];
  reset: number;
  latencyMs: [number, number];
  seed?: number;
}

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'status-before'; status: number }
  | { kind: 'status-after'; status: number }
  | { kind: 'reset-before' }
  | { kind: 'reset-after' };

export class FaultSpecError extends Error {
  constructor(spec: string, part: string, reason: string) {
    super(`Invalid faults spec "${spec}": "${part}" ${reason}. Expected e.g. "rate=0.2,codes=500|502|503|429,reset=0.05,latency=0-300".`);
    this.name = 'FaultSpecError';
  }
}

const DEFAULT_CODES = [500, 502, 503, 429];

function probability(spec: string, part: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1) {
    throw new FaultSpecError(spec, part, 'must be a probability between 0 and 1');
  }
  return number;
}

export function parseFaults(spec: string): FaultSpec {
  const parsed: FaultSpec = { rate: 0, codes: DEFAULT_CODES, reset: 0, latencyMs: [0, 0] };
  for (const rawPart of spec.split(',')) {
    const part = rawPart.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FaultSpecError(spec, part, 'is not of the form key=value');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    switch (key) {
      case 'rate':
        parsed.rate = probability(spec, part, value);
        break;
      case 'reset':
        parsed.reset = probability(spec, part, value);
        break;
      case 'codes': {
        const codes = value.split('|').map((code) => Number(code.trim()));
        if (codes.length === 0 || codes.some((code) => !Number.isInteger(code) || code < 400 || code > 599)) {
          throw new FaultSpecError(spec, part, 'must list HTTP error statuses (400-599) separated by "|"');
        }
        parsed.codes = codes;
        break;
      }
      case 'latency': {
        const match = /^(\d+)(?:-(\d+))?$/.exec(value);
        if (!match) throw new FaultSpecError(spec, part, 'must be milliseconds, "min-max" or one number');
        const min = Number(match[1]);
        const max = match[2] === undefined ? min : Number(match[2]);
        if (max < min) throw new FaultSpecError(spec, part, 'has its maximum below its minimum');
        parsed.latencyMs = [min, max];
        break;
      }
      case 'seed': {
        const seed = Number(value);
        if (!Number.isInteger(seed)) throw new FaultSpecError(spec, part, 'must be an integer');
        parsed.seed = seed;
        break;
      }
      default:
        throw new FaultSpecError(spec, part, `has an unknown key "${key}" (known: rate, codes, reset, latency, seed)`);
    }
  }
  if (parsed.rate + parsed.reset > 1) {
    throw new FaultSpecError(spec, `rate=${parsed.rate},reset=${parsed.reset}`, 'add up to more than 1');
  }
  return parsed;
}

/** mulberry32: small, fast, and good enough to spread faults evenly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private readonly random: () => number;

  constructor(readonly spec: FaultSpec) {
    this.random = spec.seed === undefined ? Math.random : seededRandom(spec.seed);
  }

  latency(): number {
    const [min, max] = this.spec.latencyMs;
    return min + Math.floor(this.random() * (max - min + 1));
  }

  decide(): FaultDecision {
    const roll = this.random();
    const early = this.random() < 0.5;
    if (roll < this.spec.rate) {
      const status = this.spec.codes[Math.floor(this.random() * this.spec.codes.length)];
      return status === 429 || status < 500 || early ? { kind: 'status-before', status } : { kind: 'status-after', status };
    }
    if (roll < this.spec.rate + this.spec.reset) return early ? { kind: 'reset-before' } : { kind: 'reset-after' };
    return { kind: 'none' };
  }
}

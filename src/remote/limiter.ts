/**
 * Bounds how many API writes a deploy has in flight. The bound halves when the API says
 * 429 (too many requests) and grows back by one after a run of successes, so a deploy
 * slows itself down instead of spending its retries.
 */
// A write costs one cloud round trip (~60 ms); 16 in flight keeps a 50-function deploy
// near one second of API time, and the first 429 halves it anyway.
export const DEFAULT_CONCURRENCY = 16;
const SUCCESSES_TO_GROW = 8;

export class AdaptiveLimiter {
  private active = 0;
  private successesSinceChange = 0;
  private readonly waiting: Array<() => void> = [];
  private currentLimit: number;
  /** the lowest bound reached, for the summary */
  lowest: number;

  constructor(private readonly maxLimit: number = DEFAULT_CONCURRENCY) {
    if (!Number.isInteger(maxLimit) || maxLimit < 1) throw new RangeError(`concurrency must be a positive integer, got ${maxLimit}`);
    this.currentLimit = maxLimit;
    this.lowest = maxLimit;
  }

  get limit(): number {
    return this.currentLimit;
  }

  /** Runs `task` when a slot is free. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      const result = await task();
      this.succeeded();
      return result;
    } finally {
      this.active -= 1;
      this.wakeUp();
    }
  }

  /** Called on a 429: halve the bound (not below one). */
  rateLimited(): void {
    this.currentLimit = Math.max(1, Math.floor(this.currentLimit / 2));
    this.lowest = Math.min(this.lowest, this.currentLimit);
    this.successesSinceChange = 0;
  }

  private succeeded(): void {
    this.successesSinceChange += 1;
    if (this.successesSinceChange >= SUCCESSES_TO_GROW && this.currentLimit < this.maxLimit) {
      this.currentLimit += 1;
      this.successesSinceChange = 0;
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.currentLimit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.active += 1;
        resolve();
      }),
    );
  }

  private wakeUp(): void {
    while (this.active < this.currentLimit && this.waiting.length > 0) {
      this.waiting.shift()?.();
    }
  }
}

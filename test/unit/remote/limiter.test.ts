import { AdaptiveLimiter } from '../../../src/remote/limiter';

/** A task that stays in flight until released, to observe how many run at once. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

describe('AdaptiveLimiter', () => {
  it('never runs more tasks at once than its bound', async () => {
    const limiter = new AdaptiveLimiter(3);
    let running = 0;
    let peak = 0;
    const gates = Array.from({ length: 10 }, gate);
    const all = gates.map((g) =>
      limiter.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await g.done;
        running -= 1;
      }),
    );
    await Promise.resolve();
    expect(running).toBe(3);
    gates.forEach((g) => g.release());
    await Promise.all(all);
    expect(peak).toBe(3);
  });

  it('halves its bound on 429, not below one, and grows back after successes', async () => {
    const limiter = new AdaptiveLimiter(8);
    limiter.rateLimited();
    expect(limiter.limit).toBe(4);
    limiter.rateLimited();
    limiter.rateLimited();
    limiter.rateLimited();
    expect(limiter.limit).toBe(1);
    expect(limiter.lowest).toBe(1);
    for (let i = 0; i < 8; i += 1) await limiter.run(async () => undefined);
    expect(limiter.limit).toBe(2);
  });

  it('keeps running the queue after a task fails', async () => {
    const limiter = new AdaptiveLimiter(1);
    const failed = limiter.run(async () => {
      throw new Error('boom');
    });
    const next = limiter.run(async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });

  it('refuses a bound that is not a positive whole number', () => {
    expect(() => new AdaptiveLimiter(0)).toThrow(RangeError);
    expect(() => new AdaptiveLimiter(1.5)).toThrow(RangeError);
  });
});

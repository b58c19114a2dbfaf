import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from './ratelimit.memory.ts';

describe('MemoryRateLimiter', () => {
  it('forgets the least recently hit key beyond maxKeys', async () => {
    const limiter = new MemoryRateLimiter({ maxKeys: 2, now: () => 0 });
    await limiter.hit('a', 1, 1000);
    await limiter.hit('b', 1, 1000);
    await limiter.hit('a', 1, 1000);
    await limiter.hit('c', 1, 1000);
    expect(limiter.size).toBe(2);
    expect((await limiter.peek('b', 1, 1000)).allowed).toBe(true);
    expect((await limiter.peek('a', 1, 1000)).allowed).toBe(false);
    expect((await limiter.peek('c', 1, 1000)).allowed).toBe(false);
    await limiter.close();
  });

  it('does not track keys that were only peeked at', async () => {
    const limiter = new MemoryRateLimiter();
    await limiter.peek('k', 1, 1000);
    expect(limiter.size).toBe(0);
    await limiter.close();
  });

  it('sweeps keys whose window has passed', async () => {
    let time = 0;
    const limiter = new MemoryRateLimiter({ now: () => time });
    await limiter.hit('short', 5, 100);
    await limiter.hit('long', 5, 1000);
    time = 150;
    limiter.sweep();
    expect(limiter.size).toBe(1);
    expect((await limiter.peek('long', 1, 1000)).allowed).toBe(false);
    await limiter.close();
  });

  it('keeps at most `limit` timestamps per key however often it is hit', async () => {
    let time = 0;
    const limiter = new MemoryRateLimiter({ now: () => time });
    for (let i = 0; i < 1000; i++) {
      time += 1;
      await limiter.hit('k', 3, 60_000);
    }
    // All 1000 hits lie in one window; only the first 3 were accepted, so the key frees at 1 + 60_000.
    expect(await limiter.peek('k', 3, 60_000)).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterMs: 60_001 - time,
    });
    await limiter.close();
  });
});

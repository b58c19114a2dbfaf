import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRateLimiter } from './index.ts';
import { MemoryRateLimiter } from './ratelimit.memory.ts';
import type { RateLimiter } from './ratelimit.port.ts';
import { RedisRateLimiter } from './ratelimit.redis.ts';

const REDIS_URL = process.env.REDIS_URL;

/** Builds limiters for one adapter. `peers(n)` are n handles on one store, as n nodes would have. */
interface LimiterHarness {
  name: string;
  peers(count: number): RateLimiter[];
  /** A limiter made by `createRateLimiter`, owning its connection. */
  fromFactory(): RateLimiter;
  /** Lets `ms` pass: a fake clock for memory, real time for Redis. */
  advance(ms: number): Promise<void>;
  /** Fails when the store is unreachable, so a configured but absent Redis fails every test. */
  ready(): Promise<void>;
  cleanup(): Promise<void>;
  dispose(): Promise<void>;
}

function memoryHarness(): LimiterHarness {
  let time = 1_700_000_000_000;
  let made: RateLimiter[] = [];
  return {
    name: 'memory',
    peers(count) {
      const limiter = new MemoryRateLimiter({ now: () => time });
      made.push(limiter);
      return Array.from({ length: count }, () => limiter);
    },
    fromFactory() {
      const limiter = createRateLimiter({ now: () => time });
      made.push(limiter);
      return limiter;
    },
    async advance(ms) {
      time += ms;
    },
    async ready() {},
    async cleanup() {
      await Promise.all(made.map((limiter) => limiter.close()));
      made = [];
    },
    async dispose() {},
  };
}

function redisHarness(url: string): LimiterHarness {
  const runPrefix = `pnptv:test:${randomUUID()}:`;
  // One client per peer, so concurrent hits really race on the server; maxRetriesPerRequest 1 fails fast.
  const clients = Array.from(
    { length: 4 },
    () => new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true }),
  );
  const freshPrefix = () => `${runPrefix}${randomUUID()}:`;
  let testPrefix = freshPrefix();
  let made: RateLimiter[] = [];
  return {
    name: 'redis',
    peers(count) {
      return Array.from(
        { length: count },
        (_, i) => new RedisRateLimiter({ redis: clients[i % clients.length], keyPrefix: testPrefix }),
      );
    },
    fromFactory() {
      const limiter = createRateLimiter({ redisUrl: url, keyPrefix: testPrefix });
      made.push(limiter);
      return limiter;
    },
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    async ready() {
      await Promise.all(clients.map((client) => client.connect()));
      await Promise.all(clients.map((client) => client.ping()));
    },
    async cleanup() {
      await Promise.all(made.map((limiter) => limiter.close()));
      made = [];
      // A fresh prefix per test keeps tests from seeing each other's keys.
      testPrefix = freshPrefix();
    },
    async dispose() {
      const client = clients[0]!;
      if (client.status === 'ready') {
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${runPrefix}*`, 'COUNT', 500);
          if (keys.length > 0) await client.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      }
      for (const client of clients) client.disconnect();
    },
  };
}

const harnesses: LimiterHarness[] = [memoryHarness(), ...(REDIS_URL ? [redisHarness(REDIS_URL)] : [])];

describe.each(harnesses)('$name rate limiter', (harness) => {
  let reachable: Promise<void> | undefined;
  beforeEach(() => {
    reachable ??= harness.ready();
    return reachable;
  });
  afterEach(() => harness.cleanup());
  afterAll(() => harness.dispose());

  it('allows exactly `limit` of many concurrent hits from several nodes', async () => {
    const peers = harness.peers(4);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => peers[i % peers.length]!.hit('login:ip', 50, 60_000)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(50);
    expect(
      results
        .filter((r) => r.allowed)
        .map((r) => r.remaining)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(results.filter((r) => !r.allowed).every((r) => r.remaining === 0 && r.retryAfterMs > 0)).toBe(
      true,
    );
  });

  it('counts down remaining, refuses once full, and says how long until a slot frees', async () => {
    const [limiter] = harness.peers(1);
    const window = 200;
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter!.hit('chat:u1', 3, window));
    expect(results.map((r) => [r.allowed, r.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(results[0]!.retryAfterMs).toBe(0);
    expect(results[1]!.retryAfterMs).toBe(0);
    const refused = results[3]!;
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(window);
  });

  it('opens the window again once windowMs has passed', async () => {
    const [limiter] = harness.peers(1);
    for (let i = 0; i < 3; i++) await limiter!.hit('k', 3, 200);
    expect((await limiter!.hit('k', 3, 200)).allowed).toBe(false);
    await harness.advance(230);
    expect(await limiter!.hit('k', 3, 200)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
  });

  it('slides: a slot frees when the oldest hit leaves the window, not when a fixed window ends', async () => {
    const [limiter] = harness.peers(1);
    await limiter!.hit('k', 3, 300);
    await harness.advance(150);
    await limiter!.hit('k', 3, 300);
    await limiter!.hit('k', 3, 300);
    await harness.advance(170);
    // Only the first hit has left the window: one slot is free, the next hit is refused.
    expect(await limiter!.hit('k', 3, 300)).toMatchObject({ allowed: true, remaining: 0 });
    const refused = await limiter!.hit('k', 3, 300);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThan(300);
  });

  it('does not count refused hits, so hammering does not extend the wait', async () => {
    const [limiter] = harness.peers(1);
    await limiter!.hit('k', 1, 200);
    for (let i = 0; i < 5; i++) {
      await harness.advance(20);
      expect((await limiter!.hit('k', 1, 200)).allowed).toBe(false);
    }
    await harness.advance(120);
    expect((await limiter!.hit('k', 1, 200)).allowed).toBe(true);
  });

  it('peeks without consuming', async () => {
    const [limiter] = harness.peers(1);
    for (let i = 0; i < 5; i++) {
      expect(await limiter!.peek('k', 2, 60_000)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
    }
    expect(await limiter!.hit('k', 2, 60_000)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    expect(await limiter!.peek('k', 2, 60_000)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    await limiter!.hit('k', 2, 60_000);
    const full = await limiter!.peek('k', 2, 60_000);
    expect(full).toMatchObject({ allowed: false, remaining: 0 });
    expect(full.retryAfterMs).toBeGreaterThan(0);
  });

  it('starts a key afresh after reset', async () => {
    const [a, b] = harness.peers(2);
    await a!.hit('k', 2, 60_000);
    await a!.hit('k', 2, 60_000);
    expect((await a!.hit('k', 2, 60_000)).allowed).toBe(false);
    await b!.reset('k');
    expect(await a!.hit('k', 2, 60_000)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
  });

  it('keeps keys independent', async () => {
    const [limiter] = harness.peers(1);
    await limiter!.hit('user:a', 1, 60_000);
    expect((await limiter!.hit('user:a', 1, 60_000)).allowed).toBe(false);
    expect((await limiter!.hit('user:b', 1, 60_000)).allowed).toBe(true);
  });

  it('rejects a limit that is not a positive integer and a window that is not a positive duration', async () => {
    const [limiter] = harness.peers(1);
    await expect(limiter!.hit('k', 0, 1000)).rejects.toThrow(RangeError);
    await expect(limiter!.hit('k', 1.5, 1000)).rejects.toThrow(RangeError);
    await expect(limiter!.peek('k', 1, 0)).rejects.toThrow(RangeError);
    await expect(limiter!.hit('k', 1, Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError);
  });

  it('works when made by the factory and rejects hits after close', async () => {
    const limiter = harness.fromFactory();
    expect(await limiter.hit('k', 1, 60_000)).toEqual({
      allowed: true,
      remaining: 0,
      retryAfterMs: expect.any(Number),
    });
    await limiter.close();
    await expect(limiter.hit('k', 1, 60_000)).rejects.toThrow();
  });
});

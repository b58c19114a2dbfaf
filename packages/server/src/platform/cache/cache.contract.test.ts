import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryCache } from './cache.memory.ts';
import type { Cache } from './cache.port.ts';
import { RedisCache } from './cache.redis.ts';
import { createCache } from './index.ts';

const REDIS_URL = process.env.REDIS_URL;

/** Builds caches for one adapter. `peers(n)` are n handles on one store, as n nodes would have. */
interface CacheHarness {
  name: string;
  peers(count: number): Cache[];
  /** A cache made by `createCache`, owning its connection. */
  fromFactory(): Cache;
  /** Lets `ms` pass: a fake clock for memory, real time for Redis. */
  advance(ms: number): Promise<void>;
  /** Fails when the store is unreachable, so a configured but absent Redis fails every test. */
  ready(): Promise<void>;
  cleanup(): Promise<void>;
  dispose(): Promise<void>;
}

function memoryHarness(): CacheHarness {
  let time = 1_700_000_000_000;
  let made: Cache[] = [];
  return {
    name: 'memory',
    peers(count) {
      const cache = new MemoryCache({ now: () => time });
      made.push(cache);
      return Array.from({ length: count }, () => cache);
    },
    fromFactory() {
      const cache = createCache({ now: () => time });
      made.push(cache);
      return cache;
    },
    async advance(ms) {
      time += ms;
    },
    async ready() {},
    async cleanup() {
      await Promise.all(made.map((cache) => cache.close()));
      made = [];
    },
    async dispose() {},
  };
}

function redisHarness(url: string): CacheHarness {
  const runPrefix = `pnptv:test:${randomUUID()}:`;
  // One client per peer, so concurrent calls really race on the server; maxRetriesPerRequest 1 fails fast.
  const clients = Array.from(
    { length: 4 },
    () => new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true }),
  );
  const freshPrefix = () => `${runPrefix}${randomUUID()}:`;
  let testPrefix = freshPrefix();
  let made: Cache[] = [];
  return {
    name: 'redis',
    peers(count) {
      return Array.from(
        { length: count },
        (_, i) => new RedisCache({ redis: clients[i % clients.length], keyPrefix: testPrefix }),
      );
    },
    fromFactory() {
      const cache = createCache({ redisUrl: url, keyPrefix: testPrefix });
      made.push(cache);
      return cache;
    },
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    async ready() {
      await Promise.all(clients.map((client) => client.connect()));
      await Promise.all(clients.map((client) => client.ping()));
    },
    async cleanup() {
      await Promise.all(made.map((cache) => cache.close()));
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
      for (const c of clients) c.disconnect();
    },
  };
}

const harnesses: CacheHarness[] = [memoryHarness(), ...(REDIS_URL ? [redisHarness(REDIS_URL)] : [])];

describe.each(harnesses)('$name cache', (harness) => {
  let reachable: Promise<void> | undefined;
  beforeEach(() => {
    reachable ??= harness.ready();
    return reachable;
  });
  afterEach(() => harness.cleanup());
  afterAll(() => harness.dispose());

  it('returns null for a key that was never set', async () => {
    const [cache] = harness.peers(1);
    expect(await cache!.get('missing')).toBeNull();
  });

  it('returns what was set, and the latest value after an overwrite', async () => {
    const [cache] = harness.peers(1);
    await cache!.set('greeting', 'hello');
    expect(await cache!.get('greeting')).toBe('hello');
    await cache!.set('greeting', '{"json":true}');
    expect(await cache!.get('greeting')).toBe('{"json":true}');
  });

  it('shares values between nodes', async () => {
    const [a, b] = harness.peers(2);
    await a!.set('shared', 'from a');
    expect(await b!.get('shared')).toBe('from a');
  });

  it('forgets a value once its TTL has passed', async () => {
    const [cache] = harness.peers(1);
    await cache!.set('short', 'v', 100);
    await cache!.set('long', 'v', 10_000);
    expect(await cache!.get('short')).toBe('v');
    await harness.advance(150);
    expect(await cache!.get('short')).toBeNull();
    expect(await cache!.get('long')).toBe('v');
  });

  it('clears the TTL when a key is overwritten without one', async () => {
    const [cache] = harness.peers(1);
    await cache!.set('k', 'first', 100);
    await cache!.set('k', 'second');
    await harness.advance(150);
    expect(await cache!.get('k')).toBe('second');
  });

  it('deletes a key, and deleting a missing key succeeds', async () => {
    const [cache] = harness.peers(1);
    await cache!.set('k', 'v');
    await cache!.delete('k');
    expect(await cache!.get('k')).toBeNull();
    await expect(cache!.delete('never-set')).resolves.toBeUndefined();
  });

  it('sets only when the key is absent and keeps the existing value otherwise', async () => {
    const [cache] = harness.peers(1);
    expect(await cache!.setIfAbsent('lock', 'owner-1')).toBe(true);
    expect(await cache!.setIfAbsent('lock', 'owner-2')).toBe(false);
    expect(await cache!.get('lock')).toBe('owner-1');
  });

  it('lets setIfAbsent succeed again once the held key has expired', async () => {
    const [cache] = harness.peers(1);
    expect(await cache!.setIfAbsent('lock', 'owner-1', 100)).toBe(true);
    await harness.advance(150);
    expect(await cache!.setIfAbsent('lock', 'owner-2', 100)).toBe(true);
    expect(await cache!.get('lock')).toBe('owner-2');
  });

  it('grants a contested setIfAbsent to exactly one of many concurrent callers', async () => {
    const peers = harness.peers(4);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        peers[i % peers.length]!.setIfAbsent('leader', `node-${i}`, 10_000),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await peers[0]!.get('leader')).toBe(`node-${winner}`);
  });

  it('creates a counter at 0 and increments by the given step, 1 by default', async () => {
    const [cache] = harness.peers(1);
    expect(await cache!.increment('n')).toBe(1);
    expect(await cache!.increment('n', 5)).toBe(6);
    expect(await cache!.increment('n', -10)).toBe(-4);
    expect(await cache!.increment('m', 7)).toBe(7);
    expect(await cache!.get('n')).toBe('-4');
  });

  it('increments atomically under 200 concurrent calls from several nodes', async () => {
    const peers = harness.peers(4);
    const values = await Promise.all(
      Array.from({ length: 200 }, (_, i) => peers[i % peers.length]!.increment('hits')),
    );
    expect([...values].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(await peers[0]!.get('hits')).toBe('200');
  });

  it('sets the counter TTL only when the counter is created', async () => {
    const [cache] = harness.peers(1);
    await cache!.increment('window', 1, 150);
    await harness.advance(100);
    // A later TTL must not extend the first one.
    expect(await cache!.increment('window', 1, 10_000)).toBe(2);
    await harness.advance(100);
    expect(await cache!.get('window')).toBeNull();
    expect(await cache!.increment('window', 1, 150)).toBe(1);
  });

  it('counts on from a value that was set as an integer string', async () => {
    const [cache] = harness.peers(1);
    await cache!.set('n', '41');
    expect(await cache!.increment('n')).toBe(42);
  });

  it('refuses to increment a value that is not an integer, leaving it unchanged', async () => {
    const [cache] = harness.peers(1);
    await cache!.set('name', 'alice');
    await expect(cache!.increment('name')).rejects.toThrow(/not an integer/);
    await cache!.set('float', '1.5');
    await expect(cache!.increment('float')).rejects.toThrow(/not an integer/);
    expect(await cache!.get('name')).toBe('alice');
  });

  it('rejects a TTL that is not a positive number of ms and a step that is not an integer', async () => {
    const [cache] = harness.peers(1);
    await expect(cache!.set('k', 'v', 0)).rejects.toThrow(RangeError);
    await expect(cache!.setIfAbsent('k', 'v', -5)).rejects.toThrow(RangeError);
    await expect(cache!.increment('k', 1, Number.NaN)).rejects.toThrow(RangeError);
    await expect(cache!.increment('k', 0.5)).rejects.toThrow(RangeError);
    expect(await cache!.get('k')).toBeNull();
  });

  it('answers ping while open and rejects operations after close', async () => {
    const cache = harness.fromFactory();
    await expect(cache.ping()).resolves.toBeUndefined();
    await cache.set('k', 'v');
    expect(await cache.get('k')).toBe('v');
    await cache.close();
    await expect(cache.ping()).rejects.toThrow();
    await expect(cache.get('k')).rejects.toThrow();
  });
});

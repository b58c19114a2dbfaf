import { describe, expect, it } from 'vitest';
import { MemoryCache } from './cache.memory.ts';

describe('MemoryCache', () => {
  it('evicts the least recently written key when full', async () => {
    const cache = new MemoryCache({ maxEntries: 3 });
    await cache.set('a', '1');
    await cache.set('b', '2');
    await cache.set('c', '3');
    await cache.set('a', '1 again');
    await cache.set('d', '4');
    expect(cache.size).toBe(3);
    expect(await cache.get('b')).toBeNull();
    expect(await cache.get('a')).toBe('1 again');
    expect(await cache.get('c')).toBe('3');
    expect(await cache.get('d')).toBe('4');
    await cache.close();
  });

  it('sweeps expired entries that are never read again', async () => {
    let time = 0;
    const cache = new MemoryCache({ now: () => time });
    await cache.set('short', 'v', 100);
    await cache.set('forever', 'v');
    await cache.increment('counter', 1, 500);
    time = 200;
    cache.sweep();
    expect(cache.size).toBe(2);
    time = 600;
    cache.sweep();
    expect(cache.size).toBe(1);
    expect(await cache.get('forever')).toBe('v');
    await cache.close();
  });

  it('runs the sweep on its timer', async () => {
    let time = 0;
    const cache = new MemoryCache({ now: () => time, sweepIntervalMs: 10 });
    await cache.set('short', 'v', 5);
    time = 10;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(cache.size).toBe(0);
    await cache.close();
  });

  it('rejects a non-positive entry bound', () => {
    expect(() => new MemoryCache({ maxEntries: 0 })).toThrow(RangeError);
  });
});

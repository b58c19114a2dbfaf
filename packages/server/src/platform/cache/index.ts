import type { Redis } from 'ioredis';
import { MemoryCache } from './cache.memory.ts';
import type { Cache } from './cache.port.ts';
import { RedisCache } from './cache.redis.ts';

export { MemoryCache, type MemoryCacheOptions } from './cache.memory.ts';
export type { Cache } from './cache.port.ts';
export { RedisCache, type RedisCacheOptions } from './cache.redis.ts';

/** Options for `createCache`. */
export interface CreateCacheOptions {
  /** Redis to connect to; the cache owns and closes this connection. */
  redisUrl?: string;
  /** Existing client to share; left open on close. */
  redis?: Redis;
  /** Key prefix on Redis. Defaults to `pnptv:`. */
  keyPrefix?: string;
  /** Entry bound of the in-memory cache. Defaults to 100_000. */
  maxEntries?: number;
  /** Clock of the in-memory cache, epoch ms. */
  now?: () => number;
}

/** A Redis cache when `redis` or `redisUrl` is given, otherwise an in-memory one (single process). */
export function createCache(options: CreateCacheOptions = {}): Cache {
  const { redis, redisUrl, keyPrefix, maxEntries, now } = options;
  if (redis || redisUrl) return new RedisCache({ redis, url: redisUrl, keyPrefix });
  return new MemoryCache({ maxEntries, now });
}
export { ParseMemo } from './parse-memo.ts';

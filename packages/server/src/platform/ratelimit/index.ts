import type { Redis } from 'ioredis';
import { MemoryRateLimiter } from './ratelimit.memory.ts';
import type { RateLimiter } from './ratelimit.port.ts';
import { RedisRateLimiter } from './ratelimit.redis.ts';

export { MemoryRateLimiter, type MemoryRateLimiterOptions } from './ratelimit.memory.ts';
export type { RateLimiter, RateLimitResult } from './ratelimit.port.ts';
export { RedisRateLimiter, type RedisRateLimiterOptions } from './ratelimit.redis.ts';
export { slidingWindow } from './ratelimit.window.ts';

/** Options for `createRateLimiter`. */
export interface CreateRateLimiterOptions {
  /** Redis to connect to; the limiter owns and closes this connection. */
  redisUrl?: string;
  /** Existing client to share; left open on close. */
  redis?: Redis;
  /** Key prefix on Redis. Defaults to `pnptv:`. */
  keyPrefix?: string;
  /** Key bound of the in-memory limiter. Defaults to 100_000. */
  maxKeys?: number;
  /** Clock of the in-memory limiter, epoch ms. */
  now?: () => number;
}

/** A Redis limiter when `redis` or `redisUrl` is given (shared by all nodes), otherwise an in-memory one. */
export function createRateLimiter(options: CreateRateLimiterOptions = {}): RateLimiter {
  const { redis, redisUrl, keyPrefix, maxKeys, now } = options;
  if (redis || redisUrl) return new RedisRateLimiter({ redis, url: redisUrl, keyPrefix });
  return new MemoryRateLimiter({ maxKeys, now });
}

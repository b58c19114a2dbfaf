import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { openRedis } from '../redis-client.ts';
import type { RateLimiter, RateLimitResult } from './ratelimit.port.ts';
import { assertLimitArgs } from './ratelimit.window.ts';

/**
 * The sliding-window log of `slidingWindow` (ratelimit.window.ts) as one atomic script over a sorted
 * set of hit times, so concurrent hits from any number of nodes never exceed the limit. Time comes
 * from the Redis server (TIME, in ms with a µs fraction), so the nodes' clocks need not agree.
 * KEYS[1] = log key; ARGV = limit, windowMs, unique member for this hit, '1' to consume or '0' to peek.
 * Returns { allowed (1/0), remaining, retryAfterMs }.
 */
const WINDOW_SCRIPT = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then allowed = 1 end
if ARGV[4] == '1' and allowed == 1 then
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, math.ceil(window))
  count = count + 1
end
local remaining = limit - count
if remaining < 0 then remaining = 0 end
local retry = 0
if remaining == 0 then
  local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  retry = math.ceil(tonumber(freeing[2]) + window - now)
  if retry < 0 then retry = 0 end
end
return { allowed, remaining, retry }
`;
const WINDOW_SHA = createHash('sha1').update(WINDOW_SCRIPT).digest('hex');

/**
 * Options for `RedisRateLimiter`. Give either `redis` (shared, left open on close) or `url` (owned, closed on
 * close).
 */
export interface RedisRateLimiterOptions {
  redis?: Redis;
  url?: string;
  /** Prepended to every key so several deployments can share one Redis. Defaults to `pnptv:`. */
  keyPrefix?: string;
}

/**
 * Sliding-window limiter shared by all nodes; each key is a sorted set under `<keyPrefix>rl:` that expires
 * with its window.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  readonly #owns: boolean;
  readonly #prefix: string;
  #closed = false;
  /** Makes sorted-set members unique across nodes even when two hits share a microsecond. */
  readonly #memberPrefix = randomUUID();
  #sequence = 0;

  constructor(options: RedisRateLimiterOptions) {
    if (!options.redis && !options.url) throw new Error('RedisRateLimiter needs a redis client or a url');
    this.#owns = !options.redis;
    this.#redis = options.redis ?? openRedis(options.url as string);
    this.#prefix = `${options.keyPrefix ?? 'pnptv:'}rl:`;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    return this.#run(key, limit, windowMs, true);
  }

  async peek(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    return this.#run(key, limit, windowMs, false);
  }

  async reset(key: string): Promise<void> {
    await this.#redis.del(this.#prefix + key);
  }

  async close(): Promise<void> {
    // Idempotent: a second QUIT on a socket that is already closing fails with EPIPE.
    if (this.#closed || !this.#owns || this.#redis.status === 'end') return;
    this.#closed = true;
    if (this.#redis.status === 'ready') await this.#redis.quit().catch(() => this.#redis.disconnect());
    else this.#redis.disconnect();
  }

  async #run(key: string, limit: number, windowMs: number, consume: boolean): Promise<RateLimitResult> {
    assertLimitArgs(limit, windowMs);
    const member = `${this.#memberPrefix}:${this.#sequence++}`;
    const args = [1, this.#prefix + key, limit, windowMs, member, consume ? '1' : '0'] as const;
    let reply: unknown;
    try {
      reply = await this.#redis.evalsha(WINDOW_SHA, ...args);
    } catch (error) {
      // The script cache is empty after a Redis restart or on a fresh server: send the source once.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      reply = await this.#redis.eval(WINDOW_SCRIPT, ...args);
    }
    const [allowed, remaining, retryAfterMs] = reply as [number, number, number];
    return { allowed: allowed === 1, remaining, retryAfterMs };
  }
}

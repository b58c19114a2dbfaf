import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { openRedis } from '../redis-client.ts';
import type { Cache } from './cache.port.ts';
import { assertIncrementStep, normaliseTtl } from './cache.rules.ts';

/**
 * INCRBY plus a PEXPIRE only when the key did not exist, in one script so no other client can
 * create the key in between. KEYS[1] = key; ARGV[1] = step; ARGV[2] = TTL in ms, or 0 for none.
 */
const INCREMENT_SCRIPT = `
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if created and ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return value
`;
const INCREMENT_SHA = createHash('sha1').update(INCREMENT_SCRIPT).digest('hex');

/**
 * Options for `RedisCache`. Give either `redis` (shared, left open on close) or `url` (owned, closed on
 * close).
 */
export interface RedisCacheOptions {
  redis?: Redis;
  url?: string;
  /** Prepended to every key so several deployments can share one Redis. Defaults to `pnptv:`. */
  keyPrefix?: string;
}

/** Cache on Redis strings; keys live under `<keyPrefix>cache:`. */
export class RedisCache implements Cache {
  readonly #redis: Redis;
  readonly #owns: boolean;
  readonly #prefix: string;
  #closed = false;

  constructor(options: RedisCacheOptions) {
    if (!options.redis && !options.url) throw new Error('RedisCache needs a redis client or a url');
    this.#owns = !options.redis;
    this.#redis = options.redis ?? openRedis(options.url as string);
    this.#prefix = `${options.keyPrefix ?? 'pnptv:'}cache:`;
  }

  async get(key: string): Promise<string | null> {
    return this.#redis.get(this.#prefix + key);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const ttl = normaliseTtl(ttlMs);
    if (ttl === undefined) await this.#redis.set(this.#prefix + key, value);
    else await this.#redis.set(this.#prefix + key, value, 'PX', ttl);
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    const ttl = normaliseTtl(ttlMs);
    const reply =
      ttl === undefined
        ? await this.#redis.set(this.#prefix + key, value, 'NX')
        : await this.#redis.set(this.#prefix + key, value, 'PX', ttl, 'NX');
    return reply === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.#redis.del(this.#prefix + key);
  }

  async increment(key: string, by = 1, ttlMs?: number): Promise<number> {
    assertIncrementStep(by);
    const args = [1, this.#prefix + key, by, normaliseTtl(ttlMs) ?? 0] as const;
    try {
      return Number(await this.#redis.evalsha(INCREMENT_SHA, ...args));
    } catch (error) {
      // The script cache is empty after a Redis restart or on a fresh server: send the source once.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return Number(await this.#redis.eval(INCREMENT_SCRIPT, ...args));
    }
  }

  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  async close(): Promise<void> {
    // Idempotent: a second QUIT on a socket that is already closing fails with EPIPE.
    if (this.#closed || !this.#owns || this.#redis.status === 'end') return;
    this.#closed = true;
    if (this.#redis.status === 'ready') await this.#redis.quit().catch(() => this.#redis.disconnect());
    else this.#redis.disconnect();
  }
}

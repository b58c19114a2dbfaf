import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';

const load = createRequire(import.meta.url);

/**
 * Opens an ioredis client. The library is loaded on first use, so a server without REDIS_URL
 * (the embedded default) never carries it.
 */
export function openRedis(url: string, options: RedisOptions = {}): Redis {
  const { Redis: Client } = load('ioredis') as typeof import('ioredis');
  return new Client(url, options);
}

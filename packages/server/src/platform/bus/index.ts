import type { Redis } from 'ioredis';
import { MemoryBus, type MemoryBusHub } from './bus.memory.ts';
import type { Bus, BusErrorHandler } from './bus.port.ts';
import { RedisBus } from './bus.redis.ts';

export { MemoryBus, MemoryBusHub, type MemoryBusOptions } from './bus.memory.ts';
export type { Bus, BusErrorHandler, BusHandler, BusMeta } from './bus.port.ts';
export { RedisBus, type RedisBusOptions } from './bus.redis.ts';

/** Options for `createBus`. */
export interface CreateBusOptions {
  nodeId: string;
  /** Redis to connect to; the bus owns and closes this connection. */
  redisUrl?: string;
  /** Existing client to share; the bus duplicates it for subscribing and leaves it open on close. */
  redis?: Redis;
  /** Channel prefix on Redis. Defaults to `pnptv:`. */
  keyPrefix?: string;
  /** Hub for the in-memory bus, to simulate several nodes in one process. */
  hub?: MemoryBusHub;
  onError?: BusErrorHandler;
}

/** A Redis bus when `redis` or `redisUrl` is given, otherwise an in-memory one (single process). */
export function createBus(options: CreateBusOptions): Bus {
  const { nodeId, redis, redisUrl, keyPrefix, hub, onError } = options;
  if (redis || redisUrl) return new RedisBus({ nodeId, redis, url: redisUrl, keyPrefix, onError });
  return new MemoryBus({ nodeId, hub, onError });
}
export { type BusEvent, EVENTS_TOPIC, publishEvent } from './events.ts';

import type { Redis } from 'ioredis';
import { openRedis } from '../redis-client.ts';
import { decodeEnvelope, encodeEnvelope, invokeHandler, warnOnHandlerError } from './bus.envelope.ts';
import type { Bus, BusErrorHandler, BusHandler } from './bus.port.ts';

/**
 * Options for `RedisBus`. Give either `redis` (shared, left open on close) or `url` (owned, closed on close).
 */
export interface RedisBusOptions {
  nodeId: string;
  redis?: Redis;
  url?: string;
  /** Prepended to every channel name so several deployments can share one Redis. Defaults to `pnptv:`. */
  keyPrefix?: string;
  onError?: BusErrorHandler;
  /** How long `ping` waits for a reply before rejecting, in ms. Defaults to 2000. */
  pingTimeoutMs?: number;
}

interface TopicState {
  handlers: Set<BusHandler>;
  /** The SUBSCRIBE command for this topic; resolved once messages on it are being received. */
  subscribed: Promise<unknown>;
}

/**
 * Bus over Redis pub/sub. Publishing uses the given connection; subscribing needs a connection of its
 * own (Redis puts a subscribed connection in a mode that refuses other commands), made with `duplicate()`.
 */
export class RedisBus implements Bus {
  readonly nodeId: string;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #ownsPub: boolean;
  readonly #channelPrefix: string;
  readonly #onError: BusErrorHandler;
  readonly #pingTimeoutMs: number;
  readonly #topics = new Map<string, TopicState>();
  #closed = false;

  constructor(options: RedisBusOptions) {
    if (!options.redis && !options.url) throw new Error('RedisBus needs a redis client or a url');
    this.nodeId = options.nodeId;
    this.#ownsPub = !options.redis;
    this.#pub = options.redis ?? openRedis(options.url as string);
    this.#sub = this.#pub.duplicate();
    this.#channelPrefix = `${options.keyPrefix ?? 'pnptv:'}bus:`;
    this.#onError = options.onError ?? warnOnHandlerError;
    this.#pingTimeoutMs = options.pingTimeoutMs ?? 2000;
    this.#sub.on('message', (channel: string, payload: string) => this.#dispatch(channel, payload));
  }

  async publish(topic: string, message: unknown): Promise<void> {
    await this.#pub.publish(this.#channelPrefix + topic, encodeEnvelope(this.nodeId, message));
  }

  async subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>> {
    // The topic entry is created before awaiting so the first-subscriber check and the SUBSCRIBE /
    // UNSUBSCRIBE commands stay in call order on the single subscriber connection; later subscribers
    // of the same topic wait for the same SUBSCRIBE so none resolves before messages can arrive.
    let state = this.#topics.get(topic);
    if (!state) {
      const fresh: TopicState = {
        handlers: new Set(),
        subscribed: this.#sub.subscribe(this.#channelPrefix + topic),
      };
      this.#topics.set(topic, fresh);
      fresh.subscribed.catch(() => {
        if (this.#topics.get(topic) === fresh) this.#topics.delete(topic);
      });
      state = fresh;
    }
    // A wrapper gives each subscription its own identity even when one function is subscribed twice.
    const entry: BusHandler = (message, meta) => handler(message, meta);
    state.handlers.add(entry);
    await state.subscribed;
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      const current = this.#topics.get(topic);
      if (!current?.handlers.delete(entry) || current.handlers.size > 0) return;
      this.#topics.delete(topic);
      if (this.#sub.status !== 'end') await this.#sub.unsubscribe(this.#channelPrefix + topic);
    };
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('redis bus ping timed out')), this.#pingTimeoutMs);
    });
    try {
      await Promise.race([Promise.all([this.#pub.ping(), this.#sub.ping()]), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    // Idempotent: a second QUIT on a socket that is already closing fails with EPIPE.
    if (this.#closed) return;
    this.#closed = true;
    this.#topics.clear();
    await closeConnection(this.#sub);
    if (this.#ownsPub) await closeConnection(this.#pub);
  }

  #dispatch(channel: string, payload: string): void {
    if (!channel.startsWith(this.#channelPrefix)) return;
    const topic = channel.slice(this.#channelPrefix.length);
    const handlers = this.#topics.get(topic)?.handlers;
    if (!handlers) return;
    let envelope: ReturnType<typeof decodeEnvelope>;
    try {
      envelope = decodeEnvelope(payload);
    } catch (error) {
      this.#onError(error, { topic, fromNode: 'unknown' });
      return;
    }
    const meta = { topic, fromNode: envelope.n };
    for (const handler of [...handlers]) invokeHandler(handler, envelope.m, meta, this.#onError);
  }
}

/**
 * Quits gracefully when connected; a connection that is still (re)connecting is dropped instead of waiting.
 */
async function closeConnection(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
  } else {
    redis.disconnect();
  }
}

import type { RateLimiter, RateLimitResult } from './ratelimit.port.ts';
import { assertLimitArgs, slidingWindow } from './ratelimit.window.ts';

interface KeyState {
  /** Accepted hit times, epoch ms, oldest first; never longer than the largest limit used on the key. */
  log: number[];
  /** Epoch ms after which every logged hit has left the window, so the key can be dropped. */
  expiresAt: number;
}

/** Options for `MemoryRateLimiter`. */
export interface MemoryRateLimiterOptions {
  /** Most keys tracked; beyond it the least recently hit key is forgotten. Defaults to 100_000. */
  maxKeys?: number;
  /** Time source in epoch ms, injectable so tests can move time. Defaults to `Date.now`. */
  now?: () => number;
  /** How often keys whose window has passed are swept, in ms. Defaults to 60_000. */
  sweepIntervalMs?: number;
}

/**
 * Single-process sliding-window limiter. Memory is bounded by `maxKeys` keys of at most `limit` timestamps
 * each.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #keys = new Map<string, KeyState>();
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #sweepTimer: NodeJS.Timeout;
  #closed = false;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.#maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isSafeInteger(this.#maxKeys) || this.#maxKeys < 1) {
      throw new RangeError('maxKeys must be a positive integer');
    }
    this.#now = options.now ?? Date.now;
    this.#sweepTimer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000);
    // The sweep only frees memory; it must not keep the process alive.
    this.#sweepTimer.unref();
  }

  /** Number of keys tracked. */
  get size(): number {
    return this.#keys.size;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    return this.#check(key, limit, windowMs, true);
  }

  async peek(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    return this.#check(key, limit, windowMs, false);
  }

  async reset(key: string): Promise<void> {
    this.#assertOpen();
    this.#keys.delete(key);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweepTimer);
    this.#keys.clear();
  }

  /** Forgets every key whose window has passed; runs on the sweep timer. */
  sweep(): void {
    const now = this.#now();
    for (const [key, state] of this.#keys) {
      if (state.expiresAt <= now) this.#keys.delete(key);
    }
  }

  #check(key: string, limit: number, windowMs: number, consume: boolean): RateLimitResult {
    this.#assertOpen();
    assertLimitArgs(limit, windowMs);
    const now = this.#now();
    const { result, log } = slidingWindow(this.#keys.get(key)?.log ?? [], now, limit, windowMs, consume);
    if (!consume) return result;
    // Re-inserting moves the key to the end of the Map, so the first key is the least recently hit.
    this.#keys.delete(key);
    const newest = log[log.length - 1];
    if (newest === undefined) return result;
    this.#keys.set(key, { log, expiresAt: newest + windowMs });
    while (this.#keys.size > this.#maxKeys) this.#keys.delete(this.#keys.keys().next().value as string);
    return result;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('rate limiter is closed');
  }
}

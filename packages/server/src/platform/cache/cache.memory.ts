import type { Cache } from './cache.port.ts';
import { assertIncrementStep, normaliseTtl, parseCounter } from './cache.rules.ts';

interface Entry {
  value: string;
  /** Epoch ms after which the entry is gone; `Infinity` for no expiry. */
  expiresAt: number;
}

/** Options for `MemoryCache`. */
export interface MemoryCacheOptions {
  /**
   * Most entries kept; writing a new key beyond it evicts the least recently written. Defaults to 100_000.
   */
  maxEntries?: number;
  /** Time source in epoch ms, injectable so tests can move time. Defaults to `Date.now`. */
  now?: () => number;
  /** How often expired entries are swept, in ms. Defaults to 60_000. Reads also drop expired entries. */
  sweepIntervalMs?: number;
}

/** Single-process cache: a Map in write order, so the first key is always the eviction candidate. */
export class MemoryCache implements Cache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #sweepTimer: NodeJS.Timeout;
  #closed = false;

  constructor(options: MemoryCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isSafeInteger(this.#maxEntries) || this.#maxEntries < 1) {
      throw new RangeError('maxEntries must be a positive integer');
    }
    this.#now = options.now ?? Date.now;
    this.#sweepTimer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000);
    // The sweep only frees memory; it must not keep the process alive.
    this.#sweepTimer.unref();
  }

  /** Number of entries held, expired ones included until they are read or swept. */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<string | null> {
    return this.#live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.#write(key, value, normaliseTtl(ttlMs));
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    const ttl = normaliseTtl(ttlMs);
    if (this.#live(key)) return false;
    this.#write(key, value, ttl);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.#assertOpen();
    this.#entries.delete(key);
  }

  async increment(key: string, by = 1, ttlMs?: number): Promise<number> {
    assertIncrementStep(by);
    const ttl = normaliseTtl(ttlMs);
    const entry = this.#live(key);
    if (!entry) {
      this.#write(key, String(by), ttl);
      return by;
    }
    const next = parseCounter(entry.value) + by;
    if (!Number.isSafeInteger(next)) throw new Error('ERR increment or decrement would overflow');
    // Updated in place: the TTL stays the one set at creation and the key keeps its eviction position.
    entry.value = String(next);
    return next;
  }

  async ping(): Promise<void> {
    this.#assertOpen();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweepTimer);
    this.#entries.clear();
  }

  /** Drops every expired entry now; runs on the sweep timer. */
  sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
    }
  }

  #live(key: string): Entry | undefined {
    this.#assertOpen();
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #write(key: string, value: string, ttlMs: number | undefined): void {
    this.#assertOpen();
    // Deleting first moves the key to the end of the Map, i.e. makes it the newest write.
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: ttlMs === undefined ? Infinity : this.#now() + ttlMs });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('cache is closed');
  }
}

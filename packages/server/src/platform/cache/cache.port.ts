/** Key/value cache with TTLs in milliseconds. Values are strings (callers JSON-encode). */
export interface Cache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only if absent; returns true if it set. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Atomically increments an integer counter (creating it at 0), setting ttlMs only when it is created. Returns the new value. */
  increment(key: string, by?: number, ttlMs?: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Outcome of one rate-limit check. */
export interface RateLimitResult {
  allowed: boolean;
  /** Hits still accepted now: after this one for `hit`, before any for `peek`. */
  remaining: number;
  /** ms until the window frees a slot */
  retryAfterMs: number;
}

/**
 * Sliding-window (or GCRA) limiter: at most `limit` hits per `windowMs` per key.
 * A key should name its rule too (e.g. `login:ip:1.2.3.4`): hits on one key are counted together
 * whatever limit is passed.
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  /** Looks without consuming. */
  peek(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

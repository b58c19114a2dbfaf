import type { RateLimitResult } from './ratelimit.port.ts';

/** Outcome of `slidingWindow`: the result plus the log to keep for the key. */
export interface WindowOutcome {
  result: RateLimitResult;
  /** Hit times still inside the window, oldest first, including the new hit when one was recorded. */
  log: number[];
}

/** Checks limiter arguments: `limit` a positive integer, `windowMs` a positive finite number of ms. */
export function assertLimitArgs(limit: number, windowMs: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`rate limit must be a positive integer, got ${limit}`);
  }
  if (!Number.isFinite(windowMs) || windowMs <= 0) {
    throw new RangeError(`rate limit window must be a positive number of ms, got ${windowMs}`);
  }
}

/**
 * Sliding-window log. `log` holds earlier accepted hit times (epoch ms, oldest first). A hit at time t
 * counts until t + windowMs, exclusive, so no span of `windowMs` ever holds more than `limit` accepted
 * hits. Refused hits are not logged, so a client that keeps hammering is let in again as soon as the
 * window frees a slot. With `consume` false nothing is recorded (a peek).
 *
 * `remaining` is the number of hits that would still be accepted now (after this one, for a hit);
 * `retryAfterMs` is 0 while `remaining` > 0, otherwise the wait until a logged hit leaves the window
 * and frees a slot.
 * The same rule is implemented in Lua for Redis; the two must stay in step.
 */
export function slidingWindow(
  log: readonly number[],
  now: number,
  limit: number,
  windowMs: number,
  consume: boolean,
): WindowOutcome {
  const cutoff = now - windowMs;
  let start = 0;
  while (start < log.length && (log[start] as number) <= cutoff) start++;
  const kept = log.slice(start);
  const allowed = kept.length < limit;
  if (consume && allowed) kept.push(now);
  const remaining = Math.max(limit - kept.length, 0);
  // A slot frees when enough old hits leave to bring the count below `limit` (more than one if the
  // limit was lowered since they were logged).
  const freeing = remaining > 0 ? undefined : kept[kept.length - limit];
  const retryAfterMs = freeing === undefined ? 0 : Math.max(Math.ceil(freeing + windowMs - now), 0);
  return { result: { allowed, remaining, retryAfterMs }, log: kept };
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertLimitArgs, slidingWindow } from './ratelimit.window.ts';

describe('slidingWindow', () => {
  it('accepts while fewer than `limit` hits are inside the window and logs the accepted hit', () => {
    const outcome = slidingWindow([100, 200], 250, 3, 1000, true);
    expect(outcome).toEqual({
      result: { allowed: true, remaining: 0, retryAfterMs: 850 },
      log: [100, 200, 250],
    });
  });

  it('refuses when full without logging the refused hit', () => {
    const outcome = slidingWindow([100, 200, 300], 400, 3, 1000, true);
    expect(outcome).toEqual({
      result: { allowed: false, remaining: 0, retryAfterMs: 700 },
      log: [100, 200, 300],
    });
  });

  it('drops hits that are windowMs old or older', () => {
    expect(slidingWindow([100, 200, 300], 1100, 3, 1000, true).log).toEqual([200, 300, 1100]);
    expect(slidingWindow([100, 200, 300], 1099, 3, 1000, true).result.allowed).toBe(false);
  });

  it('reports without logging when peeking', () => {
    const log = [100];
    expect(slidingWindow(log, 150, 2, 1000, false)).toEqual({
      result: { allowed: true, remaining: 1, retryAfterMs: 0 },
      log: [100],
    });
    expect(log).toEqual([100]);
  });

  it('waits for enough old hits to leave when the limit was lowered', () => {
    const outcome = slidingWindow([100, 200, 300, 400], 500, 2, 1000, true);
    // Three of four hits must leave before a slot is free under limit 2: the third leaves at 300 + 1000.
    expect(outcome.result).toEqual({ allowed: false, remaining: 0, retryAfterMs: 800 });
  });

  it('never lets more than `limit` accepted hits into any span of windowMs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 60 }),
        (limit, windowMs, gaps) => {
          let log: number[] = [];
          let now = 0;
          const accepted: number[] = [];
          for (const gap of gaps) {
            now += gap;
            const outcome = slidingWindow(log, now, limit, windowMs, true);
            log = outcome.log;
            if (outcome.result.allowed) accepted.push(now);
            expect(log.length).toBeLessThanOrEqual(limit);
          }
          for (const t of accepted) {
            expect(accepted.filter((u) => u > t - windowMs && u <= t).length).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });

  it('accepts a hit exactly when retryAfterMs of the previous refusal has passed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 6, max: 1000 }), (limit, windowMs) => {
        // Hits land at 0..limit-1 and windowMs > limit, so all of them are still inside the window at
        // `limit`.
        let log: number[] = [];
        for (let i = 0; i < limit; i++) log = slidingWindow(log, i, limit, windowMs, true).log;
        const refused = slidingWindow(log, limit, limit, windowMs, true).result;
        expect(refused.allowed).toBe(false);
        const at = limit + refused.retryAfterMs;
        expect(slidingWindow(log, at - 1, limit, windowMs, false).result.allowed).toBe(false);
        expect(slidingWindow(log, at, limit, windowMs, false).result.allowed).toBe(true);
      }),
    );
  });
});

describe('assertLimitArgs', () => {
  it('accepts positive integer limits and positive finite windows only', () => {
    expect(() => assertLimitArgs(1, 0.5)).not.toThrow();
    for (const [limit, windowMs] of [
      [0, 1000],
      [-1, 1000],
      [2.5, 1000],
      [1, 0],
      [1, -5],
      [1, Number.NaN],
    ] as const) {
      expect(() => assertLimitArgs(limit, windowMs)).toThrow(RangeError);
    }
  });
});

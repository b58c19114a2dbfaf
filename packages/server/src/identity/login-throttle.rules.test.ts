import { describe, expect, it } from 'vitest';
import { LOGIN_THROTTLE, loginDelayMs, retryAfterSeconds } from './login-throttle.rules.ts';

describe('login delays', () => {
  it('are free for the first failures, then double from one second up to the cap', () => {
    const delays = Array.from({ length: 14 }, (_, i) => loginDelayMs(i + 1, 3, 300_000, 1000));
    expect(delays).toEqual([
      0, 0, 0, 1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000,
    ]);
  });

  it('stay at the cap however many failures pile up', () => {
    expect(loginDelayMs(10_000, 3, 300_000, 1000)).toBe(300_000);
  });

  it('keep a shared proxy in mind: hundreds of failures an hour per address, not dozens', () => {
    expect(LOGIN_THROTTLE.perAddress).toBeGreaterThanOrEqual(200);
    expect(LOGIN_THROTTLE.addressWindowMs).toBe(3600_000);
  });

  it('announce whole seconds, at least one', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
  });
});

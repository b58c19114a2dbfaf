import { afterAll, describe, expect, it } from 'vitest';
import { createCache } from '../platform/cache/index.ts';
import { type AppError, RetryAfterError } from '../platform/errors.ts';
import { createRateLimiter } from '../platform/ratelimit/index.ts';
import { ManualClock } from './identity.fixtures.ts';
import { LOGIN_THROTTLE } from './login-throttle.rules.ts';
import { type LoginAttempt, LoginThrottle } from './login-throttle.ts';

const variants = [
  ['memory', undefined] as const,
  ...(process.env.REDIS_URL ? [['Redis', process.env.REDIS_URL] as const] : []),
];

describe.each(variants)('login throttle on %s', (_name, redisUrl) => {
  const clock = new ManualClock();
  const prefix = `test:${Date.now().toString(36)}${Math.random().toString(36).slice(2)}:`;
  const cache = createCache({ redisUrl, keyPrefix: prefix });
  const limiter = createRateLimiter({ redisUrl, keyPrefix: prefix });
  const throttle = new LoginThrottle({ cache, limiter, clock });
  afterAll(async () => {
    await cache.close();
    await limiter.close();
  });

  const refusal = async (attempt: LoginAttempt): Promise<AppError | null> =>
    throttle.check(attempt).then(
      () => null,
      (error: unknown) => error as AppError,
    );

  it('stops an address after its ceiling of failures across accounts, but not a known device or another address', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < LOGIN_THROTTLE.perAddress; i++) {
      const attempt = { emailNormalized: `spray-${i}@example.com`, ip, knownDevice: null };
      expect(await refusal(attempt)).toBeNull();
      await throttle.failed(attempt);
    }
    const blocked = await refusal({ emailNormalized: 'owner@example.com', ip, knownDevice: null });
    expect(blocked).toBeInstanceOf(RetryAfterError);
    expect(blocked?.code).toBe('IDENTITY_LOGIN_THROTTLED');
    expect((blocked as RetryAfterError).retryAfterS).toBeGreaterThan(0);
    expect((blocked as RetryAfterError).retryAfterS).toBeLessThanOrEqual(3600);
    expect(await refusal({ emailNormalized: 'owner@example.com', ip, knownDevice: 'dev1' })).toBeNull();
    expect(
      await refusal({ emailNormalized: 'owner@example.com', ip: '203.0.113.8', knownDevice: null }),
    ).toBeNull();
  });

  it('lets the owner through from a known device or their own address while the account is under attack', async () => {
    const emailNormalized = `victim-${Date.now()}@example.com`;
    await throttle.succeeded({ emailNormalized, ip: '198.51.100.1', knownDevice: null });
    for (let i = 0; i < 40; i++) {
      await throttle.failed({ emailNormalized, ip: `192.0.2.${i + 1}`, knownDevice: null });
    }
    const stranger = await refusal({ emailNormalized, ip: '192.0.2.200', knownDevice: null });
    expect(stranger?.code).toBe('IDENTITY_LOGIN_THROTTLED');
    expect(await refusal({ emailNormalized, ip: '198.51.100.1', knownDevice: null })).toBeNull();
    expect(await refusal({ emailNormalized, ip: '192.0.2.201', knownDevice: 'owner-laptop' })).toBeNull();
  });
});

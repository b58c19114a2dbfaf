import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { signUp } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { ManualClock } from './identity.fixtures.ts';

function cookieNamed(res: { headers: Record<string, unknown> }, name: string): string {
  const header = res.headers['set-cookie'];
  const all = (Array.isArray(header) ? header : [header]).map(String);
  return all.find((h) => h.startsWith(`${name}=`)) ?? '';
}

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'login throttling on %s',
  (_name, factory) => {
    let ctx: TestContext;
    const clock = new ManualClock();
    beforeAll(async () => {
      ctx = await createTestContext(factory, { clock });
    });
    afterAll(async () => {
      await ctx?.close();
    });

    const login = (email: string, password: string, ip: string, device?: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password },
        remoteAddress: ip,
        headers: device ? { cookie: device.split(';')[0]! } : {},
      });

    it('hands out a signed, HttpOnly, year-long device cookie scoped to the sign-in routes', async () => {
      const user = await signUp(ctx.app);
      const res = await login(user.email, user.password, '10.20.0.1');
      expect(res.statusCode).toBe(200);
      const device = cookieNamed(res, 'pnptv_device');
      expect(device).toMatch(/^pnptv_device=[A-Za-z0-9_-]+\.usr_[0-9a-z]+\.[A-Za-z0-9_-]{43};/);
      expect(device).toContain('HttpOnly');
      expect(device).toContain('Path=/api/v1/auth');
      expect(device).toContain(`Max-Age=${365 * 24 * 3600}`);
    });

    it('slows one address down with doubling delays and says exactly when to retry', async () => {
      const user = await signUp(ctx.app);
      const ip = '10.21.0.1';
      for (let i = 0; i < 4; i++)
        expect((await login(user.email, 'wrong password', ip)).statusCode).toBe(401);
      for (const wait of [1, 2, 4]) {
        const blocked = await login(user.email, user.password, ip);
        expect(blocked.statusCode).toBe(429);
        expect(blocked.json()).toMatchObject({ code: 'IDENTITY_LOGIN_THROTTLED', retryAfterS: wait });
        expect(blocked.headers['retry-after']).toBe(String(wait));
        expect(blocked.headers['set-cookie']).toBeUndefined();
        clock.advance(wait * 1000 - 100);
        expect((await login(user.email, user.password, ip)).json().retryAfterS).toBe(1);
        clock.advance(100);
        if (wait < 4) expect((await login(user.email, 'wrong password', ip)).statusCode).toBe(401);
      }
      expect((await login(user.email, user.password, ip)).statusCode).toBe(200);
      expect((await login(user.email, 'wrong password', ip)).statusCode).toBe(401);
    });

    it('lets the owner in from their known device and their own address while another address hammers the account', async () => {
      const owner = await signUp(ctx.app);
      const home = '10.22.0.1';
      const first = await login(owner.email, owner.password, home);
      expect(first.statusCode).toBe(200);
      const device = cookieNamed(first, 'pnptv_device');
      // A lock-out attempt: many wrong passwords from one address, then from a spread of addresses.
      let refused = 0;
      for (let i = 0; i < 15; i++) {
        const res = await login(owner.email, `guess ${i}`, '10.23.0.1');
        if (res.statusCode === 429) refused++;
        else expect(res.statusCode).toBe(401);
      }
      expect(refused).toBeGreaterThan(0);
      // Past 10 failures from unknown places the account itself slows strangers down.
      for (let i = 0; i < 12; i++) {
        const res = await login(owner.email, `guess ${i}`, `10.24.0.${i + 1}`);
        expect([401, 429]).toContain(res.statusCode);
      }
      const stranger = await login(owner.email, owner.password, '10.25.0.1');
      expect(stranger.statusCode).toBe(429);
      expect(stranger.json().code).toBe('IDENTITY_LOGIN_THROTTLED');
      const fromDevice = await login(owner.email, owner.password, '10.26.0.1', device);
      expect(fromDevice.statusCode).toBe(200);
      const fromHome = await login(owner.email, owner.password, home);
      expect(fromHome.statusCode).toBe(200);
    });

    it('does not honour a device cookie for another account or with a forged signature', async () => {
      const [a, b] = [await signUp(ctx.app), await signUp(ctx.app)];
      const deviceOfA = cookieNamed(await login(a.email, a.password, '10.27.0.1'), 'pnptv_device');
      for (let i = 0; i < 12; i++) await login(b.email, `guess ${i}`, `10.28.0.${i + 1}`);
      const forged = deviceOfA.replace(/\.usr_[0-9a-z]+\./, `.${b.user.id}.`);
      for (const cookie of [deviceOfA, forged]) {
        const res = await login(b.email, b.password, '10.29.0.1', cookie);
        expect(res.statusCode).toBe(429);
      }
    });
  },
);

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, logIn, signUp, unverifiedMember } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { dbSnapshot, lastMailTo, mailedToken } from './identity.fixtures.ts';

/** The token with its last character changed, so it can never still match. */
function tamper(token: string): string {
  return `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
}

describe.each(testDatabases().map((f) => [f.name, f] as const))('recovery routes on %s', (_name, factory) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(factory);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'POST', url, payload: payload as object, headers });

  describe('email verification', () => {
    it('verifies with the mailed token once; a replay is refused and changes nothing', async () => {
      const user = await unverifiedMember(ctx);
      const token = await mailedToken(ctx.platform.db, user.email, '/verify-email');
      const ok = await post('/api/v1/auth/verify-email', { token });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().user).toMatchObject({ id: user.user.id, emailVerified: true });
      const session = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/auth/session',
        headers: { cookie: user.cookie },
      });
      expect(session.json().user.emailVerified).toBe(true);
      const before = await dbSnapshot(ctx.platform.db);
      const replay = await post('/api/v1/auth/verify-email', { token });
      expect(replay.statusCode).toBe(400);
      expect(replay.json().code).toBe('IDENTITY_TOKEN_INVALID');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it.each([['an unknown token', { token: 'A'.repeat(43) }]])(
      'refuses %s with 400 IDENTITY_TOKEN_INVALID',
      async (_label, payload) => {
        const before = await dbSnapshot(ctx.platform.db);
        const res = await post('/api/v1/auth/verify-email', payload);
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('IDENTITY_TOKEN_INVALID');
        expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
      },
    );

    it.each([
      ['an oversized token', { token: 't'.repeat(129) }],
      ['a numeric token', { token: 42 }],
      ['an extra field', { token: 'abc', userId: 'usr_1' }],
    ])('answers 400 VALIDATION_FAILED to %s', async (_label, payload) => {
      const res = await post('/api/v1/auth/verify-email', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    });

    it('resend mails a new link to a signed-in unverified user, and needs a session', async () => {
      const user = await unverifiedMember(ctx);
      const anonymous = await post('/api/v1/auth/verify-email/resend', undefined);
      expect(anonymous.statusCode).toBe(401);
      const jobsBefore = (await dbSnapshot(ctx.platform.db)).jobs as number;
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/verify-email/resend',
        headers: authHeaders(user),
      });
      expect(res.statusCode).toBe(204);
      expect((await dbSnapshot(ctx.platform.db)).jobs).toBe(jobsBefore + 1);
    });

    it('resend is rate limited per user', async () => {
      const user = await unverifiedMember(ctx);
      for (let i = 0; i < 5; i++) {
        expect(
          (
            await ctx.app.inject({
              method: 'POST',
              url: '/api/v1/auth/verify-email/resend',
              headers: authHeaders(user),
            })
          ).statusCode,
        ).toBe(204);
      }
      const before = await dbSnapshot(ctx.platform.db);
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/verify-email/resend',
        headers: authHeaders(user),
      });
      expect(res.statusCode).toBe(429);
      expect(res.json().code).toBe('IDENTITY_RATE_LIMITED');
      expect(res.headers['retry-after']).toBeDefined();
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });
  });

  describe('password reset', () => {
    it('answers 202 for known and unknown emails alike, mailing only a known one', async () => {
      const user = await signUp(ctx.app);
      const known = await post('/api/v1/auth/password-reset/request', { email: user.email });
      const unknown = await post('/api/v1/auth/password-reset/request', { email: 'ghost@example.com' });
      expect(known.statusCode).toBe(202);
      expect(unknown.statusCode).toBe(202);
      expect(known.body).toBe(unknown.body);
      const mail = await lastMailTo(ctx.platform.db, user.email);
      expect(mail?.text).toContain('http://localhost:8080/reset-password?token=');
      expect(await lastMailTo(ctx.platform.db, 'ghost@example.com')).toBeNull();
    });

    it('sets the new password, consumes the token, revokes every session and verifies the email', async () => {
      const user = await signUp(ctx.app);
      const other = await logIn(ctx.app, user.email, user.password);
      await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: other.cookie } });
      await post('/api/v1/auth/password-reset/request', { email: user.email });
      const token = await mailedToken(ctx.platform.db, user.email, '/reset-password');
      const res = await post('/api/v1/auth/password-reset/confirm', {
        token,
        password: 'brand new password',
      });
      expect(res.statusCode).toBe(204);
      for (const cookie of [user.cookie, other.cookie]) {
        const session = await ctx.app.inject({
          method: 'GET',
          url: '/api/v1/auth/session',
          headers: { cookie },
        });
        expect(session.json().user).toBeNull();
      }
      const old = await post('/api/v1/auth/login', { email: user.email, password: user.password });
      expect(old.statusCode).toBe(401);
      const fresh = await post('/api/v1/auth/login', { email: user.email, password: 'brand new password' });
      expect(fresh.statusCode).toBe(200);
      expect(fresh.json().user.emailVerified).toBe(true);
      const before = await dbSnapshot(ctx.platform.db);
      const replay = await post('/api/v1/auth/password-reset/confirm', { token, password: 'third password' });
      expect(replay.statusCode).toBe(400);
      expect(replay.json().code).toBe('IDENTITY_TOKEN_INVALID');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it('refuses a forged token and a too-short new password without consuming anything', async () => {
      const user = await signUp(ctx.app);
      await post('/api/v1/auth/password-reset/request', { email: user.email });
      const token = await mailedToken(ctx.platform.db, user.email, '/reset-password');
      const before = await dbSnapshot(ctx.platform.db);
      const forged = await post('/api/v1/auth/password-reset/confirm', {
        token: tamper(token),
        password: 'brand new password',
      });
      expect(forged.statusCode).toBe(400);
      expect(forged.json().code).toBe('IDENTITY_TOKEN_INVALID');
      const short = await post('/api/v1/auth/password-reset/confirm', { token, password: 'short' });
      expect(short.statusCode).toBe(400);
      expect(short.json().code).toBe('VALIDATION_FAILED');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it('does not accept a verification token as a reset token', async () => {
      const user = await unverifiedMember(ctx);
      const token = await mailedToken(ctx.platform.db, user.email, '/verify-email');
      const before = await dbSnapshot(ctx.platform.db);
      const res = await post('/api/v1/auth/password-reset/confirm', {
        token,
        password: 'brand new password',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('IDENTITY_TOKEN_INVALID');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it('stops mailing one address after 3 requests an hour but still answers 202', async () => {
      const user = await signUp(ctx.app);
      for (let i = 0; i < 3; i++)
        await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/auth/password-reset/request',
          payload: { email: user.email },
          remoteAddress: `10.4.0.${i}`,
        });
      const before = await dbSnapshot(ctx.platform.db);
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset/request',
        payload: { email: user.email },
        remoteAddress: '10.4.0.9',
      });
      expect(res.statusCode).toBe(202);
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it('answers 429 with retry-after to an address making too many requests', async () => {
      for (let i = 0; i < 20; i++) {
        const res = await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/auth/password-reset/request',
          payload: { email: `n${i}@example.com` },
          remoteAddress: '10.5.0.1',
        });
        expect(res.statusCode).toBe(202);
      }
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset/request',
        payload: { email: 'last@example.com' },
        remoteAddress: '10.5.0.1',
      });
      expect(res.statusCode).toBe(429);
      expect(res.json().code).toBe('IDENTITY_RATE_LIMITED');
      expect(res.headers['retry-after']).toBeDefined();
    });

    it.each([
      ['an unknown field', '/api/v1/auth/password-reset/request', { email: 'a@example.com', extra: 1 }],
      ['a wrong type', '/api/v1/auth/password-reset/request', { email: 5 }],
      [
        'an oversized password',
        '/api/v1/auth/password-reset/confirm',
        { token: 'abc', password: 'p'.repeat(257) },
      ],
    ])('answers 400 VALIDATION_FAILED to %s', async (_label, url, payload) => {
      const before = await dbSnapshot(ctx.platform.db);
      const res = await post(url, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });
  });
});

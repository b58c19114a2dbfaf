import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, logIn, signUp, unverifiedMember } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { dbSnapshot, ManualClock, mailedToken } from './identity.fixtures.ts';

const variants = testDatabases().flatMap((f) => [
  [`${f.name} with in-memory cache`, f, false] as const,
  ...(process.env.REDIS_URL ? [[`${f.name} with Redis`, f, true] as const] : []),
]);

describe.each(variants)('identity service on %s', (_name, factory, redis) => {
  let ctx: TestContext;
  const clock = new ManualClock();
  beforeAll(async () => {
    ctx = await createTestContext(factory, { clock, redis });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const tokenOf = (cookie: string) => cookie.slice('pnptv_session='.length);

  describe('authenticateSession', () => {
    it('returns the session principal for a cookie value', async () => {
      const member = await signUp(ctx.app);
      const principal = await ctx.services.identity.authenticateSession(tokenOf(member.cookie));
      expect(principal).toEqual({
        kind: 'session',
        appId: 'app_site',
        user: {
          id: member.user.id,
          appId: 'app_site',
          email: member.email,
          displayName: member.user.displayName,
          role: 'member',
          emailVerified: true,
        },
        sessionId: expect.stringMatching(/^[0-9a-f]{64}$/),
        csrfToken: member.csrfToken,
      });
    });

    it('stores only the SHA-256 of the cookie value', async () => {
      const member = await signUp(ctx.app);
      const rows = await ctx.platform.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', member.user.id)
        .execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.id).not.toContain(tokenOf(member.cookie));
      const principal = await ctx.services.identity.authenticateSession(tokenOf(member.cookie));
      expect(principal?.sessionId).toBe(rows[0]!.id);
    });

    it('serves a resolved session from the cache until something invalidates it', async () => {
      const member = await signUp(ctx.app);
      const token = tokenOf(member.cookie);
      expect(await ctx.services.identity.authenticateSession(token)).not.toBeNull();
      await ctx.platform.db
        .updateTable('users')
        .set({ display_name: 'Changed behind its back' })
        .where('id', '=', member.user.id)
        .execute();
      expect((await ctx.services.identity.authenticateSession(token))?.user.displayName).toBe(
        member.user.displayName,
      );
      await ctx.services.identity.ctx.sessions.forgetUser(member.user.id);
      expect((await ctx.services.identity.authenticateSession(token))?.user.displayName).toBe(
        'Changed behind its back',
      );
    });

    it('returns null once the session has expired, cached or not', async () => {
      const member = await signUp(ctx.app);
      const token = tokenOf(member.cookie);
      expect(await ctx.services.identity.authenticateSession(token)).not.toBeNull();
      clock.advance(ctx.platform.config.sessionTtlS * 1000 + 1);
      expect(await ctx.services.identity.authenticateSession(token)).toBeNull();
      await ctx.services.identity.ctx.sessions.forgetUser(member.user.id);
      expect(await ctx.services.identity.authenticateSession(token)).toBeNull();
    });

    it('writes last_seen_at at most once a minute', async () => {
      const member = await signUp(ctx.app);
      const token = tokenOf(member.cookie);
      const seen = async () =>
        (
          await ctx.platform.db
            .selectFrom('sessions')
            .select('last_seen_at')
            .where('user_id', '=', member.user.id)
            .executeTakeFirstOrThrow()
        ).last_seen_at.getTime();
      const created = await seen();
      const fresh = async () => {
        await ctx.services.identity.ctx.sessions.forgetUser(member.user.id);
        return ctx.services.identity.authenticateSession(token);
      };
      clock.advance(30_000);
      await fresh();
      expect(await seen()).toBe(created);
      clock.advance(31_000);
      await fresh();
      expect(await seen()).toBe(clock.ms);
    });

    it('returns null for malformed and unknown values without failing', async () => {
      for (const value of ['', 'short', 'x'.repeat(43), `${'A'.repeat(42)}!`, 'A'.repeat(4096)]) {
        expect(await ctx.services.identity.authenticateSession(value)).toBeNull();
      }
    });
  });

  describe('mail-link tokens expire', () => {
    it('refuses a verification token after 48 hours and changes nothing', async () => {
      const member = await unverifiedMember(ctx);
      const token = await mailedToken(ctx.platform.db, member.email, '/verify-email');
      clock.advance(48 * 3600_000 + 1000);
      const before = await dbSnapshot(ctx.platform.db);
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/verify-email',
        payload: { token },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('IDENTITY_TOKEN_INVALID');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it('accepts a verification token just inside 48 hours', async () => {
      const member = await unverifiedMember(ctx);
      const token = await mailedToken(ctx.platform.db, member.email, '/verify-email');
      clock.advance(47 * 3600_000);
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/verify-email',
        payload: { token },
      });
      expect(res.statusCode).toBe(200);
    });

    it('refuses a reset token after one hour and changes nothing', async () => {
      const member = await signUp(ctx.app);
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset/request',
        payload: { email: member.email },
        remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
      });
      const token = await mailedToken(ctx.platform.db, member.email, '/reset-password');
      clock.advance(3600_000 + 1000);
      const before = await dbSnapshot(ctx.platform.db);
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset/confirm',
        payload: { token, password: 'new password 1' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('IDENTITY_TOKEN_INVALID');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });
  });

  describe('createAdmin', () => {
    it('creates a verified admin who can sign in', async () => {
      const email = `boss-${Date.now()}@example.com`;
      const user = await ctx.services.identity.createAdmin({
        email,
        password: 'admin password',
        displayName: 'Boss',
      });
      expect(user).toMatchObject({ email, role: 'admin', emailVerified: true, displayName: 'Boss' });
      await expect(logIn(ctx.app, email, 'admin password')).resolves.toMatchObject({ user: { id: user.id } });
      const audit = await ctx.platform.db
        .selectFrom('audit_log')
        .select(['action', 'actor_type'])
        .where('target_id', '=', user.id)
        .execute();
      expect(audit).toContainEqual({ action: 'user.admin_create', actor_type: 'system' });
    });

    it('promotes an existing account, resets its password and signs out its sessions', async () => {
      const member = await signUp(ctx.app);
      const user = await ctx.services.identity.createAdmin({
        email: member.email.toUpperCase(),
        password: 'reset by operator',
        displayName: 'Ignored',
      });
      expect(user).toMatchObject({
        id: member.user.id,
        role: 'admin',
        emailVerified: true,
        displayName: member.user.displayName,
      });
      expect(await ctx.services.identity.authenticateSession(tokenOf(member.cookie))).toBeNull();
      await expect(logIn(ctx.app, member.email, member.password)).rejects.toThrow(/401/);
      await expect(logIn(ctx.app, member.email, 'reset by operator')).resolves.toBeTruthy();
      expect(await ctx.services.identity.firstRunHint()).toBeNull();
    });

    it('rejects an invalid email or short password', async () => {
      await expect(
        ctx.services.identity.createAdmin({ email: 'nope', password: 'long enough', displayName: 'X' }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(
        ctx.services.identity.createAdmin({ email: 'ok@example.com', password: 'short', displayName: 'X' }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });
  });

  it('role changes reach a cached session immediately', async () => {
    const admin = await ctx.services.identity.createAdmin({
      email: `a-${Date.now()}@example.com`,
      password: 'admin password',
      displayName: 'A',
    });
    const adminSession = await logIn(ctx.app, admin.email!, 'admin password');
    const member = await signUp(ctx.app);
    expect((await ctx.services.identity.authenticateSession(tokenOf(member.cookie)))?.user.role).toBe(
      'member',
    );
    await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${member.user.id}`,
      headers: authHeaders(adminSession),
      payload: { role: 'creator' },
    });
    expect((await ctx.services.identity.authenticateSession(tokenOf(member.cookie)))?.user.role).toBe(
      'creator',
    );
  });
});

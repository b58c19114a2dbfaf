import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { dbSnapshot, lastMailTo, mailedToken, tokenInMail } from './identity.fixtures.ts';

function cookieOf(res: { headers: Record<string, unknown> }): string {
  const header = res.headers['set-cookie'];
  const all = Array.isArray(header) ? header : [header];
  return String(all.find((h) => String(h).startsWith('pnptv_session=')) ?? '');
}

describe.each(testDatabases().map((f) => [f.name, f] as const))('auth routes on %s', (_name, factory) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(factory);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'POST', url, payload: payload as object, headers });

  it('documents every identity route in the OpenAPI document', async () => {
    const doc = (await ctx.app.inject('/api/openapi.json')).json();
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/api/v1/auth/register',
      '/api/v1/auth/login',
      '/api/v1/auth/login/second-factor',
      '/api/v1/auth/logout',
      '/api/v1/auth/session',
      '/api/v1/auth/config',
      '/api/v1/auth/verify-email',
      '/api/v1/auth/verify-email/resend',
      '/api/v1/auth/password-reset/request',
      '/api/v1/auth/password-reset/confirm',
      '/api/v1/auth/telegram',
      '/api/v1/auth/setup',
      '/api/v1/me',
      '/api/v1/me/password',
      '/api/v1/me/two-factor',
      '/api/v1/me/two-factor/enrolment',
      '/api/v1/me/two-factor/confirm',
      '/api/v1/me/two-factor/recovery-codes',
      '/api/v1/me/two-factor/disable',
      '/api/v1/me/telegram',
      '/api/v1/me/creator-application',
      '/api/v1/admin/users',
      '/api/v1/admin/users/{id}',
      '/api/v1/admin/creator-applications',
      '/api/v1/admin/creator-applications/{id}/approve',
      '/api/v1/admin/creator-applications/{id}/reject',
      '/auth/guard',
    ]) {
      expect(paths).toContain(path);
    }
    expect(doc.paths['/api/v1/auth/login'].post.responses).toHaveProperty('429');
  });

  describe('POST /auth/register', () => {
    it('mails a link that creates a verified member, signs in with a secure cookie and audits it', async () => {
      const res = await post('/api/v1/auth/register', {
        email: '  New.Person@Example.COM ',
        password: 'correct horse',
        displayName: '  Newbie ',
      });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({ status: 'check_email' });
      expect(res.headers['set-cookie']).toBeUndefined();
      const token = await mailedToken(ctx.platform.db, 'New.Person@Example.COM', '/verify-email');
      expect(await lastMailTo(ctx.platform.db, 'New.Person@Example.COM')).toMatchObject({
        subject: 'Confirm your email to create your account',
      });
      const verified = await post('/api/v1/auth/verify-email', { token });
      expect(verified.statusCode).toBe(200);
      const body = verified.json();
      expect(body.user).toMatchObject({
        email: 'New.Person@Example.COM',
        displayName: 'Newbie',
        role: 'member',
        emailVerified: true,
        telegram: null,
        locale: 'en',
      });
      expect(body.user.id).toMatch(/^usr_/);
      expect(typeof body.csrfToken).toBe('string');
      const cookie = cookieOf(verified);
      expect(cookie).toMatch(/^pnptv_session=[A-Za-z0-9_-]{43};/);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Lax');
      expect(cookie).toContain('Path=/');
      expect(cookie).toContain(`Max-Age=${ctx.platform.config.sessionTtlS}`);
      expect(cookie).not.toContain('Secure');
      const stored = await ctx.platform.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', body.user.id)
        .executeTakeFirstOrThrow();
      expect(stored.email_normalized).toBe('new.person@example.com');
      expect(stored.password_hash).toMatch(/^\$argon2id\$/);
      const audit = await ctx.platform.db
        .selectFrom('audit_log')
        .selectAll()
        .where('target_id', '=', body.user.id)
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['user.register']);
      const again = await post('/api/v1/auth/verify-email', { token });
      expect(again.statusCode).toBe(400);
      expect(again.json().code).toBe('IDENTITY_TOKEN_INVALID');
    });

    it('publishes user.created on the events topic after commit', async () => {
      const seen: unknown[] = [];
      const off = await ctx.platform.bus.subscribe('events', (m) => {
        seen.push(m);
      });
      const session = await signUp(ctx.app);
      await new Promise((r) => setTimeout(r, 20));
      await off();
      // The message id lets every worker that receives the event recognise it as one webhook message.
      expect(seen).toContainEqual({
        id: expect.stringMatching(/^msg_/),
        type: 'user.created',
        appId: 'app_site',
        data: { userId: session.user.id },
      });
    });

    it('creates one account when two sign-ups for one address are both confirmed', async () => {
      const email = `race-${Date.now()}@example.com`;
      for (const name of ['First', 'Second']) {
        const res = await post('/api/v1/auth/register', {
          email,
          password: 'password123',
          displayName: name,
        });
        expect(res.statusCode).toBe(202);
      }
      const jobs = await ctx.platform.db
        .selectFrom('jobs')
        .select('payload')
        .where('kind', '=', 'mail.send')
        .execute();
      const tokens = jobs
        .map((j) => j.payload as unknown as { to: string; text: string })
        .filter((p) => p.to === email)
        .map((p) => tokenInMail(p.text, '/verify-email'));
      expect(tokens).toHaveLength(2);
      const results = await Promise.all(tokens.map((token) => post('/api/v1/auth/verify-email', { token })));
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400]);
      const users = await ctx.platform.db
        .selectFrom('users')
        .select('id')
        .where('email_normalized', '=', email)
        .execute();
      expect(users).toHaveLength(1);
    });

    it.each([
      [
        'an unknown field',
        { email: 'a@example.com', password: 'password123', displayName: 'A', admin: true },
      ],
      ['a wrong type', { email: 'a@example.com', password: 12345678, displayName: 'A' }],
      ['a short password', { email: 'a@example.com', password: 'short', displayName: 'A' }],
      ['an oversized password', { email: 'a@example.com', password: 'x'.repeat(257), displayName: 'A' }],
      [
        'an oversized email',
        { email: `${'a'.repeat(250)}@example.com`, password: 'password123', displayName: 'A' },
      ],
      ['a malformed email', { email: 'not-an-email', password: 'password123', displayName: 'A' }],
      ['a blank display name', { email: 'a@example.com', password: 'password123', displayName: '   ' }],
      [
        'a display name with control characters',
        { email: 'a@example.com', password: 'password123', displayName: 'A\u0007B' },
      ],
      [
        'an oversized display name',
        { email: 'a@example.com', password: 'password123', displayName: 'n'.repeat(65) },
      ],
      ['a missing field', { email: 'a@example.com', password: 'password123' }],
    ])('answers 400 VALIDATION_FAILED to %s and changes nothing', async (_label, payload) => {
      const before = await dbSnapshot(ctx.platform.db);
      const res = await post('/api/v1/auth/register', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it('refuses a sign-up posted from another site', async () => {
      const before = await dbSnapshot(ctx.platform.db);
      const res = await post(
        '/api/v1/auth/register',
        { email: 'xsite@example.com', password: 'password123', displayName: 'X' },
        { origin: 'https://evil.example' },
      );
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('AUTH_CSRF');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });
  });

  describe('POST /auth/login', () => {
    it('signs in with the right password, case-insensitively on the email, and audits it', async () => {
      const user = await signUp(ctx.app);
      const res = await post('/api/v1/auth/login', {
        email: user.email.toUpperCase(),
        password: user.password,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().user.id).toBe(user.user.id);
      expect(cookieOf(res)).toMatch(/^pnptv_session=/);
      expect(cookieOf(res)).not.toBe(user.cookie);
      const actions = await ctx.platform.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_id', '=', user.user.id)
        .execute();
      expect(actions.map((a) => a.action)).toContain('user.login');
    });

    it('answers the same 401 for a wrong password and for an unknown email, changing nothing', async () => {
      const user = await signUp(ctx.app);
      const before = await dbSnapshot(ctx.platform.db);
      const wrong = await post('/api/v1/auth/login', { email: user.email, password: 'wrong password' }, {});
      const unknown = await post('/api/v1/auth/login', {
        email: 'nobody-here@example.com',
        password: 'wrong password',
      });
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(wrong.json()).toEqual(unknown.json());
      expect(wrong.json().code).toBe('IDENTITY_INVALID_CREDENTIALS');
      expect(wrong.headers['set-cookie']).toBeUndefined();
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it.each([
      ['an unknown field', { email: 'a@example.com', password: 'x', remember: true }],
      ['a wrong type', { email: ['a@example.com'], password: 'x' }],
      ['an empty password', { email: 'a@example.com', password: '' }],
      ['an oversized password', { email: 'a@example.com', password: 'p'.repeat(257) }],
    ])('answers 400 to %s', async (_label, payload) => {
      const before = await dbSnapshot(ctx.platform.db);
      const res = await post('/api/v1/auth/login', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });
  });

  describe('sessions', () => {
    it('GET /auth/session returns the user and CSRF token for the cookie', async () => {
      const user = await signUp(ctx.app);
      const res = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/auth/session',
        headers: { cookie: user.cookie },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ user: user.user, csrfToken: user.csrfToken });
    });

    it.each([
      ['no cookie', undefined],
      ['a malformed cookie', 'pnptv_session=garbage'],
      ['an unknown well-formed cookie', `pnptv_session=${'A'.repeat(43)}`],
    ])('GET /auth/session answers a visitor with %s as not signed in', async (_label, cookie) => {
      const res = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/auth/session',
        headers: cookie ? { cookie } : {},
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ user: null, csrfToken: null });
    });

    it('POST /auth/logout deletes the session, clears the cookie and audits it', async () => {
      const user = await signUp(ctx.app);
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: authHeaders(user),
      });
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
      expect(cookieOf(res)).toMatch(/^pnptv_session=;/);
      const after = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/auth/session',
        headers: { cookie: user.cookie },
      });
      expect(after.json()).toEqual({ user: null, csrfToken: null });
      const sessions = await ctx.platform.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', user.user.id)
        .execute();
      expect(sessions).toEqual([]);
      const actions = await ctx.platform.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_id', '=', user.user.id)
        .execute();
      expect(actions.map((a) => a.action)).toContain('user.logout');
    });

    it('POST /auth/logout without the CSRF header is refused and the session survives', async () => {
      const user = await signUp(ctx.app);
      const before = await dbSnapshot(ctx.platform.db);
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { cookie: user.cookie, 'x-csrf-token': 'wrong' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('AUTH_CSRF');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
      const still = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/auth/session',
        headers: { cookie: user.cookie },
      });
      expect(still.statusCode).toBe(200);
    });

    it('POST /auth/logout without a session is a harmless 204', async () => {
      const res = await post('/api/v1/auth/logout', undefined);
      expect(res.statusCode).toBe(204);
    });

    it('GET /auth/config says Telegram is off without a bot token', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/config' });
      expect(res.json()).toEqual({ telegramBotUsername: null });
    });
  });
});

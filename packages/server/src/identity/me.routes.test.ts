import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, logIn, signUp } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { dbSnapshot } from './identity.fixtures.ts';

describe.each(testDatabases().map((f) => [f.name, f] as const))('my account on %s', (_name, factory) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(factory);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('GET /me returns the signed-in user and needs a session', async () => {
    const member = await signUp(ctx.app);
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: member.cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user: member.user });
    const anonymous = await ctx.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('AUTH_REQUIRED');
  });

  it('PATCH /me changes display name and locale, and the session sees the new name at once', async () => {
    const member = await signUp(ctx.app);
    await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: member.cookie } });
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: authHeaders(member),
      payload: { displayName: ' Renamed ', locale: 'es' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ displayName: 'Renamed', locale: 'es' });
    const principal = await ctx.services.identity.authenticateSession(member.cookie.split('=')[1]!);
    expect(principal?.user.displayName).toBe('Renamed');
    const actions = await ctx.platform.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', member.user.id)
      .execute();
    expect(actions.map((a) => a.action)).toContain('user.update');
  });

  it.each([
    ['an unknown field', { role: 'admin' }],
    ['an unsupported locale', { locale: 'fr' }],
    ['a wrong type', { displayName: 7 }],
    ['an oversized display name', { displayName: 'x'.repeat(65) }],
    ['a display name with a newline', { displayName: 'two\nlines' }],
  ])('PATCH /me answers 400 VALIDATION_FAILED to %s and changes nothing', async (_label, payload) => {
    const member = await signUp(ctx.app);
    const before = await dbSnapshot(ctx.platform.db);
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: authHeaders(member),
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
  });

  it('PATCH /me with a wrong CSRF token is refused', async () => {
    const member = await signUp(ctx.app);
    const before = await dbSnapshot(ctx.platform.db);
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { cookie: member.cookie, 'x-csrf-token': 'nope' },
      payload: { displayName: 'Hacked' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('AUTH_CSRF');
    expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
  });

  describe('POST /me/password', () => {
    it('changes the password and signs out the other sessions but not this one', async () => {
      const member = await signUp(ctx.app);
      const other = await logIn(ctx.app, member.email, member.password);
      await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: other.cookie } });
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/me/password',
        headers: authHeaders(member),
        payload: { currentPassword: member.password, newPassword: 'a whole new secret' },
      });
      expect(res.statusCode).toBe(204);
      expect(
        (await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: member.cookie } }))
          .statusCode,
      ).toBe(200);
      expect(
        (await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: other.cookie } }))
          .statusCode,
      ).toBe(401);
      await expect(logIn(ctx.app, member.email, 'a whole new secret')).resolves.toBeTruthy();
    });

    it('refuses a wrong current password and changes nothing', async () => {
      const member = await signUp(ctx.app);
      const before = await dbSnapshot(ctx.platform.db);
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/me/password',
        headers: authHeaders(member),
        payload: { currentPassword: 'not my password', newPassword: 'a whole new secret' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('IDENTITY_WRONG_PASSWORD');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it('throttles guessing the current password', async () => {
      const member = await signUp(ctx.app);
      const attempt = (currentPassword: string) =>
        ctx.app.inject({
          method: 'POST',
          url: '/api/v1/me/password',
          headers: authHeaders(member),
          payload: { currentPassword, newPassword: 'a whole new secret' },
        });
      for (let i = 0; i < 10; i++) expect((await attempt(`guess ${i}`)).statusCode).toBe(403);
      const before = await dbSnapshot(ctx.platform.db);
      const res = await attempt(member.password);
      expect(res.statusCode).toBe(429);
      expect(res.headers['retry-after']).toBeDefined();
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it.each([
      ['a short new password', { currentPassword: 'x', newPassword: 'short' }],
      [
        'an unknown field',
        { currentPassword: 'x', newPassword: 'long enough pw', confirm: 'long enough pw' },
      ],
      ['a missing current password', { newPassword: 'long enough pw' }],
    ])('answers 400 VALIDATION_FAILED to %s', async (_label, payload) => {
      const member = await signUp(ctx.app);
      const before = await dbSnapshot(ctx.platform.db);
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/me/password',
        headers: authHeaders(member),
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });
  });

  describe('creator applications', () => {
    it('files an application, shows it as the latest, and refuses a second pending one', async () => {
      const member = await signUp(ctx.app);
      const none = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/me/creator-application',
        headers: { cookie: member.cookie },
      });
      expect(none.json()).toEqual({ application: null });
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/me/creator-application',
        headers: authHeaders(member),
        payload: { note: 'I stream cooking' },
      });
      expect(res.statusCode).toBe(201);
      const application = res.json().application;
      expect(application).toMatchObject({
        user: { id: member.user.id, email: member.email, displayName: member.user.displayName },
        note: 'I stream cooking',
        status: 'pending',
        reason: null,
        decidedAt: null,
      });
      const latest = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/me/creator-application',
        headers: { cookie: member.cookie },
      });
      expect(latest.json()).toEqual({ application });
      const before = await dbSnapshot(ctx.platform.db);
      const second = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/me/creator-application',
        headers: authHeaders(member),
        payload: { note: 'again' },
      });
      expect(second.statusCode).toBe(409);
      expect(second.json().code).toBe('IDENTITY_APPLICATION_PENDING');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it('lets only one of two concurrent applications through', async () => {
      const member = await signUp(ctx.app);
      const send = () =>
        ctx.app.inject({
          method: 'POST',
          url: '/api/v1/me/creator-application',
          headers: authHeaders(member),
          payload: { note: 'hi' },
        });
      const results = await Promise.all([send(), send(), send()]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    });

    it('refuses an account that is already a creator', async () => {
      const member = await signUp(ctx.app);
      await ctx.platform.db
        .updateTable('users')
        .set({ role: 'moderator' })
        .where('id', '=', member.user.id)
        .execute();
      const fresh = await logIn(ctx.app, member.email, member.password);
      const before = await dbSnapshot(ctx.platform.db);
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/me/creator-application',
        headers: authHeaders(fresh),
        payload: { note: 'hi' },
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('IDENTITY_ALREADY_CREATOR');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it.each([
      ['an empty note', { note: '' }],
      ['an oversized note', { note: 'n'.repeat(1001) }],
      ['an unknown field', { note: 'hi', status: 'approved' }],
      ['a wrong type', { note: ['hi'] }],
    ])('answers 400 VALIDATION_FAILED to %s', async (_label, payload) => {
      const member = await signUp(ctx.app);
      const before = await dbSnapshot(ctx.platform.db);
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/me/creator-application',
        headers: authHeaders(member),
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it('needs a session', async () => {
      const before = await dbSnapshot(ctx.platform.db);
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/me/creator-application',
        payload: { note: 'hi' },
      });
      expect(res.statusCode).toBe(401);
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });
  });
});

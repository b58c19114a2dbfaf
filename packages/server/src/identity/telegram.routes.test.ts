import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { dbSnapshot, signTelegram } from './identity.fixtures.ts';

const BOT_TOKEN = '123456:test-bot-token_ABC';
let nextTelegramId = 700_000_000 + Math.floor(Math.random() * 1_000_000);

function widget(fields: Record<string, string | number> = {}, token = BOT_TOKEN) {
  return signTelegram(token, {
    id: nextTelegramId++,
    first_name: 'Tele',
    auth_date: Math.floor(Date.now() / 1000),
    ...fields,
  });
}

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'Telegram sign-in on %s',
  (_name, factory) => {
    let ctx: TestContext;
    let disabled: TestContext;
    beforeAll(async () => {
      ctx = await createTestContext(factory, {
        env: { TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_BOT_USERNAME: 'pnptv_test_bot' },
      });
      disabled = await createTestContext(ctx.platform.database);
    });
    afterAll(async () => {
      await disabled?.app.close();
      await ctx?.close();
    });

    const post = (payload: unknown, headers: Record<string, string> = {}) =>
      ctx.app.inject({ method: 'POST', url: '/api/v1/auth/telegram', payload: payload as object, headers });

    it('GET /auth/config names the bot when Telegram is on', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/config' });
      expect(res.json()).toEqual({ telegramBotUsername: 'pnptv_test_bot' });
    });

    it('creates an account without email for a new Telegram user, then signs the same account in', async () => {
      const data = widget({ last_name: 'Gram', username: 'telegram_fan' });
      const first = await post(data);
      expect(first.statusCode).toBe(200);
      const user = first.json().user;
      expect(user).toMatchObject({
        email: null,
        displayName: 'Tele Gram',
        emailVerified: false,
        telegram: { id: data.id, username: 'telegram_fan' },
      });
      expect(String(first.headers['set-cookie'])).toMatch(/pnptv_session=/);
      const again = await post(widget({ id: data.id as number, username: 'renamed_fan' }));
      expect(again.statusCode).toBe(200);
      expect(again.json().user.id).toBe(user.id);
      expect(again.json().user.telegram.username).toBe('renamed_fan');
      const actions = await ctx.platform.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_id', '=', user.id)
        .orderBy('id')
        .execute();
      expect(actions.map((a) => a.action)).toEqual(['user.register', 'user.login']);
    });

    it('links Telegram to the signed-in account and lets it sign in with Telegram afterwards', async () => {
      const member = await signUp(ctx.app);
      const data = widget({ username: 'linked_one' });
      const res = await post(data, authHeaders(member));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        user: { ...member.user, telegram: { id: data.id, username: 'linked_one' } },
        csrfToken: member.csrfToken,
      });
      expect(res.headers['set-cookie']).toBeUndefined();
      const signIn = await post(widget({ id: data.id as number, username: 'linked_one' }));
      expect(signIn.json().user.id).toBe(member.user.id);
    });

    it('refuses to link a Telegram account already linked to someone else', async () => {
      const owner = await signUp(ctx.app);
      const data = widget();
      expect((await post(data, authHeaders(owner))).statusCode).toBe(200);
      const thief = await signUp(ctx.app);
      const before = await dbSnapshot(ctx.platform.db);
      const res = await post(widget({ id: data.id as number }), authHeaders(thief));
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('IDENTITY_TELEGRAM_TAKEN');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it.each([
      ['a forged hash', () => ({ ...widget(), hash: 'f'.repeat(64) })],
      ['a field changed after signing', () => ({ ...widget({ username: 'someone' }), username: 'admin' })],
      ['a field added after signing', () => ({ ...widget(), last_name: 'Extra' })],
      ['data signed with another bot token', () => widget({}, '999:other-bot')],
      [
        'an auth_date older than the allowed age',
        () => widget({ auth_date: Math.floor(Date.now() / 1000) - 86_400 - 120 }),
      ],
      ['an auth_date in the future', () => widget({ auth_date: Math.floor(Date.now() / 1000) + 3600 })],
    ])('refuses %s with 401 IDENTITY_TELEGRAM_INVALID and changes nothing', async (_label, make) => {
      const before = await dbSnapshot(ctx.platform.db);
      const res = await post(make());
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('IDENTITY_TELEGRAM_INVALID');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it.each([
      ['an unknown field', () => ({ ...widget(), is_admin: true })],
      ['a string id', () => ({ ...widget(), id: '123' })],
      ['a hash that is not hex', () => ({ ...widget(), hash: 'z'.repeat(64) })],
      ['an oversized first name', () => widget({ first_name: 'n'.repeat(257) })],
      ['a missing auth_date', () => ({ id: 1, hash: 'a'.repeat(64) })],
    ])('answers 400 VALIDATION_FAILED to %s', async (_label, make) => {
      const before = await dbSnapshot(ctx.platform.db);
      const res = await post(make());
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it('answers 404 IDENTITY_TELEGRAM_DISABLED on a site without a bot token', async () => {
      const before = await dbSnapshot(ctx.platform.db);
      const res = await disabled.app.inject({
        method: 'POST',
        url: '/api/v1/auth/telegram',
        payload: widget(),
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('IDENTITY_TELEGRAM_DISABLED');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it('DELETE /me/telegram unlinks an account that has a password', async () => {
      const member = await signUp(ctx.app);
      const data = widget();
      await post(data, authHeaders(member));
      const res = await ctx.app.inject({
        method: 'DELETE',
        url: '/api/v1/me/telegram',
        headers: authHeaders(member),
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().user.telegram).toBeNull();
      const actions = await ctx.platform.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_id', '=', member.user.id)
        .execute();
      expect(actions.map((a) => a.action)).toEqual(
        expect.arrayContaining(['user.telegram_link', 'user.telegram_unlink']),
      );
      const signIn = await post(widget({ id: data.id as number }));
      expect(signIn.json().user.id).not.toBe(member.user.id);
    });

    it('DELETE /me/telegram refuses an account that signs in only with Telegram', async () => {
      const created = await post(widget());
      const cookie = String(created.headers['set-cookie']).split(';')[0]!;
      const before = await dbSnapshot(ctx.platform.db);
      const res = await ctx.app.inject({
        method: 'DELETE',
        url: '/api/v1/me/telegram',
        headers: { cookie, 'x-csrf-token': created.json().csrfToken },
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('IDENTITY_TELEGRAM_NEEDS_PASSWORD');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    });

    it('DELETE /me/telegram needs a session and the CSRF token', async () => {
      const member = await signUp(ctx.app);
      expect((await ctx.app.inject({ method: 'DELETE', url: '/api/v1/me/telegram' })).statusCode).toBe(401);
      const res = await ctx.app.inject({
        method: 'DELETE',
        url: '/api/v1/me/telegram',
        headers: { cookie: member.cookie },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('AUTH_CSRF');
    });
  },
);

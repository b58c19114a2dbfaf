import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, logIn, makeAdmin, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { ManualClock } from '../identity/identity.fixtures.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { ledgerVerify } from '../wallet/index.ts';
import { DELETED_USER_NAME } from './account.rules.ts';

const DAY_MS = 86_400_000;

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'account deletion on %s',
  (_name, factory) => {
    let ctx: TestContext;
    const clock = new ManualClock();
    let purchases = 0;
    beforeAll(async () => {
      ctx = await createTestContext(factory, { clock });
    });
    afterAll(async () => {
      await ctx?.close();
    });

    const inject = (method: 'GET' | 'POST', url: string, who?: TestSession, payload?: object) =>
      ctx.app.inject({ method, url: `/api/v1${url}`, headers: who ? authHeaders(who) : {}, payload });
    const login = (who: TestSession) =>
      inject('POST', '/auth/login', undefined, { email: who.email, password: who.password });
    const userRow = (id: string) =>
      ctx.platform.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const wallet = (id: string) =>
      ctx.services.ledger.balanceOf({ appId: SITE_APP_ID, kind: 'member_wallet', ownerId: id });
    async function buyCoins(who: TestSession, coins: number) {
      await ctx.services.ledger.creditPurchase({
        appId: SITE_APP_ID,
        userId: who.user.id,
        coins,
        provider: 'sandbox',
        idempotencyKey: `deletion-test-${++purchases}`,
      });
    }
    function detail(body: { details?: { path: string; message: string }[] }, path: string) {
      return body.details?.find((d) => d.path === path)?.message;
    }

    it('shows the coins that would be forfeited, and refuses a wrong password without changing anything', async () => {
      const ana = await signUp(ctx.app);
      await buyCoins(ana, 420);
      const preview = await inject('GET', '/me/deletion', ana);
      expect(preview.json()).toEqual({
        walletBalance: 420,
        earnings: 0,
        payoutMinimum: 1000,
        pendingPayouts: 0,
        graceDays: 14,
        blockers: [],
      });
      const wrong = await inject('POST', '/me/deletion', ana, { password: 'not-it-at-all' });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json().code).toBe('ACCOUNT_WRONG_PASSWORD');
      expect((await inject('GET', '/me', ana)).statusCode).toBe(200);
      expect(await ctx.platform.db.selectFrom('account_deletions').selectAll().execute()).toEqual([]);
    });

    it('holds a creator whose earnings could still be paid out, and says what to do', async () => {
      const creator = await signUp(ctx.app);
      const fan = await signUp(ctx.app);
      await buyCoins(fan, 5000);
      await ctx.services.ledger.sendGift({
        appId: SITE_APP_ID,
        fromUserId: fan.user.id,
        toCreatorId: creator.user.id,
        coins: 2000,
        idempotencyKey: `deletion-gift-${creator.user.id}`,
      });
      const res = await inject('POST', '/me/deletion', creator, { password: creator.password });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('ACCOUNT_EARNINGS_PENDING');
      expect(res.json().details).toEqual([{ path: 'blockers', message: 'earnings_pending' }]);
      expect((await inject('GET', '/me', creator)).statusCode).toBe(200);
    });

    it('refuses to delete the only admin', async () => {
      const admin = await makeAdmin(ctx);
      const res = await inject('POST', '/me/deletion', admin, { password: admin.password });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('ACCOUNT_LAST_ADMIN');
      expect((await inject('GET', '/me/deletion', admin)).json().blockers).toEqual(['last_admin']);
    });

    it('deactivates at once, offers to cancel at sign-in, and cancelling signs the member back in', async () => {
      const ana = await signUp(ctx.app);
      const phone = await logIn(ctx.app, ana.email, ana.password);
      const asked = await inject('POST', '/me/deletion', ana, { password: ana.password });
      expect(asked.statusCode).toBe(202);
      expect(asked.json().deleteAfter).toBe(new Date(clock.now() + 14 * DAY_MS).toISOString());
      for (const s of [ana, phone]) expect((await inject('GET', '/me', s)).statusCode).toBe(401);

      const refused = await login(ana);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('ACCOUNT_DELETION_PENDING');
      expect(detail(refused.json(), 'deleteAfter')).toBe(asked.json().deleteAfter);
      expect(refused.headers['set-cookie']).toBeUndefined();
      const token = detail(refused.json(), 'cancelToken')!;

      const bad = await inject('POST', '/account/deletion/cancel', undefined, { token: 'x'.repeat(43) });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('ACCOUNT_CANCEL_INVALID');
      const cancelled = await inject('POST', '/account/deletion/cancel', undefined, { token });
      expect(cancelled.statusCode).toBe(200);
      expect(cancelled.json().user.id).toBe(ana.user.id);
      expect((await login(ana)).statusCode).toBe(200);

      // The erasure job of the cancelled request finds nothing to do when it comes due.
      clock.advance(15 * DAY_MS);
      await ctx.drainJobs();
      expect((await userRow(ana.user.id)).email).toBe(ana.email);
    });

    it('erases personal data after the grace period, keeps content as from a deleted user and a sound ledger', async () => {
      const ana = await signUp(ctx.app);
      const bob = await signUp(ctx.app);
      await buyCoins(ana, 300);
      const now = new Date(clock.now());
      await ctx.platform.db
        .insertInto('chat_messages')
        .values({
          id: newId('msg', now.getTime()),
          app_id: SITE_APP_ID,
          channel: 'community',
          author_id: ana.user.id,
          author_name: ana.user.displayName,
          body: 'goodbye',
          created_at: now,
        })
        .execute();
      const revenueBefore = await ctx.services.ledger.balanceOf({
        appId: SITE_APP_ID,
        kind: 'platform_revenue',
        ownerId: null,
      });
      expect((await inject('POST', '/me/deletion', ana, { password: ana.password })).statusCode).toBe(202);

      clock.advance(14 * DAY_MS - 60_000);
      await ctx.drainJobs();
      expect((await userRow(ana.user.id)).email).toBe(ana.email);

      clock.advance(120_000);
      await ctx.drainJobs();
      const erased = await userRow(ana.user.id);
      expect(erased).toMatchObject({
        email: null,
        email_normalized: null,
        password_hash: null,
        display_name: DELETED_USER_NAME,
        telegram_id: null,
      });
      const message = await ctx.platform.db
        .selectFrom('chat_messages')
        .select(['author_id', 'author_name'])
        .where('body', '=', 'goodbye')
        .executeTakeFirstOrThrow();
      expect(message).toEqual({ author_id: ana.user.id, author_name: DELETED_USER_NAME });
      expect(await wallet(ana.user.id)).toBe(0);
      expect(
        await ctx.services.ledger.balanceOf({ appId: SITE_APP_ID, kind: 'platform_revenue', ownerId: null }),
      ).toBe(revenueBefore + 300);
      expect(await ledgerVerify(ctx.platform.db)).toEqual([]);
      const refused = await login(ana);
      expect(refused.statusCode).toBe(401);
      expect(refused.json().code).toBe('IDENTITY_INVALID_CREDENTIALS');
      expect((await inject('GET', '/me', bob)).statusCode).toBe(200);
      const mark = await ctx.platform.db
        .selectFrom('account_deletions')
        .select(['forfeited_coins', 'erased_at'])
        .where('user_id', '=', ana.user.id)
        .executeTakeFirstOrThrow();
      expect(Number(mark.forfeited_coins)).toBe(300);
      expect(mark.erased_at).not.toBeNull();
    });
  },
);

import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, logIn, makeAdmin, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { ledgerVerify } from '../wallet/index.ts';
import { SubscriptionService, type SubscriptionView } from './subscriptions.service.ts';

const DAY = 86_400_000;
const PRICE = 1000;

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect({ status: res.statusCode, code: (res.json() as { code?: string }).code }).toEqual({ status, code });
}

describe.each(testDatabases().map((f) => [f.name, f] as const))('subscriptions on %s', (_name, factory) => {
  let now = Date.UTC(2026, 0, 31, 12, 0, 0);
  const clock = { now: () => now };
  let ctx: TestContext;
  let admin: TestSession;
  let creator: TestSession;
  let keyCounter = 0;
  const key = () => `key-${++keyCounter}`;

  beforeAll(async () => {
    ctx = await createTestContext(factory, { clock, env: { SESSION_TTL_S: String(10 * 365 * 86_400) } });
    admin = await makeAdmin(ctx);
    const signed = await signUp(ctx.app);
    const promoted = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${signed.user.id}`,
      headers: authHeaders(admin),
      payload: { role: 'creator' },
    });
    expect(promoted.statusCode).toBe(200);
    creator = await logIn(ctx.app, signed.email, signed.password);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const db = () => ctx.platform.db;
  const inject = (method: 'GET' | 'POST' | 'PUT', url: string, who?: TestSession, payload?: unknown) =>
    ctx.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who ? authHeaders(who) : {},
      payload: payload as object,
    });

  async function member(coins: number): Promise<TestSession> {
    const session = await signUp(ctx.app);
    if (coins > 0) {
      await ctx.services.ledger.creditPurchase({
        appId: SITE_APP_ID,
        userId: session.user.id,
        coins,
        provider: 'sandbox',
        idempotencyKey: `test-purchase-${session.user.id}`,
      });
    }
    return session;
  }
  const wallet = (userId: string) =>
    ctx.services.ledger.balanceOf({ appId: SITE_APP_ID, kind: 'member_wallet', ownerId: userId });
  const earnings = (userId: string) =>
    ctx.services.ledger.balanceOf({ appId: SITE_APP_ID, kind: 'creator_earnings', ownerId: userId });
  const revenue = () =>
    ctx.services.ledger.balanceOf({ appId: SITE_APP_ID, kind: 'platform_revenue', ownerId: null });
  async function charges(subscriptionId: string): Promise<number> {
    const rows = await db()
      .selectFrom('ledger_transactions')
      .select('id')
      .where(sql<boolean>`metadata->>'subscriptionId' = ${subscriptionId}`)
      .execute();
    return rows.length;
  }
  async function subscribe(who: TestSession, idempotencyKey = key()) {
    const res = await inject('POST', `/creators/${creator.user.id}/subscribe`, who, { idempotencyKey });
    if (res.statusCode !== 201) throw new Error(`subscribe failed: ${res.statusCode} ${res.body}`);
    return res.json() as { subscription: SubscriptionView; balance: number };
  }

  it('lets a creator set a monthly plan and refuses members', async () => {
    const outsider = await member(0);
    expectError(
      await inject('PUT', '/creator/subscription-plan', outsider, { priceCoins: 10 }),
      403,
      'AUTH_FORBIDDEN',
    );
    expectError(
      await inject('PUT', '/creator/subscription-plan', creator, { priceCoins: 0 }),
      400,
      'VALIDATION_FAILED',
    );
    const res = await inject('PUT', '/creator/subscription-plan', creator, { priceCoins: PRICE });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ plan: { priceCoins: PRICE } });
    const anon = await inject('GET', `/creators/${creator.user.id}/subscription`);
    expect(anon.json()).toEqual({ plan: { priceCoins: PRICE }, subscription: null });
    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('action', '=', 'subscription_plan.update')
      .execute();
    expect(audit).toEqual([{ action: 'subscription_plan.update', actor_id: creator.user.id }]);
  });

  it('subscribes: charges the member, credits the creator 70 %, grants the badge, mails a receipt, and replays once', async () => {
    const fan = await member(5000);
    const revenueBefore = await revenue();
    const k = key();
    const first = await subscribe(fan, k);
    expect(first.balance).toBe(4000);
    expect(first.subscription).toMatchObject({
      kind: 'creator',
      creatorId: creator.user.id,
      status: 'active',
      priceCoins: PRICE,
      cancelAtPeriodEnd: false,
      currentPeriodEnd: '2026-02-28T12:00:00.000Z',
    });
    expect(await earnings(creator.user.id)).toBe(700);
    expect((await revenue()) - revenueBefore).toBe(300);
    const again = await subscribe(fan, k);
    expect(again.subscription.id).toBe(first.subscription.id);
    expect(await wallet(fan.user.id)).toBe(4000);
    expect(await charges(first.subscription.id)).toBe(1);
    expectError(
      await inject('POST', `/creators/${creator.user.id}/subscribe`, fan, { idempotencyKey: key() }),
      409,
      'SUBSCRIPTIONS_ALREADY_ACTIVE',
    );
    expect(await ctx.services.entitlements.isSubscribed(SITE_APP_ID, fan.user.id, creator.user.id)).toBe(
      true,
    );
    const status = await inject('GET', `/creators/${creator.user.id}/subscription`, fan);
    expect(status.json().subscription).toMatchObject({ status: 'active', cancelAtPeriodEnd: false });
    const mine = await inject('GET', '/subscriptions', fan);
    expect(mine.json()).toEqual({
      items: [
        {
          creatorId: creator.user.id,
          creatorName: creator.user.displayName,
          status: 'active',
          currentPeriodEnd: '2026-02-28T12:00:00.000Z',
          cancelAtPeriodEnd: false,
          priceCoins: PRICE,
        },
      ],
    });
    await ctx.drainJobs();
    const mail = await db()
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', fan.email)
      .where('subject', 'like', 'Subscribed:%')
      .execute();
    expect(mail.map((m) => m.subject)).toEqual([`Subscribed: ${creator.user.displayName}`]);
    expect(mail[0]!.text_body).toContain(`${PRICE} coins`);
  });

  it('refuses subscribing to yourself, to nobody, without coins, and anonymous requests', async () => {
    expectError(
      await inject('POST', `/creators/${creator.user.id}/subscribe`, creator, { idempotencyKey: key() }),
      409,
      'SUBSCRIPTIONS_SELF',
    );
    const broke = await member(10);
    expectError(
      await inject('POST', `/creators/${broke.user.id}/subscribe`, await member(0), {
        idempotencyKey: key(),
      }),
      404,
      'SUBSCRIPTIONS_NO_PLAN',
    );
    expectError(
      await inject('POST', `/creators/${creator.user.id}/subscribe`, broke, { idempotencyKey: key() }),
      409,
      'WALLET_INSUFFICIENT_FUNDS',
    );
    expect(await wallet(broke.user.id)).toBe(10);
    const none = await db()
      .selectFrom('subscriptions')
      .select('id')
      .where('user_id', '=', broke.user.id)
      .execute();
    expect(none).toEqual([]);
    expectError(
      await inject('POST', `/creators/${creator.user.id}/subscribe`, undefined, { idempotencyKey: key() }),
      401,
      'AUTH_REQUIRED',
    );
    expectError(
      await inject('POST', `/creators/${creator.user.id}/subscribe`, broke, {
        idempotencyKey: key(),
        extra: 1,
      }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('renews at the period end once however often the job runs, ends cancelled ones, and expires unpaid ones', async () => {
    now = Date.UTC(2026, 0, 31, 13, 0, 0);
    const payer = await member(3000);
    const paid = (await subscribe(payer)).subscription;
    const quitter = await member(3000);
    const quit = (await subscribe(quitter)).subscription;
    const broke = await member(PRICE);
    const late = (await subscribe(broke)).subscription;
    const cancelled = await inject('POST', `/creators/${creator.user.id}/subscription/cancel`, quitter, {});
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().subscription).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    expect(await ctx.services.entitlements.isSubscribed(SITE_APP_ID, quitter.user.id, creator.user.id)).toBe(
      true,
    );
    const earningsBefore = await earnings(creator.user.id);

    // Nothing is due before the period ends.
    now = Date.UTC(2026, 1, 28, 12, 59, 0);
    await ctx.drainJobs();
    expect(await charges(paid.id)).toBe(1);

    now = Date.UTC(2026, 1, 28, 13, 0, 0);
    await ctx.drainJobs();
    await ctx.drainJobs();
    await ctx.services.subscriptions.renew(paid.id, 2);
    expect(await charges(paid.id)).toBe(2);
    expect(await wallet(payer.user.id)).toBe(3000 - 2 * PRICE);
    // The member from the first test renews at the same time: two renewals at 70 %.
    expect((await earnings(creator.user.id)) - earningsBefore).toBe(2 * 700);
    const renewed = await inject('GET', `/creators/${creator.user.id}/subscription`, payer);
    expect(renewed.json().subscription).toMatchObject({
      status: 'active',
      currentPeriodEnd: '2026-03-31T13:00:00.000Z',
    });
    expect(await ctx.services.entitlements.isSubscribed(SITE_APP_ID, payer.user.id, creator.user.id)).toBe(
      true,
    );

    const ended = await inject('GET', `/creators/${creator.user.id}/subscription`, quitter);
    expect(ended.json().subscription).toMatchObject({ status: 'cancelled' });
    expect(await charges(quit.id)).toBe(1);
    expect(await ctx.services.entitlements.isSubscribed(SITE_APP_ID, quitter.user.id, creator.user.id)).toBe(
      false,
    );

    const pastDue = await inject('GET', `/creators/${creator.user.id}/subscription`, broke);
    expect(pastDue.json().subscription).toMatchObject({ status: 'past_due' });
    expect(await charges(late.id)).toBe(1);
    expect(await ctx.services.entitlements.isSubscribed(SITE_APP_ID, broke.user.id, creator.user.id)).toBe(
      false,
    );

    now += 3 * DAY;
    await ctx.drainJobs();
    const expired = await inject('GET', `/creators/${creator.user.id}/subscription`, broke);
    expect(expired.json().subscription).toMatchObject({ status: 'expired' });
    expect(await charges(late.id)).toBe(1);
    expect(await wallet(broke.user.id)).toBe(0);
    expect((await inject('GET', '/subscriptions', broke)).json()).toEqual({ items: [] });

    const receipts = await db()
      .selectFrom('mail_outbox')
      .select('subject')
      .where('to_address', '=', payer.email)
      .where('subject', 'not like', 'Confirm%')
      .orderBy('id')
      .execute();
    expect(receipts.map((r) => r.subject)).toEqual([
      `Subscribed: ${creator.user.displayName}`,
      `Renewed: ${creator.user.displayName}`,
    ]);
  });

  it('recovers a past-due subscription paid within the grace period', async () => {
    now = Date.UTC(2026, 3, 1, 9, 0, 0);
    const fan = await member(PRICE);
    const sub = (await subscribe(fan)).subscription;
    now = Date.UTC(2026, 4, 1, 9, 0, 0);
    await ctx.drainJobs();
    expect(
      (await inject('GET', `/creators/${creator.user.id}/subscription`, fan)).json().subscription.status,
    ).toBe('past_due');
    await ctx.services.ledger.creditPurchase({
      appId: SITE_APP_ID,
      userId: fan.user.id,
      coins: PRICE,
      provider: 'sandbox',
      idempotencyKey: `top-up-${fan.user.id}`,
    });
    now += 3 * DAY;
    await ctx.drainJobs();
    const back = (await inject('GET', `/creators/${creator.user.id}/subscription`, fan)).json().subscription;
    expect(back).toMatchObject({ status: 'active', currentPeriodEnd: '2026-06-01T09:00:00.000Z' });
    expect(await charges(sub.id)).toBe(2);
  });

  it('sells PRIME at the admin price, all to the platform, with the perks shown', async () => {
    const fan = await member(2000);
    expectError(
      await inject('PUT', '/admin/prime', fan, { priceCoins: 400, perks: [] }),
      403,
      'AUTH_FORBIDDEN',
    );
    const perks = ['PRIME badge in chat', 'Ad-free'];
    const set = await inject('PUT', '/admin/prime', admin, { priceCoins: 400, perks });
    expect(set.json()).toEqual({ priceCoins: 400, perks });
    expect((await inject('GET', '/prime', fan)).json()).toEqual({ priceCoins: 400, perks, membership: null });
    const revenueBefore = await revenue();
    const earningsBefore = await earnings(creator.user.id);
    const joined = await inject('POST', '/prime/subscribe', fan, { idempotencyKey: key() });
    expect(joined.statusCode).toBe(201);
    expect(joined.json().balance).toBe(1600);
    expect(joined.json().subscription).toMatchObject({ kind: 'prime', creatorId: null, priceCoins: 400 });
    expect((await revenue()) - revenueBefore).toBe(400);
    expect(await earnings(creator.user.id)).toBe(earningsBefore);
    expect(await ctx.services.entitlements.isPrime(SITE_APP_ID, fan.user.id)).toBe(true);
    const view = (await inject('GET', '/prime', fan)).json();
    expect(view.membership).toMatchObject({ status: 'active', cancelAtPeriodEnd: false });
    const cancel = await inject('POST', '/prime/cancel', fan, {});
    expect(cancel.json().subscription).toMatchObject({ cancelAtPeriodEnd: true });
    const audit = await db()
      .selectFrom('audit_log')
      .select('actor_id')
      .where('action', '=', 'prime.update')
      .execute();
    expect(audit).toEqual([{ actor_id: admin.user.id }]);
  });

  it('gives the creator the overridden share of a new subscription', async () => {
    const override = await inject('PUT', `/admin/creators/${creator.user.id}/split`, admin, {
      creatorBps: 9000,
    });
    expect(override.json()).toEqual({ creatorId: creator.user.id, creatorBps: 9000 });
    const fan = await member(PRICE);
    const before = await earnings(creator.user.id);
    await subscribe(fan);
    expect((await earnings(creator.user.id)) - before).toBe(900);
    const reset = await inject('PUT', `/admin/creators/${creator.user.id}/split`, admin, {
      creatorBps: null,
    });
    expect(reset.json()).toEqual({ creatorId: creator.user.id, creatorBps: 7000 });
  });

  it('charges once for concurrent subscribe requests, whatever their keys', async () => {
    const fan = await member(5 * PRICE);
    const shared = key();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        inject('POST', `/creators/${creator.user.id}/subscribe`, fan, {
          idempotencyKey: i < 3 ? shared : key(),
        }),
      ),
    );
    const created = results.filter((r) => r.statusCode === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of results.filter((r) => r.statusCode !== 201)) {
      expect(r.json().code).toBe('SUBSCRIPTIONS_ALREADY_ACTIVE');
    }
    expect(new Set(created.map((r) => r.json().subscription.id)).size).toBe(1);
    expect(await wallet(fan.user.id)).toBe(4 * PRICE);
  });

  it('refuses a locked wallet (coins taken back by a refund) and charges nothing', async () => {
    const fan = await member(PRICE);
    const locked = new SubscriptionService({
      platform: ctx.platform,
      audit: ctx.services.audit,
      ledger: ctx.services.ledger,
      split: ctx.services.split,
      walletLocked: async (_appId, userId) => userId === fan.user.id,
    });
    await expect(locked.subscribe(SITE_APP_ID, fan.user.id, creator.user.id, key())).rejects.toMatchObject({
      code: 'SUBSCRIPTIONS_WALLET_LOCKED',
    });
    expect(await wallet(fan.user.id)).toBe(PRICE);
  });

  it('leaves the ledger balanced', async () => {
    expect(await ledgerVerify(db())).toEqual([]);
  });
});

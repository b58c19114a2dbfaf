import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, makeAdmin, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import type { BusEvent } from '../platform/bus/events.ts';
import { EVENTS_TOPIC } from '../platform/bus/index.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import type { AdminOrder, CoinPackage } from './payments.service.ts';
import {
  checkout,
  createPackage,
  expectError,
  expectLedgerSound,
  order,
  purchaseCredits,
  wallet,
} from './testing/payments.fixtures.ts';

describe.each(testDatabases().map((f) => [f.name, f] as const))('payments on %s', (_name, factory) => {
  let ctx: TestContext;
  let admin: TestSession;
  let member: TestSession;
  let other: TestSession;
  let starter: CoinPackage;
  const events: BusEvent[] = [];
  let unsubscribe: () => Promise<void>;

  beforeAll(async () => {
    ctx = await createTestContext(factory);
    admin = await makeAdmin(ctx);
    member = await signUp(ctx.app);
    other = await signUp(ctx.app);
    starter = await createPackage(ctx, admin, { name: 'Starter', coins: 100, priceMinor: 499 });
    unsubscribe = await ctx.platform.bus.subscribe(EVENTS_TOPIC, (message) => {
      events.push(message as BusEvent);
    });
  });
  afterAll(async () => {
    try {
      // Every suite that moves coins leaves a sound ledger behind.
      if (ctx) await expectLedgerSound(ctx);
    } finally {
      await unsubscribe?.();
      await ctx?.close();
    }
  });

  const complete = (session: TestSession, orderId: string, outcome: string) =>
    ctx.app.inject({
      method: 'POST',
      url: `/api/v1/payments/sandbox/${orderId}/complete`,
      headers: authHeaders(session),
      payload: { outcome },
    });

  describe('coin packages', () => {
    it('lets only admins create and change packages, and lists only active ones publicly', async () => {
      const refused = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/admin/coin-packages',
        headers: authHeaders(member),
        payload: { name: 'Free', coins: 1000, priceMinor: 1, currency: 'USD' },
      });
      expectError(refused, 403, 'AUTH_FORBIDDEN');
      const bad = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/admin/coin-packages',
        headers: authHeaders(admin),
        payload: { name: 'Odd', coins: 0, priceMinor: 1, currency: 'usd', extra: true },
      });
      expectError(bad, 400, 'VALIDATION_FAILED');

      const big = await createPackage(ctx, admin, { name: 'Big', coins: 1200, priceMinor: 4999 });
      expect(big).toMatchObject({
        name: 'Big',
        coins: 1200,
        priceMinor: 4999,
        currency: 'USD',
        active: true,
      });
      const off = await ctx.app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/coin-packages/${big.id}`,
        headers: authHeaders(admin),
        payload: { active: false },
      });
      expect(off.statusCode).toBe(200);
      expect(off.json().package.active).toBe(false);

      const pub = await ctx.app.inject({ method: 'GET', url: '/api/v1/coin-packages' });
      expect(pub.json().items.map((p: CoinPackage) => p.id)).toEqual([starter.id]);
      const all = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/admin/coin-packages',
        headers: authHeaders(admin),
      });
      expect(
        all
          .json()
          .items.map((p: CoinPackage) => p.id)
          .sort(),
      ).toEqual([starter.id, big.id].sort());

      const inactive = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/payments/checkout',
        headers: authHeaders(member),
        payload: { packageId: big.id, provider: 'sandbox' },
      });
      expectError(inactive, 409, 'PAYMENTS_PACKAGE_INACTIVE');
      const audit = await ctx.platform.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_id', '=', big.id)
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['coin_package.create', 'coin_package.update']);
    });

    it('offers only the sandbox when no provider is configured, and refuses the others', async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/payments/providers' });
      expect(res.json().items).toEqual([{ id: 'sandbox', name: 'Sandbox (test payments)' }]);
      const stripe = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/payments/checkout',
        headers: authHeaders(member),
        payload: { packageId: starter.id, provider: 'stripe' },
      });
      expectError(stripe, 400, 'PAYMENTS_PROVIDER_DISABLED');
    });
  });

  describe('sandbox checkout', () => {
    it('buys coins end to end: checkout, hosted page, accept, wallet and history, receipt and event', async () => {
      const buyer = await signUp(ctx.app);
      const { order: created, redirectUrl } = await checkout(ctx, buyer, starter.id, 'sandbox');
      expect(created).toMatchObject({
        packageId: starter.id,
        coins: 100,
        amountMinor: 499,
        currency: 'USD',
        provider: 'sandbox',
        status: 'pending',
        paidAt: null,
      });
      expect(redirectUrl).toBe(`/checkout/sandbox/${created.id}`);

      const page = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/payments/sandbox/${created.id}`,
        headers: authHeaders(buyer),
      });
      expect(page.statusCode).toBe(200);
      expect(page.json()).toMatchObject({ order: { id: created.id }, packageName: 'Starter' });

      const done = await complete(buyer, created.id, 'accept');
      expect(done.statusCode).toBe(200);
      expect(done.json().returnUrl).toBe(`/wallet?order=${created.id}`);
      expect(done.json().order.status).toBe('paid');
      expect(done.json().order.paidAt).not.toBeNull();

      expect(await wallet(ctx, buyer)).toEqual({ balance: 100, currency: 'COIN', locked: false });
      const history = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/wallet/history',
        headers: authHeaders(buyer),
      });
      expect(history.json().items).toEqual([
        {
          id: expect.stringMatching(/^ent_/),
          kind: 'purchase',
          amount: 100,
          createdAt: expect.any(String),
          description: 'Bought 100 coins (Starter)',
        },
      ]);

      // Accepting again is the same notice: nothing more is credited.
      expect((await complete(buyer, created.id, 'accept')).json().order.status).toBe('paid');
      expect(await purchaseCredits(ctx, created.id)).toBe(1);
      expect((await wallet(ctx, buyer)).balance).toBe(100);

      const mails = await ctx.platform.db
        .selectFrom('jobs')
        .select('payload')
        .where('kind', '=', 'mail.send')
        .execute();
      const receipt = mails
        .map((m) => m.payload as unknown as { to: string; subject: string; text: string })
        .find((m) => m.to === buyer.email && m.subject.startsWith('Receipt'));
      expect(receipt?.subject).toBe('Receipt: 100 coins');
      expect(receipt?.text).toContain(created.id);
      await expect
        .poll(() => events.some((e) => e.type === 'payment.succeeded' && e.data.orderId === created.id))
        .toBe(true);

      const callbacks = await ctx.platform.db
        .selectFrom('payment_callbacks')
        .selectAll()
        .where('order_id', '=', created.id)
        .execute();
      expect(callbacks).toHaveLength(1);
      expect(callbacks[0]).toMatchObject({
        provider: 'sandbox',
        verified: true,
        provider_event_id: `${created.id}:accepted`,
      });
      await expectLedgerSound(ctx);
    });

    it('leaves the wallet untouched when the payment is rejected', async () => {
      const buyer = await signUp(ctx.app);
      const { order: created } = await checkout(ctx, buyer, starter.id, 'sandbox');
      const res = await complete(buyer, created.id, 'reject');
      expect(res.json().order.status).toBe('rejected');
      expect((await wallet(ctx, buyer)).balance).toBe(0);
      expect(await purchaseCredits(ctx, created.id)).toBe(0);
    });

    it('credits once when a pending payment is accepted later, and ignores a late pending', async () => {
      const buyer = await signUp(ctx.app);
      const { order: created } = await checkout(ctx, buyer, starter.id, 'sandbox');
      expect((await complete(buyer, created.id, 'pending')).json().order.status).toBe('pending');
      expect((await wallet(ctx, buyer)).balance).toBe(0);
      expect((await complete(buyer, created.id, 'accept')).json().order.status).toBe('paid');
      expect((await complete(buyer, created.id, 'pending')).json().order.status).toBe('paid');
      expect((await complete(buyer, created.id, 'reject')).json().order.status).toBe('paid');
      expect((await wallet(ctx, buyer)).balance).toBe(100);
      expect(await purchaseCredits(ctx, created.id)).toBe(1);
      await expectLedgerSound(ctx);
    });

    it("keeps members out of each other's orders", async () => {
      const { order: created } = await checkout(ctx, member, starter.id, 'sandbox');
      expectError(await complete(other, created.id, 'accept'), 404, 'PAYMENTS_ORDER_NOT_FOUND');
      const peek = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/payments/orders/${created.id}`,
        headers: authHeaders(other),
      });
      expectError(peek, 404, 'PAYMENTS_ORDER_NOT_FOUND');
      const anonymous = await ctx.app.inject({ method: 'GET', url: '/api/v1/wallet' });
      expectError(anonymous, 401, 'AUTH_REQUIRED');
      const mine = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/payments/orders?limit=10',
        headers: authHeaders(member),
      });
      expect(mine.json().items.map((o: { id: string }) => o.id)).toContain(created.id);
      expect((await order(ctx, member, created.id)).status).toBe('pending');
    });
  });

  describe('admin payments and refunds', () => {
    it('lists orders by status and refunds a paid order through the ledger, with an audit row', async () => {
      const buyer = await signUp(ctx.app);
      const { order: created } = await checkout(ctx, buyer, starter.id, 'sandbox');
      await complete(buyer, created.id, 'accept');

      const forbidden = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/admin/payments',
        headers: authHeaders(member),
      });
      expectError(forbidden, 403, 'AUTH_FORBIDDEN');
      const paid = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/admin/payments?status=paid&limit=100',
        headers: authHeaders(admin),
      });
      const row = (paid.json().items as AdminOrder[]).find((o) => o.id === created.id);
      expect(row).toMatchObject({
        userId: buyer.user.id,
        userEmail: buyer.email,
        flagReason: null,
        status: 'paid',
      });
      expect((paid.json().items as AdminOrder[]).every((o) => o.status === 'paid')).toBe(true);

      const refund = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/admin/payments/${created.id}/refund`,
        headers: authHeaders(admin),
        payload: {},
      });
      expect(refund.statusCode).toBe(200);
      expect(refund.json().order.status).toBe('refunded');
      expect(await wallet(ctx, buyer)).toEqual({ balance: 0, currency: 'COIN', locked: false });
      const again = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/admin/payments/${created.id}/refund`,
        headers: authHeaders(admin),
        payload: {},
      });
      expectError(again, 409, 'PAYMENTS_ORDER_NOT_REFUNDABLE');
      const audit = await ctx.platform.db
        .selectFrom('audit_log')
        .select(['action', 'actor_id'])
        .where('target_id', '=', created.id)
        .execute();
      expect(audit).toEqual([{ action: 'payment.refund', actor_id: admin.user.id }]);
      await expect
        .poll(() => events.some((e) => e.type === 'payment.refunded' && e.data.orderId === created.id))
        .toBe(true);
      await expectLedgerSound(ctx);
    });

    it('locks a wallet whose refunded coins were spent, and repays the debt from the next purchase', async () => {
      const buyer = await signUp(ctx.app);
      const creator = await signUp(ctx.app);
      const first = (await checkout(ctx, buyer, starter.id, 'sandbox')).order;
      await complete(buyer, first.id, 'accept');
      await ctx.services.ledger.sendGift({
        appId: SITE_APP_ID,
        fromUserId: buyer.user.id,
        toCreatorId: creator.user.id,
        coins: 70,
        idempotencyKey: `test-gift-${buyer.user.id}`,
      });
      expect((await wallet(ctx, buyer)).balance).toBe(30);

      const refund = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/admin/payments/${first.id}/refund`,
        headers: authHeaders(admin),
        payload: {},
      });
      expect(refund.json().order.status).toBe('refunded');
      expect(await wallet(ctx, buyer)).toEqual({ balance: 0, currency: 'COIN', locked: true });
      await expectLedgerSound(ctx);

      const second = (await checkout(ctx, buyer, starter.id, 'sandbox')).order;
      await complete(buyer, second.id, 'accept');
      expect(await wallet(ctx, buyer)).toEqual({ balance: 30, currency: 'COIN', locked: false });
      const lock = await ctx.platform.db
        .selectFrom('wallet_locks')
        .selectAll()
        .where('order_id', '=', first.id)
        .executeTakeFirstOrThrow();
      expect(lock).toMatchObject({ coins_owed: 70, coins_recovered: 70 });
      expect(lock.released_at).not.toBeNull();
      await expectLedgerSound(ctx);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, makeAdmin, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import type { CoinPackage, Order } from './payments.service.ts';
import {
  checkout,
  createPackage,
  expectError,
  expectLedgerSound,
  order,
  purchaseCredits,
  wallet,
} from './testing/payments.fixtures.ts';
import { FakeStripe } from './testing/stripe.fake.ts';

const SECRET_KEY = 'sk_test_pnptvfake';
const WEBHOOK_SECRET = 'whsec_pnptvfakesecret';

describe.each(testDatabases().map((f) => [f.name, f] as const))('Stripe on %s', (_name, factory) => {
  let ctx: TestContext;
  let admin: TestSession;
  let pkg: CoinPackage;
  const stripe = new FakeStripe(SECRET_KEY, WEBHOOK_SECRET);

  beforeAll(async () => {
    const apiBase = await stripe.start();
    ctx = await createTestContext(factory, {
      env: {
        STRIPE_SECRET_KEY: SECRET_KEY,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_BASE: apiBase,
        PAYMENTS_PROVIDER_TIMEOUT_MS: '300',
      },
    });
    admin = await makeAdmin(ctx);
    pkg = await createPackage(ctx, admin, { name: 'Stack', coins: 500, priceMinor: 1999, currency: 'EUR' });
  });
  afterAll(async () => {
    try {
      // Every suite that moves coins leaves a sound ledger behind.
      if (ctx) await expectLedgerSound(ctx);
    } finally {
      await ctx?.close();
      await stripe.stop();
    }
  });

  const deliver = (delivery: { payload: string; headers: Record<string, string> }) =>
    ctx.app.inject({
      method: 'POST',
      url: '/api/v1/payments/callbacks/stripe',
      headers: delivery.headers,
      payload: delivery.payload,
    });

  async function paidOrder(): Promise<{ member: TestSession; order: Order; sessionId: string }> {
    const member = await signUp(ctx.app);
    const { order: created } = await checkout(ctx, member, pkg.id, 'stripe');
    const sessionId = [...stripe.sessions.values()].find((s) => s.client_reference_id === created.id)!.id;
    const res = await deliver(stripe.event('checkout.session.completed', stripe.pay(sessionId)));
    expect(res.json()).toEqual({ received: true, result: 'applied' });
    return { member, order: created, sessionId };
  }

  it('creates a Checkout Session over HTTP with the order, and sends the member to its URL', async () => {
    const member = await signUp(ctx.app);
    const before = stripe.requests.length;
    const { order: created, redirectUrl } = await checkout(ctx, member, pkg.id, 'stripe');
    const request = stripe.requests.at(-1)!;
    expect(stripe.requests.length).toBe(before + 1);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/checkout/sessions');
    expect(request.headers['idempotency-key']).toBe(`checkout_${created.id}`);
    expect(request.form).toMatchObject({
      mode: 'payment',
      client_reference_id: created.id,
      'metadata[order_id]': created.id,
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'eur',
      'line_items[0][price_data][unit_amount]': '1999',
      'line_items[0][price_data][product_data][name]': 'Stack',
      success_url: `http://localhost:8080/wallet?order=${created.id}`,
      customer_email: member.email,
    });
    const session = [...stripe.sessions.values()].find((s) => s.client_reference_id === created.id)!;
    expect(redirectUrl).toBe(session.url);
    expect(created.status).toBe('pending');
  });

  it('credits once on a signed checkout.session.completed, however often it is delivered', async () => {
    const { member, order: created, sessionId } = await paidOrder();
    expect((await order(ctx, member, created.id)).status).toBe('paid');
    expect(await wallet(ctx, member)).toEqual({ balance: 500, currency: 'COIN', locked: false });
    const session = stripe.sessions.get(sessionId)!;
    const redelivery = stripe.event('checkout.session.completed', session, { eventId: 'evt_test_fixed' });
    expect((await deliver(redelivery)).json().result).toBe('applied');
    expect((await deliver(redelivery)).json().result).toBe('duplicate');
    expect(await purchaseCredits(ctx, created.id)).toBe(1);
    expect((await wallet(ctx, member)).balance).toBe(500);
    await expectLedgerSound(ctx);
  });

  it('refuses a bad or missing signature and a stale timestamp with 400 and credits nothing', async () => {
    const member = await signUp(ctx.app);
    const { order: created } = await checkout(ctx, member, pkg.id, 'stripe');
    const sessionId = [...stripe.sessions.values()].find((s) => s.client_reference_id === created.id)!.id;
    const paid = stripe.pay(sessionId);
    const wrongSecret = stripe.event('checkout.session.completed', paid, { secret: 'whsec_notours' });
    expectError(await deliver(wrongSecret), 400, 'PAYMENTS_BAD_SIGNATURE');
    const genuine = stripe.event('checkout.session.completed', paid);
    const tampered = {
      ...genuine,
      payload: genuine.payload.replace('"amount_total": 1999', '"amount_total": 1'),
    };
    expectError(await deliver(tampered), 400, 'PAYMENTS_BAD_SIGNATURE');
    const { 'stripe-signature': _dropped, ...unsigned } = genuine.headers;
    expectError(
      await deliver({ payload: genuine.payload, headers: unsigned }),
      400,
      'PAYMENTS_BAD_SIGNATURE',
    );
    const stale = stripe.event('checkout.session.completed', paid, {
      timestampS: Math.floor(Date.now() / 1000) - 3600,
    });
    expectError(await deliver(stale), 400, 'PAYMENTS_BAD_SIGNATURE');
    expect((await order(ctx, member, created.id)).status).toBe('pending');
    expect((await wallet(ctx, member)).balance).toBe(0);
  });

  it('refuses an event signed with a timestamp in the future beyond the tolerance', async () => {
    const member = await signUp(ctx.app);
    const { order: created } = await checkout(ctx, member, pkg.id, 'stripe');
    const sessionId = [...stripe.sessions.values()].find((s) => s.client_reference_id === created.id)!.id;
    const future = stripe.event('checkout.session.completed', stripe.pay(sessionId), {
      timestampS: Math.floor(Date.now() / 1000) + 3600,
    });
    expectError(await deliver(future), 400, 'PAYMENTS_BAD_SIGNATURE');
    expect((await order(ctx, member, created.id)).status).toBe('pending');
    expect(await purchaseCredits(ctx, created.id)).toBe(0);
  });

  it('credits one order per payment intent, and only with a signed amount', async () => {
    const { sessionId: paidSession } = await paidOrder();
    const attacks = [
      { payment_intent: stripe.sessions.get(paidSession)!.payment_intent },
      { amount_total: null },
    ];
    for (const attack of attacks) {
      const member = await signUp(ctx.app);
      const { order: created } = await checkout(ctx, member, pkg.id, 'stripe');
      const sessionId = [...stripe.sessions.values()].find((s) => s.client_reference_id === created.id)!.id;
      const session = { ...stripe.pay(sessionId), ...attack };
      expect((await deliver(stripe.event('checkout.session.completed', session))).statusCode).toBe(200);
      expect((await order(ctx, member, created.id)).status).not.toBe('paid');
      expect(await purchaseCredits(ctx, created.id)).toBe(0);
      expect((await wallet(ctx, member)).balance).toBe(0);
    }
  });

  it('waits for an asynchronous payment, then credits once when it succeeds', async () => {
    const member = await signUp(ctx.app);
    const { order: created } = await checkout(ctx, member, pkg.id, 'stripe');
    const sessionId = [...stripe.sessions.values()].find((s) => s.client_reference_id === created.id)!.id;
    await deliver(stripe.event('checkout.session.completed', stripe.pay(sessionId, 'unpaid')));
    expect((await order(ctx, member, created.id)).status).toBe('pending');
    await deliver(stripe.event('checkout.session.async_payment_succeeded', stripe.pay(sessionId, 'paid')));
    expect((await order(ctx, member, created.id)).status).toBe('paid');
    expect(await purchaseCredits(ctx, created.id)).toBe(1);
  });

  it('reverses the purchase on charge.refunded, found by its payment intent', async () => {
    const { member, order: created, sessionId } = await paidOrder();
    const refunded = stripe.event('charge.refunded', stripe.refundedCharge(sessionId));
    expect((await deliver(refunded)).json().result).toBe('applied');
    expect((await deliver(refunded)).json().result).toBe('duplicate');
    expect((await order(ctx, member, created.id)).status).toBe('refunded');
    expect(await wallet(ctx, member)).toEqual({ balance: 0, currency: 'COIN', locked: false });
    await expectLedgerSound(ctx);
  });

  it('reverses on a dispute and locks the wallet when the coins were spent', async () => {
    const { member, order: created, sessionId } = await paidOrder();
    const creator = await signUp(ctx.app);
    await ctx.services.ledger.sendGift({
      appId: 'app_site',
      fromUserId: member.user.id,
      toCreatorId: creator.user.id,
      coins: 450,
      idempotencyKey: `gift-${created.id}`,
    });
    await deliver(stripe.event('charge.dispute.created', stripe.dispute(sessionId)));
    expect((await order(ctx, member, created.id)).status).toBe('charged_back');
    expect(await wallet(ctx, member)).toEqual({ balance: 0, currency: 'COIN', locked: true });
    await expectLedgerSound(ctx);
  });

  it('asks Stripe to refund when an admin refunds, and the later charge.refunded changes nothing', async () => {
    const { member, order: created, sessionId } = await paidOrder();
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/admin/payments/${created.id}/refund`,
      headers: authHeaders(admin),
      payload: {},
    });
    expect(res.json().order.status).toBe('refunded');
    const refundCall = stripe.requests.at(-1)!;
    expect(refundCall.path).toBe('/v1/refunds');
    expect(refundCall.form.payment_intent).toBe(stripe.sessions.get(sessionId)!.payment_intent);
    expect(
      (await deliver(stripe.event('charge.refunded', stripe.refundedCharge(sessionId)))).statusCode,
    ).toBe(200);
    expect(await wallet(ctx, member)).toEqual({ balance: 0, currency: 'COIN', locked: false });
    await expectLedgerSound(ctx);
  });

  it('keeps the order pending when Stripe times out, and opens the checkout on retry', async () => {
    const member = await signUp(ctx.app);
    stripe.delayMs = 1500;
    let res: Awaited<ReturnType<TestContext['app']['inject']>>;
    try {
      res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/payments/checkout',
        headers: authHeaders(member),
        payload: { packageId: pkg.id, provider: 'stripe' },
      });
    } finally {
      stripe.delayMs = 0;
    }
    expectError(res, 502, 'PAYMENTS_PROVIDER_UNAVAILABLE');
    const mine = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/payments/orders',
      headers: authHeaders(member),
    });
    const [pending] = mine.json().items as Order[];
    expect(pending).toMatchObject({ status: 'pending', provider: 'stripe' });
    const retry = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/payments/orders/${pending!.id}/checkout`,
      headers: authHeaders(member),
      payload: {},
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().redirectUrl).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    expect(retry.json().order.id).toBe(pending!.id);
  });
});

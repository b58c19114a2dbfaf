import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeAdmin, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import type { CoinPackage } from './payments.service.ts';
import { epaycoConfirmation, FakeEpayco } from './testing/epayco.fake.ts';
import {
  checkout,
  createPackage,
  expectError,
  expectLedgerSound,
  order,
  purchaseCredits,
  wallet,
} from './testing/payments.fixtures.ts';

const MERCHANT = { customerId: '1234567', pKey: 'p-key-secret-for-tests' };
const PUBLIC_KEY = 'public-key-for-tests';

describe.each(testDatabases().map((f) => [f.name, f] as const))('ePayco on %s', (_name, factory) => {
  let ctx: TestContext;
  let admin: TestSession;
  let pkg: CoinPackage;
  const epayco = new FakeEpayco(MERCHANT);

  beforeAll(async () => {
    ctx = await createTestContext(factory, {
      env: {
        EPAYCO_CUSTOMER_ID: MERCHANT.customerId,
        EPAYCO_P_KEY: MERCHANT.pKey,
        EPAYCO_PUBLIC_KEY: PUBLIC_KEY,
        EPAYCO_VALIDATION_URL: await epayco.start(),
      },
    });
    admin = await makeAdmin(ctx);
    pkg = await createPackage(ctx, admin, { name: 'Pack', coins: 250, priceMinor: 999, currency: 'USD' });
  });
  afterAll(async () => {
    try {
      // Every suite that moves coins leaves a sound ledger behind.
      if (ctx) await expectLedgerSound(ctx);
    } finally {
      await ctx?.close();
      await epayco.stop();
    }
  });

  const post = (body: string, headers: Record<string, string>) =>
    ctx.app.inject({ method: 'POST', url: '/api/v1/payments/callbacks/epayco', headers, payload: body });

  async function newOrder(): Promise<{ member: TestSession; orderId: string }> {
    const member = await signUp(ctx.app);
    const { order: created } = await checkout(ctx, member, pkg.id, 'epayco');
    return { member, orderId: created.id };
  }

  it('opens the standard checkout with the public key only', async () => {
    const providers = await ctx.app.inject({ method: 'GET', url: '/api/v1/payments/providers' });
    expect(providers.json().items.map((p: { id: string }) => p.id)).toEqual(['sandbox', 'epayco']);
    const member = await signUp(ctx.app);
    const { order: created, redirectUrl } = await checkout(ctx, member, pkg.id, 'epayco');
    expect(redirectUrl).toBe(`http://localhost:8080/api/v1/payments/epayco/${created.id}/checkout`);
    const page = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/payments/epayco/${created.id}/checkout`,
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('https://checkout.epayco.co/checkout.js');
    expect(page.body).toContain(`"key":"${PUBLIC_KEY}"`);
    expect(page.body).toContain(`"invoice":"${created.id}"`);
    expect(page.body).toContain('"amount":"9.99"');
    expect(page.body).toContain('"confirmation":"http://localhost:8080/api/v1/payments/callbacks/epayco"');
    expect(page.body).not.toContain(MERCHANT.pKey);
  });

  it('credits a correctly signed acceptance once', async () => {
    const { member, orderId } = await newOrder();
    const accepted = epayco.confirmation({ orderId, amount: '9.99', currency: 'USD', state: 1 });
    const res = await post(accepted.body, accepted.headers);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, result: 'applied' });
    expect((await order(ctx, member, orderId)).status).toBe('paid');
    expect(await wallet(ctx, member)).toEqual({ balance: 250, currency: 'COIN', locked: false });
    const again = await post(accepted.body, accepted.headers);
    expect(again.json()).toEqual({ received: true, result: 'duplicate' });
    expect(await purchaseCredits(ctx, orderId)).toBe(1);
    const stored = await ctx.platform.db
      .selectFrom('payment_callbacks')
      .selectAll()
      .where('order_id', '=', orderId)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ verified: true, raw_body: accepted.body, provider: 'epayco' });
    await expectLedgerSound(ctx);
  });

  it('refuses forged and unsigned callbacks with 400, stores them unverified and credits nothing', async () => {
    const { member, orderId } = await newOrder();
    const genuine = epayco.confirmation({ orderId, amount: '9.99', currency: 'USD', state: 1 });
    const forgedByKey = epaycoConfirmation(
      { ...MERCHANT, pKey: 'guessed-key' },
      { orderId, amount: '9.99', currency: 'USD', state: 1 },
    );
    const tampered = genuine.body.replace('x_amount=9.99', 'x_amount=0.01');
    const unsigned = new URLSearchParams({ ...genuine.fields, x_signature: '' }).toString();
    for (const body of [forgedByKey.body, tampered, unsigned, 'not a form at all']) {
      expectError(await post(body, genuine.headers), 400, 'PAYMENTS_BAD_SIGNATURE');
    }
    expect((await order(ctx, member, orderId)).status).toBe('pending');
    expect((await wallet(ctx, member)).balance).toBe(0);
    const refused = await ctx.platform.db
      .selectFrom('payment_callbacks')
      .select(['verified', 'error', 'raw_body'])
      .where('verified', '=', false)
      .where('raw_body', 'in', [forgedByKey.body, tampered, unsigned])
      .execute();
    expect(refused).toHaveLength(3);
    expect(refused.every((r) => r.error !== null)).toBe(true);
    await expectLedgerSound(ctx);
  });

  it('credits exactly once when the same callback is replayed 1,000 times, 50 at a time', async () => {
    const { member, orderId } = await newOrder();
    const accepted = epayco.confirmation({ orderId, amount: '9.99', currency: 'USD', state: 1 });
    const results: string[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => post(accepted.body, accepted.headers)),
      );
      for (const res of responses) {
        expect(res.statusCode).toBe(200);
        results.push(res.json().result);
      }
    }
    expect(results.filter((r) => r === 'applied')).toHaveLength(1);
    expect(results.filter((r) => r === 'duplicate')).toHaveLength(999);
    expect(await purchaseCredits(ctx, orderId)).toBe(1);
    expect((await wallet(ctx, member)).balance).toBe(250);
    await expectLedgerSound(ctx);
  });

  it('credits once when the acceptance arrives before the pending notice', async () => {
    const { member, orderId } = await newOrder();
    const ref = { refPayco: '55501', transactionId: 'tx-55501' };
    // The transaction was pending, then accepted: ePayco's records now say accepted.
    const pending = epayco.confirmation({
      orderId,
      amount: '9.99',
      currency: 'USD',
      state: 3,
      ...ref,
    });
    const accepted = epayco.confirmation({
      orderId,
      amount: '9.99',
      currency: 'USD',
      state: 1,
      ...ref,
    });
    expect((await post(accepted.body, accepted.headers)).json().result).toBe('applied');
    // The late pending notice is read as what ePayco now reports: the acceptance, already applied.
    expect((await post(pending.body, pending.headers)).json().result).toBe('duplicate');
    expect((await order(ctx, member, orderId)).status).toBe('paid');
    expect(await purchaseCredits(ctx, orderId)).toBe(1);
    expect((await wallet(ctx, member)).balance).toBe(250);
  });

  it('pays a rejected order once when ePayco accepts a later attempt', async () => {
    const { member, orderId } = await newOrder();
    const rejected = epayco.confirmation({ orderId, amount: '9.99', currency: 'USD', state: 2 });
    const accepted = epayco.confirmation({ orderId, amount: '9.99', currency: 'USD', state: 1 });
    await post(rejected.body, rejected.headers);
    expect((await order(ctx, member, orderId)).status).toBe('rejected');
    await post(accepted.body, accepted.headers);
    expect((await order(ctx, member, orderId)).status).toBe('paid');
    expect(await purchaseCredits(ctx, orderId)).toBe(1);
  });

  it('flags an order whose amount or currency differs and credits nothing', async () => {
    for (const wrong of [
      { amount: '0.99', currency: 'USD', reason: 'amount 99 instead of 999 (minor units)' },
      { amount: '9.99', currency: 'COP', reason: 'currency COP instead of USD' },
    ]) {
      const { member, orderId } = await newOrder();
      const cheap = epayco.confirmation({
        orderId,
        amount: wrong.amount,
        currency: wrong.currency,
        state: 1,
      });
      expect((await post(cheap.body, cheap.headers)).statusCode).toBe(200);
      expect((await order(ctx, member, orderId)).status).toBe('flagged');
      expect((await wallet(ctx, member)).balance).toBe(0);
      const row = await ctx.platform.db
        .selectFrom('payment_orders')
        .select('flag_reason')
        .where('id', '=', orderId)
        .executeTakeFirstOrThrow();
      expect(row.flag_reason).toBe(wrong.reason);
      // A correct acceptance afterwards does not unflag it: an admin looks first.
      const right = epayco.confirmation({ orderId, amount: '9.99', currency: 'USD', state: 1 });
      await post(right.body, right.headers);
      expect((await order(ctx, member, orderId)).status).toBe('flagged');
      expect(await purchaseCredits(ctx, orderId)).toBe(0);
    }
  });

  it('reads confirmations sent as JSON as well', async () => {
    const { member, orderId } = await newOrder();
    const accepted = epayco.confirmation({ orderId, amount: '9.99', currency: 'USD', state: 1 });
    const res = await post(JSON.stringify(accepted.fields), { 'content-type': 'application/json' });
    expect(res.json()).toEqual({ received: true, result: 'applied' });
    expect((await wallet(ctx, member)).balance).toBe(250);
  });

  it('takes the coins back when ePayco reverses a paid transaction', async () => {
    const { member, orderId } = await newOrder();
    const ref = { refPayco: '77701', transactionId: 'tx-77701' };
    const accepted = epayco.confirmation({
      orderId,
      amount: '9.99',
      currency: 'USD',
      state: 1,
      ...ref,
    });
    const reversed = epayco.confirmation({
      orderId,
      amount: '9.99',
      currency: 'USD',
      state: 6,
      ...ref,
    });
    await post(accepted.body, accepted.headers);
    await post(reversed.body, reversed.headers);
    await post(reversed.body, reversed.headers);
    expect((await order(ctx, member, orderId)).status).toBe('refunded');
    expect(await wallet(ctx, member)).toEqual({ balance: 0, currency: 'COIN', locked: false });
    await expectLedgerSound(ctx);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeAdmin, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import type { CoinPackage } from './payments.service.ts';
import { FakeEpayco } from './testing/epayco.fake.ts';
import {
  checkout,
  createPackage,
  expectError,
  expectLedgerSound,
  order,
  purchaseCredits,
  wallet,
} from './testing/payments.fixtures.ts';

const MERCHANT = { customerId: '7654321', pKey: 'p-key-for-attack-tests' };

/** The unsigned fields of a confirmation that say what happened to the payment, all saying "accepted". */
const SAYS_ACCEPTED = {
  x_cod_transaction_state: '1',
  x_transaction_state: 'Aceptada',
  x_cod_response: '1',
  x_response: 'Aceptada',
  x_cod_respuesta: '1',
  x_respuesta: 'Aceptada',
};

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'ePayco confirmations trusted only when ePayco confirms them, on %s',
  (_name, factory) => {
    let ctx: TestContext;
    let pkg: CoinPackage;
    const epayco = new FakeEpayco(MERCHANT);

    beforeAll(async () => {
      ctx = await createTestContext(factory, {
        env: {
          EPAYCO_CUSTOMER_ID: MERCHANT.customerId,
          EPAYCO_P_KEY: MERCHANT.pKey,
          EPAYCO_PUBLIC_KEY: 'public-key-for-attack-tests',
          EPAYCO_VALIDATION_URL: await epayco.start(),
          PAYMENTS_PROVIDER_TIMEOUT_MS: '300',
        },
      });
      pkg = await createPackage(ctx, await makeAdmin(ctx), { coins: 300, priceMinor: 1500, currency: 'USD' });
    });
    afterAll(async () => {
      try {
        if (ctx) await expectLedgerSound(ctx);
      } finally {
        await ctx?.close();
        await epayco.stop();
      }
    });

    const post = (fields: Record<string, string>) =>
      ctx.app.inject({
        method: 'POST',
        url: '/api/v1/payments/callbacks/epayco',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      });

    async function newOrder(): Promise<{ member: TestSession; orderId: string }> {
      const member = await signUp(ctx.app);
      return { member, orderId: (await checkout(ctx, member, pkg.id, 'epayco')).order.id };
    }

    it('credits no second order when a signed acceptance is re-sent naming it', async () => {
      const first = await newOrder();
      const second = await newOrder();
      const accepted = epayco.confirmation({
        orderId: first.orderId,
        amount: '15.00',
        currency: 'USD',
        state: 1,
      });
      expect((await post(accepted.fields)).json().result).toBe('applied');
      const redirected = {
        x_extra1: second.orderId,
        x_id_invoice: second.orderId,
        x_id_factura: second.orderId,
      };
      // The state fields are spelled differently each time so no earlier delivery matches.
      for (const state of [' 1', '01', '1']) {
        const res = await post({ ...accepted.fields, ...redirected, x_cod_transaction_state: state });
        expect(res.statusCode).toBe(200);
      }
      expect((await order(ctx, second.member, second.orderId)).status).toBe('pending');
      expect(await purchaseCredits(ctx, second.orderId)).toBe(0);
      expect((await wallet(ctx, second.member)).balance).toBe(0);
      expect(await purchaseCredits(ctx, first.orderId)).toBe(1);
      expect((await wallet(ctx, first.member)).balance).toBe(300);
    });

    it('credits nothing when the state fields of a signed pending or rejected confirmation say accepted', async () => {
      for (const state of [3, 2] as const) {
        const { member, orderId } = await newOrder();
        const genuine = epayco.confirmation({ orderId, amount: '15.00', currency: 'USD', state });
        const res = await post({ ...genuine.fields, ...SAYS_ACCEPTED });
        expect(res.statusCode).toBe(200);
        expect((await order(ctx, member, orderId)).status).toBe(state === 3 ? 'pending' : 'rejected');
        expect(await purchaseCredits(ctx, orderId)).toBe(0);
        expect((await wallet(ctx, member)).balance).toBe(0);
      }
    });

    it('credits nothing when the validated transaction disagrees with the confirmation', async () => {
      const disagreements: Record<string, string | number>[] = [
        { x_amount: 1.5 },
        { x_currency_code: 'COP' },
        { x_transaction_id: 'another-attempt' },
        { x_ref_payco: '11111111' },
        { x_transaction_state: 'Rechazada' },
        { x_cod_transaction_state: 2 },
      ];
      for (const patch of disagreements) {
        const { member, orderId } = await newOrder();
        const accepted = epayco.confirmation({ orderId, amount: '15.00', currency: 'USD', state: 1 });
        epayco.amend(accepted.fields.x_ref_payco!, patch);
        const res = await post(accepted.fields);
        expectError(res, 400, 'PAYMENTS_CALLBACK_UNCONFIRMED');
        expect((await order(ctx, member, orderId)).status).not.toBe('paid');
        expect(await purchaseCredits(ctx, orderId)).toBe(0);
        expect((await wallet(ctx, member)).balance).toBe(0);
      }
    });

    it('keeps the order pending while validation fails, and credits once when a retry is confirmed', async () => {
      const { member, orderId } = await newOrder();
      const accepted = epayco.confirmation({ orderId, amount: '15.00', currency: 'USD', state: 1 });
      const known = epayco.transactions.get(accepted.fields.x_ref_payco!)!;
      try {
        epayco.failWith = 503;
        expectError(await post(accepted.fields), 502, 'PAYMENTS_PROVIDER_UNAVAILABLE');
        epayco.failWith = null;
        epayco.delayMs = 1500;
        expectError(await post(accepted.fields), 502, 'PAYMENTS_PROVIDER_UNAVAILABLE');
        epayco.delayMs = 0;
        epayco.transactions.delete(accepted.fields.x_ref_payco!);
        expectError(await post(accepted.fields), 502, 'PAYMENTS_PROVIDER_UNAVAILABLE');
      } finally {
        epayco.failWith = null;
        epayco.delayMs = 0;
        epayco.transactions.set(accepted.fields.x_ref_payco!, known);
      }
      expect((await order(ctx, member, orderId)).status).toBe('pending');
      expect(await purchaseCredits(ctx, orderId)).toBe(0);
      expect((await post(accepted.fields)).json()).toEqual({ received: true, result: 'applied' });
      expect((await post(accepted.fields)).json()).toEqual({ received: true, result: 'duplicate' });
      expect((await order(ctx, member, orderId)).status).toBe('paid');
      expect(await purchaseCredits(ctx, orderId)).toBe(1);
      expect((await wallet(ctx, member)).balance).toBe(300);
    });

    it('lets the database hold one provider payment on one order only', async () => {
      const first = await newOrder();
      const second = await newOrder();
      const setRef = (id: string) =>
        ctx.platform.db
          .updateTable('payment_orders')
          .set({ provider_payment_ref: 'ref-shared' })
          .where('id', '=', id)
          .execute();
      await setRef(first.orderId);
      await expect(setRef(second.orderId)).rejects.toThrow(/payment_orders_payment_ref/);
    });
  },
);

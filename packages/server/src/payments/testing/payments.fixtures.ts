import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { authHeaders, type TestSession } from '../../../test/factories.ts';
import type { TestContext } from '../../../test/harness.ts';
import { SITE_APP_ID } from '../../platform/db/schema.ts';
import { ledgerVerify } from '../../wallet/index.ts';
import type { CoinPackage, Order } from '../payments.service.ts';

/** Puts a package on sale as `admin` through the API. */
export async function createPackage(
  ctx: TestContext,
  admin: TestSession,
  input: { name?: string; coins?: number; priceMinor?: number; currency?: string } = {},
): Promise<CoinPackage> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/admin/coin-packages',
    headers: authHeaders(admin),
    payload: { name: 'Starter', coins: 100, priceMinor: 499, currency: 'USD', ...input },
  });
  if (res.statusCode !== 201) throw new Error(`package not created: ${res.statusCode} ${res.body}`);
  return (res.json() as { package: CoinPackage }).package;
}

/** Orders a package as `member` through POST /payments/checkout. */
export async function checkout(
  ctx: TestContext,
  member: TestSession,
  packageId: string,
  provider: 'sandbox' | 'epayco' | 'stripe',
): Promise<{ order: Order; redirectUrl: string }> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/payments/checkout',
    headers: authHeaders(member),
    payload: { packageId, provider },
  });
  if (res.statusCode !== 201) throw new Error(`checkout failed: ${res.statusCode} ${res.body}`);
  return res.json() as { order: Order; redirectUrl: string };
}

/** The member's wallet through GET /wallet. */
export async function wallet(
  ctx: TestContext,
  member: TestSession,
): Promise<{ balance: number; currency: string; locked: boolean }> {
  const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/wallet', headers: authHeaders(member) });
  expect(res.statusCode).toBe(200);
  return res.json();
}

/** The member's order through GET /payments/orders/:id. */
export async function order(ctx: TestContext, member: TestSession, id: string): Promise<Order> {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/payments/orders/${id}`,
    headers: authHeaders(member),
  });
  expect(res.statusCode).toBe(200);
  return (res.json() as { order: Order }).order;
}

/** How many purchase credits the ledger holds for an order (0 or 1 when sound). */
export async function purchaseCredits(ctx: TestContext, orderId: string): Promise<number> {
  const rows = await ctx.platform.db
    .selectFrom('ledger_transactions')
    .select('id')
    .where('app_id', '=', SITE_APP_ID)
    .where('idempotency_key', '=', `purchase:${orderId}`)
    .execute();
  return rows.length;
}

/** Asserts the ledger's invariants all hold. */
export async function expectLedgerSound(ctx: TestContext): Promise<void> {
  expect(await ledgerVerify(ctx.platform.db)).toEqual([]);
}

/** Asserts a response is the error `code` with `status`. */
export function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect({ status: res.statusCode, code: (res.json() as { code?: string }).code }).toEqual({ status, code });
}

import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, logIn, makeAdmin, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { ledgerVerify } from '../wallet/index.ts';
import type { PayoutView } from './payouts.service.ts';

const DAY = 86_400_000;

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect({ status: res.statusCode, code: (res.json() as { code?: string }).code }).toEqual({ status, code });
}

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'earnings and payouts on %s',
  (_name, factory) => {
    let now = Date.UTC(2026, 2, 10, 15, 0, 0);
    const clock = { now: () => now };
    let ctx: TestContext;
    let admin: TestSession;
    let creator: TestSession;
    let fan: TestSession;
    let counter = 0;

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
      fan = await signUp(ctx.app);
      await ctx.services.ledger.creditPurchase({
        appId: SITE_APP_ID,
        userId: fan.user.id,
        coins: 100_000,
        provider: 'sandbox',
        idempotencyKey: `test-purchase-${fan.user.id}`,
      });
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
    const earnings = () =>
      ctx.services.ledger.balanceOf({
        appId: SITE_APP_ID,
        kind: 'creator_earnings',
        ownerId: creator.user.id,
      });
    const held = () =>
      ctx.services.ledger.balanceOf({ appId: SITE_APP_ID, kind: 'payouts', ownerId: creator.user.id });
    async function send(coins: number, kind: 'gift' | 'tip') {
      await ctx.services.ledger.sendGift({
        appId: SITE_APP_ID,
        fromUserId: fan.user.id,
        toCreatorId: creator.user.id,
        coins,
        splitCreatorBps: await ctx.services.split.creatorBps(SITE_APP_ID, creator.user.id),
        idempotencyKey: `test-${kind}-${++counter}`,
        kind,
      });
    }
    async function requestPayout(coins: number): Promise<PayoutView> {
      const res = await inject('POST', '/creator/payouts', creator, { coins });
      if (res.statusCode !== 201) throw new Error(`payout request failed: ${res.statusCode} ${res.body}`);
      return (res.json() as { payout: PayoutView }).payout;
    }

    it('shows earnings: balance, lifetime, the 30-day chart by kind and recent movements', async () => {
      now = Date.UTC(2026, 2, 8, 10, 0, 0);
      await send(1000, 'gift');
      now = Date.UTC(2026, 2, 10, 10, 0, 0);
      await send(2000, 'gift');
      await send(1000, 'tip');
      now = Date.UTC(2026, 2, 10, 15, 0, 0);
      const res = await inject('GET', '/creator/earnings', creator);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ balance: 2800, lifetime: 2800, creatorBps: 7000, payoutMinimum: 1000 });
      expect(body.daily).toHaveLength(30);
      expect(body.daily[0].date).toBe('2026-02-09');
      expect(body.daily[29]).toEqual({
        date: '2026-03-10',
        gifts: 1400,
        tips: 700,
        tickets: 0,
        subscriptions: 0,
      });
      expect(body.daily[27]).toEqual({
        date: '2026-03-08',
        gifts: 700,
        tips: 0,
        tickets: 0,
        subscriptions: 0,
      });
      expect(body.recent.map((m: { kind: string; amount: number }) => [m.kind, m.amount])).toEqual([
        ['tip', 700],
        ['gift', 1400],
        ['gift', 700],
      ]);
      expectError(await inject('GET', '/creator/earnings', fan), 403, 'AUTH_FORBIDDEN');
    });

    it('refuses payouts below the minimum or above the balance, moving nothing', async () => {
      expectError(
        await inject('POST', '/creator/payouts', creator, { coins: 999 }),
        400,
        'PAYOUTS_BELOW_MINIMUM',
      );
      expectError(
        await inject('POST', '/creator/payouts', creator, { coins: 2801 }),
        409,
        'PAYOUTS_INSUFFICIENT_EARNINGS',
      );
      expectError(await inject('POST', '/creator/payouts', fan, { coins: 1000 }), 403, 'AUTH_FORBIDDEN');
      expect(await earnings()).toBe(2800);
      expect(await held()).toBe(0);
      expect(await db().selectFrom('payouts').select('id').execute()).toEqual([]);
    });

    it('holds requested coins, returns them on rejection, and pays an approved payout once', async () => {
      const first = await requestPayout(2500);
      expect(first).toMatchObject({
        creatorId: creator.user.id,
        coins: 2500,
        status: 'requested',
        reference: null,
      });
      expect(await earnings()).toBe(300);
      expect(await held()).toBe(2500);
      expect((await inject('GET', '/creator/earnings', creator)).json()).toMatchObject({
        balance: 300,
        lifetime: 2800,
      });

      const rejected = await inject('POST', `/admin/payouts/${first.id}/reject`, admin, {
        reason: 'Bank details missing',
      });
      expect(rejected.statusCode).toBe(200);
      expect(rejected.json().payout).toMatchObject({ status: 'rejected', reason: 'Bank details missing' });
      expect(await earnings()).toBe(2800);
      expect(await held()).toBe(0);
      expectError(
        await inject('POST', `/admin/payouts/${first.id}/approve`, admin, {}),
        409,
        'PAYOUTS_WRONG_STATE',
      );

      const second = await requestPayout(1200);
      expectError(
        await inject('POST', `/admin/payouts/${second.id}/mark-paid`, admin, { reference: 'X' }),
        409,
        'PAYOUTS_WRONG_STATE',
      );
      const approved = await inject('POST', `/admin/payouts/${second.id}/approve`, admin, {});
      expect(approved.json().payout.status).toBe('approved');
      const paid = await inject('POST', `/admin/payouts/${second.id}/mark-paid`, admin, {
        reference: 'BANK-123',
      });
      expect(paid.statusCode).toBe(200);
      expect(paid.json().payout).toMatchObject({ status: 'paid', reference: 'BANK-123' });
      expect(paid.json().payout.paidAt).not.toBeNull();
      expectError(
        await inject('POST', `/admin/payouts/${second.id}/mark-paid`, admin, { reference: 'AGAIN' }),
        409,
        'PAYOUTS_WRONG_STATE',
      );
      expect(await earnings()).toBe(1600);
      expect(await held()).toBe(0);
      const rail = await ctx.services.ledger.balanceOf({
        appId: SITE_APP_ID,
        kind: 'provider_clearing',
        ownerId: 'payouts',
      });
      expect(rail).toBe(1200);

      const mine = (await inject('GET', '/creator/payouts', creator)).json();
      expect(mine.items.map((p: PayoutView) => [p.id, p.status])).toEqual([
        [second.id, 'paid'],
        [first.id, 'rejected'],
      ]);
      const counts = await inject('GET', '/admin/payouts/counts', admin);
      expect(counts.json()).toEqual({ counts: { requested: 0, approved: 0, rejected: 1, paid: 1 } });
      expectError(await inject('GET', '/admin/payouts/counts', creator), 403, 'AUTH_FORBIDDEN');
      const paidList = (await inject('GET', '/admin/payouts?status=paid', admin)).json();
      expect(paidList.items.map((p: PayoutView) => p.id)).toEqual([second.id]);
      expect(paidList.items[0].creatorName).toBe(creator.user.displayName);

      await ctx.drainJobs();
      const mail = await db()
        .selectFrom('mail_outbox')
        .selectAll()
        .where('to_address', '=', creator.email)
        .where('subject', '=', 'Your payout was sent')
        .execute();
      expect(mail).toHaveLength(1);
      expect(mail[0]!.text_body).toContain('BANK-123');
      const audit = await db()
        .selectFrom('audit_log')
        .select(['action', 'target_id', 'actor_id'])
        .where('action', 'like', 'payout.%')
        .orderBy('id')
        .execute();
      expect(audit).toEqual([
        { action: 'payout.reject', target_id: first.id, actor_id: admin.user.id },
        { action: 'payout.approve', target_id: second.id, actor_id: admin.user.id },
        { action: 'payout.mark_paid', target_id: second.id, actor_id: admin.user.id },
      ]);
    });

    it('writes the statement as CSV with a running balance', async () => {
      const res = await inject('GET', '/creator/statement.csv?from=2026-03-01&to=2026-03-10', creator);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      const lines = res.body.split('\r\n');
      expect(lines[0]).toBe('date,kind,description,amount,balance');
      const rows = lines.slice(1, -1).map((l) => l.split(','));
      expect(rows.map((r) => [r[1], Number(r[3]), Number(r[4])])).toEqual([
        ['gift', 700, 700],
        ['gift', 1400, 2100],
        ['tip', 700, 2800],
        ['payout.request', -2500, 300],
        ['payout.return', 2500, 2800],
        ['payout.request', -1200, 1600],
      ]);
      expect(rows[3]![2]).toBe(
        `Payout requested (${(await db().selectFrom('payouts').select('id').orderBy('id').executeTakeFirstOrThrow()).id})`,
      );
      const later = await inject('GET', '/creator/statement.csv?from=2026-03-09&to=2026-03-10', creator);
      const laterRows = later.body.split('\r\n').slice(1, -1);
      expect(laterRows).toHaveLength(5);
      expect(laterRows[0]!.endsWith(',1400,2100')).toBe(true);
      expectError(
        await inject('GET', '/creator/statement.csv?from=2026-03-10&to=2026-03-01', creator),
        400,
        'PAYOUTS_BAD_RANGE',
      );
      expectError(await inject('GET', '/creator/statement.csv', fan), 403, 'AUTH_FORBIDDEN');
    });

    it('lets admins set the default split and payout minimum, and a creator override', async () => {
      const set = await inject('PUT', '/admin/split', admin, { creatorBps: 6000, payoutMinimum: 500 });
      expect(set.json()).toEqual({ creatorBps: 6000, payoutMinimum: 500 });
      expect(await ctx.services.split.creatorBps(SITE_APP_ID, creator.user.id)).toBe(6000);
      await inject('PUT', `/admin/creators/${creator.user.id}/split`, admin, { creatorBps: 8000 });
      const got = (await inject('GET', '/admin/split', admin)).json();
      expect(got).toEqual({
        creatorBps: 6000,
        payoutMinimum: 500,
        overrides: [{ creatorId: creator.user.id, creatorName: creator.user.displayName, creatorBps: 8000 }],
      });
      const before = await earnings();
      await send(1000, 'gift');
      expect((await earnings()) - before).toBe(800);
      expect((await inject('GET', '/creator/earnings', creator)).json()).toMatchObject({
        creatorBps: 8000,
        payoutMinimum: 500,
      });
      expect((await requestPayout(500)).coins).toBe(500);
      expectError(
        await inject('PUT', '/admin/split', admin, { creatorBps: 10_001 }),
        400,
        'VALIDATION_FAILED',
      );
      expectError(
        await inject('PUT', `/admin/creators/usr_0000000000000/split`, admin, { creatorBps: 5000 }),
        404,
        'PAYOUTS_CREATOR_NOT_FOUND',
      );
    });

    it('keeps every admin route for admins only', async () => {
      const payout = (await db().selectFrom('payouts').select('id').executeTakeFirstOrThrow()).id;
      const calls: [string, string, unknown][] = [
        ['GET', '/admin/payouts', undefined],
        ['POST', `/admin/payouts/${payout}/approve`, {}],
        ['POST', `/admin/payouts/${payout}/reject`, { reason: 'no' }],
        ['POST', `/admin/payouts/${payout}/mark-paid`, { reference: 'x' }],
        ['GET', '/admin/split', undefined],
        ['PUT', '/admin/split', { creatorBps: 1 }],
        ['PUT', `/admin/creators/${creator.user.id}/split`, { creatorBps: 1 }],
        ['PUT', '/admin/prime', { priceCoins: 1, perks: [] }],
      ];
      for (const who of [fan, creator]) {
        for (const [method, url, payload] of calls) {
          expectError(await inject(method as 'GET', url, who, payload), 403, 'AUTH_FORBIDDEN');
        }
      }
      expect(await ctx.services.split.creatorBps(SITE_APP_ID, creator.user.id)).toBe(8000);
    });

    it('lets concurrent requests take exactly what the balance covers', async () => {
      const balance = await earnings();
      const fit = Math.floor(balance / 500);
      const results = await Promise.all(
        Array.from({ length: fit + 3 }, () => inject('POST', '/creator/payouts', creator, { coins: 500 })),
      );
      const codes = results.map((r) => r.statusCode).sort();
      expect(codes).toEqual([...Array(fit).fill(201), ...Array(3).fill(409)]);
      expect(await earnings()).toBe(balance - fit * 500);
    });

    it('replays a payout request sent again with the same idempotency key', async () => {
      await send(2000, 'gift');
      const payload = { coins: 500, idempotencyKey: 'payout-once' };
      const first = await inject('POST', '/creator/payouts', creator, payload);
      const again = await inject('POST', '/creator/payouts', creator, payload);
      expect(first.statusCode).toBe(201);
      expect(again.json().payout.id).toBe(first.json().payout.id);
      const rows = await db()
        .selectFrom('payouts')
        .select('id')
        .where('idempotency_key', '=', 'payout-once')
        .execute();
      expect(rows).toHaveLength(1);
      expectError(
        await inject('POST', '/creator/payouts', creator, { coins: 600, idempotencyKey: 'payout-once' }),
        409,
        'PAYOUTS_KEY_REUSED',
      );
    });

    it('leaves the ledger balanced', async () => {
      now += DAY;
      expect(await ledgerVerify(db())).toEqual([]);
    });
  },
);

import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, makeAdmin, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { fund, makeStream, moneyState } from '../gifts/gifts.fixtures.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { ledgerVerify } from '../wallet/index.ts';
import { TicketService, type TicketView } from './tickets.service.ts';

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect({ status: res.statusCode, code: (res.json() as { code?: string }).code }).toEqual({ status, code });
}

describe.each(testDatabases().map((f) => [f.name, f] as const))('ticket routes on %s', (_name, factory) => {
  let ctx: TestContext;
  let owner: TestSession;
  let viewer: TestSession;
  let admin: TestSession;
  let streamId: string;

  beforeAll(async () => {
    ctx = await createTestContext(factory);
    owner = await signUp(ctx.app, { displayName: 'Owner' });
    viewer = await signUp(ctx.app);
    admin = await makeAdmin(ctx);
    streamId = await makeStream(ctx.platform.db, owner.user.id, 'idle');
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const db = () => ctx.platform.db;
  const ledger = () => ctx.services.ledger;
  const wallet = (userId: string) =>
    ledger().balanceOf({ appId: SITE_APP_ID, kind: 'member_wallet', ownerId: userId });
  const earnings = (userId: string) =>
    ledger().balanceOf({ appId: SITE_APP_ID, kind: 'creator_earnings', ownerId: userId });
  const url = (id = streamId) => `/api/v1/streams/${id}/ticket`;

  function setPrice(who: TestSession | null, priceCoins: unknown, id = streamId) {
    return ctx.app.inject({
      method: 'PUT',
      url: url(id),
      headers: who ? authHeaders(who) : {},
      payload: { priceCoins },
    });
  }
  function buy(who: TestSession, idempotencyKey: string, id = streamId) {
    return ctx.app.inject({
      method: 'POST',
      url: `${url(id)}/purchase`,
      headers: authHeaders(who),
      payload: { idempotencyKey },
    });
  }
  async function info(who: TestSession | null, id = streamId) {
    const res = await ctx.app.inject({ method: 'GET', url: url(id), headers: who ? authHeaders(who) : {} });
    expect(res.statusCode).toBe(200);
    return res.json() as { priceCoins: number | null; owned: boolean };
  }
  async function refused(request: () => Promise<LightMyRequestResponse>, status: number, code: string) {
    const before = await moneyState(db());
    expectError(await request(), status, code);
    expect(await moneyState(db())).toEqual(before);
  }

  it('sells no ticket until a price is set', async () => {
    expect(await info(null)).toEqual({ priceCoins: null, owned: false });
    expect(await info(viewer)).toEqual({ priceCoins: null, owned: false });
    expect(await info(owner)).toEqual({ priceCoins: null, owned: true });
    await fund(ledger(), viewer.user.id, 500);
    await refused(() => buy(viewer, 'early'), 409, 'TICKET_NOT_FOR_SALE');
  });

  it('lets only the stream owner or an admin set the price, audited', async () => {
    expectError(await setPrice(viewer, 50), 403, 'TICKET_FORBIDDEN');
    expectError(await setPrice(null, 50), 401, 'AUTH_REQUIRED');
    for (const bad of [0, -1, 2.5, 1_000_001, '50'])
      expectError(await setPrice(owner, bad), 400, 'VALIDATION_FAILED');
    expectError(await setPrice(owner, 50, 'str_nosuchstream'), 404, 'TICKET_TARGET_NOT_FOUND');
    expect(await info(viewer)).toEqual({ priceCoins: null, owned: false });

    const byOwner = await setPrice(owner, 80);
    expect(byOwner.statusCode).toBe(200);
    expect(byOwner.json()).toEqual({ priceCoins: 80 });
    const byAdmin = await setPrice(admin, 120);
    expect(byAdmin.json()).toEqual({ priceCoins: 120 });
    expect(await info(viewer)).toEqual({ priceCoins: 120, owned: false });
    expect(await info(admin)).toEqual({ priceCoins: 120, owned: true });
    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('target_id', '=', streamId)
      .where('action', '=', 'ticket.price.set')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.actor_id)).toEqual([owner.user.id, admin.user.id]);
  });

  it('sells a ticket once: the second purchase returns it and charges nothing', async () => {
    const earned = await earnings(owner.user.id);
    const first = await buy(viewer, 'buy-1');
    expect(first.statusCode).toBe(201);
    const body = first.json() as { ticket: TicketView; balance: number };
    expect(body.balance).toBe(380);
    expect(body.ticket).toMatchObject({ targetKind: 'stream', targetId: streamId, priceCoins: 120 });
    expect(await wallet(viewer.user.id)).toBe(380);
    expect((await earnings(owner.user.id)) - earned).toBe(84);

    for (const key of ['buy-1', 'buy-2']) {
      const again = await buy(viewer, key);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ ticket: body.ticket, balance: 380 });
    }
    // Even after the price changes, a holder is never charged again.
    await setPrice(owner, 10);
    expect((await buy(viewer, 'buy-3')).json()).toEqual({ ticket: body.ticket, balance: 380 });
    expect(await wallet(viewer.user.id)).toBe(380);
    const txns = await db()
      .selectFrom('ledger_transactions')
      .select(['kind', 'metadata'])
      .where('kind', '=', 'ticket')
      .where(sql<boolean>`metadata->>'from' = ${viewer.user.id}`)
      .execute();
    expect(txns).toHaveLength(1);
    expect(txns[0]!.metadata).toMatchObject({
      targetKind: 'stream',
      targetId: streamId,
      description: `Show ${streamId}`,
    });
    expect(await info(viewer)).toEqual({ priceCoins: 10, owned: true });
  });

  it('answers hasTicket for the Entitlements port: holders, the owner and admins', async () => {
    const target = { kind: 'stream', id: streamId } as const;
    const stranger = await signUp(ctx.app);
    const { entitlements } = ctx.services;
    expect(await entitlements.hasTicket(SITE_APP_ID, viewer.user.id, target)).toBe(true);
    expect(await entitlements.hasTicket(SITE_APP_ID, stranger.user.id, target)).toBe(false);
    expect(await entitlements.hasTicket(SITE_APP_ID, owner.user.id, target)).toBe(true);
    expect(await entitlements.hasTicket(SITE_APP_ID, admin.user.id, target)).toBe(true);
    const other = await makeStream(db(), owner.user.id);
    expect(await entitlements.hasTicket(SITE_APP_ID, viewer.user.id, { kind: 'stream', id: other })).toBe(
      false,
    );
    expect(await entitlements.hasTicket(SITE_APP_ID, viewer.user.id, { kind: 'room', id: streamId })).toBe(
      false,
    );
    expect(await ctx.services.tickets.priceOf(SITE_APP_ID, target)).toBe(10);
  });

  it('refuses purchases the wallet cannot pay, by the owner, and for unknown streams, writing nothing', async () => {
    const poor = await signUp(ctx.app);
    await fund(ledger(), poor.user.id, 9);
    await refused(() => buy(poor, 'poor'), 409, 'WALLET_INSUFFICIENT_FUNDS');
    const broke = await signUp(ctx.app);
    await refused(() => buy(broke, 'broke'), 409, 'WALLET_INSUFFICIENT_FUNDS');
    expect(await info(poor)).toEqual({ priceCoins: 10, owned: false });
    await fund(ledger(), owner.user.id, 100);
    await refused(() => buy(owner, 'mine'), 409, 'TICKET_OWN_TARGET');
    await refused(() => buy(viewer, 'none', 'str_nosuchstream'), 404, 'TICKET_TARGET_NOT_FOUND');
    await refused(
      () =>
        ctx.app.inject({
          method: 'POST',
          url: `${url()}/purchase`,
          headers: authHeaders(poor),
          payload: { idempotencyKey: 'k', extra: true },
        }),
      400,
      'VALIDATION_FAILED',
    );
    await refused(
      () => ctx.app.inject({ method: 'POST', url: `${url()}/purchase`, payload: { idempotencyKey: 'anon' } }),
      401,
      'AUTH_REQUIRED',
    );
  });

  it('sells one ticket when the same member buys from many tabs at once', async () => {
    const eager = await signUp(ctx.app);
    await fund(ledger(), eager.user.id, 100);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => buy(eager, `tab-${i}`)));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(results.every((r) => r.statusCode === 201 || r.statusCode === 200)).toBe(true);
    expect(new Set(results.map((r) => (r.json() as { ticket: TicketView }).ticket.id)).size).toBe(1);
    expect(await wallet(eager.user.id)).toBe(90);
  });

  it('refuses to sell from a locked wallet, writing nothing', async () => {
    const debtor = await signUp(ctx.app);
    await fund(ledger(), debtor.user.id, 100);
    const tickets = new TicketService({
      platform: ctx.platform,
      audit: ctx.services.audit,
      ledger: ledger(),
      walletLocked: async (_appId, userId) => userId === debtor.user.id,
    });
    const before = await moneyState(db());
    await expect(
      tickets.purchase(
        { userId: debtor.user.id, role: 'member' },
        SITE_APP_ID,
        { kind: 'stream', id: streamId },
        'k',
      ),
    ).rejects.toMatchObject({ code: 'TICKET_WALLET_LOCKED' });
    expect(await moneyState(db())).toEqual(before);
  });

  it('stops selling when the price is cleared; tickets held stay valid', async () => {
    const cleared = await setPrice(owner, null);
    expect(cleared.json()).toEqual({ priceCoins: null });
    expect(await info(viewer)).toEqual({ priceCoins: null, owned: true });
    const late = await signUp(ctx.app);
    await fund(ledger(), late.user.id, 100);
    await refused(() => buy(late, 'late'), 409, 'TICKET_NOT_FOR_SALE');
  });

  it('leaves a sound ledger', async () => {
    expect(await ledgerVerify(db())).toEqual([]);
  });
});

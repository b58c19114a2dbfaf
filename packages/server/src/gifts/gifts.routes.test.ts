import type { GiftSentData, TipSentData } from '@pnptv/protocol';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, makeAdmin, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { type BusEvent, EVENTS_TOPIC } from '../platform/bus/index.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { StreamStore } from '../streams/index.ts';
import { ledgerVerify } from '../wallet/index.ts';
import { fund, makeStream, moneyState } from './gifts.fixtures.ts';
import type { GiftView } from './gifts.schemas.ts';

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect({ status: res.statusCode, code: (res.json() as { code?: string }).code }).toEqual({ status, code });
}

describe.each(testDatabases().map((f) => [f.name, f] as const))('gift routes on %s', (_name, factory) => {
  let ctx: TestContext;
  let creator: TestSession;
  let viewer: TestSession;
  let admin: TestSession;
  let streamId: string;
  const events: BusEvent[] = [];
  let unsubscribe: () => Promise<void>;

  beforeAll(async () => {
    ctx = await createTestContext(factory);
    creator = await signUp(ctx.app, { displayName: 'Star' });
    viewer = await signUp(ctx.app, { displayName: 'Fan One' });
    admin = await makeAdmin(ctx);
    streamId = await makeStream(ctx.platform.db, creator.user.id);
    unsubscribe = await ctx.platform.bus.subscribe(EVENTS_TOPIC, (message) => {
      events.push(message as BusEvent);
    });
  });
  afterAll(async () => {
    await unsubscribe?.();
    await ctx?.close();
  });

  const db = () => ctx.platform.db;
  const ledger = () => ctx.services.ledger;
  const wallet = (userId: string) =>
    ledger().balanceOf({ appId: SITE_APP_ID, kind: 'member_wallet', ownerId: userId });
  const earnings = (userId: string) =>
    ledger().balanceOf({ appId: SITE_APP_ID, kind: 'creator_earnings', ownerId: userId });
  const revenue = () => ledger().balanceOf({ appId: SITE_APP_ID, kind: 'platform_revenue', ownerId: null });

  async function catalogue(): Promise<GiftView[]> {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/gifts' });
    expect(res.statusCode).toBe(200);
    return (res.json() as { items: GiftView[] }).items;
  }
  async function giftNamed(name: string): Promise<GiftView> {
    return (await catalogue()).find((g) => g.name === name)!;
  }

  function send(
    who: TestSession,
    payload: Record<string, unknown>,
    stream = streamId,
  ): Promise<LightMyRequestResponse> {
    return ctx.app.inject({
      method: 'POST',
      url: `/api/v1/streams/${stream}/gifts`,
      headers: authHeaders(who),
      payload,
    });
  }
  function tip(who: TestSession, payload: Record<string, unknown>, stream = streamId) {
    return ctx.app.inject({
      method: 'POST',
      url: `/api/v1/streams/${stream}/tips`,
      headers: authHeaders(who),
      payload,
    });
  }
  async function refused(request: () => Promise<LightMyRequestResponse>, status: number, code: string) {
    const before = await moneyState(db());
    expectError(await request(), status, code);
    expect(await moneyState(db())).toEqual(before);
  }
  async function waitForEvent(predicate: (e: BusEvent) => boolean): Promise<BusEvent> {
    for (let i = 0; i < 100; i++) {
      const found = events.find(predicate);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('event not published');
  }

  it('lists the seeded default catalogue in display order, publicly', async () => {
    const items = await catalogue();
    expect(items.map((g) => [g.name, g.icon, g.coins, g.animation, g.active])).toEqual([
      ['Rose', '🌹', 1, 'float', true],
      ['Heart', '❤️', 5, 'float', true],
      ['Fire', '🔥', 10, 'burst', true],
      ['Diamond', '💎', 50, 'burst', true],
      ['Rocket', '🚀', 100, 'rain', true],
      ['Crown', '👑', 500, 'rain', true],
    ]);
  });

  it('lets admins add, change and retire gifts, audited, and nobody else', async () => {
    const body = { name: 'Star', icon: '⭐', coins: 25, animation: 'burst', sortOrder: 35 };
    expectError(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/admin/gifts',
        headers: authHeaders(viewer),
        payload: body,
      }),
      403,
      'AUTH_FORBIDDEN',
    );
    expectError(await ctx.app.inject({ method: 'GET', url: '/api/v1/admin/gifts' }), 401, 'AUTH_REQUIRED');
    expectError(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/admin/gifts',
        headers: authHeaders(admin),
        payload: { ...body, icon: 'star' },
      }),
      400,
      'GIFT_INVALID',
    );
    expectError(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/admin/gifts',
        headers: authHeaders(admin),
        payload: { ...body, extra: 1 },
      }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/admin/gifts',
        headers: authHeaders(admin),
        payload: { ...body, coins: 0 },
      }),
      400,
      'VALIDATION_FAILED',
    );
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/admin/gifts',
      headers: authHeaders(admin),
      payload: body,
    });
    expect(created.statusCode).toBe(201);
    const gift = (created.json() as { gift: GiftView }).gift;
    expect(gift).toMatchObject({ name: 'Star', icon: '⭐', coins: 25, animation: 'burst', active: true });
    expect((await catalogue()).map((g) => g.name)).toEqual([
      'Rose',
      'Heart',
      'Fire',
      'Star',
      'Diamond',
      'Rocket',
      'Crown',
    ]);

    const patched = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/gifts/${gift.id}`,
      headers: authHeaders(admin),
      payload: { coins: 30, active: false },
    });
    expect(patched.statusCode).toBe(200);
    expect((patched.json() as { gift: GiftView }).gift).toMatchObject({ coins: 30, active: false });
    expect((await catalogue()).map((g) => g.name)).not.toContain('Star');
    const all = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/admin/gifts',
      headers: authHeaders(admin),
    });
    expect((all.json() as { items: GiftView[] }).items.find((g) => g.id === gift.id)).toMatchObject({
      active: false,
    });
    expectError(
      await ctx.app.inject({
        method: 'PATCH',
        url: '/api/v1/admin/gifts/gift_nosuchgift',
        headers: authHeaders(admin),
        payload: { active: false },
      }),
      404,
      'GIFT_NOT_FOUND',
    );
    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('target_id', '=', gift.id)
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'gift.create', actor_id: admin.user.id },
      { action: 'gift.update', actor_id: admin.user.id },
    ]);

    // A retired gift cannot be sent.
    await fund(ledger(), viewer.user.id, 100);
    await refused(
      () => send(viewer, { giftId: gift.id, idempotencyKey: 'retired-1' }),
      409,
      'GIFT_UNAVAILABLE',
    );
  });

  it('debits the viewer, credits 70 % to the creator and 30 % to the platform, and publishes gift.sent', async () => {
    const fan = await signUp(ctx.app, { displayName: 'Big Fan' });
    await fund(ledger(), fan.user.id, 1000);
    const fire = await giftNamed('Fire');
    const [earnedBefore, revenueBefore] = [await earnings(creator.user.id), await revenue()];
    const res = await send(fan, { giftId: fire.id, quantity: 3, idempotencyKey: 'fire-x3' });
    expect(res.statusCode).toBe(201);
    const body = res.json() as { gift: GiftSentData; balance: number };
    expect(body.balance).toBe(970);
    expect(body.gift).toMatchObject({
      streamId,
      creatorId: creator.user.id,
      fromUserId: fan.user.id,
      fromName: 'Big Fan',
      giftId: fire.id,
      giftName: 'Fire',
      icon: '🔥',
      animation: 'burst',
      quantity: 3,
      coins: 30,
    });
    expect(await wallet(fan.user.id)).toBe(970);
    expect((await earnings(creator.user.id)) - earnedBefore).toBe(21);
    expect((await revenue()) - revenueBefore).toBe(9);

    const event = await waitForEvent((e) => e.type === 'gift.sent' && e.data.id === body.gift.id);
    expect(event).toMatchObject({ type: 'gift.sent', appId: SITE_APP_ID, data: body.gift });
    expect(event.id).toMatch(/^msg_/);

    const row = await db()
      .selectFrom('gift_events')
      .selectAll()
      .where('id', '=', body.gift.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'gift', stream_id: streamId, quantity: 3, request_key: 'fire-x3' });
    const [txn] = await db()
      .selectFrom('ledger_transactions')
      .select(['kind', 'metadata'])
      .where('id', '=', row.transaction_id)
      .execute();
    expect(txn).toMatchObject({
      kind: 'gift',
      metadata: {
        streamId,
        giftId: fire.id,
        quantity: 3,
        coins: 30,
        description: `Fire ×3 · Show ${streamId}`,
      },
    });
  });

  it('refuses a gift the wallet cannot pay with WALLET_INSUFFICIENT_FUNDS and writes nothing', async () => {
    const poor = await signUp(ctx.app);
    await fund(ledger(), poor.user.id, 40);
    const diamond = await giftNamed('Diamond');
    await refused(
      () => send(poor, { giftId: diamond.id, idempotencyKey: 'too-dear' }),
      409,
      'WALLET_INSUFFICIENT_FUNDS',
    );
    const broke = await signUp(ctx.app);
    await refused(
      () => send(broke, { giftId: diamond.id, idempotencyKey: 'no-wallet' }),
      409,
      'WALLET_INSUFFICIENT_FUNDS',
    );
    expect(await wallet(poor.user.id)).toBe(40);
  });

  it('turns a replayed idempotency key into one debit and the same gift', async () => {
    const fan = await signUp(ctx.app);
    await fund(ledger(), fan.user.id, 100);
    const heart = await giftNamed('Heart');
    const first = await send(fan, { giftId: heart.id, idempotencyKey: 'heart-once' });
    expect(first.statusCode).toBe(201);
    const eventsBefore = events.filter((e) => e.type === 'gift.sent').length;
    const again = await Promise.all(
      [1, 2, 3].map(() => send(fan, { giftId: heart.id, idempotencyKey: 'heart-once' })),
    );
    for (const res of again) {
      expect(res.statusCode).toBe(201);
      expect(res.json()).toEqual(first.json());
    }
    expect(await wallet(fan.user.id)).toBe(95);
    const count = await db()
      .selectFrom('gift_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('from_user_id', '=', fan.user.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(events.filter((e) => e.type === 'gift.sent')).toHaveLength(eventsBefore);

    // The same key for a different gift is a conflict, not a second charge.
    const rose = await giftNamed('Rose');
    await refused(
      () => send(fan, { giftId: rose.id, idempotencyKey: 'heart-once' }),
      409,
      'WALLET_IDEMPOTENCY_CONFLICT',
    );
    // Another member may use the same key: keys belong to their sender.
    const other = await signUp(ctx.app);
    await fund(ledger(), other.user.id, 10);
    expect((await send(other, { giftId: heart.id, idempotencyKey: 'heart-once' })).statusCode).toBe(201);
  });

  it('answers a retried send with the first result after the gift was repriced or retired', async () => {
    const fan = await signUp(ctx.app);
    await fund(ledger(), fan.user.id, 100);
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/admin/gifts',
      headers: authHeaders(admin),
      payload: { name: 'Comet', icon: '☄️', coins: 20, animation: 'rain', active: true },
    });
    const comet = (created.json() as { gift: GiftView }).gift;
    const first = await send(fan, { giftId: comet.id, quantity: 2, idempotencyKey: 'comet' });
    expect(first.statusCode).toBe(201);
    const patch = (payload: Record<string, unknown>) =>
      ctx.app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/gifts/${comet.id}`,
        headers: authHeaders(admin),
        payload,
      });
    expect((await patch({ coins: 25 })).statusCode).toBe(200);
    const repriced = await send(fan, { giftId: comet.id, quantity: 2, idempotencyKey: 'comet' });
    expect(repriced.statusCode).toBe(201);
    expect(repriced.json()).toEqual(first.json());
    expect((await patch({ active: false })).statusCode).toBe(200);
    const retired = await send(fan, { giftId: comet.id, quantity: 2, idempotencyKey: 'comet' });
    expect(retired.statusCode).toBe(201);
    expect(retired.json()).toEqual(first.json());
    expect(await wallet(fan.user.id)).toBe(60);
    await refused(() => send(fan, { giftId: comet.id, idempotencyKey: 'comet-2' }), 409, 'GIFT_UNAVAILABLE');
  });

  it('refuses gifts to your own stream, to streams that are not live, and to unknown streams', async () => {
    await fund(ledger(), creator.user.id, 100);
    const rose = await giftNamed('Rose');
    await refused(() => send(creator, { giftId: rose.id, idempotencyKey: 'self' }), 403, 'GIFT_OWN_STREAM');
    await refused(() => tip(creator, { coins: 5, idempotencyKey: 'self-tip' }), 403, 'GIFT_OWN_STREAM');
    await fund(ledger(), viewer.user.id, 100);
    for (const status of ['idle', 'ended'] as const) {
      const offline = await makeStream(db(), creator.user.id, status);
      await refused(
        () => send(viewer, { giftId: rose.id, idempotencyKey: `off-${status}` }, offline),
        409,
        'GIFT_STREAM_OFFLINE',
      );
    }
    await refused(
      () => send(viewer, { giftId: rose.id, idempotencyKey: 'nowhere' }, 'str_nosuchstream'),
      404,
      'GIFT_STREAM_NOT_FOUND',
    );
    await refused(
      () => send(viewer, { giftId: 'gift_nosuch', idempotencyKey: 'nogift' }),
      404,
      'GIFT_NOT_FOUND',
    );
    // A stream that dropped and is inside its reconnect window still takes gifts.
    const reconnecting = await makeStream(db(), creator.user.id, 'reconnecting');
    expect((await send(viewer, { giftId: rose.id, idempotencyKey: 'recon' }, reconnecting)).statusCode).toBe(
      201,
    );
    // A deleted stream is gone.
    await new StreamStore().softDelete(db(), SITE_APP_ID, reconnecting, new Date());
    await refused(
      () => send(viewer, { giftId: rose.id, idempotencyKey: 'deleted' }, reconnecting),
      404,
      'GIFT_STREAM_NOT_FOUND',
    );
  });

  it('validates sends: signed in, quantity bounds, key format, no extra fields', async () => {
    const rose = await giftNamed('Rose');
    await refused(
      () =>
        ctx.app.inject({
          method: 'POST',
          url: `/api/v1/streams/${streamId}/gifts`,
          payload: { giftId: rose.id, idempotencyKey: 'anon' },
        }),
      401,
      'AUTH_REQUIRED',
    );
    for (const payload of [
      { giftId: rose.id, quantity: 0, idempotencyKey: 'q0' },
      { giftId: rose.id, quantity: 101, idempotencyKey: 'q101' },
      { giftId: rose.id, quantity: 1.5, idempotencyKey: 'qfrac' },
      { giftId: rose.id, idempotencyKey: '' },
      { giftId: rose.id, idempotencyKey: 'has space' },
      { giftId: rose.id },
      { giftId: rose.id, idempotencyKey: 'x', coins: 1 },
    ]) {
      await refused(() => send(viewer, payload), 400, 'VALIDATION_FAILED');
    }
  });

  it('sends tips of any amount with a plain-text message, split like gifts, and publishes tip.sent', async () => {
    const fan = await signUp(ctx.app, { displayName: 'Tipper' });
    await fund(ledger(), fan.user.id, 200);
    const [earnedBefore, revenueBefore] = [await earnings(creator.user.id), await revenue()];
    const res = await tip(fan, { coins: 33, message: '  <b>great</b>\nshow  ', idempotencyKey: 'tip-1' });
    expect(res.statusCode).toBe(201);
    const body = res.json() as { tip: TipSentData; balance: number };
    expect(body).toMatchObject({
      balance: 167,
      tip: { streamId, creatorId: creator.user.id, fromUserId: fan.user.id, fromName: 'Tipper', coins: 33 },
    });
    expect(body.tip.message).toBe('<b>great</b> show');
    expect((await earnings(creator.user.id)) - earnedBefore).toBe(23);
    expect((await revenue()) - revenueBefore).toBe(10);
    const event = await waitForEvent((e) => e.type === 'tip.sent' && e.data.id === body.tip.id);
    expect(event.data).toEqual(body.tip);
    const [txn] = await db()
      .selectFrom('gift_events as g')
      .innerJoin('ledger_transactions as t', 't.id', 'g.transaction_id')
      .select(['t.kind'])
      .where('g.id', '=', body.tip.id)
      .execute();
    expect(txn).toEqual({ kind: 'tip' });

    const bare = await tip(fan, { coins: 1, idempotencyKey: 'tip-2' });
    expect(bare.statusCode).toBe(201);
    expect((bare.json() as { tip: TipSentData }).tip.message).toBeNull();

    for (const payload of [
      { coins: 0, idempotencyKey: 't0' },
      { coins: 100_001, idempotencyKey: 'tbig' },
      { coins: 2.5, idempotencyKey: 'tfrac' },
      { coins: 5, message: 'x'.repeat(401), idempotencyKey: 'tlong' },
    ]) {
      await refused(() => tip(fan, payload), 400, 'VALIDATION_FAILED');
    }
    await refused(
      () => tip(fan, { coins: 5, message: 'x'.repeat(201), idempotencyKey: 'tlong2' }),
      400,
      'GIFT_INVALID',
    );
    await refused(() => tip(fan, { coins: 1000, idempotencyKey: 'tpoor' }), 409, 'WALLET_INSUFFICIENT_FUNDS');
  });

  it('ranks top gifters by coins of gifts and tips, with display names', async () => {
    const stage = await makeStream(db(), creator.user.id);
    const [a, b, c] = await Promise.all([
      signUp(ctx.app, { displayName: 'Alice' }),
      signUp(ctx.app, { displayName: 'Bob' }),
      signUp(ctx.app, { displayName: 'Carol' }),
    ]);
    for (const u of [a, b, c]) await fund(ledger(), u.user.id, 1000);
    const rocket = await giftNamed('Rocket');
    const rose = await giftNamed('Rose');
    expect((await send(a, { giftId: rose.id, quantity: 10, idempotencyKey: 'a1' }, stage)).statusCode).toBe(
      201,
    );
    expect((await tip(a, { coins: 5, idempotencyKey: 'a2' }, stage)).statusCode).toBe(201);
    expect((await send(b, { giftId: rocket.id, idempotencyKey: 'b1' }, stage)).statusCode).toBe(201);
    expect((await tip(c, { coins: 40, idempotencyKey: 'c1' }, stage)).statusCode).toBe(201);
    expect((await send(c, { giftId: rose.id, idempotencyKey: 'c2' }, stage)).statusCode).toBe(201);
    // A refused gift does not count.
    expect((await send(a, { giftId: rocket.id, quantity: 20, idempotencyKey: 'a3' }, stage)).statusCode).toBe(
      409,
    );

    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/streams/${stage}/top-gifters?limit=10` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      items: [
        { userId: b.user.id, name: 'Bob', coins: 100 },
        { userId: c.user.id, name: 'Carol', coins: 41 },
        { userId: a.user.id, name: 'Alice', coins: 15 },
      ],
    });
    const top1 = await ctx.app.inject({ method: 'GET', url: `/api/v1/streams/${stage}/top-gifters?limit=1` });
    expect((top1.json() as { items: unknown[] }).items).toHaveLength(1);
    expectError(
      await ctx.app.inject({ method: 'GET', url: `/api/v1/streams/${stage}/top-gifters?limit=0` }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await ctx.app.inject({ method: 'GET', url: '/api/v1/streams/str_nosuchstream/top-gifters' }),
      404,
      'GIFT_STREAM_NOT_FOUND',
    );
  });

  it('rate-limits sends per member', async () => {
    const eager = await signUp(ctx.app);
    await fund(ledger(), eager.user.id, 1000);
    const rose = await giftNamed('Rose');
    const codes: number[] = [];
    for (let i = 0; i < 31; i++)
      codes.push((await send(eager, { giftId: rose.id, idempotencyKey: `r${i}` })).statusCode);
    expect(codes.slice(0, 30).every((c) => c === 201)).toBe(true);
    expect(codes[30]).toBe(429);
    await refused(() => tip(eager, { coins: 1, idempotencyKey: 'more' }), 429, 'GIFT_RATE_LIMITED');
    expect(await wallet(eager.user.id)).toBe(970);
  });

  it('leaves a sound ledger', async () => {
    expect(await ledgerVerify(db())).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import type { Db } from '../platform/db/schema.ts';
import { AppError } from '../platform/errors.ts';
import { HOT_ACCOUNT_SHARDS } from './ledger.rules.ts';
import { ledgerVerify } from './ledger.verify.ts';
import { appTotal, createTestApp } from './wallet.fixtures.ts';
import { LedgerService } from './wallet.service.ts';

const clock = { now: () => Date.now() };

describe.each(testDatabases().map((f) => [f.name, f] as const))('ledger service on %s', (_name, factory) => {
  let handle: DatabaseHandle;
  let db: Db;
  let ledger: LedgerService;

  beforeAll(async () => {
    handle = await factory.open();
    db = handle.db;
    ledger = new LedgerService({ db, clock });
  });
  afterAll(async () => {
    if (handle) expect(await ledgerVerify(handle.db)).toEqual([]);
    await handle?.close();
  });

  const wallet = (appId: string, userId: string) =>
    ledger.ensureAccount({ appId, kind: 'member_wallet', ownerId: userId });
  const walletBalance = async (appId: string, userId: string) => (await wallet(appId, userId)).balance;
  const transactions = async (appId: string) =>
    Number(
      (
        await db
          .selectFrom('ledger_transactions')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('app_id', '=', appId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('credits purchased coins to the wallet against the provider clearing account', async () => {
    const appId = await createTestApp(db);
    const posted = await ledger.creditPurchase({
      appId,
      userId: 'usr_a',
      coins: 250,
      provider: 'stripe',
      idempotencyKey: 'pay-1',
      metadata: { order: 'ord_1' },
    });
    expect(posted).toMatchObject({
      kind: 'purchase',
      replayed: false,
      metadata: { user: 'usr_a', provider: 'stripe', coins: 250, order: 'ord_1' },
    });
    expect(await walletBalance(appId, 'usr_a')).toBe(250);
    expect(await ledger.balanceOf({ appId, kind: 'provider_clearing', ownerId: 'stripe' })).toBe(-250);
    expect(Object.values(posted.balancesAfter!).sort((a, b) => a - b)).toEqual([-250, 250]);
  });

  it('returns the first transaction for a replayed purchase and credits it once', async () => {
    const appId = await createTestApp(db);
    const input = { appId, userId: 'usr_a', coins: 90, provider: 'sandbox', idempotencyKey: 'pay-twice' };
    const first = await ledger.creditPurchase(input);
    const second = await ledger.creditPurchase({ ...input, metadata: { retry: true } });
    expect(second).toMatchObject({ id: first.id, replayed: true, balancesAfter: null });
    expect(second.createdAt.getTime()).toBe(first.createdAt.getTime());
    expect(await walletBalance(appId, 'usr_a')).toBe(90);
  });

  it('refuses a key reused for a different amount with WALLET_IDEMPOTENCY_CONFLICT', async () => {
    const appId = await createTestApp(db);
    await ledger.creditPurchase({
      appId,
      userId: 'usr_a',
      coins: 90,
      provider: 'sandbox',
      idempotencyKey: 'pay-k',
    });
    await expect(
      ledger.creditPurchase({
        appId,
        userId: 'usr_a',
        coins: 91,
        provider: 'sandbox',
        idempotencyKey: 'pay-k',
      }),
    ).rejects.toMatchObject({
      code: 'WALLET_IDEMPOTENCY_CONFLICT',
      status: 409,
    });
    await expect(
      ledger.refundPurchase({
        appId,
        userId: 'usr_a',
        coins: 90,
        provider: 'sandbox',
        idempotencyKey: 'pay-k',
      }),
    ).rejects.toMatchObject({
      code: 'WALLET_IDEMPOTENCY_CONFLICT',
    });
    expect(await walletBalance(appId, 'usr_a')).toBe(90);
  });

  it('splits a gift 70/30 by default between the creator and the platform, recording who gave it', async () => {
    const appId = await createTestApp(db);
    await ledger.creditPurchase({
      appId,
      userId: 'usr_fan',
      coins: 1000,
      provider: 'sandbox',
      idempotencyKey: 'buy',
    });
    const gift = await ledger.sendGift({
      appId,
      fromUserId: 'usr_fan',
      toCreatorId: 'usr_star',
      coins: 333,
      idempotencyKey: 'g1',
      metadata: { stream: 'str_1', from: 'usr_someone_else' },
    });
    expect(gift).toMatchObject({ kind: 'gift', creatorShare: 233, platformShare: 100, replayed: false });
    expect(gift.metadata).toEqual({
      stream: 'str_1',
      from: 'usr_fan',
      to: 'usr_star',
      coins: 333,
      creatorBps: 7000,
    });
    const fan = await wallet(appId, 'usr_fan');
    expect(gift.balancesAfter![fan.id]).toBe(667);
    expect(await ledger.balanceOf({ appId, kind: 'creator_earnings', ownerId: 'usr_star' })).toBe(233);
    expect(await ledger.balanceOf({ appId, kind: 'platform_revenue', ownerId: null })).toBe(100);
    expect(await appTotal(db, appId)).toBe(0);
  });

  it('honours a custom split and leaves out a side whose share is zero', async () => {
    const appId = await createTestApp(db);
    await ledger.creditPurchase({
      appId,
      userId: 'usr_fan',
      coins: 100,
      provider: 'sandbox',
      idempotencyKey: 'buy',
    });
    const all = await ledger.sendGift({
      appId,
      fromUserId: 'usr_fan',
      toCreatorId: 'usr_star',
      coins: 10,
      splitCreatorBps: 10_000,
      idempotencyKey: 'g-all',
    });
    expect(all.entries).toHaveLength(2);
    const tiny = await ledger.sendGift({
      appId,
      fromUserId: 'usr_fan',
      toCreatorId: 'usr_star',
      coins: 1,
      idempotencyKey: 'g-tiny',
      kind: 'tip',
    });
    expect(tiny).toMatchObject({ kind: 'tip', creatorShare: 0, platformShare: 1 });
    expect(tiny.entries).toHaveLength(2);
    expect(await ledger.balanceOf({ appId, kind: 'creator_earnings', ownerId: 'usr_star' })).toBe(10);
    expect(await ledger.balanceOf({ appId, kind: 'platform_revenue', ownerId: null })).toBe(1);
  });

  it('spreads one creator’s earnings from many senders over shards whose sum is the balance', async () => {
    const appId = await createTestApp(db);
    for (let i = 0; i < 24; i++) {
      await ledger.creditPurchase({
        appId,
        userId: `usr_f${i}`,
        coins: 10,
        provider: 'sandbox',
        idempotencyKey: `buy-${i}`,
      });
    }
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        ledger.sendGift({
          appId,
          fromUserId: `usr_f${i}`,
          toCreatorId: 'usr_star',
          coins: 10,
          idempotencyKey: `g-${i}`,
        }),
      ),
    );
    const shards = await ledger.shardsOf({ appId, kind: 'creator_earnings', ownerId: 'usr_star' });
    expect(shards.length).toBeGreaterThan(1);
    expect(shards.every((s) => s.shard < HOT_ACCOUNT_SHARDS)).toBe(true);
    expect(shards.reduce((sum, s) => sum + s.balance, 0)).toBe(24 * 7);
    expect(await ledger.balanceOf({ appId, kind: 'creator_earnings', ownerId: 'usr_star' })).toBe(24 * 7);
  });

  it('refuses a gift the wallet cannot afford with WALLET_INSUFFICIENT_FUNDS and moves nothing', async () => {
    const appId = await createTestApp(db);
    await ledger.creditPurchase({
      appId,
      userId: 'usr_fan',
      coins: 50,
      provider: 'sandbox',
      idempotencyKey: 'buy',
    });
    const error = await ledger
      .sendGift({ appId, fromUserId: 'usr_fan', toCreatorId: 'usr_star', coins: 51, idempotencyKey: 'g' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'WALLET_INSUFFICIENT_FUNDS', status: 409 });
    expect(await walletBalance(appId, 'usr_fan')).toBe(50);
    expect(await ledger.balanceOf({ appId, kind: 'creator_earnings', ownerId: 'usr_star' })).toBe(0);
    expect(await transactions(appId)).toBe(1);
  });

  it('refunds coins only while the wallet still holds them', async () => {
    const appId = await createTestApp(db);
    await ledger.creditPurchase({
      appId,
      userId: 'usr_fan',
      coins: 100,
      provider: 'epayco',
      idempotencyKey: 'buy',
    });
    await ledger.sendGift({
      appId,
      fromUserId: 'usr_fan',
      toCreatorId: 'usr_star',
      coins: 60,
      idempotencyKey: 'g',
    });
    await expect(
      ledger.refundPurchase({
        appId,
        userId: 'usr_fan',
        coins: 100,
        provider: 'epayco',
        idempotencyKey: 'refund-all',
      }),
    ).rejects.toMatchObject({
      code: 'WALLET_INSUFFICIENT_FUNDS',
    });
    const refund = await ledger.refundPurchase({
      appId,
      userId: 'usr_fan',
      coins: 40,
      provider: 'epayco',
      idempotencyKey: 'refund-rest',
    });
    expect(refund.kind).toBe('refund');
    expect(await walletBalance(appId, 'usr_fan')).toBe(0);
    expect(await ledger.balanceOf({ appId, kind: 'provider_clearing', ownerId: 'epayco' })).toBe(-60);
  });

  it('refuses invalid postings and inputs before writing anything', async () => {
    const appId = await createTestApp(db);
    const a = await wallet(appId, 'usr_a');
    const b = await wallet(appId, 'usr_b');
    const bad = [
      {
        entries: [
          { accountId: a.id, amount: -5 },
          { accountId: b.id, amount: 4 },
        ],
      },
      { entries: [{ accountId: a.id, amount: -5 }] },
      {
        entries: [
          { accountId: a.id, amount: -0.5 },
          { accountId: b.id, amount: 0.5 },
        ],
      },
      {
        entries: [
          { accountId: a.id, amount: -5 },
          { accountId: a.id, amount: 5 },
        ],
      },
      {
        entries: [
          { accountId: a.id, amount: -5 },
          { accountId: b.id, amount: 5 },
        ],
        idempotencyKey: '',
      },
      {
        entries: [
          { accountId: a.id, amount: -5 },
          { accountId: b.id, amount: 5 },
        ],
        kind: 'DROP TABLE',
      },
    ];
    for (const overrides of bad) {
      await expect(
        ledger.post({ appId, kind: 'transfer', idempotencyKey: 'k', ...overrides }),
      ).rejects.toMatchObject({ code: 'WALLET_INVALID_POSTING', status: 400 });
    }
    await expect(
      ledger.creditPurchase({
        appId,
        userId: 'usr_a',
        coins: -5,
        provider: 'sandbox',
        idempotencyKey: 'neg',
      }),
    ).rejects.toMatchObject({ code: 'WALLET_INVALID_POSTING' });
    await expect(
      ledger.refundPurchase({
        appId,
        userId: 'usr_a',
        coins: 0,
        provider: 'sandbox',
        idempotencyKey: 'zero',
      }),
    ).rejects.toMatchObject({ code: 'WALLET_INVALID_POSTING' });
    await expect(
      ledger.sendGift({ appId, fromUserId: 'usr_a', toCreatorId: 'usr_b', coins: 0, idempotencyKey: 'g0' }),
    ).rejects.toMatchObject({ code: 'WALLET_INVALID_POSTING' });
    await expect(
      ledger.sendGift({
        appId,
        fromUserId: 'usr_a',
        toCreatorId: 'usr_b',
        coins: 5,
        splitCreatorBps: 12_000,
        idempotencyKey: 'g1',
      }),
    ).rejects.toMatchObject({
      code: 'WALLET_INVALID_POSTING',
    });
    await expect(ledger.ensureAccount({ appId, kind: 'member_wallet', ownerId: null })).rejects.toMatchObject(
      { code: 'WALLET_INVALID_POSTING' },
    );
    await expect(
      ledger.ensureAccount({ appId, kind: 'member_wallet', ownerId: 'usr_a', shard: 1 }),
    ).rejects.toMatchObject({ code: 'WALLET_INVALID_POSTING' });
    expect(await transactions(appId)).toBe(0);
  });

  it('refuses entries on an account of another app', async () => {
    const appId = await createTestApp(db);
    const otherApp = await createTestApp(db);
    const clearing = await ledger.ensureAccount({ appId, kind: 'provider_clearing', ownerId: 'sandbox' });
    const foreign = await wallet(otherApp, 'usr_a');
    const input = {
      appId,
      kind: 'purchase',
      idempotencyKey: 'x',
      entries: [
        { accountId: clearing.id, amount: -5 },
        { accountId: foreign.id, amount: 5 },
      ],
    };
    await expect(ledger.post(input)).rejects.toMatchObject({ code: 'WALLET_ACCOUNT_NOT_FOUND', status: 404 });
    expect(await ledger.balance(foreign.id)).toBe(0);
  });

  it('commits or rolls back with the caller transaction, which a refusal does not abort', async () => {
    const appId = await createTestApp(db);
    await ledger.creditPurchase({
      appId,
      userId: 'usr_fan',
      coins: 20,
      provider: 'sandbox',
      idempotencyKey: 'buy',
    });
    await db
      .transaction()
      .execute(async (tx) => {
        await ledger.sendGift(tx, {
          appId,
          fromUserId: 'usr_fan',
          toCreatorId: 'usr_star',
          coins: 5,
          idempotencyKey: 'in-tx-1',
        });
        throw new Error('rolled back');
      })
      .catch(() => {});
    expect(await walletBalance(appId, 'usr_fan')).toBe(20);
    await db.transaction().execute(async (tx) => {
      await expect(
        ledger.sendGift(tx, {
          appId,
          fromUserId: 'usr_fan',
          toCreatorId: 'usr_star',
          coins: 21,
          idempotencyKey: 'in-tx-2',
        }),
      ).rejects.toMatchObject({
        code: 'WALLET_INSUFFICIENT_FUNDS',
      });
      await ledger.sendGift(tx, {
        appId,
        fromUserId: 'usr_fan',
        toCreatorId: 'usr_new_star',
        coins: 20,
        idempotencyKey: 'in-tx-3',
      });
    });
    expect(await walletBalance(appId, 'usr_fan')).toBe(0);
    expect(await ledger.balanceOf({ appId, kind: 'creator_earnings', ownerId: 'usr_new_star' })).toBe(14);
  });

  it('pages an account history through the service, newest first', async () => {
    const appId = await createTestApp(db);
    for (let i = 1; i <= 3; i++)
      await ledger.creditPurchase({
        appId,
        userId: 'usr_fan',
        coins: i,
        provider: 'sandbox',
        idempotencyKey: `h${i}`,
      });
    const w = await wallet(appId, 'usr_fan');
    const first = await ledger.history(w.id, { limit: 2 });
    expect(first.items.map((r) => r.amount)).toHaveLength(2);
    expect(first.nextCursor).toBe(first.items[1]!.entryId);
    const second = await ledger.history(w.id, { limit: 2, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((r) => r.amount).sort()).toEqual([1, 2, 3]);
    expect(second.nextCursor).toBeNull();
    const entries = await ledger.entriesOf(first.items[0]!.transactionId);
    expect(entries.reduce((s, e) => s + e.amount, 0)).toBe(0);
    await expect(ledger.balance('acct_nope')).rejects.toMatchObject({ code: 'WALLET_ACCOUNT_NOT_FOUND' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { ledgerVerify } from '../wallet/index.ts';
import { appTotal } from '../wallet/wallet.fixtures.ts';
import { fund, makeStream } from './gifts.fixtures.ts';
import { GiftService } from './gifts.service.ts';

/**
 * On PostgreSQL, the full load: 100 workers making 10,000 gift attempts through the gifts
 * service. PGlite has one connection, so it runs a smaller version of the same checks.
 */
const SCALE = {
  postgres: {
    workers: 100,
    wallets: 20,
    attemptsPerWallet: 500,
    // About 30 s on this machine; the margin covers other suites sharing its two cores.
    timeout: 120_000,
  },
  pglite: { workers: 10, wallets: 10, attemptsPerWallet: 30, timeout: 60_000 },
};

/** A small deterministic generator, so that a failure can be reproduced. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Runs `task(i)` for i in [0, count) from `workers` concurrent workers pulling from one queue. */
async function pool<T>(workers: number, count: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let i = next++; i < count; i = next++) out[i] = await task(i);
    }),
  );
  return out;
}

const codeOf = (error: unknown) => (error as { code?: string }).code ?? String(error);

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'gifts under concurrency on %s',
  (name, factory) => {
    const scale = SCALE[name];
    let ctx: TestContext;
    let gifts: GiftService;

    beforeAll(async () => {
      ctx = await createTestContext(factory);
      // The same service as production, with the per-member send limit lifted for the load.
      gifts = new GiftService({
        platform: ctx.platform,
        audit: ctx.services.audit,
        ledger: ctx.services.ledger,
        sendLimit: { limit: 100_000, windowMs: 60_000 },
      });
    });
    afterAll(async () => {
      await ctx?.close();
    });

    it(
      'lets every wallet make exactly floor(funds / cost) gifts when it tries more, never overdrawing, conserving coins',
      async () => {
        const { db } = ctx.platform;
        const ledger = ctx.services.ledger;
        const creators = ['usr_creator0', 'usr_creator1', 'usr_creator2'];
        const streams = await Promise.all(creators.map((c) => makeStream(db, c)));
        const random = lcg(20_261_124);
        const priced = new Map<number, string>();
        for (let price = 3; price <= 11; price++) {
          const gift = await gifts.createGift(SYSTEM_ACTOR, SITE_APP_ID, {
            name: `Load ${price}`,
            icon: '🎈',
            coins: price,
            animation: 'float',
          });
          priced.set(price, gift.id);
        }
        const wallets = Array.from({ length: scale.wallets }, (_, w) => {
          const price = 3 + Math.floor(random() * 9);
          const quantity = 1 + (w % 2);
          const cost = price * quantity;
          // Funded for fewer sends than the wallet will attempt.
          const funds =
            cost * Math.floor(random() * (scale.attemptsPerWallet - 1)) + Math.floor(random() * cost);
          return { user: `usr_fan${w}`, giftId: priced.get(price)!, quantity, cost, funds };
        });
        for (const w of wallets) if (w.funds > 0) await fund(ledger, w.user, w.funds);
        const [earnedBefore, revenueBefore] = await Promise.all([
          Promise.all(
            creators.map((c) =>
              ledger.balanceOf({ appId: SITE_APP_ID, kind: 'creator_earnings', ownerId: c }),
            ),
          ),
          ledger.balanceOf({ appId: SITE_APP_ID, kind: 'platform_revenue', ownerId: null }),
        ]);

        const total = scale.wallets * scale.attemptsPerWallet;
        const outcomes = await pool(scale.workers, total, async (i) => {
          const w = wallets[i % scale.wallets]!;
          try {
            await gifts.sendGift(
              { userId: w.user, name: `Fan ${i % scale.wallets}` },
              {
                appId: SITE_APP_ID,
                streamId: streams[i % streams.length]!,
                giftId: w.giftId,
                quantity: w.quantity,
                idempotencyKey: `load-${i}`,
              },
            );
            return 'ok';
          } catch (error) {
            return codeOf(error);
          }
        });
        expect(new Set(outcomes)).toEqual(new Set(['ok', 'WALLET_INSUFFICIENT_FUNDS']));

        let spent = 0;
        for (const [w, spec] of wallets.entries()) {
          const expected = Math.floor(spec.funds / spec.cost);
          const succeeded = outcomes.filter((o, i) => o === 'ok' && i % scale.wallets === w).length;
          const recorded = await db
            .selectFrom('gift_events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('from_user_id', '=', spec.user)
            .executeTakeFirstOrThrow();
          expect({ user: spec.user, succeeded, recorded: Number(recorded.n) }).toEqual({
            user: spec.user,
            succeeded: expected,
            recorded: expected,
          });
          expect(
            await ledger.balanceOf({ appId: SITE_APP_ID, kind: 'member_wallet', ownerId: spec.user }),
          ).toBe(spec.funds % spec.cost);
          spent += expected * spec.cost;
        }
        const earned = await Promise.all(
          creators.map((c) => ledger.balanceOf({ appId: SITE_APP_ID, kind: 'creator_earnings', ownerId: c })),
        );
        const revenue = await ledger.balanceOf({
          appId: SITE_APP_ID,
          kind: 'platform_revenue',
          ownerId: null,
        });
        const earnedNow = earned.reduce((a, b) => a + b, 0) - earnedBefore.reduce((a, b) => a + b, 0);
        expect(earnedNow + (revenue - revenueBefore)).toBe(spent);

        // The board holds exactly the coins recorded per stream and sender.
        const board = await db
          .selectFrom('stream_gifters')
          .select((eb) => eb.fn.sum<number>('coins').as('coins'))
          .executeTakeFirstOrThrow();
        const events = await db
          .selectFrom('gift_events')
          .select((eb) => eb.fn.sum<number>('coins').as('coins'))
          .executeTakeFirstOrThrow();
        expect(Number(board.coins)).toBe(spent);
        expect(Number(events.coins)).toBe(spent);

        const negative = await db
          .selectFrom('ledger_accounts')
          .select('id')
          .where('balance', '<', 0)
          .where('allow_negative', '=', false)
          .execute();
        expect(negative).toEqual([]);
        expect(await appTotal(db, SITE_APP_ID)).toBe(0);
        expect(await ledgerVerify(db)).toEqual([]);
      },
      scale.timeout,
    );

    it('records one gift when one key is sent concurrently many times', async () => {
      const { db } = ctx.platform;
      const stream = await makeStream(db, 'usr_creator9');
      await fund(ctx.services.ledger, 'usr_racer', 100);
      const rose = (await gifts.catalogue(SITE_APP_ID)).find((g) => g.name === 'Rose');
      const results = await pool(scale.workers, scale.workers * 2, () =>
        gifts.sendGift(
          { userId: 'usr_racer', name: 'Racer' },
          { appId: SITE_APP_ID, streamId: stream, giftId: rose!.id, quantity: 7, idempotencyKey: 'one-key' },
        ),
      );
      expect(new Set(results.map((r) => r.gift.id)).size).toBe(1);
      expect(
        await ctx.services.ledger.balanceOf({
          appId: SITE_APP_ID,
          kind: 'member_wallet',
          ownerId: 'usr_racer',
        }),
      ).toBe(93);
      const board = await db
        .selectFrom('stream_gifters')
        .select('coins')
        .where('stream_id', '=', stream)
        .executeTakeFirstOrThrow();
      expect(Number(board.coins)).toBe(7);
      expect(await ledgerVerify(db)).toEqual([]);
    });

    it('refuses to spend from a locked wallet, writing nothing', async () => {
      const { db } = ctx.platform;
      const locked = new GiftService({
        platform: ctx.platform,
        audit: ctx.services.audit,
        ledger: ctx.services.ledger,
        walletLocked: async (_appId, userId) => userId === 'usr_debtor',
      });
      const stream = await makeStream(db, 'usr_creator9');
      await fund(ctx.services.ledger, 'usr_debtor', 100);
      const before = await db.selectFrom('gift_events').select('id').execute();
      await expect(
        locked.sendTip(
          { userId: 'usr_debtor', name: 'Debtor' },
          { appId: SITE_APP_ID, streamId: stream, coins: 5, idempotencyKey: 'd' },
        ),
      ).rejects.toMatchObject({ code: 'GIFT_WALLET_LOCKED' });
      expect(await db.selectFrom('gift_events').select('id').execute()).toEqual(before);
      expect(
        await ctx.services.ledger.balanceOf({
          appId: SITE_APP_ID,
          kind: 'member_wallet',
          ownerId: 'usr_debtor',
        }),
      ).toBe(100);
    });
  },
);

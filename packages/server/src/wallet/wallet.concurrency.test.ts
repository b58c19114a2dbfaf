import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import type { Db } from '../platform/db/schema.ts';
import { ledgerVerify } from './ledger.verify.ts';
import { appTotal, createTestApp } from './wallet.fixtures.ts';
import { LedgerService } from './wallet.service.ts';
import type { GiftInput, GiftResult } from './wallet.types.ts';

/**
 * On PostgreSQL, the full load: 100 workers, 10,000 gift attempts, 1,000 replays. PGlite has
 * one connection, so it runs a smaller version of the same checks.
 */
const SCALE = {
  postgres: { workers: 100, wallets: 20, attemptsPerWallet: 500, replays: 1000, timeout: 60_000 },
  pglite: { workers: 10, wallets: 10, attemptsPerWallet: 30, replays: 100, timeout: 30_000 },
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
async function pool<T>(
  workers: number,
  count: number,
  task: (i: number, worker: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let i = next++; i < count; i = next++) out[i] = await task(i, worker);
    }),
  );
  return out;
}

const codeOf = (error: unknown) => (error as { code?: string }).code ?? String(error);

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'ledger under concurrency on %s',
  (name, factory) => {
    const scale = SCALE[name];
    let handle: DatabaseHandle;
    let db: Db;
    let ledger: LedgerService;

    beforeAll(async () => {
      handle = await factory.open();
      db = handle.db;
      ledger = new LedgerService({ db, clock: { now: () => Date.now() } });
    });
    afterAll(async () => {
      await handle?.close();
    });

    /** Sends a gift through the batcher (even workers) or inside the caller's own transaction (odd workers). */
    const gift = (worker: number, input: GiftInput): Promise<GiftResult> =>
      worker % 2 === 0
        ? ledger.sendGift(input)
        : db.transaction().execute((tx) => ledger.sendGift(tx, input));

    it(
      'lets every wallet make exactly floor(funds / price) gifts when it tries more, never overdrawing',
      async () => {
        const appId = await createTestApp(db);
        const random = lcg(20_261_123);
        const wallets = Array.from({ length: scale.wallets }, (_, w) => {
          const price = 3 + Math.floor(random() * 9);
          // Funded for fewer gifts than the wallet will attempt.
          const funds =
            price * Math.floor(random() * (scale.attemptsPerWallet - 1)) + Math.floor(random() * price);
          return { user: `usr_w${w}`, price, funds };
        });
        for (const w of wallets) {
          if (w.funds > 0)
            await ledger.creditPurchase({
              appId,
              userId: w.user,
              coins: w.funds,
              provider: 'sandbox',
              idempotencyKey: `fund-${w.user}`,
            });
        }
        const total = scale.wallets * scale.attemptsPerWallet;
        const outcomes = await pool(scale.workers, total, async (i, worker) => {
          const w = wallets[i % scale.wallets]!;
          try {
            await gift(worker, {
              appId,
              fromUserId: w.user,
              toCreatorId: `usr_c${i % 3}`,
              coins: w.price,
              idempotencyKey: `gift-${i}`,
            });
            return 'ok';
          } catch (error) {
            return codeOf(error);
          }
        });
        expect(new Set(outcomes)).toEqual(new Set(['ok', 'WALLET_INSUFFICIENT_FUNDS']));

        const posted = await sql<{ user: string; n: string }>`
        SELECT metadata->>'from' AS user, count(*)::text AS n FROM ledger_transactions
        WHERE app_id = ${appId} AND kind = 'gift' GROUP BY 1`.execute(db);
        const postedBy = new Map(posted.rows.map((r) => [r.user, Number(r.n)]));
        let spent = 0;
        for (const [w, spec] of wallets.entries()) {
          const expected = Math.floor(spec.funds / spec.price);
          const succeeded = outcomes.filter((o, i) => o === 'ok' && i % scale.wallets === w).length;
          expect({ user: spec.user, succeeded, posted: postedBy.get(spec.user) ?? 0 }).toEqual({
            user: spec.user,
            succeeded: expected,
            posted: expected,
          });
          expect(await ledger.balanceOf({ appId, kind: 'member_wallet', ownerId: spec.user })).toBe(
            spec.funds % spec.price,
          );
          spent += expected * spec.price;
        }
        const earnings = await Promise.all(
          [0, 1, 2].map((c) => ledger.balanceOf({ appId, kind: 'creator_earnings', ownerId: `usr_c${c}` })),
        );
        const revenue = await ledger.balanceOf({ appId, kind: 'platform_revenue', ownerId: null });
        expect(earnings.reduce((a, b) => a + b, 0) + revenue).toBe(spent);
        const negative = await db
          .selectFrom('ledger_accounts')
          .select('id')
          .where('balance', '<', 0)
          .where('allow_negative', '=', false)
          .execute();
        expect(negative).toEqual([]);
        expect(await appTotal(db, appId)).toBe(0);
        expect(await ledgerVerify(db)).toEqual([]);
      },
      scale.timeout,
    );

    it(
      'turns one idempotency key replayed concurrently into exactly one transaction',
      async () => {
        const appId = await createTestApp(db);
        await ledger.creditPurchase({
          appId,
          userId: 'usr_fan',
          coins: 1000,
          provider: 'sandbox',
          idempotencyKey: 'fund',
        });
        const input = {
          appId,
          fromUserId: 'usr_fan',
          toCreatorId: 'usr_star',
          coins: 100,
          idempotencyKey: 'the-one-gift',
        };
        const results = await pool(scale.workers, scale.replays, (_i, worker) => gift(worker, input));
        const ids = new Set(results.map((r) => r.id));
        expect(ids.size).toBe(1);
        expect(results.filter((r) => !r.replayed)).toHaveLength(1);
        expect(await ledger.balanceOf({ appId, kind: 'member_wallet', ownerId: 'usr_fan' })).toBe(900);
        const count = await db
          .selectFrom('ledger_transactions')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('app_id', '=', appId)
          .executeTakeFirstOrThrow();
        expect(Number(count.n)).toBe(2);
        expect(await ledgerVerify(db)).toEqual([]);
      },
      scale.timeout,
    );

    it(
      'lets one of two different requests racing on the same key win and refuses the other every time',
      async () => {
        const appId = await createTestApp(db);
        await ledger.creditPurchase({
          appId,
          userId: 'usr_fan',
          coins: 1000,
          provider: 'sandbox',
          idempotencyKey: 'fund',
        });
        const outcomes = await pool(scale.workers, scale.replays / 10, async (i, worker) => {
          const coins = i % 2 === 0 ? 10 : 20;
          try {
            const r = await gift(worker, {
              appId,
              fromUserId: 'usr_fan',
              toCreatorId: 'usr_star',
              coins,
              idempotencyKey: 'contested',
            });
            return { coins, id: r.id };
          } catch (error) {
            return { coins, id: codeOf(error) };
          }
        });
        const winners = outcomes.filter((o) => o.id !== 'WALLET_IDEMPOTENCY_CONFLICT');
        const winningCoins = new Set(winners.map((o) => o.coins));
        expect(winningCoins.size).toBe(1);
        expect(new Set(winners.map((o) => o.id)).size).toBe(1);
        const [won] = [...winningCoins];
        expect(
          outcomes.filter((o) => o.coins !== won).every((o) => o.id === 'WALLET_IDEMPOTENCY_CONFLICT'),
        ).toBe(true);
        expect(await ledger.balanceOf({ appId, kind: 'member_wallet', ownerId: 'usr_fan' })).toBe(
          1000 - won!,
        );
        expect(await ledgerVerify(db)).toEqual([]);
      },
      scale.timeout,
    );
  },
);

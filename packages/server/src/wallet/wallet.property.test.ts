import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import type { Db } from '../platform/db/schema.ts';
import { splitGift } from './ledger.rules.ts';
import { ledgerVerify } from './ledger.verify.ts';
import { appTotal, createTestApp } from './wallet.fixtures.ts';
import { LedgerService } from './wallet.service.ts';
import type { PostedTransaction } from './wallet.types.ts';

const USERS = 3;
const CREATORS = 2;

type Op =
  | { t: 'buy'; user: number; coins: number }
  | { t: 'gift'; from: number; to: number; coins: number; bps: number }
  | { t: 'refund'; user: number; coins: number }
  | { t: 'replay'; of: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    t: fc.constant('buy' as const),
    user: fc.nat(USERS - 1),
    coins: fc.integer({ min: 1, max: 500 }),
  }),
  fc.record({
    t: fc.constant('gift' as const),
    from: fc.nat(USERS - 1),
    to: fc.nat(CREATORS - 1),
    coins: fc.integer({ min: 1, max: 300 }),
    bps: fc.oneof(fc.constant(7000), fc.integer({ min: 0, max: 10_000 })),
  }),
  fc.record({
    t: fc.constant('refund' as const),
    user: fc.nat(USERS - 1),
    coins: fc.integer({ min: 1, max: 500 }),
  }),
  fc.record({ t: fc.constant('replay' as const), of: fc.nat(50) }),
);

/** What each operation does to the ledger, run through the service under its own key. */
function runner(ledger: LedgerService, appId: string) {
  return (op: Exclude<Op, { t: 'replay' }>, key: string): Promise<PostedTransaction> => {
    switch (op.t) {
      case 'buy':
        return ledger.creditPurchase({
          appId,
          userId: `usr_u${op.user}`,
          coins: op.coins,
          provider: 'sandbox',
          idempotencyKey: key,
        });
      case 'refund':
        return ledger.refundPurchase({
          appId,
          userId: `usr_u${op.user}`,
          coins: op.coins,
          provider: 'sandbox',
          idempotencyKey: key,
        });
      case 'gift':
        return ledger.sendGift({
          appId,
          fromUserId: `usr_u${op.from}`,
          toCreatorId: `usr_c${op.to}`,
          coins: op.coins,
          splitCreatorBps: op.bps,
          idempotencyKey: key,
        });
    }
  };
}

const insufficient = (error: unknown) => (error as { code?: string }).code === 'WALLET_INSUFFICIENT_FUNDS';

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'ledger properties on %s',
  (_name, factory) => {
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

    async function balances(appId: string) {
      const of = (
        kind: 'member_wallet' | 'creator_earnings' | 'platform_revenue' | 'provider_clearing',
        ownerId: string | null,
      ) => ledger.balanceOf({ appId, kind, ownerId });
      return {
        wallets: await Promise.all(Array.from({ length: USERS }, (_, u) => of('member_wallet', `usr_u${u}`))),
        earnings: await Promise.all(
          Array.from({ length: CREATORS }, (_, c) => of('creator_earnings', `usr_c${c}`)),
        ),
        revenue: await of('platform_revenue', null),
        clearing: await of('provider_clearing', 'sandbox'),
      };
    }

    it('matches a simple model for any sequence of purchases, gifts, refunds and replays, and conserves money', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
          const appId = await createTestApp(db);
          const run = runner(ledger, appId);
          const model = {
            wallets: Array(USERS).fill(0) as number[],
            earnings: Array(CREATORS).fill(0) as number[],
            revenue: 0,
            clearing: 0,
          };
          const done = new Map<number, string>();
          let committed = 0;
          for (let i = 0; i < ops.length; i++) {
            const op = ops[i]!;
            const target = op.t === 'replay' ? op.of % (i + 1) : i;
            const original = ops[target]!;
            if (original.t === 'replay') continue;
            const key = `op-${target}`;
            if (done.has(target)) {
              const again = await run(original, key);
              expect(again).toMatchObject({ id: done.get(target), replayed: true });
              continue;
            }
            const affordable =
              original.t === 'buy' ||
              model.wallets[original.t === 'gift' ? original.from : original.user]! >= original.coins;
            const result = await run(original, key).catch((error: unknown) => {
              if (!insufficient(error)) throw error;
              return null;
            });
            expect(result !== null).toBe(affordable);
            if (!result) continue;
            done.set(target, result.id);
            committed++;
            if (original.t === 'buy') {
              model.wallets[original.user]! += original.coins;
              model.clearing -= original.coins;
            } else if (original.t === 'refund') {
              model.wallets[original.user]! -= original.coins;
              model.clearing += original.coins;
            } else {
              const split = splitGift(original.coins, original.bps);
              model.wallets[original.from]! -= original.coins;
              model.earnings[original.to]! += split.creator;
              model.revenue += split.platform;
            }
          }
          expect(await balances(appId)).toEqual(model);
          expect(await appTotal(db, appId)).toBe(0);
          const count = await db
            .selectFrom('ledger_transactions')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('app_id', '=', appId)
            .executeTakeFirstOrThrow();
          expect(Number(count.n)).toBe(committed);
          expect(await ledgerVerify(db)).toEqual([]);
        }),
        { numRuns: 25 },
      );
    });

    it('never overdraws and never counts twice when the same operations race, duplicates included', async () => {
      const plain = opArb.filter((op): op is Exclude<Op, { t: 'replay' }> => op.t !== 'replay');
      await fc.assert(
        fc.asyncProperty(
          fc.array(plain, { minLength: 1, maxLength: 20 }),
          fc.array(fc.nat(19), { maxLength: 10 }),
          async (ops, dupes) => {
            const appId = await createTestApp(db);
            const run = runner(ledger, appId);
            const attempts = [...ops.map((_, i) => i), ...dupes.filter((d) => d < ops.length)];
            const results = await Promise.all(
              attempts.map((i) =>
                run(ops[i]!, `op-${i}`).then(
                  (posted) => ({ i, posted }),
                  (error: unknown) => {
                    if (!insufficient(error)) throw error;
                    return { i, posted: null };
                  },
                ),
              ),
            );
            // Per key: at most one fresh posting; every success names that one transaction.
            const expected = { wallets: Array(USERS).fill(0) as number[] };
            for (let i = 0; i < ops.length; i++) {
              const mine = results.filter((r) => r.i === i && r.posted).map((r) => r.posted!);
              expect(mine.filter((p) => !p.replayed).length).toBe(mine.length > 0 ? 1 : 0);
              expect(new Set(mine.map((p) => p.id)).size).toBeLessThanOrEqual(1);
              if (mine.length === 0) continue;
              const op = ops[i]!;
              if (op.t === 'buy') expected.wallets[op.user]! += op.coins;
              else if (op.t === 'refund') expected.wallets[op.user]! -= op.coins;
              else expected.wallets[op.from]! -= op.coins;
            }
            const actual = await balances(appId);
            expect(actual.wallets).toEqual(expected.wallets);
            expect(actual.wallets.every((b) => b >= 0)).toBe(true);
            expect(
              actual.wallets.reduce((a, b) => a + b, 0) +
                actual.earnings.reduce((a, b) => a + b, 0) +
                actual.revenue +
                actual.clearing,
            ).toBe(0);
            expect(await ledgerVerify(db)).toEqual([]);
          },
        ),
        { numRuns: 25 },
      );
    });
  },
);

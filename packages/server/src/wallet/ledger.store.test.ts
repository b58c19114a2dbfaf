import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import type { Db } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { type EntryInput, postingFingerprint } from './ledger.rules.ts';
import { type AccountKey, entryIdRange, LedgerStore, type StoredPosting } from './ledger.store.ts';
import { appTotal, createTestApp } from './wallet.fixtures.ts';

const store = new LedgerStore();
const now = () => new Date();

function posting(
  appId: string,
  key: string,
  entries: EntryInput[],
  kind = 'transfer',
  at = Date.now(),
): StoredPosting {
  return {
    id: newId('txn', at),
    appId,
    kind,
    idempotencyKey: key,
    fingerprint: postingFingerprint(kind, entries),
    entries,
    metadata: { key },
  };
}

describe.each(testDatabases().map((f) => [f.name, f] as const))('ledger store on %s', (_name, factory) => {
  let handle: DatabaseHandle;
  let db: Db;

  beforeAll(async () => {
    handle = await factory.open();
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  /** A clearing account and `n` member wallets in a new app; the wallets are funded with `funds` coins each. */
  async function setUp(n: number, funds: number) {
    const appId = await createTestApp(db);
    const clearing = await store.ensureAccount(
      db,
      { appId, kind: 'provider_clearing', ownerId: 'sandbox', shard: 0 },
      now(),
    );
    const wallets: string[] = [];
    for (let i = 0; i < n; i++) {
      const wallet = await store.ensureAccount(
        db,
        { appId, kind: 'member_wallet', ownerId: `usr_${i}`, shard: 0 },
        now(),
      );
      wallets.push(wallet.id);
      if (funds > 0) {
        const [o] = await store.postBatch(
          db,
          [
            posting(appId, `fund-${i}`, [
              { accountId: clearing.id, amount: -funds },
              { accountId: wallet.id, amount: funds },
            ]),
          ],
          now(),
        );
        expect(o!.status).toBe('posted');
      }
    }
    return { appId, clearing: clearing.id, wallets };
  }

  const balanceOf = async (id: string) => Number((await store.account(db, id))!.balance);
  const countTransactions = async (appId: string) =>
    Number(
      (
        await db
          .selectFrom('ledger_transactions')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('app_id', '=', appId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('creates an account once, however often and however concurrently it is ensured', async () => {
    const appId = await createTestApp(db);
    const key: AccountKey = { appId, kind: 'platform_revenue', ownerId: null, shard: 3 };
    const rows = await Promise.all(Array.from({ length: 8 }, () => store.ensureAccount(db, key, now())));
    expect(new Set(rows.map((r) => r.id)).size).toBe(1);
    expect(rows[0]).toMatchObject({
      app_id: appId,
      kind: 'platform_revenue',
      owner_id: null,
      shard: 3,
      currency: 'COIN',
      allow_negative: false,
    });
    expect(Number(rows[0]!.balance)).toBe(0);
    const clearing = await store.ensureAccount(
      db,
      { appId, kind: 'provider_clearing', ownerId: 'stripe', shard: 0 },
      now(),
    );
    expect(clearing.allow_negative).toBe(true);
    const shards = await store.shardsOf(db, appId, 'platform_revenue', null);
    expect(shards.map((s) => s.id)).toEqual([rows[0]!.id]);
  });

  it('posts balanced entries, moves both balances and reports them', async () => {
    const { appId, clearing, wallets } = await setUp(1, 0);
    const [o] = await store.postBatch(
      db,
      [
        posting(appId, 'buy', [
          { accountId: wallets[0]!, amount: 500 },
          { accountId: clearing, amount: -500 },
        ]),
      ],
      now(),
    );
    expect(o).toMatchObject({ status: 'posted', balances: [500, -500], metadata: { key: 'buy' } });
    expect(await balanceOf(wallets[0]!)).toBe(500);
    expect(await balanceOf(clearing)).toBe(-500);
    expect(await store.entriesOf(db, o!.transactionId)).toEqual([
      { accountId: wallets[0]!, amount: 500 },
      { accountId: clearing, amount: -500 },
    ]);
    const [from, to] = entryIdRange(o!.transactionId);
    expect(from < to).toBe(true);
  });

  it('answers a replayed key with the first transaction and writes nothing', async () => {
    const { appId, clearing, wallets } = await setUp(1, 0);
    const entries = [
      { accountId: wallets[0]!, amount: 40 },
      { accountId: clearing, amount: -40 },
    ];
    const [first] = await store.postBatch(db, [posting(appId, 'once', entries)], now());
    const [again] = await store.postBatch(
      db,
      [{ ...posting(appId, 'once', entries), metadata: { other: true } }],
      now(),
    );
    expect(again).toMatchObject({
      status: 'replayed',
      transactionId: first!.transactionId,
      metadata: { key: 'once' },
      balances: null,
    });
    expect(await balanceOf(wallets[0]!)).toBe(40);
    expect(await countTransactions(appId)).toBe(1);
  });

  it('refuses a posting that would overdraw a wallet and leaves no trace of it', async () => {
    const { appId, wallets } = await setUp(2, 100);
    const before = await countTransactions(appId);
    const [o] = await store.postBatch(
      db,
      [
        posting(appId, 'too-much', [
          { accountId: wallets[0]!, amount: -101 },
          { accountId: wallets[1]!, amount: 101 },
        ]),
      ],
      now(),
    );
    expect(o!.status).toBe('insufficient_funds');
    expect([await balanceOf(wallets[0]!), await balanceOf(wallets[1]!)]).toEqual([100, 100]);
    expect(await countTransactions(appId)).toBe(before);
    // The key stays free: the same request succeeds once it is affordable.
    const [ok] = await store.postBatch(
      db,
      [
        posting(appId, 'too-much', [
          { accountId: wallets[0]!, amount: -100 },
          { accountId: wallets[1]!, amount: 100 },
        ]),
      ],
      now(),
    );
    expect(ok!.status).toBe('posted');
    expect(await balanceOf(wallets[0]!)).toBe(0);
  });

  it('applies the postings of one batch in order against running balances', async () => {
    const { appId, wallets } = await setUp(2, 10);
    const [a, b] = wallets as [string, string];
    const outcomes = await store.postBatch(
      db,
      [
        posting(appId, 'p1', [
          { accountId: a, amount: -7 },
          { accountId: b, amount: 7 },
        ]),
        posting(appId, 'p2', [
          { accountId: a, amount: -7 },
          { accountId: b, amount: 7 },
        ]),
        posting(appId, 'p3', [
          { accountId: a, amount: -3 },
          { accountId: b, amount: 3 },
        ]),
        posting(appId, 'p4', [
          { accountId: b, amount: -20 },
          { accountId: a, amount: 20 },
        ]),
        posting(appId, 'p5', [
          { accountId: a, amount: -20 },
          { accountId: b, amount: 20 },
        ]),
      ],
      now(),
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      'posted',
      'insufficient_funds',
      'posted',
      'posted',
      'posted',
    ]);
    expect(outcomes.map((o) => o.balances)).toEqual([[3, 17], null, [0, 20], [0, 20], [0, 20]]);
    expect([await balanceOf(a), await balanceOf(b)]).toEqual([0, 20]);
    expect(await appTotal(db, appId)).toBe(0);
  });

  it('refuses accounts that do not exist or belong to another app', async () => {
    const mine = await setUp(1, 50);
    const theirs = await setUp(1, 50);
    const outcomes = await store.postBatch(
      db,
      [
        posting(mine.appId, 'x1', [
          { accountId: mine.wallets[0]!, amount: -5 },
          { accountId: theirs.wallets[0]!, amount: 5 },
        ]),
        posting(mine.appId, 'x2', [
          { accountId: mine.wallets[0]!, amount: -5 },
          { accountId: 'acct_missing', amount: 5 },
        ]),
      ],
      now(),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['account_not_found', 'account_not_found']);
    expect([await balanceOf(mine.wallets[0]!), await balanceOf(theirs.wallets[0]!)]).toEqual([50, 50]);
  });

  it('refuses an unbalanced posting in the database even if the rules were bypassed', async () => {
    const { appId, wallets } = await setUp(2, 10);
    const bad = posting(appId, 'unbalanced', [
      { accountId: wallets[0]!, amount: -5 },
      { accountId: wallets[1]!, amount: 4 },
    ]);
    await expect(store.postBatch(db, [bad], now())).rejects.toMatchObject({ code: 'WALLET_INVALID_POSTING' });
    expect(await balanceOf(wallets[1]!)).toBe(10);
  });

  it('keeps the balance CHECK as the last guard against any write below zero', async () => {
    const { clearing, wallets } = await setUp(1, 10);
    await expect(
      sql`UPDATE ledger_accounts SET balance = balance - 11 WHERE id = ${wallets[0]!}`.execute(db),
    ).rejects.toMatchObject({ code: '23514' });
    await sql`UPDATE ledger_accounts SET balance = balance + 0 WHERE id = ${clearing}`.execute(db);
    expect(await balanceOf(wallets[0]!)).toBe(10);
  });

  it('does not abort the caller transaction when a posting is refused, and rolls back with it', async () => {
    const { appId, wallets } = await setUp(2, 10);
    const [a, b] = wallets as [string, string];
    await expect(
      db.transaction().execute(async (tx) => {
        const [refused] = await store.postBatch(
          tx,
          [
            posting(appId, 't1', [
              { accountId: a, amount: -11 },
              { accountId: b, amount: 11 },
            ]),
          ],
          now(),
        );
        expect(refused!.status).toBe('insufficient_funds');
        const [ok] = await store.postBatch(
          tx,
          [
            posting(appId, 't2', [
              { accountId: a, amount: -4 },
              { accountId: b, amount: 4 },
            ]),
          ],
          now(),
        );
        expect(ok!.status).toBe('posted');
        throw new Error('caller changes its mind');
      }),
    ).rejects.toThrow('caller changes its mind');
    expect([await balanceOf(a), await balanceOf(b)]).toEqual([10, 10]);
    const [again] = await store.postBatch(
      db,
      [
        posting(appId, 't2', [
          { accountId: a, amount: -4 },
          { accountId: b, amount: 4 },
        ]),
      ],
      now(),
    );
    expect(again!.status).toBe('posted');
  });

  it('pages an account history newest first with the transaction kind and metadata', async () => {
    const { appId, clearing, wallets } = await setUp(1, 0);
    const w = wallets[0]!;
    for (let i = 1; i <= 5; i++) {
      const at = Date.now() + i;
      await store.postBatch(
        db,
        [
          posting(
            appId,
            `h${i}`,
            [
              { accountId: w, amount: i },
              { accountId: clearing, amount: -i },
            ],
            'purchase',
            at,
          ),
        ],
        new Date(at),
      );
    }
    const first = await store.history(db, w, 3);
    expect(first.map((r) => r.amount)).toEqual([5, 4, 3]);
    expect(first[0]).toMatchObject({ kind: 'purchase', metadata: { key: 'h5' } });
    const rest = await store.history(db, w, 3, first[2]!.entryId);
    expect(rest.map((r) => r.amount)).toEqual([2, 1]);
  });
});

import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestDatabaseFactory, testDatabases } from '../../test/databases.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import type { Db } from '../platform/db/schema.ts';
import { type LedgerViolation, ledgerVerify } from './ledger.verify.ts';
import { createTestApp } from './wallet.fixtures.ts';
import { LedgerService } from './wallet.service.ts';

const clock = { now: () => Date.now() };

/** A ledger with purchases and a gift, sound before each test breaks it in one way. */
async function soundLedger(db: Db) {
  const ledger = new LedgerService({ db, clock });
  const appId = await createTestApp(db);
  await ledger.creditPurchase({
    appId,
    userId: 'usr_fan',
    coins: 100,
    provider: 'sandbox',
    idempotencyKey: 'buy-1',
  });
  const gift = await ledger.sendGift({
    appId,
    fromUserId: 'usr_fan',
    toCreatorId: 'usr_star',
    coins: 30,
    idempotencyKey: 'gift-1',
  });
  const wallet = await ledger.ensureAccount({ appId, kind: 'member_wallet', ownerId: 'usr_fan' });
  return { ledger, appId, gift, wallet };
}

const kinds = (violations: LedgerViolation[]) => [...new Set(violations.map((v) => v.invariant))].sort();

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'ledgerVerify on %s',
  (_name, factory: TestDatabaseFactory) => {
    let handle: DatabaseHandle | null = null;
    const open = async () => {
      handle = await factory.open();
      return handle.db;
    };
    afterEach(async () => {
      await handle?.close();
      handle = null;
    });

    it('finds nothing wrong with an empty or a sound ledger', async () => {
      const db = await open();
      expect(await ledgerVerify(db)).toEqual([]);
      await soundLedger(db);
      expect(await ledgerVerify(db)).toEqual([]);
    });

    it('reports a balance that differs from the sum of its entries', async () => {
      const db = await open();
      const { wallet, appId } = await soundLedger(db);
      await sql`UPDATE ledger_accounts SET balance = balance + 5 WHERE id = ${wallet.id}`.execute(db);
      const violations = await ledgerVerify(db);
      expect(kinds(violations)).toEqual(['app_total_nonzero', 'balance_mismatch']);
      expect(violations).toContainEqual({
        invariant: 'balance_mismatch',
        subject: wallet.id,
        detail: 'balance 75, entries sum to 70',
      });
      expect(violations).toContainEqual({
        invariant: 'app_total_nonzero',
        subject: appId,
        detail: 'account balances sum to 5',
      });
    });

    it('reports a transaction whose entries do not sum to zero, and the ledger total', async () => {
      const db = await open();
      const { gift, wallet } = await soundLedger(db);
      await sql`UPDATE ledger_entries SET amount = amount - 1 WHERE transaction_id = ${gift.id} AND account_id = ${wallet.id}`.execute(
        db,
      );
      const violations = await ledgerVerify(db);
      expect(kinds(violations)).toEqual([
        'balance_mismatch',
        'ledger_total_nonzero',
        'transaction_unbalanced',
      ]);
      expect(violations).toContainEqual({
        invariant: 'transaction_unbalanced',
        subject: gift.id,
        detail: 'entries sum to -1',
      });
      expect(violations).toContainEqual({
        invariant: 'ledger_total_nonzero',
        subject: 'ledger',
        detail: 'all entries sum to -1',
      });
    });

    it('reports a transaction with fewer than two entries', async () => {
      const db = await open();
      const { appId } = await soundLedger(db);
      await db
        .insertInto('ledger_transactions')
        .values({
          id: 'txn_empty',
          app_id: appId,
          kind: 'gift',
          idempotency_key: 'hollow',
          fingerprint: 'x',
          metadata: '{}',
          created_at: new Date(),
        })
        .execute();
      expect(await ledgerVerify(db)).toEqual([
        { invariant: 'transaction_too_few_entries', subject: 'txn_empty', detail: '0 entries' },
      ]);
    });

    it('reports an entry on an account of another app', async () => {
      const db = await open();
      const { gift, wallet } = await soundLedger(db);
      const other = await soundLedger(db);
      await sql`UPDATE ledger_entries SET account_id = ${other.wallet.id} WHERE transaction_id = ${gift.id} AND account_id = ${wallet.id}`.execute(
        db,
      );
      await sql`UPDATE ledger_accounts SET balance = balance + 30 WHERE id = ${wallet.id}`.execute(db);
      await sql`UPDATE ledger_accounts SET balance = balance - 30 WHERE id = ${other.wallet.id}`.execute(db);
      const violations = await ledgerVerify(db);
      expect(kinds(violations)).toEqual(['app_total_nonzero', 'entry_outside_app']);
      expect(violations.filter((v) => v.invariant === 'app_total_nonzero')).toHaveLength(2);
    });

    it('reports an account below zero that may not be', async () => {
      const db = await open();
      const { wallet, ledger, appId } = await soundLedger(db);
      // Simulates a database whose constraint was dropped by hand: the verifier must not rely on it.
      await sql`ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_balance_check`.execute(db);
      const star = await ledger.ensureAccount({ appId, kind: 'member_wallet', ownerId: 'usr_other' });
      await sql`UPDATE ledger_accounts SET balance = balance - 100 WHERE id = ${wallet.id}`.execute(db);
      await sql`UPDATE ledger_accounts SET balance = balance + 100 WHERE id = ${star.id}`.execute(db);
      await sql`INSERT INTO ledger_transactions (id, app_id, kind, idempotency_key, fingerprint, created_at)
              VALUES ('txn_overdraw', ${appId}, 'transfer', 'overdraw', 'x', now())`.execute(db);
      await sql`INSERT INTO ledger_entries (id, transaction_id, account_id, amount) VALUES
              ('ent_overdraw01', 'txn_overdraw', ${wallet.id}, -100), ('ent_overdraw02', 'txn_overdraw', ${star.id}, 100)`.execute(
        db,
      );
      expect(await ledgerVerify(db)).toEqual([
        { invariant: 'negative_balance', subject: wallet.id, detail: 'balance -30' },
      ]);
    });
  },
);

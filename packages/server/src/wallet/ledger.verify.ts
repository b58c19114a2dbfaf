import { sql } from 'kysely';
import type { Db, Executor } from '../platform/db/schema.ts';

/** The invariants `ledgerVerify` checks. */
export type LedgerInvariant =
  | 'transaction_unbalanced'
  | 'transaction_too_few_entries'
  | 'entry_outside_app'
  | 'balance_mismatch'
  | 'negative_balance'
  | 'app_total_nonzero'
  | 'ledger_total_nonzero';

/** One broken invariant: which, on what (a transaction, account or app id), and the figures. */
export interface LedgerViolation {
  invariant: LedgerInvariant;
  subject: string;
  detail: string;
}

/** At most this many violations are reported per invariant, so a badly broken ledger still gives a readable report. */
const LIMIT_PER_INVARIANT = 100;

async function rows<T>(db: Executor, query: ReturnType<typeof sql<T>>): Promise<T[]> {
  return (await query.execute(db)).rows;
}

async function check(db: Executor): Promise<LedgerViolation[]> {
  const out: LedgerViolation[] = [];
  const unbalanced = await rows<{ id: string; total: string; n: string }>(
    db,
    sql`SELECT t.id, COALESCE(SUM(e.amount), 0)::text AS total, COUNT(e.id)::text AS n
        FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id
        GROUP BY t.id HAVING COALESCE(SUM(e.amount), 0) <> 0 OR COUNT(e.id) < 2
        ORDER BY t.id LIMIT ${LIMIT_PER_INVARIANT * 2}`,
  );
  for (const r of unbalanced) {
    if (r.total !== '0')
      out.push({ invariant: 'transaction_unbalanced', subject: r.id, detail: `entries sum to ${r.total}` });
    if (Number(r.n) < 2)
      out.push({ invariant: 'transaction_too_few_entries', subject: r.id, detail: `${r.n} entries` });
  }
  const orphans = await rows<{ id: string; detail: string }>(
    db,
    sql`SELECT e.id, 'entry of ' || e.transaction_id || ' (app ' || COALESCE(t.app_id, 'none') || ') on account '
          || e.account_id || ' (app ' || COALESCE(a.app_id, 'none') || ')' AS detail
        FROM ledger_entries e
        LEFT JOIN ledger_transactions t ON t.id = e.transaction_id
        LEFT JOIN ledger_accounts a ON a.id = e.account_id
        WHERE t.id IS NULL OR a.id IS NULL OR a.app_id <> t.app_id
        ORDER BY e.id LIMIT ${LIMIT_PER_INVARIANT}`,
  );
  for (const r of orphans) out.push({ invariant: 'entry_outside_app', subject: r.id, detail: r.detail });
  const mismatched = await rows<{ id: string; balance: string; total: string }>(
    db,
    sql`SELECT a.id, a.balance::text AS balance, COALESCE(s.total, 0)::text AS total
        FROM ledger_accounts a
        LEFT JOIN (SELECT account_id, SUM(amount) AS total FROM ledger_entries GROUP BY account_id) s ON s.account_id = a.id
        WHERE a.balance <> COALESCE(s.total, 0)
        ORDER BY a.id LIMIT ${LIMIT_PER_INVARIANT}`,
  );
  for (const r of mismatched) {
    out.push({
      invariant: 'balance_mismatch',
      subject: r.id,
      detail: `balance ${r.balance}, entries sum to ${r.total}`,
    });
  }
  const negative = await rows<{ id: string; balance: string }>(
    db,
    sql`SELECT id, balance::text AS balance FROM ledger_accounts WHERE NOT allow_negative AND balance < 0
        ORDER BY id LIMIT ${LIMIT_PER_INVARIANT}`,
  );
  for (const r of negative)
    out.push({ invariant: 'negative_balance', subject: r.id, detail: `balance ${r.balance}` });
  const apps = await rows<{ app_id: string; total: string }>(
    db,
    sql`SELECT app_id, SUM(balance)::text AS total FROM ledger_accounts GROUP BY app_id HAVING SUM(balance) <> 0
        ORDER BY app_id LIMIT ${LIMIT_PER_INVARIANT}`,
  );
  for (const r of apps)
    out.push({
      invariant: 'app_total_nonzero',
      subject: r.app_id,
      detail: `account balances sum to ${r.total}`,
    });
  const [grand] = await rows<{ total: string }>(
    db,
    sql`SELECT COALESCE(SUM(amount), 0)::text AS total FROM ledger_entries`,
  );
  if (grand && grand.total !== '0') {
    out.push({
      invariant: 'ledger_total_nonzero',
      subject: 'ledger',
      detail: `all entries sum to ${grand.total}`,
    });
  }
  return out;
}

/**
 * Checks every invariant of the ledger in SQL and returns the violations (empty when the
 * ledger is sound): each transaction's entries sum to zero and number at least two; each
 * entry belongs to an existing transaction and an account of the same app; each account's
 * balance equals the sum of its entries; no account that may not go negative is below
 * zero; each app's balances, and all entries together, sum to zero. Runs in one
 * repeatable-read snapshot so that postings committed meanwhile cannot cause false alarms.
 */
export async function ledgerVerify(db: Db): Promise<LedgerViolation[]> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((tx) => check(tx));
}

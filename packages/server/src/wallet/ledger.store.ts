import { sql } from 'kysely';
import type { Executor, Row } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { type AccountKind, allowsNegative, COIN, type EntryInput } from './ledger.rules.ts';
import { walletErrors } from './wallet.errors.ts';

export type LedgerAccountRow = Row<'ledger_accounts'>;

/** What identifies an account: its app, kind, owner and shard (currency is always coins). */
export interface AccountKey {
  appId: string;
  kind: AccountKind;
  ownerId: string | null;
  shard: number;
}

/** A posting that passed the rules, ready for the database. */
export interface StoredPosting {
  /** The new transaction's id (`txn_…`), used if the key is new. */
  id: string;
  appId: string;
  kind: string;
  idempotencyKey: string;
  fingerprint: string;
  entries: readonly EntryInput[];
  metadata: Record<string, unknown>;
}

/** What happened to one posting of a batch. */
export type PostStatus = 'posted' | 'replayed' | 'insufficient_funds' | 'account_not_found';

/** What `ledger_post_batch` answered for one posting. */
export interface PostOutcome {
  status: PostStatus;
  /** The new transaction, or on a replay the first one posted under the key. */
  transactionId: string;
  fingerprint: string;
  metadata: Record<string, unknown>;
  createdAt: Date;
  /** Balance of each entry's account right after this posting, in entry order (posted only). */
  balances: number[] | null;
}

/** One line of an account's history: an entry and the transaction it belongs to. */
export interface HistoryRow {
  entryId: string;
  transactionId: string;
  kind: string;
  amount: number;
  metadata: Record<string, unknown>;
  createdAt: Date;
}

interface PostRow {
  posting: number;
  status: PostStatus;
  tx_id: string;
  tx_fingerprint: string;
  tx_metadata: Record<string, unknown>;
  tx_created_at: Date | string;
  balances: (string | number)[] | null;
}

/** PostgreSQL error fields both drivers expose. */
interface DbError {
  code?: string;
  constraint?: string;
}

/** Maps database errors raised by a posting to the wallet's errors; anything else is rethrown as is. */
function translate(error: unknown): unknown {
  const { code, constraint } = (error ?? {}) as DbError;
  if (code === '23514' && constraint === 'ledger_accounts_balance_check')
    return walletErrors.WALLET_INSUFFICIENT_FUNDS();
  if (code === 'P0002') return walletErrors.WALLET_ACCOUNT_NOT_FOUND();
  if (code === '22023') return walletErrors.WALLET_INVALID_POSTING();
  return error;
}

/** The first and last possible entry ids of a transaction (`ent_` + its id's body + position 00..99). */
export function entryIdRange(transactionId: string): [string, string] {
  const body = transactionId.slice(transactionId.indexOf('_') + 1);
  return [`ent_${body}00`, `ent_${body}99`];
}

/** SQL of the ledger; runs unchanged on PGlite and PostgreSQL. */
export class LedgerStore {
  async findAccount(db: Executor, key: AccountKey): Promise<LedgerAccountRow | undefined> {
    let query = db
      .selectFrom('ledger_accounts')
      .selectAll()
      .where('app_id', '=', key.appId)
      .where('kind', '=', key.kind)
      .where('currency', '=', COIN)
      .where('shard', '=', key.shard);
    query =
      key.ownerId === null ? query.where('owner_id', 'is', null) : query.where('owner_id', '=', key.ownerId);
    return query.executeTakeFirst();
  }

  /** Creates the account unless it exists (concurrent callers converge on one row) and returns it. */
  async ensureAccount(db: Executor, key: AccountKey, now: Date): Promise<LedgerAccountRow> {
    const existing = await this.findAccount(db, key);
    if (existing) return existing;
    const inserted = await db
      .insertInto('ledger_accounts')
      .values({
        id: newId('acct', now.getTime()),
        app_id: key.appId,
        kind: key.kind,
        owner_id: key.ownerId,
        currency: COIN,
        shard: key.shard,
        allow_negative: allowsNegative(key.kind),
        created_at: now,
      })
      .onConflict((oc) => oc.constraint('ledger_accounts_key').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return inserted;
    const raced = await this.findAccount(db, key);
    if (!raced) throw new Error('ledger account vanished after a conflicting insert');
    return raced;
  }

  async account(db: Executor, id: string): Promise<LedgerAccountRow | undefined> {
    return db.selectFrom('ledger_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Accounts of one owner and kind (every shard), in shard order. */
  async shardsOf(
    db: Executor,
    appId: string,
    kind: AccountKind,
    ownerId: string | null,
  ): Promise<LedgerAccountRow[]> {
    let query = db
      .selectFrom('ledger_accounts')
      .selectAll()
      .where('app_id', '=', appId)
      .where('kind', '=', kind);
    query = ownerId === null ? query.where('owner_id', 'is', null) : query.where('owner_id', '=', ownerId);
    return query.orderBy('shard').execute();
  }

  /**
   * Posts balanced transactions through `ledger_post_batch` (migration 002): one statement,
   * atomic on its own or inside the caller's transaction, one outcome per posting in order.
   * A posting refused for funds or accounts writes nothing and does not abort the caller's
   * transaction; a database error (the balance CHECK included) fails the whole batch.
   */
  async postBatch(db: Executor, postings: readonly StoredPosting[], now: Date): Promise<PostOutcome[]> {
    const legCounts = postings.map((p) => p.entries.length);
    const accounts = postings.flatMap((p) => p.entries.map((e) => e.accountId));
    const amounts = postings.flatMap((p) => p.entries.map((e) => e.amount));
    let rows: PostRow[];
    try {
      const result = await sql<PostRow>`SELECT * FROM ledger_post_batch(
        ${postings.map((p) => p.id)}::text[], ${postings.map((p) => p.appId)}::text[],
        ${postings.map((p) => p.kind)}::text[], ${postings.map((p) => p.idempotencyKey)}::text[],
        ${postings.map((p) => p.fingerprint)}::text[], ${JSON.stringify(postings.map((p) => p.metadata))}::jsonb,
        ${legCounts}::integer[], ${accounts}::text[], ${amounts}::bigint[], ${now})`.execute(db);
      rows = result.rows;
    } catch (error) {
      throw translate(error);
    }
    if (rows.length !== postings.length)
      throw new Error(`ledger_post_batch answered ${rows.length} of ${postings.length} postings`);
    return rows
      .sort((a, b) => a.posting - b.posting)
      .map((row) => ({
        status: row.status,
        transactionId: row.tx_id,
        fingerprint: row.tx_fingerprint,
        metadata: row.tx_metadata,
        createdAt: new Date(row.tx_created_at),
        balances: row.balances ? row.balances.map(Number) : null,
      }));
  }

  /** The entries of one transaction, by position (a primary-key range: see entryIdRange). */
  async entriesOf(db: Executor, transactionId: string): Promise<EntryInput[]> {
    const [from, to] = entryIdRange(transactionId);
    const rows = await db
      .selectFrom('ledger_entries')
      .select(['account_id', 'amount'])
      .where('id', '>=', from)
      .where('id', '<=', to)
      .where('transaction_id', '=', transactionId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ accountId: r.account_id, amount: Number(r.amount) }));
  }

  /** An account's entries, newest first, `limit` at a time after `cursor` (an entry id). */
  async history(db: Executor, accountId: string, limit: number, cursor?: string): Promise<HistoryRow[]> {
    let query = db
      .selectFrom('ledger_entries as e')
      .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
      .select(['e.id', 'e.transaction_id', 't.kind', 'e.amount', 't.metadata', 'e.created_at'])
      .where('e.account_id', '=', accountId);
    if (cursor) query = query.where('e.id', '<', cursor);
    const rows = await query.orderBy('e.id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      entryId: r.id,
      transactionId: r.transaction_id,
      kind: r.kind,
      amount: Number(r.amount),
      metadata: r.metadata as unknown as Record<string, unknown>,
      createdAt: r.created_at,
    }));
  }
}

import { sql } from 'kysely';
import type { Database, Executor, Row } from '../platform/db/schema.ts';

/** The member an export is for. */
export interface ExportSubject {
  appId: string;
  user: Row<'users'>;
}

/** One part of the archive: its key in the JSON and how to read it. */
export interface ExportSection {
  name: string;
  read(db: Executor, subject: ExportSubject): Promise<unknown>;
}

/** A column of `T`. */
type Column<T extends keyof Database> = keyof Database[T] & string;

/** The rows of `table` whose `column` is the member, with only `columns`, ordered by `orderBy`. */
export async function memberRows<T extends keyof Database>(
  db: Executor,
  userId: string,
  spec: { table: T; column: Column<T>; columns: readonly Column<T>[]; orderBy?: Column<T> },
): Promise<Record<string, unknown>[]> {
  const columns = sql.join(spec.columns.map((c) => sql.ref(c)));
  const order = sql.ref(spec.orderBy ?? spec.columns[0] ?? spec.column);
  const result = await sql<Record<string, unknown>>`
    SELECT ${columns} FROM ${sql.table(spec.table)} WHERE ${sql.ref(spec.column)} = ${userId} ORDER BY ${order}`.execute(
    db,
  );
  return result.rows;
}

/** A section listing the rows of one table that belong to the member (see `memberRows`). */
export function tableSection<T extends keyof Database>(
  name: string,
  spec: { table: T; column: Column<T>; columns: readonly Column<T>[]; orderBy?: Column<T> },
): ExportSection {
  return { name, read: (db, { user }) => memberRows(db, user.id, spec) };
}

/**
 * The account and money parts of an export (content is in `CONTENT_SECTIONS`). Other members
 * appear only by id or public display name, never by email, address or device.
 */
export const ACCOUNT_SECTIONS: ExportSection[] = [
  {
    name: 'profile',
    read: async (_db, { user }) => ({
      id: user.id,
      email: user.email,
      emailVerifiedAt: user.email_verified_at,
      displayName: user.display_name,
      role: user.role,
      locale: user.locale,
      telegram: user.telegram_id ? { id: user.telegram_id, username: user.telegram_username } : null,
      createdAt: user.created_at,
      updatedAt: user.updated_at,
    }),
  },
  tableSection('sessions', {
    table: 'sessions',
    column: 'user_id',
    columns: ['created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent'],
  }),
  tableSection('creatorApplications', {
    table: 'creator_applications',
    column: 'user_id',
    columns: ['id', 'note', 'status', 'reason', 'created_at', 'decided_at'],
  }),
  tableSection('appsOwned', {
    table: 'apps',
    column: 'owner_id',
    columns: ['id', 'name', 'created_at', 'updated_at', 'deleted_at'],
  }),
  {
    name: 'teams',
    read: (db, { user }) =>
      db
        .selectFrom('app_members as m')
        .innerJoin('apps as a', 'a.id', 'm.app_id')
        .select(['m.app_id', 'a.name as app_name', 'm.role', 'm.created_at'])
        .where('m.user_id', '=', user.id)
        .orderBy('m.app_id')
        .execute(),
  },
  tableSection('apiKeysCreated', {
    table: 'api_keys',
    column: 'created_by',
    columns: ['id', 'app_id', 'name', 'scopes', 'created_at', 'last_used_at', 'revoked_at'],
  }),
  tableSection('invitationsSent', {
    table: 'app_invitations',
    column: 'invited_by',
    columns: ['id', 'app_id', 'role', 'created_at', 'expires_at', 'accepted_at', 'revoked_at'],
  }),
  {
    name: 'wallet',
    read: async (db, { user }) => {
      const accounts = await memberRows(db, user.id, {
        table: 'ledger_accounts',
        column: 'owner_id',
        columns: ['id', 'app_id', 'kind', 'shard', 'currency', 'balance', 'created_at'],
      });
      const ids = accounts.map((a) => String(a.id));
      const entries =
        ids.length === 0
          ? []
          : await db
              .selectFrom('ledger_entries as e')
              .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
              .select([
                'e.id',
                'e.account_id',
                'e.amount',
                't.id as transaction_id',
                't.kind',
                't.metadata',
                'e.created_at',
              ])
              .where('e.account_id', 'in', ids)
              .orderBy('e.id')
              .execute();
      const balances: Record<string, number> = {};
      for (const a of accounts)
        balances[String(a.kind)] = (balances[String(a.kind)] ?? 0) + Number(a.balance);
      return { balances, accounts, entries };
    },
  },
  tableSection('paymentOrders', {
    table: 'payment_orders',
    column: 'user_id',
    columns: [
      'id',
      'package_name',
      'coins',
      'amount_minor',
      'currency',
      'provider',
      'status',
      'created_at',
      'paid_at',
      'reversed_at',
    ],
  }),
  tableSection('walletLocks', {
    table: 'wallet_locks',
    column: 'user_id',
    columns: ['id', 'order_id', 'coins_owed', 'coins_recovered', 'created_at', 'released_at'],
  }),
  tableSection('giftsSent', {
    table: 'gift_events',
    column: 'from_user_id',
    columns: [
      'id',
      'kind',
      'stream_id',
      'creator_id',
      'gift_name',
      'quantity',
      'coins',
      'message',
      'created_at',
    ],
  }),
  tableSection('giftsReceived', {
    table: 'gift_events',
    column: 'creator_id',
    columns: [
      'id',
      'kind',
      'stream_id',
      'from_name',
      'gift_name',
      'quantity',
      'coins',
      'message',
      'created_at',
    ],
  }),
  tableSection('ticketsBought', {
    table: 'tickets',
    column: 'user_id',
    columns: ['id', 'target_kind', 'target_id', 'creator_id', 'price_coins', 'created_at'],
  }),
  // Who bought is the buyer's business: sales list no buyer.
  tableSection('ticketsSold', {
    table: 'tickets',
    column: 'creator_id',
    columns: ['id', 'target_kind', 'target_id', 'price_coins', 'created_at'],
  }),
  tableSection('subscriptions', {
    table: 'subscriptions',
    column: 'user_id',
    columns: [
      'id',
      'kind',
      'creator_id',
      'price_coins',
      'status',
      'period',
      'started_at',
      'current_period_end',
      'cancel_at_period_end',
      'ended_at',
    ],
  }),
  tableSection('subscribers', {
    table: 'subscriptions',
    column: 'creator_id',
    columns: ['id', 'price_coins', 'status', 'period', 'started_at', 'current_period_end', 'ended_at'],
  }),
  tableSection('subscriptionPlan', {
    table: 'subscription_plans',
    column: 'creator_id',
    columns: ['app_id', 'price_coins', 'created_at', 'updated_at'],
  }),
  tableSection('revenueSplit', {
    table: 'creator_splits',
    column: 'creator_id',
    columns: ['app_id', 'creator_bps', 'updated_at'],
  }),
  tableSection('payouts', {
    table: 'payouts',
    column: 'creator_id',
    columns: ['id', 'coins', 'status', 'reason', 'reference', 'created_at', 'decided_at', 'paid_at'],
  }),
];

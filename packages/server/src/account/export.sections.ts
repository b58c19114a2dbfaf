import type { Executor, Row } from '../platform/db/schema.ts';

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
  {
    name: 'sessions',
    read: (db, { user }) =>
      db
        .selectFrom('sessions')
        .select(['ip', 'user_agent', 'created_at', 'last_seen_at', 'expires_at'])
        .where('user_id', '=', user.id)
        .orderBy('created_at')
        .execute(),
  },
  {
    name: 'creatorApplications',
    read: (db, { user }) =>
      db
        .selectFrom('creator_applications')
        .select(['id', 'note', 'status', 'reason', 'created_at', 'decided_at'])
        .where('user_id', '=', user.id)
        .orderBy('id')
        .execute(),
  },
  {
    name: 'appsOwned',
    read: (db, { user }) =>
      db
        .selectFrom('apps')
        .select(['id', 'name', 'created_at', 'updated_at', 'deleted_at'])
        .where('owner_id', '=', user.id)
        .orderBy('id')
        .execute(),
  },
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
  {
    name: 'apiKeysCreated',
    read: (db, { user }) =>
      db
        .selectFrom('api_keys')
        .select(['id', 'app_id', 'name', 'scopes', 'created_at', 'last_used_at', 'revoked_at'])
        .where('created_by', '=', user.id)
        .orderBy('id')
        .execute(),
  },
  {
    name: 'invitationsSent',
    read: (db, { user }) =>
      db
        .selectFrom('app_invitations')
        .select(['id', 'app_id', 'role', 'created_at', 'expires_at', 'accepted_at', 'revoked_at'])
        .where('invited_by', '=', user.id)
        .orderBy('id')
        .execute(),
  },
  {
    name: 'wallet',
    read: async (db, { user }) => {
      const accounts = await db
        .selectFrom('ledger_accounts')
        .select(['id', 'app_id', 'kind', 'shard', 'currency', 'balance', 'created_at'])
        .where('owner_id', '=', user.id)
        .orderBy('id')
        .execute();
      const ids = accounts.map((a) => a.id);
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
      for (const a of accounts) balances[a.kind] = (balances[a.kind] ?? 0) + Number(a.balance);
      return { balances, accounts, entries };
    },
  },
  {
    name: 'paymentOrders',
    read: (db, { user }) =>
      db
        .selectFrom('payment_orders')
        .select([
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
        ])
        .where('user_id', '=', user.id)
        .orderBy('id')
        .execute(),
  },
  {
    name: 'walletLocks',
    read: (db, { user }) =>
      db
        .selectFrom('wallet_locks')
        .select(['id', 'order_id', 'coins_owed', 'coins_recovered', 'created_at', 'released_at'])
        .where('user_id', '=', user.id)
        .execute(),
  },
  {
    name: 'giftsSent',
    read: (db, { user }) =>
      db
        .selectFrom('gift_events')
        .select([
          'id',
          'kind',
          'stream_id',
          'creator_id',
          'gift_name',
          'quantity',
          'coins',
          'message',
          'created_at',
        ])
        .where('from_user_id', '=', user.id)
        .orderBy('id')
        .execute(),
  },
  {
    name: 'giftsReceived',
    read: (db, { user }) =>
      db
        .selectFrom('gift_events')
        .select([
          'id',
          'kind',
          'stream_id',
          'from_name',
          'gift_name',
          'quantity',
          'coins',
          'message',
          'created_at',
        ])
        .where('creator_id', '=', user.id)
        .orderBy('id')
        .execute(),
  },
  {
    name: 'ticketsBought',
    read: (db, { user }) =>
      db
        .selectFrom('tickets')
        .select(['id', 'target_kind', 'target_id', 'creator_id', 'price_coins', 'created_at'])
        .where('user_id', '=', user.id)
        .orderBy('id')
        .execute(),
  },
  {
    name: 'ticketsSold',
    read: (db, { user }) =>
      db
        .selectFrom('tickets')
        .select(['id', 'target_kind', 'target_id', 'price_coins', 'created_at'])
        .where('creator_id', '=', user.id)
        .orderBy('id')
        .execute(),
  },
  {
    name: 'subscriptions',
    read: (db, { user }) =>
      db
        .selectFrom('subscriptions')
        .select([
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
        ])
        .where('user_id', '=', user.id)
        .orderBy('id')
        .execute(),
  },
  {
    name: 'subscribers',
    read: async (db, { user }) => ({
      plan: await db
        .selectFrom('subscription_plans')
        .select(['app_id', 'price_coins', 'created_at', 'updated_at'])
        .where('creator_id', '=', user.id)
        .execute(),
      subscriptions: await db
        .selectFrom('subscriptions')
        .select(['id', 'price_coins', 'status', 'period', 'started_at', 'current_period_end', 'ended_at'])
        .where('creator_id', '=', user.id)
        .orderBy('id')
        .execute(),
    }),
  },
  {
    name: 'payouts',
    read: async (db, { user }) => ({
      split: await db
        .selectFrom('creator_splits')
        .select(['app_id', 'creator_bps', 'updated_at'])
        .where('creator_id', '=', user.id)
        .execute(),
      payouts: await db
        .selectFrom('payouts')
        .select(['id', 'coins', 'status', 'reason', 'reference', 'created_at', 'decided_at', 'paid_at'])
        .where('creator_id', '=', user.id)
        .orderBy('id')
        .execute(),
    }),
  },
];

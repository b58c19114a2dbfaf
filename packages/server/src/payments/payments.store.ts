import type { Executor, Row } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import type { OrderStatus, ProviderId } from './payments.rules.ts';

export type PackageRow = Row<'coin_packages'>;
export type OrderRow = Row<'payment_orders'>;
export type LockRow = Row<'wallet_locks'>;

/** A callback as stored. */
export interface CallbackInput {
  provider: string;
  providerEventId: string | null;
  orderId: string | null;
  rawBody: string;
  headers: Record<string, string>;
  verified: boolean;
  outcome: string | null;
  error: string | null;
}

/** SQL of coin packages, orders, callbacks and wallet locks. */
export class PaymentsStore {
  listPackages(db: Executor, appId: string, activeOnly: boolean): Promise<PackageRow[]> {
    let query = db.selectFrom('coin_packages').selectAll().where('app_id', '=', appId);
    if (activeOnly) query = query.where('active', '=', true);
    return query.orderBy('price_minor').orderBy('id').execute();
  }

  findPackage(db: Executor, appId: string, id: string): Promise<PackageRow | undefined> {
    return db
      .selectFrom('coin_packages')
      .selectAll()
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async insertPackage(
    db: Executor,
    appId: string,
    input: { name: string; coins: number; priceMinor: number; currency: string },
    now: Date,
  ): Promise<PackageRow> {
    return db
      .insertInto('coin_packages')
      .values({
        id: newId('cpk', now.getTime()),
        app_id: appId,
        name: input.name,
        coins: input.coins,
        price_minor: input.priceMinor,
        currency: input.currency,
        active: true,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  updatePackage(
    db: Executor,
    appId: string,
    id: string,
    patch: Partial<{ name: string; coins: number; price_minor: number; currency: string; active: boolean }>,
    now: Date,
  ): Promise<PackageRow | undefined> {
    return db
      .updateTable('coin_packages')
      .set({ ...patch, updated_at: now })
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  insertOrder(
    db: Executor,
    input: {
      appId: string;
      userId: string;
      pkg: PackageRow;
      provider: ProviderId;
    },
    now: Date,
  ): Promise<OrderRow> {
    return db
      .insertInto('payment_orders')
      .values({
        id: newId('ord', now.getTime()),
        app_id: input.appId,
        user_id: input.userId,
        package_id: input.pkg.id,
        package_name: input.pkg.name,
        coins: input.pkg.coins,
        amount_minor: input.pkg.price_minor,
        currency: input.pkg.currency,
        provider: input.provider,
        status: 'pending',
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findOrder(db: Executor, id: string, forUpdate = false): Promise<OrderRow | undefined> {
    const query = db.selectFrom('payment_orders').selectAll().where('id', '=', id);
    return (forUpdate ? query.forUpdate() : query).executeTakeFirst();
  }

  findOrderByPaymentRef(
    db: Executor,
    provider: ProviderId,
    paymentRef: string,
    forUpdate = false,
  ): Promise<OrderRow | undefined> {
    const query = db
      .selectFrom('payment_orders')
      .selectAll()
      .where('provider', '=', provider)
      .where('provider_payment_ref', '=', paymentRef)
      .orderBy('id')
      .limit(1);
    return (forUpdate ? query.forUpdate() : query).executeTakeFirst();
  }

  async updateOrder(
    db: Executor,
    id: string,
    patch: Partial<{
      status: OrderStatus;
      provider_ref: string | null;
      provider_payment_ref: string | null;
      checkout_url: string | null;
      flag_reason: string | null;
      paid_at: Date | null;
      reversed_at: Date | null;
    }>,
    now: Date,
  ): Promise<OrderRow> {
    return db
      .updateTable('payment_orders')
      .set({ ...patch, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  listOrders(
    db: Executor,
    filter: { appId?: string; userId?: string; status?: OrderStatus; limit: number; cursor?: string },
  ): Promise<(OrderRow & { user_email: string | null })[]> {
    let query = db
      .selectFrom('payment_orders as o')
      .innerJoin('users as u', 'u.id', 'o.user_id')
      .selectAll('o')
      .select('u.email as user_email');
    if (filter.appId) query = query.where('o.app_id', '=', filter.appId);
    if (filter.userId) query = query.where('o.user_id', '=', filter.userId);
    if (filter.status) query = query.where('o.status', '=', filter.status);
    if (filter.cursor) query = query.where('o.id', '<', filter.cursor);
    return query.orderBy('o.id', 'desc').limit(filter.limit).execute();
  }

  /** Stores a callback; a verified one whose event id is already stored is not stored again (returns null). */
  async insertCallback(db: Executor, input: CallbackInput, now: Date): Promise<string | null> {
    const row = await db
      .insertInto('payment_callbacks')
      .values({
        id: newId('pcb', now.getTime()),
        provider: input.provider,
        provider_event_id: input.providerEventId,
        order_id: input.orderId,
        raw_body: input.rawBody,
        headers: JSON.stringify(input.headers),
        verified: input.verified,
        outcome: input.outcome,
        error: input.error,
        received_at: now,
      })
      .onConflict((oc) => oc.constraint('payment_callbacks_event').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id ?? null;
  }

  async settleCallback(db: Executor, id: string, orderId: string | null, outcome: string): Promise<void> {
    await db
      .updateTable('payment_callbacks')
      .set({ order_id: orderId, outcome })
      .where('id', '=', id)
      .execute();
  }

  async insertLock(
    db: Executor,
    input: { appId: string; userId: string; orderId: string; coinsOwed: number },
    now: Date,
  ): Promise<void> {
    await db
      .insertInto('wallet_locks')
      .values({
        id: newId('wlk', now.getTime()),
        app_id: input.appId,
        user_id: input.userId,
        order_id: input.orderId,
        coins_owed: input.coinsOwed,
        created_at: now,
      })
      .onConflict((oc) => oc.column('order_id').doNothing())
      .execute();
  }

  /** The wallet's open locks, oldest first, with the provider of the order each came from. */
  openLocks(
    db: Executor,
    appId: string,
    userId: string,
    forUpdate = false,
  ): Promise<(LockRow & { provider: ProviderId })[]> {
    const query = db
      .selectFrom('wallet_locks as l')
      .innerJoin('payment_orders as o', 'o.id', 'l.order_id')
      .selectAll('l')
      .select('o.provider')
      .where('l.app_id', '=', appId)
      .where('l.user_id', '=', userId)
      .where('l.released_at', 'is', null)
      .orderBy('l.id');
    return (forUpdate ? query.forUpdate('l') : query).execute();
  }

  async recordRecovery(db: Executor, lock: LockRow, coins: number, now: Date): Promise<void> {
    const recovered = lock.coins_recovered + coins;
    await db
      .updateTable('wallet_locks')
      .set({ coins_recovered: recovered, released_at: recovered >= lock.coins_owed ? now : null })
      .where('id', '=', lock.id)
      .execute();
  }
}

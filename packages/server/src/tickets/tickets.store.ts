import type { Executor, NewRow, Row } from '../platform/db/schema.ts';
import type { GatedTarget } from '../platform/entitlements.ts';

/** A ticket held by a user. */
export type TicketRow = Row<'tickets'>;

/** SQL of ticket prices and tickets held; every query is scoped to an app. */
export class TicketStore {
  /** The ticket price of a target, or null when no ticket is sold. */
  async price(db: Executor, appId: string, target: GatedTarget): Promise<number | null> {
    const row = await db
      .selectFrom('ticket_prices')
      .select('price_coins')
      .where('app_id', '=', appId)
      .where('target_kind', '=', target.kind)
      .where('target_id', '=', target.id)
      .executeTakeFirst();
    return row ? row.price_coins : null;
  }

  /** Sets (or with null, removes) the ticket price of a target. */
  async setPrice(
    db: Executor,
    appId: string,
    target: GatedTarget,
    price: number | null,
    by: string | null,
    now: Date,
  ): Promise<void> {
    if (price === null) {
      await db
        .deleteFrom('ticket_prices')
        .where('app_id', '=', appId)
        .where('target_kind', '=', target.kind)
        .where('target_id', '=', target.id)
        .execute();
      return;
    }
    await db
      .insertInto('ticket_prices')
      .values({
        app_id: appId,
        target_kind: target.kind,
        target_id: target.id,
        price_coins: price,
        updated_by: by,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['app_id', 'target_kind', 'target_id'])
          .doUpdateSet({ price_coins: price, updated_by: by, updated_at: now }),
      )
      .execute();
  }

  /** The user's ticket for the target, if they hold one. */
  async held(
    db: Executor,
    appId: string,
    target: GatedTarget,
    userId: string,
  ): Promise<TicketRow | undefined> {
    return db
      .selectFrom('tickets')
      .selectAll()
      .where('app_id', '=', appId)
      .where('target_kind', '=', target.kind)
      .where('target_id', '=', target.id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  async byTransaction(db: Executor, transactionId: string): Promise<TicketRow | undefined> {
    return db
      .selectFrom('tickets')
      .selectAll()
      .where('transaction_id', '=', transactionId)
      .executeTakeFirst();
  }

  async insert(db: Executor, row: NewRow<'tickets'>): Promise<TicketRow> {
    return db.insertInto('tickets').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** The site role of a user, or undefined when there is no such user. */
  async roleOf(db: Executor, userId: string): Promise<string | undefined> {
    const row = await db.selectFrom('users').select('role').where('id', '=', userId).executeTakeFirst();
    return row?.role;
  }
}

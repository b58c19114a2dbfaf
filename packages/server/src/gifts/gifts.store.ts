import { sql } from 'kysely';
import type { Executor, NewRow, Row } from '../platform/db/schema.ts';

/** A gift of the catalogue. */
export type GiftRow = Row<'gifts'>;
/** A gift or tip sent on a stream. */
export type GiftEventRow = Row<'gift_events'>;

/** Fields of a catalogue gift an admin may change. */
export type GiftChanges = Partial<
  Pick<NewRow<'gifts'>, 'name' | 'icon' | 'coins' | 'animation' | 'active' | 'sort_order'>
>;

/** One line of a stream's top-gifters board. */
export interface GifterRow {
  userId: string;
  name: string;
  coins: number;
}

/** SQL of the gift catalogue, sent gifts and tips, and the per-stream board; every query is scoped to an app. */
export class GiftStore {
  /** The app's catalogue in display order (sort order, then price), active gifts only unless `all`. */
  async list(db: Executor, appId: string, all: boolean): Promise<GiftRow[]> {
    let query = db.selectFrom('gifts').selectAll().where('app_id', '=', appId);
    if (!all) query = query.where('active', '=', true);
    return query.orderBy('sort_order').orderBy('coins').orderBy('id').execute();
  }

  async find(db: Executor, appId: string, id: string): Promise<GiftRow | undefined> {
    return db
      .selectFrom('gifts')
      .selectAll()
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async insert(db: Executor, row: NewRow<'gifts'>): Promise<GiftRow> {
    return db.insertInto('gifts').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async update(
    db: Executor,
    appId: string,
    id: string,
    changes: GiftChanges,
    now: Date,
  ): Promise<GiftRow | undefined> {
    return db
      .updateTable('gifts')
      .set({ ...changes, updated_at: now })
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** The send a member made under `requestKey`, if any. */
  async findByRequest(
    db: Executor,
    appId: string,
    userId: string,
    kind: 'gift' | 'tip',
    requestKey: string,
  ): Promise<GiftEventRow | undefined> {
    return db
      .selectFrom('gift_events')
      .selectAll()
      .where('app_id', '=', appId)
      .where('from_user_id', '=', userId)
      .where('kind', '=', kind)
      .where('request_key', '=', requestKey)
      .executeTakeFirst();
  }

  /** The send paid for by a ledger transaction. */
  async findByTransaction(db: Executor, transactionId: string): Promise<GiftEventRow | undefined> {
    return db
      .selectFrom('gift_events')
      .selectAll()
      .where('transaction_id', '=', transactionId)
      .executeTakeFirst();
  }

  /** Records a send and adds its coins to the sender's line on the stream's board, in one statement. */
  async record(db: Executor, row: NewRow<'gift_events'> & { coins: number }, now: Date): Promise<void> {
    await db
      .with('event', (qc) => qc.insertInto('gift_events').values(row))
      .insertInto('stream_gifters')
      .values({
        app_id: row.app_id,
        stream_id: row.stream_id,
        user_id: row.from_user_id,
        coins: row.coins,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['app_id', 'stream_id', 'user_id']).doUpdateSet({
          coins: sql<number>`stream_gifters.coins + excluded.coins`,
          updated_at: now,
        }),
      )
      .execute();
  }

  /** The stream's biggest givers, most coins first (ties: earliest user id), with their display names. */
  async topGifters(db: Executor, appId: string, streamId: string, limit: number): Promise<GifterRow[]> {
    const rows = await db
      .selectFrom('stream_gifters as g')
      .leftJoin('users as u', 'u.id', 'g.user_id')
      .select(['g.user_id', 'g.coins', 'u.display_name'])
      .where('g.app_id', '=', appId)
      .where('g.stream_id', '=', streamId)
      .orderBy('g.coins', 'desc')
      .orderBy('g.user_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      userId: r.user_id,
      name: r.display_name ?? r.user_id,
      coins: Number(r.coins),
    }));
  }
}

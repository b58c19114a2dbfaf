import type { Executor, NewRow, Row } from '../platform/db/schema.ts';

/** A recording row. */
export type VodRow = Row<'vods'>;
/** A recording with its owner's display name. */
export type VodWithOwner = VodRow & { owner_name: string | null };

/** SQL of recordings (VOD assets). */
export class VodStore {
  async insert(db: Executor, row: NewRow<'vods'>): Promise<VodRow> {
    return db.insertInto('vods').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** A playable recording (not deleted, not expired at `now`), or undefined. */
  async findPlayable(db: Executor, id: string, now: Date): Promise<VodWithOwner | undefined> {
    return this.#withOwner(db).where('v.id', '=', id).where('v.expires_at', '>', now).executeTakeFirst();
  }

  /** The recording of a session, if one was made. */
  async findBySession(db: Executor, sessionId: string): Promise<VodRow | undefined> {
    return db.selectFrom('vods').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  }

  /** The app's playable recordings, newest first. */
  async list(
    db: Executor,
    appId: string,
    page: { limit: number; cursor?: string; streamId?: string },
    now: Date,
  ): Promise<VodWithOwner[]> {
    let query = this.#withOwner(db).where('v.app_id', '=', appId).where('v.expires_at', '>', now);
    if (page.cursor) query = query.where('v.id', '<', page.cursor);
    if (page.streamId) query = query.where('v.stream_id', '=', page.streamId);
    return query.orderBy('v.id', 'desc').limit(page.limit).execute();
  }

  #withOwner(db: Executor) {
    return db
      .selectFrom('vods as v')
      .leftJoin('users as u', 'u.id', 'v.owner_id')
      .selectAll('v')
      .select('u.display_name as owner_name')
      .where('v.deleted_at', 'is', null);
  }

  /** Recordings past their expiry and not yet deleted, oldest first. */
  async listExpired(db: Executor, now: Date, limit: number): Promise<VodRow[]> {
    return db
      .selectFrom('vods')
      .selectAll()
      .where('deleted_at', 'is', null)
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  }

  /** Marks a recording deleted; false when it already was. */
  async markDeleted(db: Executor, id: string, now: Date): Promise<boolean> {
    const result = await db
      .updateTable('vods')
      .set({ deleted_at: now })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}

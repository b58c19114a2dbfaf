import type { Executor, NewRow, Row } from '../platform/db/schema.ts';

/** A chat message row. */
export type MessageRow = Row<'chat_messages'>;
/** A ban row; channel '*' bans from every channel of the app. */
export type BanRow = Row<'chat_bans'>;

/** The channel name of an app-wide ban. */
export const APP_WIDE = '*';

/** SQL of chat messages and bans; every query is scoped to an app. */
export class ChatStore {
  async insertMessage(db: Executor, row: NewRow<'chat_messages'>): Promise<MessageRow> {
    return db.insertInto('chat_messages').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** Visible (not deleted) messages of a channel, newest first, older than `cursor` when given. */
  async listMessages(
    db: Executor,
    appId: string,
    channel: string,
    page: { limit: number; cursor?: string },
  ): Promise<MessageRow[]> {
    let query = db
      .selectFrom('chat_messages')
      .selectAll()
      .where('app_id', '=', appId)
      .where('channel', '=', channel)
      .where('deleted_at', 'is', null);
    if (page.cursor) query = query.where('id', '<', page.cursor);
    return query.orderBy('id', 'desc').limit(page.limit).execute();
  }

  /** A visible message of the channel, or undefined. */
  async findMessage(
    db: Executor,
    appId: string,
    channel: string,
    id: string,
  ): Promise<MessageRow | undefined> {
    return db
      .selectFrom('chat_messages')
      .selectAll()
      .where('app_id', '=', appId)
      .where('channel', '=', channel)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }

  /** Marks a message deleted; false if it was already deleted or does not exist. */
  async markDeleted(db: Executor, appId: string, id: string, by: string, now: Date): Promise<boolean> {
    const result = await db
      .updateTable('chat_messages')
      .set({ deleted_at: now, deleted_by: by })
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Creates or replaces a ban or timeout of a user in a channel (or app-wide with APP_WIDE). */
  async upsertBan(db: Executor, row: NewRow<'chat_bans'> & { kind: 'ban' | 'timeout' }): Promise<void> {
    await db
      .insertInto('chat_bans')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['app_id', 'channel', 'user_id', 'kind']).doUpdateSet({
          reason: row.reason ?? '',
          banned_by: row.banned_by,
          created_at: row.created_at,
          expires_at: row.expires_at ?? null,
        }),
      )
      .execute();
  }

  /** Removes a ban; false if there was none. */
  async deleteBan(db: Executor, appId: string, channel: string, userId: string): Promise<boolean> {
    const result = await db
      .deleteFrom('chat_bans')
      .where('kind', '=', 'ban')
      .where('app_id', '=', appId)
      .where('channel', '=', channel)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** The ban holding `userId` out of `channel` at `now` (channel or app-wide), or undefined. */
  async activeBan(
    db: Executor,
    appId: string,
    channel: string,
    userId: string,
    now: Date,
  ): Promise<BanRow | undefined> {
    return db
      .selectFrom('chat_bans')
      .selectAll()
      .where('kind', '=', 'ban')
      .where('app_id', '=', appId)
      .where('user_id', '=', userId)
      .where('channel', 'in', [channel, APP_WIDE])
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('channel')
      .limit(1)
      .executeTakeFirst();
  }

  /** Seconds of slow mode of a channel (0 when off or never set). */
  async slowMode(db: Executor, appId: string, channel: string): Promise<number> {
    const row = await db
      .selectFrom('chat_channels')
      .select('slow_mode_s')
      .where('app_id', '=', appId)
      .where('channel', '=', channel)
      .executeTakeFirst();
    return row?.slow_mode_s ?? 0;
  }

  /** Sets a channel's slow mode. */
  async setSlowMode(db: Executor, appId: string, channel: string, seconds: number, now: Date): Promise<void> {
    await db
      .insertInto('chat_channels')
      .values({ app_id: appId, channel, slow_mode_s: seconds, updated_at: now })
      .onConflict((oc) =>
        oc.columns(['app_id', 'channel']).doUpdateSet({ slow_mode_s: seconds, updated_at: now }),
      )
      .execute();
  }
}

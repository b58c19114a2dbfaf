import type { ChannelSettings } from '@pnptv/protocol';
import { sql } from 'kysely';
import type { Executor, NewRow, Row } from '../platform/db/schema.ts';

/** A chat message row. */
export type MessageRow = Row<'chat_messages'>;
/** A ban row; channel '*' bans from every channel of the app. */
export type BanRow = Row<'chat_bans'>;
/** A report row. */
export type ReportRow = Row<'chat_reports'>;
/** A moderation log row. */
export type ModerationLogRow = Row<'chat_moderation_log'>;

/** The channel name of an app-wide ban. */
export const APP_WIDE = '*';

/** SQL of chat messages and bans; every query is scoped to an app. */
export class ChatStore {
  async insertMessage(db: Executor, row: NewRow<'chat_messages'>): Promise<MessageRow> {
    return db.insertInto('chat_messages').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /**
   * Visible (not deleted) messages of a channel, newest first, older than `cursor` when given.
   * Shadow messages are included for their author (`viewerId`) only.
   */
  async listMessages(
    db: Executor,
    appId: string,
    channel: string,
    page: { limit: number; cursor?: string; viewerId?: string },
  ): Promise<MessageRow[]> {
    let query = db
      .selectFrom('chat_messages')
      .selectAll()
      .where('app_id', '=', appId)
      .where('channel', '=', channel)
      .where('deleted_at', 'is', null);
    const viewer = page.viewerId;
    query = viewer
      ? query.where((eb) => eb.or([eb('shadow', '=', false), eb('author_id', '=', viewer)]))
      : query.where('shadow', '=', false);
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

  /** Replaces a message's text and sets its edit time. */
  async editMessage(db: Executor, appId: string, id: string, body: string, now: Date): Promise<MessageRow> {
    return db
      .updateTable('chat_messages')
      .set({ body, edited_at: now })
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Marks every visible message of a channel deleted (clear chat); returns how many. */
  async clearChannel(db: Executor, appId: string, channel: string, by: string, now: Date): Promise<number> {
    const result = await db
      .updateTable('chat_messages')
      .set({ deleted_at: now, deleted_by: by })
      .where('app_id', '=', appId)
      .where('channel', '=', channel)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Visible messages of a channel (for the community room's statistics). */
  async countMessages(db: Executor, appId: string, channel: string): Promise<number> {
    const row = await db
      .selectFrom('chat_messages')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('app_id', '=', appId)
      .where('channel', '=', channel)
      .where('deleted_at', 'is', null)
      .where('shadow', '=', false)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Adds a reaction; false if the user already reacted with that emoji. */
  async addReaction(db: Executor, row: NewRow<'chat_reactions'>): Promise<boolean> {
    const result = await db
      .insertInto('chat_reactions')
      .values(row)
      .onConflict((oc) => oc.columns(['message_id', 'emoji', 'user_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Removes a reaction; false if there was none. */
  async removeReaction(
    db: Executor,
    appId: string,
    messageId: string,
    emoji: string,
    userId: string,
  ): Promise<boolean> {
    const result = await db
      .deleteFrom('chat_reactions')
      .where('app_id', '=', appId)
      .where('message_id', '=', messageId)
      .where('emoji', '=', emoji)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Reaction counts of messages: (message_id, emoji, count) rows. */
  async reactionRows(
    db: Executor,
    appId: string,
    messageIds: readonly string[],
  ): Promise<{ message_id: string; emoji: string; count: number | string | bigint }[]> {
    if (messageIds.length === 0) return [];
    return db
      .selectFrom('chat_reactions')
      .select(['message_id', 'emoji', (eb) => eb.fn.countAll<number | string | bigint>().as('count')])
      .where('app_id', '=', appId)
      .where('message_id', 'in', messageIds)
      .groupBy(['message_id', 'emoji'])
      .orderBy('emoji')
      .execute();
  }

  /** A channel's settings (defaults when never set). */
  async settings(db: Executor, appId: string, channel: string): Promise<ChannelSettings> {
    const row = await db
      .selectFrom('chat_channels')
      .selectAll()
      .where('app_id', '=', appId)
      .where('channel', '=', channel)
      .executeTakeFirst();
    return {
      slowModeS: row?.slow_mode_s ?? 0,
      blockedWords: row ? (JSON.parse(row.blocked_words) as string[]) : [],
      linksAllowed: row?.links_allowed ?? true,
      minAccountAgeS: row?.min_account_age_s ?? 0,
      subscribersOnly: row?.subscribers_only ?? false,
    };
  }

  /** Writes a channel's settings. */
  async saveSettings(
    db: Executor,
    appId: string,
    channel: string,
    s: ChannelSettings,
    now: Date,
  ): Promise<void> {
    const values = {
      slow_mode_s: s.slowModeS,
      blocked_words: JSON.stringify(s.blockedWords),
      links_allowed: s.linksAllowed,
      min_account_age_s: s.minAccountAgeS,
      subscribers_only: s.subscribersOnly,
      updated_at: now,
    };
    await db
      .insertInto('chat_channels')
      .values({ app_id: appId, channel, ...values })
      .onConflict((oc) => oc.columns(['app_id', 'channel']).doUpdateSet(values))
      .execute();
  }

  /** Whether the user was appointed moderator of the channel. */
  async isChannelModerator(db: Executor, appId: string, channel: string, userId: string): Promise<boolean> {
    const row = await db
      .selectFrom('chat_channel_roles')
      .select('role')
      .where('app_id', '=', appId)
      .where('channel', '=', channel)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async listRoles(db: Executor, appId: string, channel: string): Promise<Row<'chat_channel_roles'>[]> {
    return db
      .selectFrom('chat_channel_roles')
      .selectAll()
      .where('app_id', '=', appId)
      .where('channel', '=', channel)
      .orderBy('created_at')
      .execute();
  }

  async grantRole(db: Executor, row: NewRow<'chat_channel_roles'>): Promise<void> {
    await db
      .insertInto('chat_channel_roles')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['app_id', 'channel', 'user_id'])
          .doUpdateSet({ role: row.role, granted_by: row.granted_by }),
      )
      .execute();
  }

  async revokeRole(db: Executor, appId: string, channel: string, userId: string): Promise<boolean> {
    const result = await db
      .deleteFrom('chat_channel_roles')
      .where('app_id', '=', appId)
      .where('channel', '=', channel)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Creation time of a site account, or undefined. */
  async accountCreatedAt(db: Executor, appId: string, userId: string): Promise<Date | undefined> {
    const row = await db
      .selectFrom('users')
      .select('created_at')
      .where('app_id', '=', appId)
      .where('id', '=', userId)
      .executeTakeFirst();
    return row?.created_at;
  }

  /** Display name of a site account, or undefined. */
  async accountName(db: Executor, appId: string, userId: string): Promise<string | undefined> {
    const row = await db
      .selectFrom('users')
      .select('display_name')
      .where('app_id', '=', appId)
      .where('id', '=', userId)
      .executeTakeFirst();
    return row?.display_name;
  }

  /** Sets a member's last read message of a DM channel (never moving it back). */
  async markRead(
    db: Executor,
    appId: string,
    channel: string,
    userId: string,
    messageId: string,
    now: Date,
  ): Promise<void> {
    await db
      .insertInto('chat_read_state')
      .values({ app_id: appId, channel, user_id: userId, last_read_id: messageId, updated_at: now })
      .onConflict((oc) =>
        oc.columns(['app_id', 'channel', 'user_id']).doUpdateSet({
          last_read_id: sql<string>`greatest(chat_read_state.last_read_id, excluded.last_read_id)`,
          updated_at: now,
        }),
      )
      .execute();
  }

  /** Messages of a channel newer than the user's last read one and written by someone else. */
  async unreadCount(db: Executor, appId: string, channel: string, userId: string): Promise<number> {
    const row = await db
      .selectFrom('chat_messages as m')
      .leftJoin('chat_read_state as r', (join) =>
        join
          .onRef('r.app_id', '=', 'm.app_id')
          .onRef('r.channel', '=', 'm.channel')
          .on('r.user_id', '=', userId),
      )
      .select((eb) => eb.fn.countAll().as('n'))
      .where('m.app_id', '=', appId)
      .where('m.channel', '=', channel)
      .where('m.deleted_at', 'is', null)
      .where('m.shadow', '=', false)
      .where('m.author_id', '!=', userId)
      .where((eb) => eb.or([eb('r.last_read_id', 'is', null), eb('m.id', '>', eb.ref('r.last_read_id'))]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The DM channels a user takes part in, with their newest visible message, newest first. */
  async dmChannels(db: Executor, appId: string, userId: string, limit: number): Promise<MessageRow[]> {
    const rows = await db
      .selectFrom('chat_messages')
      .selectAll()
      .distinctOn('channel')
      .where('app_id', '=', appId)
      .where((eb) =>
        eb.or([eb('channel', 'like', `dm:${userId}:%`), eb('channel', 'like', `dm:%:${userId}`)]),
      )
      .where('deleted_at', 'is', null)
      .where((eb) => eb.or([eb('shadow', '=', false), eb('author_id', '=', userId)]))
      .orderBy('channel')
      .orderBy('id', 'desc')
      .execute();
    return rows.sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, limit);
  }

  async insertReport(db: Executor, row: NewRow<'chat_reports'>): Promise<ReportRow> {
    return db.insertInto('chat_reports').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async listReports(
    db: Executor,
    appId: string,
    page: { limit: number; cursor?: string; status?: ReportRow['status'] },
  ): Promise<ReportRow[]> {
    let query = db.selectFrom('chat_reports').selectAll().where('app_id', '=', appId);
    if (page.status) query = query.where('status', '=', page.status);
    if (page.cursor) query = query.where('id', '<', page.cursor);
    return query.orderBy('id', 'desc').limit(page.limit).execute();
  }

  async findReport(db: Executor, appId: string, id: string): Promise<ReportRow | undefined> {
    return db
      .selectFrom('chat_reports')
      .selectAll()
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async resolveReport(
    db: Executor,
    appId: string,
    id: string,
    update: {
      status: 'resolved' | 'dismissed';
      resolution: string | null;
      resolved_by: string;
      resolved_at: Date;
    },
  ): Promise<ReportRow | undefined> {
    return db
      .updateTable('chat_reports')
      .set(update)
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .where('status', '=', 'open')
      .returningAll()
      .executeTakeFirst();
  }

  /** A message body by id (any channel of the app), for the report queue. */
  async messageBodies(db: Executor, appId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await db
      .selectFrom('chat_messages')
      .select(['id', 'body'])
      .where('app_id', '=', appId)
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.id, r.body]));
  }

  async logModeration(db: Executor, row: NewRow<'chat_moderation_log'>): Promise<void> {
    await db.insertInto('chat_moderation_log').values(row).execute();
  }

  /** Moderation log entries, newest first; one channel or (channel undefined) the whole app. */
  async moderationLog(
    db: Executor,
    appId: string,
    page: { limit: number; cursor?: string; channel?: string },
  ): Promise<ModerationLogRow[]> {
    let query = db.selectFrom('chat_moderation_log').selectAll().where('app_id', '=', appId);
    if (page.channel) query = query.where('channel', '=', page.channel);
    if (page.cursor) query = query.where('id', '<', page.cursor);
    return query.orderBy('id', 'desc').limit(page.limit).execute();
  }

  /** Active restrictions of a channel (bans, timeouts, shadow bans). */
  async listBans(db: Executor, appId: string, channel: string, now: Date): Promise<BanRow[]> {
    return db
      .selectFrom('chat_bans')
      .selectAll()
      .where('app_id', '=', appId)
      .where('channel', '=', channel)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('created_at', 'desc')
      .limit(500)
      .execute();
  }

  /** Users shadow banned in the channel or app-wide at `now`. */
  async shadowBanned(db: Executor, appId: string, channel: string, now: Date): Promise<string[]> {
    const rows = await db
      .selectFrom('chat_bans')
      .select('user_id')
      .where('kind', '=', 'shadow')
      .where('app_id', '=', appId)
      .where('channel', 'in', [channel, APP_WIDE])
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .limit(10_000)
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** Removes a restriction of one kind; false if there was none. */
  async deleteRestriction(
    db: Executor,
    appId: string,
    channel: string,
    userId: string,
    kind: 'ban' | 'timeout' | 'shadow',
  ): Promise<boolean> {
    const result = await db
      .deleteFrom('chat_bans')
      .where('kind', '=', kind)
      .where('app_id', '=', appId)
      .where('channel', '=', channel)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Creates or replaces a ban or timeout of a user in a channel (or app-wide with APP_WIDE). */
  async upsertBan(
    db: Executor,
    row: NewRow<'chat_bans'> & { kind: 'ban' | 'timeout' | 'shadow' },
  ): Promise<void> {
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

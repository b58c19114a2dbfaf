import { sql } from 'kysely';
import { type ExportSection, memberRows, tableSection } from './export.sections.ts';

/**
 * The content parts of an export: streams and recordings, chat, moderation, the community room,
 * mail sent to the member and the audit entries about them. A direct message conversation is
 * exported whole (both sides), except what the other side deleted.
 */
export const CONTENT_SECTIONS: ExportSection[] = [
  {
    name: 'streams',
    read: async (db, { user }) => {
      const streams = await db
        .selectFrom('streams')
        .select([
          'id',
          'app_id',
          'title',
          'category',
          'visibility',
          'status',
          'record',
          'latency_mode',
          'profile',
          'created_at',
          'updated_at',
          'deleted_at',
        ])
        .where('owner_id', '=', user.id)
        .orderBy('id')
        .execute();
      const ids = streams.map((s) => s.id);
      if (ids.length === 0) return { streams, sessions: [], recordings: [] };
      const sessions = await db
        .selectFrom('stream_sessions as s')
        .leftJoin('stream_viewer_stats as v', 'v.session_id', 's.id')
        .select([
          's.id',
          's.stream_id',
          's.source_width',
          's.source_height',
          's.started_at',
          's.ended_at',
          's.end_reason',
          'v.peak_viewers',
          'v.unique_viewers',
          'v.watch_seconds',
        ])
        .where('s.stream_id', 'in', ids)
        .orderBy('s.id')
        .execute();
      const recordings = await db
        .selectFrom('vods')
        .select([
          'id',
          'stream_id',
          'session_id',
          'title',
          'visibility',
          'duration_s',
          'created_at',
          'expires_at',
          'deleted_at',
        ])
        .where('owner_id', '=', user.id)
        .orderBy('id')
        .execute();
      return { streams, sessions, recordings };
    },
  },
  {
    name: 'chatMessages',
    read: (db, { user }) =>
      db
        .selectFrom('chat_messages')
        .select(['id', 'channel', 'body', 'reply_to', 'created_at', 'edited_at', 'deleted_at'])
        .where('author_id', '=', user.id)
        .where('channel', 'not like', 'dm:%')
        .orderBy('id')
        .execute(),
  },
  {
    name: 'directMessages',
    read: (db, { user }) =>
      db
        .selectFrom('chat_messages')
        .select([
          'id',
          'channel',
          'author_id',
          'author_name',
          'body',
          'reply_to',
          'created_at',
          'edited_at',
          'deleted_at',
        ])
        .where((eb) =>
          eb.or([eb('channel', 'like', `dm:${user.id}:%`), eb('channel', 'like', `dm:%:${user.id}`)]),
        )
        .where((eb) => eb.or([eb('author_id', '=', user.id), eb('deleted_at', 'is', null)]))
        .where((eb) => eb.or([eb('author_id', '=', user.id), eb('shadow', '=', false)]))
        .orderBy('channel')
        .orderBy('id')
        .execute(),
  },
  tableSection('chatReactions', {
    table: 'chat_reactions',
    column: 'user_id',
    columns: ['created_at', 'message_id', 'emoji'],
  }),
  {
    // A shadow ban is not told to the member it hides.
    name: 'chatRestrictions',
    read: async (db, subject) =>
      (
        await memberRows(db, subject.user.id, {
          table: 'chat_bans',
          column: 'user_id',
          columns: ['created_at', 'channel', 'kind', 'reason', 'expires_at'],
        })
      ).filter((row) => row.kind !== 'shadow'),
  },
  tableSection('chatRoles', {
    table: 'chat_channel_roles',
    column: 'user_id',
    columns: ['created_at', 'channel', 'role'],
  }),
  tableSection('chatReadState', {
    table: 'chat_read_state',
    column: 'user_id',
    columns: ['channel', 'last_read_id', 'updated_at'],
  }),
  tableSection('reportsFiled', {
    table: 'chat_reports',
    column: 'reporter_id',
    columns: [
      'id',
      'channel',
      'message_id',
      'target_user_id',
      'reason',
      'status',
      'created_at',
      'resolved_at',
    ],
  }),
  tableSection('moderationActions', {
    table: 'chat_moderation_log',
    column: 'actor_id',
    columns: ['id', 'channel', 'action', 'target_id', 'created_at'],
  }),
  tableSection('communityRoom', {
    table: 'community_members',
    column: 'user_id',
    columns: ['app_id', 'name', 'role', 'total_seconds', 'first_joined_at', 'muted_until', 'removed_until'],
  }),
  {
    name: 'mailsReceived',
    read: (db, { user }) =>
      user.email_normalized
        ? db
            .selectFrom('mail_outbox')
            .select(['id', 'subject', 'text_body', 'created_at', 'sent_at'])
            .where(sql<boolean>`lower(to_address) = ${user.email_normalized}`)
            .orderBy('id')
            .execute()
        : Promise.resolve([]),
  },
  {
    name: 'auditLog',
    read: async (db, { user }) => {
      const rows = await db
        .selectFrom('audit_log')
        .select([
          'id',
          'actor_type',
          'actor_id',
          'action',
          'target_type',
          'target_id',
          'ip',
          'data',
          'created_at',
        ])
        .where((eb) =>
          eb.or([
            eb('actor_id', '=', user.id),
            eb.and([eb('target_type', '=', 'user'), eb('target_id', '=', user.id)]),
          ]),
        )
        .orderBy('id')
        .execute();
      // Another actor's address is theirs, not the member's.
      return rows.map((row) => (row.actor_id === user.id ? row : { ...row, ip: null }));
    },
  },
];

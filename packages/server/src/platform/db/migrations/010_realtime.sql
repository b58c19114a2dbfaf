-- Realtime chat, second part: edits, replies, reactions, shadow bans, per-channel settings and
-- roles, DM read state, reports, the moderation log, and the 24/7 community room.

-- Messages: edit time, the replied message (with a short excerpt kept as it was when replying),
-- and whether the author was shadow banned when posting (then only the author sees it).
ALTER TABLE chat_messages ADD COLUMN edited_at timestamptz;
ALTER TABLE chat_messages ADD COLUMN reply_to text;
ALTER TABLE chat_messages ADD COLUMN reply_author text;
ALTER TABLE chat_messages ADD COLUMN reply_excerpt text;
ALTER TABLE chat_messages ADD COLUMN shadow boolean NOT NULL DEFAULT false;

-- A shadow ban is a third kind of restriction: the user keeps posting but nobody else sees it.
ALTER TABLE chat_bans DROP CONSTRAINT chat_bans_kind_check;
ALTER TABLE chat_bans ADD CONSTRAINT chat_bans_kind_check CHECK (kind IN ('ban', 'timeout', 'shadow'));

-- Emoji reactions on messages: one per user per emoji per message.
CREATE TABLE chat_reactions (
  app_id      text NOT NULL REFERENCES apps(id),
  message_id  text NOT NULL REFERENCES chat_messages(id) ON DELETE CASCADE,
  emoji       text NOT NULL CHECK (char_length(emoji) BETWEEN 1 AND 16),
  user_id     text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, emoji, user_id)
);

-- Channel settings beyond slow mode. blocked_words: JSON array of lower-case words or phrases.
ALTER TABLE chat_channels ADD COLUMN blocked_words text NOT NULL DEFAULT '[]';
ALTER TABLE chat_channels ADD COLUMN links_allowed boolean NOT NULL DEFAULT true;
ALTER TABLE chat_channels ADD COLUMN min_account_age_s integer NOT NULL DEFAULT 0
  CHECK (min_account_age_s BETWEEN 0 AND 31536000);
ALTER TABLE chat_channels ADD COLUMN subscribers_only boolean NOT NULL DEFAULT false;

-- Moderators appointed per channel (the stream owner is the owner of stream:<id> implicitly;
-- app admins and moderators moderate every channel).
CREATE TABLE chat_channel_roles (
  app_id      text NOT NULL REFERENCES apps(id),
  channel     text NOT NULL,
  user_id     text NOT NULL,
  role        text NOT NULL CHECK (role IN ('moderator')),
  granted_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, channel, user_id)
);

-- Read state of a member in a DM channel: the newest message they have read.
CREATE TABLE chat_read_state (
  app_id       text NOT NULL REFERENCES apps(id),
  channel      text NOT NULL,
  user_id      text NOT NULL,
  last_read_id text NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, channel, user_id)
);
CREATE INDEX chat_messages_dm_idx ON chat_messages (app_id, channel) WHERE channel LIKE 'dm:%';

-- Reports of messages or users, worked through by admins.
CREATE TABLE chat_reports (
  id             text PRIMARY KEY,
  app_id         text NOT NULL REFERENCES apps(id),
  channel        text NOT NULL,
  message_id     text,
  target_user_id text,
  reporter_id    text NOT NULL,
  reason         text NOT NULL,
  status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
  resolution     text,
  resolved_by    text,
  resolved_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_reports_queue_idx ON chat_reports (app_id, status, id);

-- Every moderation action: who did what to whom, where and when.
CREATE TABLE chat_moderation_log (
  id          text PRIMARY KEY,
  app_id      text NOT NULL REFERENCES apps(id),
  channel     text NOT NULL,
  actor_id    text NOT NULL,
  actor_name  text NOT NULL,
  action      text NOT NULL,
  target_id   text,
  data        text NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_moderation_log_channel_idx ON chat_moderation_log (app_id, channel, id);

-- The 24/7 community room: one per app, created on first use, kept across restarts.
CREATE TABLE community_rooms (
  app_id      text PRIMARY KEY REFERENCES apps(id),
  capacity    integer NOT NULL DEFAULT 1000 CHECK (capacity BETWEEN 1 AND 100000),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Everyone who has been in the room: current visit (present_since), total time, restrictions.
CREATE TABLE community_members (
  app_id        text NOT NULL REFERENCES apps(id),
  user_id       text NOT NULL,
  name          text NOT NULL,
  role          text NOT NULL CHECK (role IN ('moderator', 'member', 'guest')),
  present_since timestamptz,
  total_seconds integer NOT NULL DEFAULT 0,
  muted_until   timestamptz,
  removed_until timestamptz,
  first_joined_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, user_id)
);
CREATE INDEX community_members_present_idx ON community_members (app_id) WHERE present_since IS NOT NULL;

-- Chat: messages of every channel (stream:<id>, room:<id>, community, dm:<a>:<b>) and bans.
-- Text only: the body is stored as sent after sanitising (control characters stripped) and is
-- never rendered as HTML. Deleted messages keep their row (deleted_at set) so history stays
-- paginable and the moderation trail is kept.
CREATE TABLE chat_messages (
  id          text PRIMARY KEY,
  app_id      text NOT NULL REFERENCES apps(id),
  channel     text NOT NULL,
  -- Author: a site user id (session) or the developer's own user id (user token).
  author_id   text NOT NULL,
  author_name text NOT NULL,
  body        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz,
  deleted_by  text
);
CREATE INDEX chat_messages_channel_idx ON chat_messages (app_id, channel, id);

-- A ban keeps a user out of one channel, or of every channel of the app when channel is '*';
-- a timeout lets them read but not post. expires_at null means permanent.
CREATE TABLE chat_bans (
  app_id      text NOT NULL REFERENCES apps(id),
  channel     text NOT NULL,
  user_id     text NOT NULL,
  kind        text NOT NULL DEFAULT 'ban' CHECK (kind IN ('ban', 'timeout')),
  reason      text NOT NULL DEFAULT '',
  banned_by   text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz,
  PRIMARY KEY (app_id, channel, user_id, kind)
);

-- Per-channel settings. slow_mode_s: seconds a member must wait between two messages (0 = off).
CREATE TABLE chat_channels (
  app_id      text NOT NULL REFERENCES apps(id),
  channel     text NOT NULL,
  slow_mode_s integer NOT NULL DEFAULT 0 CHECK (slow_mode_s BETWEEN 0 AND 3600),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, channel)
);

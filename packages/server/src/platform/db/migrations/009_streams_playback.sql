-- Secure playback, viewer analytics and recordings of live streams.
-- `encrypt`: segments of the stream's next sessions are AES-128 encrypted; the key of each
-- session is kept here (hex), never in media storage, and served only to playback-token holders.
ALTER TABLE streams ADD COLUMN encrypt boolean NOT NULL DEFAULT false;
ALTER TABLE stream_sessions ADD COLUMN encryption_key text;

-- Viewer figures of one live session, written periodically while live and once at the end.
-- `series`: sampled concurrent viewers, [{ "t": ISO time, "viewers": n }], oldest first.
CREATE TABLE stream_viewer_stats (
  session_id      text PRIMARY KEY REFERENCES stream_sessions(id),
  app_id          text NOT NULL REFERENCES apps(id),
  stream_id       text NOT NULL REFERENCES streams(id),
  current_viewers integer NOT NULL DEFAULT 0,
  peak_viewers    integer NOT NULL DEFAULT 0,
  unique_viewers  integer NOT NULL DEFAULT 0,
  watch_seconds   bigint NOT NULL DEFAULT 0,
  bytes_served    bigint NOT NULL DEFAULT 0,
  series          jsonb NOT NULL DEFAULT '[]',
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stream_viewer_stats_stream_idx ON stream_viewer_stats (stream_id, session_id);

-- Recordings: a finished session's HLS kept as a VOD asset under `vod/<id>/` in media storage,
-- deleted by the sweep job once `expires_at` passes (retention: the app's `vods.retention_days`).
CREATE TABLE vods (
  id           text PRIMARY KEY,
  app_id       text NOT NULL REFERENCES apps(id),
  stream_id    text NOT NULL REFERENCES streams(id),
  session_id   text NOT NULL REFERENCES stream_sessions(id),
  owner_id     text,
  title        text NOT NULL,
  visibility   text NOT NULL CHECK (visibility IN ('public', 'followers', 'subscribers', 'ticketed')),
  duration_s   real NOT NULL,
  rungs        jsonb NOT NULL DEFAULT '[]',
  encrypted    boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  deleted_at   timestamptz
);
CREATE UNIQUE INDEX vods_session_idx ON vods (session_id);
CREATE INDEX vods_app_idx ON vods (app_id, id);
CREATE INDEX vods_expiry_idx ON vods (expires_at) WHERE deleted_at IS NULL;

-- Custom transcoding ladders per app, beside the built-in profiles (standard, compact, mobile).
-- `rungs`: [{ "height", "videoKbps", "audioKbps" }], highest first.
CREATE TABLE transcoding_profiles (
  app_id      text NOT NULL REFERENCES apps(id),
  name        text NOT NULL,
  rungs       jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, name)
);

-- Live streams: one row per stream (its settings and current state) and one row per live
-- session (a publish, from going live until the reconnect window after the last disconnect
-- runs out). The stream key is stored only as its SHA-256 hash; rotating it replaces the hash.
CREATE TABLE streams (
  id                  text PRIMARY KEY,
  app_id              text NOT NULL REFERENCES apps(id),
  owner_id            text,
  title               text NOT NULL,
  category            text NOT NULL DEFAULT '',
  visibility          text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'followers', 'subscribers', 'ticketed')),
  key_hash            text NOT NULL,
  status              text NOT NULL DEFAULT 'idle' CHECK (status IN ('idle', 'live', 'reconnecting', 'ended')),
  -- Seconds a dropped publisher has to come back before the session ends.
  reconnect_window_s  integer NOT NULL DEFAULT 30 CHECK (reconnect_window_s BETWEEN 0 AND 600),
  record              boolean NOT NULL DEFAULT false,
  latency_mode        text NOT NULL DEFAULT 'low' CHECK (latency_mode IN ('standard', 'low')),
  profile             text NOT NULL DEFAULT 'standard',
  current_session_id  text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  deleted_at          timestamptz
);
CREATE UNIQUE INDEX streams_key_hash_idx ON streams (key_hash);
CREATE INDEX streams_app_idx ON streams (app_id, id);

CREATE TABLE stream_sessions (
  id             text PRIMARY KEY,
  app_id         text NOT NULL REFERENCES apps(id),
  stream_id      text NOT NULL REFERENCES streams(id),
  -- Source as probed at start: width and height in pixels, frames per second.
  source_width   integer,
  source_height  integer,
  source_fps     real,
  -- Heights of the renditions produced, e.g. [720, 480, 360].
  rungs          jsonb NOT NULL DEFAULT '[]',
  reconnects     integer NOT NULL DEFAULT 0,
  -- The ingest node running the session and its last sign of life: a session whose node stops
  -- beating (crash, power loss) is ended by any other ingest node, so no stream stays "live".
  node_id        text,
  heartbeat_at   timestamptz,
  started_at     timestamptz NOT NULL DEFAULT now(),
  ended_at       timestamptz,
  end_reason     text
);
CREATE INDEX stream_sessions_stream_idx ON stream_sessions (stream_id, id);
CREATE INDEX stream_sessions_open_idx ON stream_sessions (heartbeat_at) WHERE ended_at IS NULL;

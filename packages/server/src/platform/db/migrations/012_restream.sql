-- Restream targets: external RTMP servers (YouTube, Twitch, any rtmp:// or rtmps:// URL) a
-- stream is forwarded to while it is live. The target's stream key is stored only encrypted
-- (AES-256-GCM, bound to the row id) plus its last four characters to show; the server URL
-- holds no key.
CREATE TABLE restream_targets (
  id             text PRIMARY KEY,
  app_id         text NOT NULL REFERENCES apps(id),
  stream_id      text NOT NULL REFERENCES streams(id) ON DELETE CASCADE,
  name           text NOT NULL,
  url            text NOT NULL,
  key_sealed     text NOT NULL,
  key_hint       text NOT NULL,
  enabled        boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX restream_targets_stream_idx ON restream_targets (stream_id, id);

-- Gifts, tips and tickets. Coins move only through the ledger (002_wallet.sql); these tables
-- describe what the coins bought, each row written in the same transaction as its posting
-- (transaction_id is the ledger transaction, unique, so a replayed request finds its row).

-- The gift catalogue of each app: what viewers can send and its price in coins.
CREATE TABLE gifts (
  id          text PRIMARY KEY,
  app_id      text NOT NULL REFERENCES apps(id),
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 40),
  -- An emoji shown on the gift panel and in the on-stream animation.
  icon        text NOT NULL CHECK (char_length(icon) BETWEEN 1 AND 16),
  coins       integer NOT NULL CHECK (coins BETWEEN 1 AND 100000),
  animation   text NOT NULL DEFAULT 'float' CHECK (animation IN ('float', 'burst', 'rain')),
  active      boolean NOT NULL DEFAULT true,
  sort_order  integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gifts_app_idx ON gifts (app_id, sort_order, id);

INSERT INTO gifts (id, app_id, name, icon, coins, animation, sort_order) VALUES
  ('gift_0rose', 'app_site', 'Rose', '🌹', 1, 'float', 10),
  ('gift_0heart', 'app_site', 'Heart', '❤️', 5, 'float', 20),
  ('gift_0fire', 'app_site', 'Fire', '🔥', 10, 'burst', 30),
  ('gift_0diamond', 'app_site', 'Diamond', '💎', 50, 'burst', 40),
  ('gift_0rocket', 'app_site', 'Rocket', '🚀', 100, 'rain', 50),
  ('gift_0crown', 'app_site', 'Crown', '👑', 500, 'rain', 60);

-- Every gift and tip sent on a stream: the history and the source of the top-gifters board.
-- Gift name, icon and animation are copied so history survives catalogue edits.
CREATE TABLE gift_events (
  id              text PRIMARY KEY,
  app_id          text NOT NULL REFERENCES apps(id),
  kind            text NOT NULL CHECK (kind IN ('gift', 'tip')),
  stream_id       text NOT NULL REFERENCES streams(id),
  creator_id      text NOT NULL,
  from_user_id    text NOT NULL,
  from_name       text NOT NULL,
  gift_id         text REFERENCES gifts(id),
  gift_name       text,
  icon            text,
  animation       text,
  quantity        integer NOT NULL DEFAULT 1 CHECK (quantity >= 1),
  coins           bigint NOT NULL CHECK (coins > 0),
  -- Tips only: plain text, never rendered as HTML.
  message         text,
  -- The sender's idempotency key for this send, and the ledger transaction that paid for it.
  request_key     text NOT NULL,
  transaction_id  text NOT NULL UNIQUE,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'gift') = (gift_id IS NOT NULL)),
  CONSTRAINT gift_events_request_key UNIQUE (app_id, from_user_id, kind, request_key)
);
CREATE INDEX gift_events_stream_idx ON gift_events (app_id, stream_id, id);
CREATE INDEX gift_events_sender_idx ON gift_events (app_id, from_user_id, id);

-- Coins each viewer has given on a stream (gifts and tips), kept by the same transaction
-- that records the gift, so the board is one index range scan.
CREATE TABLE stream_gifters (
  app_id      text NOT NULL REFERENCES apps(id),
  stream_id   text NOT NULL REFERENCES streams(id),
  user_id     text NOT NULL,
  coins       bigint NOT NULL CHECK (coins > 0),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, stream_id, user_id)
);
CREATE INDEX stream_gifters_rank_idx ON stream_gifters (app_id, stream_id, coins DESC, user_id);

-- The price of a ticket for a stream or a room; no row means no ticket is sold.
CREATE TABLE ticket_prices (
  app_id       text NOT NULL REFERENCES apps(id),
  target_kind  text NOT NULL CHECK (target_kind IN ('stream', 'room')),
  target_id    text NOT NULL,
  price_coins  integer NOT NULL CHECK (price_coins BETWEEN 1 AND 1000000),
  updated_by   text,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, target_kind, target_id)
);

-- Tickets held: at most one per user and target. price_coins is what was paid.
CREATE TABLE tickets (
  id              text PRIMARY KEY,
  app_id          text NOT NULL REFERENCES apps(id),
  target_kind     text NOT NULL CHECK (target_kind IN ('stream', 'room')),
  target_id       text NOT NULL,
  user_id         text NOT NULL,
  creator_id      text NOT NULL,
  price_coins     integer NOT NULL CHECK (price_coins > 0),
  transaction_id  text NOT NULL UNIQUE,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tickets_holder_key UNIQUE (app_id, target_kind, target_id, user_id)
);
CREATE INDEX tickets_user_idx ON tickets (app_id, user_id, id);

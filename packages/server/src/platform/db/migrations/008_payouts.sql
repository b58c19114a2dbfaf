-- Revenue split overrides and creator payouts. The app-wide default split and the payout
-- minimum live in the settings table; coins move only through the ledger.

-- A creator's own share of their earnings on an app, set by an admin (overrides the app default).
CREATE TABLE creator_splits (
  app_id       text NOT NULL REFERENCES apps(id),
  creator_id   text NOT NULL REFERENCES users(id),
  creator_bps  integer NOT NULL CHECK (creator_bps >= 0 AND creator_bps <= 10000),
  updated_by   text,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, creator_id)
);

-- A creator's request to be paid their earnings. On request the coins move from the creator's
-- earnings to their payouts account (held); a rejection moves them back; marking it paid moves
-- them out through the payout rail's clearing account.
CREATE TABLE payouts (
  id               text PRIMARY KEY,
  app_id           text NOT NULL REFERENCES apps(id),
  creator_id       text NOT NULL REFERENCES users(id),
  coins            bigint NOT NULL CHECK (coins > 0),
  status           text NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'paid')),
  reason           text,
  reference        text,
  idempotency_key  text,
  decided_by       text,
  decided_at       timestamptz,
  paid_by          text,
  paid_at          timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT payouts_request UNIQUE (app_id, creator_id, idempotency_key)
);
CREATE INDEX payouts_creator_idx ON payouts (app_id, creator_id, id);
CREATE INDEX payouts_status_idx ON payouts (app_id, status, id);

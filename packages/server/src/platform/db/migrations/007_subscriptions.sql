-- Creator subscriptions and PRIME membership, paid monthly in coins through the ledger.

-- A creator's monthly plan on an app: one price in coins; members subscribe at that price.
CREATE TABLE subscription_plans (
  app_id       text NOT NULL REFERENCES apps(id),
  creator_id   text NOT NULL REFERENCES users(id),
  price_coins  bigint NOT NULL CHECK (price_coins > 0 AND price_coins <= 1000000000),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, creator_id)
);

-- One subscription of a member: to a creator (kind 'creator') or to the app's PRIME membership
-- (kind 'prime', no creator). Periods are numbered from 1 and anchored on started_at, so that
-- a subscription started on Jan 31 renews on Feb 28/29 and then on Mar 31.
--   active    paid up to current_period_end; renewed by a job at that time unless cancelled
--   past_due  the renewal could not be paid; retried once at the end of the grace period
--   expired   ended because a renewal could not be paid
--   cancelled ended at the end of a period the member had cancelled
-- price_coins is the price locked when the member subscribed; renewals charge it.
CREATE TABLE subscriptions (
  id                    text PRIMARY KEY,
  app_id                text NOT NULL REFERENCES apps(id),
  kind                  text NOT NULL CHECK (kind IN ('creator', 'prime')),
  user_id               text NOT NULL REFERENCES users(id),
  creator_id            text REFERENCES users(id),
  price_coins           bigint NOT NULL CHECK (price_coins > 0),
  status                text NOT NULL CHECK (status IN ('active', 'past_due', 'expired', 'cancelled')),
  period                integer NOT NULL DEFAULT 1 CHECK (period >= 1),
  started_at            timestamptz NOT NULL,
  current_period_start  timestamptz NOT NULL,
  current_period_end    timestamptz NOT NULL,
  cancel_at_period_end  boolean NOT NULL DEFAULT false,
  idempotency_key       text NOT NULL,
  ended_at              timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT subscriptions_target CHECK ((kind = 'prime') = (creator_id IS NULL)),
  CONSTRAINT subscriptions_request UNIQUE (app_id, user_id, idempotency_key)
);
-- At most one live (active or past-due) subscription per member and target.
CREATE UNIQUE INDEX subscriptions_live ON subscriptions (app_id, user_id, kind, COALESCE(creator_id, ''))
  WHERE status IN ('active', 'past_due');
CREATE INDEX subscriptions_creator_idx ON subscriptions (app_id, creator_id, status);
CREATE INDEX subscriptions_user_idx ON subscriptions (app_id, user_id, id);

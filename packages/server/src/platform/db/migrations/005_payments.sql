-- Buying coins: packages sold for money, orders paid through a provider, every provider
-- callback as received, and wallet locks left by reversals the wallet could not cover.

-- A package of coins admins put on sale. price_minor is in the currency's minor unit (cents).
CREATE TABLE coin_packages (
  id           text PRIMARY KEY,
  app_id       text NOT NULL REFERENCES apps(id),
  name         text NOT NULL,
  coins        integer NOT NULL CHECK (coins > 0),
  price_minor  integer NOT NULL CHECK (price_minor > 0),
  currency     text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  active       boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX coin_packages_app_idx ON coin_packages (app_id, id);

-- One attempt to buy a package. The package's name, coins and price are copied so that a
-- later change to the package never changes what this order pays or credits.
-- provider_ref: the provider's checkout (Stripe session id); provider_payment_ref: the
-- provider's payment (Stripe payment intent, ePayco x_ref_payco), known once paid.
CREATE TABLE payment_orders (
  id                    text PRIMARY KEY,
  app_id                text NOT NULL REFERENCES apps(id),
  user_id               text NOT NULL REFERENCES users(id),
  package_id            text NOT NULL REFERENCES coin_packages(id),
  package_name          text NOT NULL,
  coins                 integer NOT NULL CHECK (coins > 0),
  amount_minor          integer NOT NULL CHECK (amount_minor > 0),
  currency              text NOT NULL,
  provider              text NOT NULL CHECK (provider IN ('sandbox', 'epayco', 'stripe')),
  status                text NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'paid', 'rejected', 'failed', 'refunded', 'charged_back', 'flagged')),
  provider_ref          text,
  provider_payment_ref  text,
  checkout_url          text,
  flag_reason           text,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  paid_at               timestamptz,
  reversed_at           timestamptz
);
CREATE INDEX payment_orders_user_idx ON payment_orders (app_id, user_id, id);
CREATE INDEX payment_orders_status_idx ON payment_orders (status, id);
CREATE INDEX payment_orders_payment_ref_idx ON payment_orders (provider, provider_payment_ref)
  WHERE provider_payment_ref IS NOT NULL;

-- Every callback a provider sent, raw. A verified callback carries the provider's event id,
-- unique per provider: a replay finds the first one and changes nothing. Unverified or
-- failed callbacks keep provider_event_id NULL so they never block the genuine one.
CREATE TABLE payment_callbacks (
  id                 text PRIMARY KEY,
  provider           text NOT NULL,
  provider_event_id  text,
  order_id           text REFERENCES payment_orders(id),
  raw_body           text NOT NULL,
  headers            jsonb NOT NULL DEFAULT '{}',
  verified           boolean NOT NULL,
  outcome            text,
  error              text,
  received_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT payment_callbacks_event UNIQUE (provider, provider_event_id)
);
CREATE INDEX payment_callbacks_order_idx ON payment_callbacks (order_id) WHERE order_id IS NOT NULL;

-- A refund or chargeback took back more coins than the wallet still held. The wallet gave
-- what it had; the rest (coins_owed - coins_recovered) is taken from the next purchases.
-- While any lock is open (released_at NULL) the wallet is reported locked.
CREATE TABLE wallet_locks (
  id               text PRIMARY KEY,
  app_id           text NOT NULL REFERENCES apps(id),
  user_id          text NOT NULL REFERENCES users(id),
  order_id         text NOT NULL UNIQUE REFERENCES payment_orders(id),
  coins_owed       integer NOT NULL CHECK (coins_owed > 0),
  coins_recovered  integer NOT NULL DEFAULT 0 CHECK (coins_recovered >= 0 AND coins_recovered <= coins_owed),
  created_at       timestamptz NOT NULL DEFAULT now(),
  released_at      timestamptz
);
CREATE INDEX wallet_locks_open_idx ON wallet_locks (app_id, user_id) WHERE released_at IS NULL;

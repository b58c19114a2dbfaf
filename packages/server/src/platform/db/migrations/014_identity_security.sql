-- Sign-ups waiting for their email link. The account is created only when the link is opened, so a
-- sign-up answers the same whether or not the address already has an account.
CREATE TABLE signup_requests (
  token_hash        text PRIMARY KEY,
  app_id            text NOT NULL REFERENCES apps(id),
  email             text NOT NULL,
  email_normalized  text NOT NULL,
  password_hash     text NOT NULL,
  display_name      text NOT NULL,
  created_at        timestamptz NOT NULL,
  expires_at        timestamptz NOT NULL
);
CREATE INDEX signup_requests_expiry_idx ON signup_requests (expires_at);

-- TOTP two-factor: one secret per user, encrypted at rest; enabled once a first code confirmed it.
-- last_time_step is the newest 30 s step a code was accepted for, so no code is accepted twice.
CREATE TABLE user_totp (
  user_id           text PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  app_id            text NOT NULL REFERENCES apps(id),
  secret_sealed     text NOT NULL,
  enabled_at        timestamptz,
  last_time_step    bigint NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL
);

-- One-time recovery codes, stored as SHA-256 of the normalised code.
CREATE TABLE user_recovery_codes (
  user_id     text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash   text NOT NULL,
  created_at  timestamptz NOT NULL,
  used_at     timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

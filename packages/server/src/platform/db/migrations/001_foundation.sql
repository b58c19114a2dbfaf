-- Apps are tenants: every tenant-owned row carries app_id. The site itself is app 'app_site'.
CREATE TABLE apps (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  owner_id    text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz
);

CREATE TABLE users (
  id                 text PRIMARY KEY,
  app_id             text NOT NULL REFERENCES apps(id),
  email              text,
  email_normalized   text,
  password_hash      text,
  display_name       text NOT NULL,
  role               text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'creator', 'moderator', 'admin')),
  locale             text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'es')),
  email_verified_at  timestamptz,
  telegram_id        bigint,
  telegram_username  text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (app_id, email_normalized),
  UNIQUE (app_id, telegram_id)
);

ALTER TABLE apps ADD CONSTRAINT apps_owner_fk FOREIGN KEY (owner_id) REFERENCES users(id);

-- Session ids are stored as SHA-256 of the cookie value.
CREATE TABLE sessions (
  id            text PRIMARY KEY,
  app_id        text NOT NULL REFERENCES apps(id),
  user_id       text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token    text NOT NULL,
  ip            text,
  user_agent    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- One-time tokens (email verification, password reset), stored hashed.
CREATE TABLE one_time_tokens (
  token_hash  text PRIMARY KEY,
  app_id      text NOT NULL REFERENCES apps(id),
  user_id     text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose     text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);
CREATE INDEX one_time_tokens_user_idx ON one_time_tokens (user_id, purpose);

CREATE TABLE creator_applications (
  id          text PRIMARY KEY,
  app_id      text NOT NULL REFERENCES apps(id),
  user_id     text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  note        text NOT NULL,
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  reason      text,
  decided_by  text REFERENCES users(id),
  decided_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- At most one open application per user.
CREATE UNIQUE INDEX creator_applications_pending_idx ON creator_applications (user_id) WHERE status = 'pending';

CREATE TABLE app_members (
  app_id      text NOT NULL REFERENCES apps(id),
  user_id     text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, user_id)
);
CREATE INDEX app_members_user_idx ON app_members (user_id);

CREATE TABLE app_invitations (
  id           text PRIMARY KEY,
  app_id       text NOT NULL REFERENCES apps(id),
  email        text NOT NULL,
  role         text NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
  token_hash   text NOT NULL UNIQUE,
  invited_by   text NOT NULL REFERENCES users(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  accepted_at  timestamptz,
  accepted_by  text REFERENCES users(id),
  revoked_at   timestamptz
);
CREATE INDEX app_invitations_app_idx ON app_invitations (app_id);

-- API key secrets are high-entropy random values, so a SHA-256 digest is enough at rest.
CREATE TABLE api_keys (
  id            text PRIMARY KEY,
  app_id        text NOT NULL REFERENCES apps(id),
  name          text NOT NULL,
  secret_hash   text NOT NULL,
  scopes        jsonb NOT NULL,
  created_by    text REFERENCES users(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_keys_app_idx ON api_keys (app_id);

-- Keys that sign user tokens (JWT). The newest active key signs; all active keys verify.
CREATE TABLE signing_keys (
  kid          text PRIMARY KEY,
  alg          text NOT NULL,
  public_jwk   jsonb NOT NULL,
  private_jwk  jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  retired_at   timestamptz
);

CREATE TABLE audit_log (
  id           text PRIMARY KEY,
  app_id       text NOT NULL,
  actor_id     text,
  actor_type   text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
  action       text NOT NULL,
  target_type  text,
  target_id    text,
  ip           text,
  data         jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_app_idx ON audit_log (app_id, id DESC);

-- The outbox: jobs are written in the same transaction as the change that causes them.
CREATE TABLE jobs (
  id               text PRIMARY KEY,
  app_id           text NOT NULL,
  kind             text NOT NULL,
  payload          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'dead')),
  attempts         integer NOT NULL DEFAULT 0,
  max_attempts     integer NOT NULL,
  run_at           timestamptz NOT NULL DEFAULT now(),
  locked_at        timestamptz,
  locked_by        text,
  last_error       text,
  idempotency_key  text UNIQUE,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE status = 'queued';
CREATE INDEX jobs_status_idx ON jobs (status, updated_at DESC);

CREATE TABLE mail_outbox (
  id          text PRIMARY KEY,
  app_id      text NOT NULL,
  to_address  text NOT NULL,
  subject     text NOT NULL,
  text_body   text NOT NULL,
  transport   text NOT NULL CHECK (transport IN ('dev', 'smtp')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  sent_at     timestamptz
);
CREATE INDEX mail_outbox_app_idx ON mail_outbox (app_id, id DESC);

CREATE TABLE webhook_endpoints (
  id                    text PRIMARY KEY,
  app_id                text NOT NULL REFERENCES apps(id),
  url                   text NOT NULL,
  description           text NOT NULL DEFAULT '',
  events                jsonb NOT NULL,
  secret                text NOT NULL,
  enabled               boolean NOT NULL DEFAULT true,
  disabled_reason       text,
  consecutive_failures  integer NOT NULL DEFAULT 0,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  deleted_at            timestamptz
);
CREATE INDEX webhook_endpoints_app_idx ON webhook_endpoints (app_id);

CREATE TABLE webhook_deliveries (
  id                text PRIMARY KEY,
  app_id            text NOT NULL,
  endpoint_id       text NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  message_id        text NOT NULL,
  event_type        text NOT NULL,
  payload           jsonb NOT NULL,
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts          integer NOT NULL DEFAULT 0,
  last_status_code  integer,
  last_error        text,
  last_attempt_at   timestamptz,
  next_attempt_at   timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id DESC);

-- Runtime settings per app (branding and the like), edited in the admin UI.
CREATE TABLE settings (
  app_id      text NOT NULL REFERENCES apps(id),
  key         text NOT NULL,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, key)
);

INSERT INTO apps (id, name) VALUES ('app_site', 'PNPtv');

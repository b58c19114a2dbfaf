-- Members' own data: exports of everything they own, and account deletion with a grace period.

-- A data export: built by a worker job into one JSON archive, downloadable until expires_at.
-- At most one export per member is queued or running at a time (account_exports_running_idx).
CREATE TABLE account_exports (
  id           text PRIMARY KEY,
  app_id       text NOT NULL REFERENCES apps(id),
  user_id      text NOT NULL REFERENCES users(id),
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'ready', 'failed', 'expired')),
  progress     integer NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
  archive      text,
  size_bytes   bigint,
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  expires_at   timestamptz
);
CREATE INDEX account_exports_user_idx ON account_exports (user_id, id);
CREATE UNIQUE INDEX account_exports_running_idx ON account_exports (user_id) WHERE status IN ('queued', 'running');

-- A member's request to delete their account. While pending, the account is deactivated and can
-- only be reactivated by cancelling; after delete_after a worker job erases the personal data and
-- sets erased_at. A sign-in during the grace period gets a short-lived cancel token (hash kept here).
CREATE TABLE account_deletions (
  user_id                  text PRIMARY KEY REFERENCES users(id),
  app_id                   text NOT NULL REFERENCES apps(id),
  request_id               text NOT NULL,
  requested_at             timestamptz NOT NULL,
  delete_after             timestamptz NOT NULL,
  forfeited_coins          bigint NOT NULL DEFAULT 0,
  cancel_token_hash        text,
  cancel_token_expires_at  timestamptz,
  erased_at                timestamptz
);
CREATE INDEX account_deletions_due_idx ON account_deletions (delete_after) WHERE erased_at IS NULL;

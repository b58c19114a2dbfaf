import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

/** Row types of every table, as written by the numbered migrations. */
export interface Database {
  apps: {
    id: string;
    name: string;
    owner_id: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
    deleted_at: NullableTimestamp;
  };
  users: {
    id: string;
    app_id: string;
    email: string | null;
    email_normalized: string | null;
    password_hash: string | null;
    display_name: string;
    role: Generated<UserRole>;
    locale: Generated<'en' | 'es'>;
    email_verified_at: NullableTimestamp;
    telegram_id: number | null;
    telegram_username: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  sessions: {
    id: string;
    app_id: string;
    user_id: string;
    csrf_token: string;
    ip: string | null;
    user_agent: string | null;
    created_at: Timestamp;
    last_seen_at: Timestamp;
    expires_at: Timestamp;
  };
  one_time_tokens: {
    token_hash: string;
    app_id: string;
    user_id: string;
    purpose: 'verify_email' | 'reset_password';
    created_at: Timestamp;
    expires_at: Timestamp;
    used_at: NullableTimestamp;
  };
  signup_requests: {
    token_hash: string;
    app_id: string;
    email: string;
    email_normalized: string;
    password_hash: string;
    display_name: string;
    created_at: Timestamp;
    expires_at: Timestamp;
  };
  user_totp: {
    user_id: string;
    app_id: string;
    secret_sealed: string;
    enabled_at: NullableTimestamp;
    last_time_step: Generated<number>;
    created_at: Timestamp;
  };
  user_recovery_codes: {
    user_id: string;
    code_hash: string;
    created_at: Timestamp;
    used_at: NullableTimestamp;
  };
  creator_applications: {
    id: string;
    app_id: string;
    user_id: string;
    note: string;
    status: Generated<'pending' | 'approved' | 'rejected'>;
    reason: string | null;
    decided_by: string | null;
    decided_at: NullableTimestamp;
    created_at: Timestamp;
  };
  app_members: { app_id: string; user_id: string; role: TeamRole; created_at: Timestamp };
  app_invitations: {
    id: string;
    app_id: string;
    email: string;
    role: Exclude<TeamRole, 'owner'>;
    token_hash: string;
    invited_by: string;
    created_at: Timestamp;
    expires_at: Timestamp;
    accepted_at: NullableTimestamp;
    accepted_by: string | null;
    revoked_at: NullableTimestamp;
  };
  api_keys: {
    id: string;
    app_id: string;
    name: string;
    secret_hash: string;
    scopes: Json<string[]>;
    created_by: string | null;
    created_at: Timestamp;
    last_used_at: NullableTimestamp;
    revoked_at: NullableTimestamp;
  };
  signing_keys: {
    kid: string;
    alg: string;
    public_jwk: Json<Record<string, unknown>>;
    private_jwk: Json<Record<string, unknown>>;
    created_at: Timestamp;
    retired_at: NullableTimestamp;
  };
  audit_log: {
    id: string;
    app_id: string;
    actor_id: string | null;
    actor_type: 'user' | 'api_key' | 'system';
    action: string;
    target_type: string | null;
    target_id: string | null;
    ip: string | null;
    data: Json<Record<string, unknown>>;
    created_at: Timestamp;
  };
  jobs: {
    id: string;
    app_id: string;
    kind: string;
    payload: Json<Record<string, unknown>>;
    status: Generated<'queued' | 'running' | 'done' | 'dead'>;
    attempts: Generated<number>;
    max_attempts: number;
    run_at: Timestamp;
    locked_at: NullableTimestamp;
    locked_by: string | null;
    last_error: string | null;
    idempotency_key: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  mail_outbox: {
    id: string;
    app_id: string;
    to_address: string;
    subject: string;
    text_body: string;
    transport: 'dev' | 'smtp';
    created_at: Timestamp;
    sent_at: NullableTimestamp;
  };
  webhook_endpoints: {
    id: string;
    app_id: string;
    url: string;
    description: Generated<string>;
    events: Json<string[]>;
    secret: string;
    enabled: Generated<boolean>;
    disabled_reason: string | null;
    consecutive_failures: Generated<number>;
    created_at: Timestamp;
    updated_at: Timestamp;
    deleted_at: NullableTimestamp;
  };
  webhook_deliveries: {
    id: string;
    app_id: string;
    endpoint_id: string;
    message_id: string;
    event_type: string;
    payload: Json<Record<string, unknown>>;
    status: Generated<'pending' | 'succeeded' | 'failed'>;
    attempts: Generated<number>;
    last_status_code: number | null;
    last_error: string | null;
    last_attempt_at: NullableTimestamp;
    next_attempt_at: NullableTimestamp;
    created_at: Timestamp;
  };
  settings: { app_id: string; key: string; value: Json<unknown>; updated_at: Timestamp };
  // Coins ledger (002_wallet.sql): balances and amounts are whole coins.
  ledger_accounts: {
    id: string;
    app_id: string;
    kind: 'member_wallet' | 'creator_earnings' | 'platform_revenue' | 'provider_clearing' | 'payouts';
    owner_id: string | null;
    currency: Generated<string>;
    shard: Generated<number>;
    balance: Generated<number>;
    allow_negative: Generated<boolean>;
    created_at: Timestamp;
  };
  ledger_transactions: {
    id: string;
    app_id: string;
    kind: string;
    idempotency_key: string;
    fingerprint: string;
    metadata: Json<Record<string, unknown>>;
    created_at: Timestamp;
  };
  ledger_entries: {
    id: string;
    transaction_id: string;
    account_id: string;
    amount: number;
    created_at: Timestamp;
  };
  // Buying coins (005_payments.sql).
  coin_packages: {
    id: string;
    app_id: string;
    name: string;
    coins: number;
    price_minor: number;
    currency: string;
    active: Generated<boolean>;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  payment_orders: {
    id: string;
    app_id: string;
    user_id: string;
    package_id: string;
    package_name: string;
    coins: number;
    amount_minor: number;
    currency: string;
    provider: 'sandbox' | 'epayco' | 'stripe';
    status: Generated<'pending' | 'paid' | 'rejected' | 'failed' | 'refunded' | 'charged_back' | 'flagged'>;
    provider_ref: string | null;
    /** The provider payment that paid the order; unique per provider (011_payments_hardening.sql). */
    provider_payment_ref: string | null;
    checkout_url: string | null;
    flag_reason: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
    paid_at: NullableTimestamp;
    reversed_at: NullableTimestamp;
  };
  payment_callbacks: {
    id: string;
    provider: string;
    provider_event_id: string | null;
    order_id: string | null;
    raw_body: string;
    headers: Json<Record<string, string>>;
    verified: boolean;
    outcome: string | null;
    error: string | null;
    received_at: Timestamp;
  };
  wallet_locks: {
    id: string;
    app_id: string;
    user_id: string;
    order_id: string;
    coins_owed: number;
    coins_recovered: Generated<number>;
    created_at: Timestamp;
    released_at: NullableTimestamp;
  };
  // Gifts, tips and tickets (006_gifts_tickets.sql).
  gifts: {
    id: string;
    app_id: string;
    name: string;
    icon: string;
    coins: number;
    animation: 'float' | 'burst' | 'rain';
    active: Generated<boolean>;
    sort_order: Generated<number>;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  gift_events: {
    id: string;
    app_id: string;
    kind: 'gift' | 'tip';
    stream_id: string;
    creator_id: string;
    from_user_id: string;
    from_name: string;
    gift_id: string | null;
    gift_name: string | null;
    icon: string | null;
    animation: 'float' | 'burst' | 'rain' | null;
    quantity: number;
    coins: number;
    message: string | null;
    request_key: string;
    transaction_id: string;
    created_at: Timestamp;
  };
  stream_gifters: {
    app_id: string;
    stream_id: string;
    user_id: string;
    coins: number;
    updated_at: Timestamp;
  };
  ticket_prices: {
    app_id: string;
    target_kind: 'stream' | 'room';
    target_id: string;
    price_coins: number;
    updated_by: string | null;
    updated_at: Timestamp;
  };
  tickets: {
    id: string;
    app_id: string;
    target_kind: 'stream' | 'room';
    target_id: string;
    user_id: string;
    creator_id: string;
    price_coins: number;
    transaction_id: string;
    created_at: Timestamp;
  };
  // Subscriptions and PRIME (007_subscriptions.sql).
  subscription_plans: {
    app_id: string;
    creator_id: string;
    price_coins: number;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  subscriptions: {
    id: string;
    app_id: string;
    kind: 'creator' | 'prime';
    user_id: string;
    creator_id: string | null;
    price_coins: number;
    status: 'active' | 'past_due' | 'expired' | 'cancelled';
    period: Generated<number>;
    started_at: Timestamp;
    current_period_start: Timestamp;
    current_period_end: Timestamp;
    cancel_at_period_end: Generated<boolean>;
    idempotency_key: string;
    ended_at: NullableTimestamp;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  // Split overrides and payouts (008_payouts.sql).
  creator_splits: {
    app_id: string;
    creator_id: string;
    creator_bps: number;
    updated_by: string | null;
    updated_at: Timestamp;
  };
  payouts: {
    id: string;
    app_id: string;
    creator_id: string;
    coins: number;
    status: 'requested' | 'approved' | 'rejected' | 'paid';
    reason: string | null;
    reference: string | null;
    idempotency_key: string | null;
    decided_by: string | null;
    decided_at: NullableTimestamp;
    paid_by: string | null;
    paid_at: NullableTimestamp;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  // Live streams (004_streams.sql).
  streams: {
    id: string;
    app_id: string;
    owner_id: string | null;
    title: string;
    category: Generated<string>;
    visibility: Generated<'public' | 'followers' | 'subscribers' | 'ticketed'>;
    key_hash: string;
    status: Generated<'idle' | 'live' | 'reconnecting' | 'ended'>;
    reconnect_window_s: Generated<number>;
    record: Generated<boolean>;
    latency_mode: Generated<'standard' | 'low'>;
    profile: Generated<string>;
    encrypt: Generated<boolean>;
    current_session_id: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
    deleted_at: NullableTimestamp;
  };
  stream_sessions: {
    id: string;
    app_id: string;
    stream_id: string;
    source_width: number | null;
    source_height: number | null;
    source_fps: number | null;
    rungs: Json<number[]>;
    reconnects: Generated<number>;
    node_id: string | null;
    heartbeat_at: NullableTimestamp;
    started_at: Timestamp;
    ended_at: NullableTimestamp;
    end_reason: string | null;
    encryption_key: string | null;
  };
  // Restream targets of a stream (011_restream.sql); the key only sealed.
  restream_targets: {
    id: string;
    app_id: string;
    stream_id: string;
    name: string;
    url: string;
    key_sealed: string;
    key_hint: string;
    enabled: Generated<boolean>;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  // Secure playback, viewer analytics and recordings (009_streams_playback.sql).
  stream_viewer_stats: {
    session_id: string;
    app_id: string;
    stream_id: string;
    current_viewers: Generated<number>;
    peak_viewers: Generated<number>;
    unique_viewers: Generated<number>;
    watch_seconds: Generated<number>;
    bytes_served: Generated<number>;
    series: Json<{ t: string; viewers: number }[]>;
    updated_at: Timestamp;
  };
  vods: {
    id: string;
    app_id: string;
    stream_id: string;
    session_id: string;
    owner_id: string | null;
    title: string;
    visibility: 'public' | 'followers' | 'subscribers' | 'ticketed';
    duration_s: number;
    rungs: Json<number[]>;
    encrypted: Generated<boolean>;
    created_at: Timestamp;
    expires_at: Timestamp;
    deleted_at: NullableTimestamp;
  };
  transcoding_profiles: {
    app_id: string;
    name: string;
    rungs: Json<{ height: number; videoKbps: number; audioKbps: number }[]>;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  // Chat (003_chat.sql).
  chat_messages: {
    id: string;
    app_id: string;
    channel: string;
    author_id: string;
    author_name: string;
    body: string;
    created_at: Timestamp;
    deleted_at: NullableTimestamp;
    deleted_by: string | null;
    // 010_realtime.sql
    edited_at: NullableTimestamp;
    reply_to: string | null;
    reply_author: string | null;
    reply_excerpt: string | null;
    shadow: Generated<boolean>;
  };
  chat_bans: {
    app_id: string;
    channel: string;
    user_id: string;
    kind: Generated<'ban' | 'timeout' | 'shadow'>;
    reason: Generated<string>;
    banned_by: string | null;
    created_at: Timestamp;
    expires_at: NullableTimestamp;
  };
  chat_channels: {
    app_id: string;
    channel: string;
    slow_mode_s: Generated<number>;
    updated_at: Timestamp;
    // 010_realtime.sql
    blocked_words: Generated<string>;
    links_allowed: Generated<boolean>;
    min_account_age_s: Generated<number>;
    subscribers_only: Generated<boolean>;
  };
  // Realtime (010_realtime.sql).
  chat_reactions: {
    app_id: string;
    message_id: string;
    emoji: string;
    user_id: string;
    created_at: Timestamp;
  };
  chat_channel_roles: {
    app_id: string;
    channel: string;
    user_id: string;
    role: 'moderator';
    granted_by: string;
    created_at: Timestamp;
  };
  chat_read_state: {
    app_id: string;
    channel: string;
    user_id: string;
    last_read_id: string;
    updated_at: Timestamp;
  };
  chat_reports: {
    id: string;
    app_id: string;
    channel: string;
    message_id: string | null;
    target_user_id: string | null;
    reporter_id: string;
    reason: string;
    status: Generated<'open' | 'resolved' | 'dismissed'>;
    resolution: string | null;
    resolved_by: string | null;
    resolved_at: NullableTimestamp;
    created_at: Timestamp;
  };
  chat_moderation_log: {
    id: string;
    app_id: string;
    channel: string;
    actor_id: string;
    actor_name: string;
    action: string;
    target_id: string | null;
    data: Generated<string>;
    created_at: Timestamp;
  };
  // Members' data exports and account deletion (011_account.sql).
  account_exports: {
    id: string;
    app_id: string;
    user_id: string;
    status: Generated<'queued' | 'running' | 'ready' | 'failed' | 'expired'>;
    progress: Generated<number>;
    archive: string | null;
    size_bytes: number | null;
    error: string | null;
    created_at: Timestamp;
    finished_at: NullableTimestamp;
    expires_at: NullableTimestamp;
  };
  account_deletions: {
    user_id: string;
    app_id: string;
    request_id: string;
    requested_at: Timestamp;
    delete_after: Timestamp;
    forfeited_coins: Generated<number>;
    cancel_token_hash: string | null;
    cancel_token_expires_at: NullableTimestamp;
    erased_at: NullableTimestamp;
  };
  community_rooms: { app_id: string; capacity: Generated<number>; created_at: Timestamp };
  community_members: {
    app_id: string;
    user_id: string;
    name: string;
    role: 'moderator' | 'member' | 'guest';
    present_since: NullableTimestamp;
    total_seconds: Generated<number>;
    muted_until: NullableTimestamp;
    removed_until: NullableTimestamp;
    first_joined_at: Timestamp;
  };
}

export type UserRole = 'member' | 'creator' | 'moderator' | 'admin';
export type TeamRole = 'owner' | 'admin' | 'editor' | 'viewer';

/** The query builder over our schema; the same type on PGlite and PostgreSQL. */
export type Db = Kysely<Database>;
/** A Kysely transaction over our schema. */
export type Tx = Transaction<Database>;
/** Either a database handle or an open transaction: stores accept both so callers can compose. */
export type Executor = Db | Tx;

export type Row<T extends keyof Database> = Selectable<Database[T]>;
export type NewRow<T extends keyof Database> = Insertable<Database[T]>;

/** The first-party app: the PNPtv site itself. */
export const SITE_APP_ID = 'app_site';

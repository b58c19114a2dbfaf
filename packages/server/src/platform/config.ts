import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';

/** The four roles one process can run; all by default. */
export const ROLES = ['api', 'realtime', 'ingest', 'worker'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Boot configuration, read from environment variables once at start.
 * Runtime settings (branding, ladders, chat rules) live in the database instead.
 */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL URL; null selects the embedded PGlite database in `<dataDir>/db`. */
  databaseUrl: string | null;
  /** Redis URL; null selects in-process bus, cache and rate limiter. */
  redisUrl: string | null;
  /** Base URL users reach the site at, used in mails and links. */
  publicUrl: string;
  /** True when PUBLIC_URL was not set and publicUrl was derived from PORT. */
  publicUrlDerived: boolean;
  roles: Role[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** SMTP URL (smtp:// or smtps://); null keeps mail in the dev outbox. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Telegram bot token for the Login Widget; null disables Telegram login. */
  telegramBotToken: string | null;
  telegramBotUsername: string | null;
  /** Maximum age of Telegram Login Widget data, seconds. */
  telegramAuthMaxAgeS: number;
  /** Session lifetime, seconds. */
  sessionTtlS: number;
  /** Days between a member asking to delete their account and the erasure of their personal data. */
  accountDeletionGraceDays: number;
  /** Allow webhook endpoints on loopback and private networks (development only). */
  webhooksAllowPrivate: boolean;
  /** Largest accepted request body, bytes. */
  bodyLimitBytes: number;
  /** Worker poll interval when the job queue is idle, milliseconds. */
  jobsPollMs: number;
  /** Serve the built web app from this folder; null uses the package's own build. */
  webDistDir: string | null;
  /** Trust X-Forwarded-* headers (set when behind a reverse proxy such as nginx). */
  trustProxy: boolean;
  /** TCP port of the RTMP ingest (ingest role). */
  rtmpPort: number;
  /** ffmpeg executable; null: Debian's /usr/bin/ffmpeg, else `ffmpeg` on PATH, else the bundled @ffmpeg-installer build (2018). */
  ffmpegPath: string | null;
  /** ffprobe executable; null: Debian's /usr/bin/ffprobe, else `ffprobe` on PATH (there is no bundled ffprobe). */
  ffprobePath: string | null;
  /** Payment providers: which are enabled and how to reach them (see PaymentsConfig). */
  payments: PaymentsConfig;
  /** S3-compatible media storage (path-style); null keeps media on local disk under `<dataDir>/media`. */
  s3: S3Config | null;
  /** AES-256 key (base64 of 32 bytes) encrypting third-party secrets at rest; null: generated once into `<dataDir>/secrets.key`. */
  secretsKey: string | null;
  /** Allow restream targets on literal loopback and private addresses (development and tests only). */
  restreamAllowPrivate: boolean;
  /** Port of the separate Prometheus listener (0: any free port); null: no separate listener. */
  metricsPort: number | null;
  /** Interface of the separate Prometheus listener (loopback by default). */
  metricsHost: string;
  /** Bearer token that opens `/metrics` on the main port; null: the main port refuses it (404). */
  metricsToken: string | null;
}

/** An S3-compatible bucket for segments, playlists, posters and recordings. */
export interface S3Config {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Whether every upload carries a CRC32 checksum and reads check it (`when_supported`), or only where S3 requires one. */
  checksums: 'when_supported' | 'when_required';
}

/** Payment providers; a provider is enabled when its keys are set (the sandbox by PAYMENTS_SANDBOX). */
export interface PaymentsConfig {
  /** The built-in sandbox checkout, for the embedded default and demos: it pays without money. */
  sandbox: boolean;
  /** How long a call to a provider's API may take before the checkout is left pending for a retry. */
  providerTimeoutMs: number;
  /**
   * ePayco: the merchant's P_CUST_ID_CLIENTE, P_KEY (signs confirmations) and public key
   * (checkout), and the transaction validation endpoint every confirmation is checked against
   * (`<validationUrl>/<x_ref_payco>`).
   */
  epayco: {
    customerId: string;
    pKey: string;
    publicKey: string;
    test: boolean;
    validationUrl: string;
  } | null;
  /** Stripe: the secret API key, the webhook signing secret and the API origin. */
  stripe: { secretKey: string; webhookSecret: string; apiBase: string } | null;
}

const Env = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^/]+' })),
  ROLES: Type.String({
    default: 'api,realtime,ingest,worker',
    pattern: '^(api|realtime|ingest|worker)(,(api|realtime|ingest|worker))*$',
  }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  MAIL_FROM: Type.String({ default: 'PNPtv <no-reply@localhost>' }),
  TELEGRAM_BOT_TOKEN: Type.Optional(Type.String({ pattern: '^[0-9]+:[A-Za-z0-9_-]+$' })),
  TELEGRAM_BOT_USERNAME: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_]{3,64}$' })),
  TELEGRAM_AUTH_MAX_AGE_S: Type.Integer({ minimum: 1, default: 86_400 }),
  SESSION_TTL_S: Type.Integer({ minimum: 60, default: 30 * 86_400 }),
  ACCOUNT_DELETION_GRACE_DAYS: Type.Integer({ minimum: 0, maximum: 365, default: 14 }),
  WEBHOOKS_ALLOW_PRIVATE: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'false' }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1_048_576 }),
  JOBS_POLL_MS: Type.Integer({ minimum: 10, default: 500 }),
  WEB_DIST_DIR: Type.Optional(Type.String({ minLength: 1 })),
  TRUST_PROXY: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'false' }),
  RTMP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 1935 }),
  FFMPEG_PATH: Type.Optional(Type.String({ minLength: 1 })),
  FFPROBE_PATH: Type.Optional(Type.String({ minLength: 1 })),
  PAYMENTS_SANDBOX: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'true' }),
  PAYMENTS_PROVIDER_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  EPAYCO_CUSTOMER_ID: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$' })),
  EPAYCO_P_KEY: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
  EPAYCO_PUBLIC_KEY: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
  EPAYCO_TEST: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'true' }),
  EPAYCO_VALIDATION_URL: Type.String({
    pattern: '^https?://[^/?#]+(/[^?#]*)?$',
    default: 'https://secure.epayco.co/validation/v1/reference',
  }),
  STRIPE_SECRET_KEY: Type.Optional(Type.String({ pattern: '^(sk|rk)_[A-Za-z0-9_]+$' })),
  STRIPE_WEBHOOK_SECRET: Type.Optional(Type.String({ pattern: '^whsec_[A-Za-z0-9+/=_]+$' })),
  STRIPE_API_BASE: Type.String({ pattern: '^https?://[^/]+/?$', default: 'https://api.stripe.com' }),
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://[^/]+/?$' })),
  S3_BUCKET: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' })),
  S3_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  S3_REGION: Type.String({ pattern: '^[a-z0-9-]{1,64}$', default: 'us-east-1' }),
  S3_CHECKSUMS: Type.Union([Type.Literal('when_supported'), Type.Literal('when_required')], {
    default: 'when_supported',
  }),
  SECRETS_KEY: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9+/]{43}=$' })),
  RESTREAM_ALLOW_PRIVATE: Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'false' }),
  METRICS_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  METRICS_HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  METRICS_TOKEN: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._~+/=-]{16,256}$' })),
});
type Env = Static<typeof Env>;

/** Every problem found in the environment; thrown as one so the operator can fix them all at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const INTEGER_KEYS = new Set([
  'PORT',
  'TELEGRAM_AUTH_MAX_AGE_S',
  'SESSION_TTL_S',
  'ACCOUNT_DELETION_GRACE_DAYS',
  'BODY_LIMIT_BYTES',
  'JOBS_POLL_MS',
  'RTMP_PORT',
  'PAYMENTS_PROVIDER_TIMEOUT_MS',
  'METRICS_PORT',
]);

/** Reads and validates the configuration from `env`; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of Object.keys(Env.properties)) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    if (INTEGER_KEYS.has(key)) {
      if (!/^-?\d+$/.test(value)) {
        problems.push(`${key}: expected an integer, got "${value}"`);
        continue;
      }
      raw[key] = Number(value);
    } else raw[key] = value;
  }
  const withDefaults = Value.Default(Env, raw) as Env;
  for (const error of Value.Errors(Env, withDefaults)) {
    const key = error.instancePath.replace(/^\//, '') || error.keyword;
    problems.push(`${key}: ${error.message}`);
  }
  if (withDefaults.TELEGRAM_BOT_TOKEN && !withDefaults.TELEGRAM_BOT_USERNAME) {
    problems.push('TELEGRAM_BOT_USERNAME: required when TELEGRAM_BOT_TOKEN is set');
  }
  const epaycoKeys = [
    withDefaults.EPAYCO_CUSTOMER_ID,
    withDefaults.EPAYCO_P_KEY,
    withDefaults.EPAYCO_PUBLIC_KEY,
  ];
  if (epaycoKeys.some(Boolean) && !epaycoKeys.every(Boolean)) {
    problems.push('EPAYCO_CUSTOMER_ID, EPAYCO_P_KEY and EPAYCO_PUBLIC_KEY: set all three or none');
  }
  if (Boolean(withDefaults.STRIPE_SECRET_KEY) !== Boolean(withDefaults.STRIPE_WEBHOOK_SECRET)) {
    problems.push('STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET: set both or neither');
  }
  const s3Keys = [
    withDefaults.S3_ENDPOINT,
    withDefaults.S3_BUCKET,
    withDefaults.S3_ACCESS_KEY_ID,
    withDefaults.S3_SECRET_ACCESS_KEY,
  ];
  if (s3Keys.some(Boolean) && !s3Keys.every(Boolean)) {
    problems.push('S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set all four or none');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const e = withDefaults;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL ?? null,
    redisUrl: e.REDIS_URL ?? null,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    publicUrlDerived: e.PUBLIC_URL === undefined,
    roles: [...new Set(e.ROLES.split(','))] as Role[],
    logLevel: e.LOG_LEVEL as Config['logLevel'],
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM,
    telegramBotToken: e.TELEGRAM_BOT_TOKEN ?? null,
    telegramBotUsername: e.TELEGRAM_BOT_USERNAME ?? null,
    telegramAuthMaxAgeS: e.TELEGRAM_AUTH_MAX_AGE_S,
    sessionTtlS: e.SESSION_TTL_S,
    accountDeletionGraceDays: e.ACCOUNT_DELETION_GRACE_DAYS,
    webhooksAllowPrivate: e.WEBHOOKS_ALLOW_PRIVATE === 'true',
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    jobsPollMs: e.JOBS_POLL_MS,
    webDistDir: e.WEB_DIST_DIR ?? null,
    trustProxy: e.TRUST_PROXY === 'true',
    rtmpPort: e.RTMP_PORT,
    ffmpegPath: e.FFMPEG_PATH ?? null,
    ffprobePath: e.FFPROBE_PATH ?? null,
    payments: {
      sandbox: e.PAYMENTS_SANDBOX === 'true',
      providerTimeoutMs: e.PAYMENTS_PROVIDER_TIMEOUT_MS,
      epayco:
        e.EPAYCO_CUSTOMER_ID && e.EPAYCO_P_KEY && e.EPAYCO_PUBLIC_KEY
          ? {
              customerId: e.EPAYCO_CUSTOMER_ID,
              pKey: e.EPAYCO_P_KEY,
              publicKey: e.EPAYCO_PUBLIC_KEY,
              test: e.EPAYCO_TEST === 'true',
              validationUrl: e.EPAYCO_VALIDATION_URL.replace(/\/+$/, ''),
            }
          : null,
      stripe:
        e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET
          ? {
              secretKey: e.STRIPE_SECRET_KEY,
              webhookSecret: e.STRIPE_WEBHOOK_SECRET,
              apiBase: e.STRIPE_API_BASE.replace(/\/+$/, ''),
            }
          : null,
    },
    s3:
      e.S3_ENDPOINT && e.S3_BUCKET && e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
        ? {
            endpoint: e.S3_ENDPOINT.replace(/\/+$/, ''),
            bucket: e.S3_BUCKET,
            accessKeyId: e.S3_ACCESS_KEY_ID,
            secretAccessKey: e.S3_SECRET_ACCESS_KEY,
            region: e.S3_REGION,
            checksums: e.S3_CHECKSUMS,
          }
        : null,
    secretsKey: e.SECRETS_KEY ?? null,
    restreamAllowPrivate: e.RESTREAM_ALLOW_PRIVATE === 'true',
    metricsPort: e.METRICS_PORT ?? null,
    metricsHost: e.METRICS_HOST,
    metricsToken: e.METRICS_TOKEN ?? null,
  };
}

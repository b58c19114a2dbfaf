import type { AuditStore } from '../audit/index.ts';
import { publishEvent } from '../platform/bus/index.ts';
import { type Executor, SITE_APP_ID } from '../platform/db/schema.ts';
import type { Principal } from '../platform/http/auth.ts';
import { randomSecret, sha256Hex } from '../platform/ids.ts';
import { wakeWorkers } from '../platform/jobs/index.ts';
import { capLogger } from '../platform/log.ts';
import type { Platform } from '../platform/platform.ts';
import { DeviceCookies } from './devices.ts';
import { invalidField } from './identity.errors.ts';
import { cleanDisplayName, emailProblem, normaliseEmail, passwordProblem } from './identity.rules.ts';
import {
  ApplicationStore,
  SessionStore,
  SettingsStore,
  type TokenPurpose,
  TokenStore,
  type UserRow,
  UserStore,
} from './identity.store.ts';
import { LoginThrottle } from './login-throttle.ts';
import { PasswordHasher } from './passwords.ts';
import { IdentitySecrets } from './secrets.ts';
import { type NewSession, SessionManager, type SessionPrincipal } from './sessions.ts';

/** Who is asking and from where; what every use case needs to know about the request. */
export interface RequestMeta {
  principal: Principal | null;
  ip: string | null;
  userAgent: string | null;
  /** The raw device cookie, if the browser sent one (see devices.ts). */
  deviceCookie?: string | null;
}

/** Request facts for a use case that needs a signed-in user. */
export type SessionMeta = Omit<RequestMeta, 'principal'> & { principal: SessionPrincipal };

/** A user who just signed in: their row and the new session. */
export interface SignedIn {
  user: UserRow;
  session: NewSession;
}

/**
 * Asked before any sign-in opens a session (password, Telegram, or after a reset), once the user
 * has proved who they are; throwing refuses the sign-in with that error. Account deletion uses it.
 */
export type SignInGate = (user: UserRow, now: Date) => Promise<void>;

/** Lifetimes of mail-link tokens, ms. */
export const VERIFY_TOKEN_TTL_MS = 48 * 3600_000;
export const RESET_TOKEN_TTL_MS = 3600_000;

/** The pieces the identity use cases share: the platform, the stores, sessions and password hashing. */
export class IdentityContext {
  readonly users = new UserStore();
  readonly sessionStore = new SessionStore();
  readonly tokens = new TokenStore();
  readonly applications = new ApplicationStore();
  readonly settings = new SettingsStore();
  readonly hasher = new PasswordHasher();
  readonly sessions: SessionManager;
  readonly secrets: IdentitySecrets;
  readonly devices: DeviceCookies;
  readonly loginThrottle: LoginThrottle;
  readonly appId = SITE_APP_ID;

  constructor(
    readonly platform: Platform,
    readonly audit: AuditStore,
    readonly signInGate: SignInGate = async () => {},
  ) {
    this.sessions = new SessionManager({
      db: platform.db,
      cache: platform.cache,
      clock: platform.clock,
      config: platform.config,
      store: this.sessionStore,
    });
    this.secrets = new IdentitySecrets(platform);
    this.devices = new DeviceCookies(this.secrets);
    this.loginThrottle = new LoginThrottle({
      cache: platform.cache,
      limiter: platform.rateLimiter,
      clock: platform.clock,
    });
  }

  get db() {
    return this.platform.db;
  }

  now(): Date {
    return new Date(this.platform.clock.now());
  }

  /** Creates a one-time token for a mail link; returns the plaintext (only its hash is stored). */
  async issueToken(
    tx: Executor,
    userId: string,
    purpose: TokenPurpose,
    ttlMs: number,
    now: Date,
  ): Promise<string> {
    const token = randomSecret(32);
    await this.tokens.insert(tx, {
      token_hash: sha256Hex(token),
      app_id: this.appId,
      user_id: userId,
      purpose,
      created_at: now,
      expires_at: new Date(now.getTime() + ttlMs),
    });
    return token;
  }

  /** Queues the verification mail for `user` inside the transaction. */
  async queueVerification(
    tx: Executor,
    user: UserRow,
    now: Date,
    mail: (link: string) => { subject: string; text: string },
  ): Promise<void> {
    if (!user.email) return;
    const token = await this.issueToken(tx, user.id, 'verify_email', VERIFY_TOKEN_TTL_MS, now);
    const link = `${this.platform.config.publicUrl}/verify-email?token=${encodeURIComponent(token)}`;
    await this.platform.mail.send(tx, { appId: this.appId, to: user.email, ...mail(link) });
  }

  /** Work to do once a transaction that created a user committed: wake the mailer, announce the user. */
  userCreated(userId: string): void {
    wakeWorkers(this.platform.bus);
    publishEvent(
      this.platform.bus,
      { type: 'user.created', appId: this.appId, data: { userId } },
      this.platform.clock.now(),
    ).catch((err: unknown) =>
      capLogger(this.platform.log, 'identity').warn({ err }, 'could not publish user.created'),
    );
  }

  /** Validated, normalised sign-up fields, or a VALIDATION_FAILED naming the first bad field. */
  checkNewAccount(input: { email: string; password: string; displayName: string }): {
    email: string;
    emailNormalized: string;
    displayName: string;
  } {
    const emailNormalized = normaliseEmail(input.email);
    const emailIssue = emailProblem(emailNormalized);
    if (emailIssue) throw invalidField('body.email', emailIssue);
    const passwordIssue = passwordProblem(input.password);
    if (passwordIssue) throw invalidField('body.password', passwordIssue);
    const name = cleanDisplayName(input.displayName);
    if (!name.ok) throw invalidField('body.displayName', name.problem);
    return { email: input.email.trim(), emailNormalized, displayName: name.value };
  }
}

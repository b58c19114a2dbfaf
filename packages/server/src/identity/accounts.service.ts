import { actorOf } from '../audit/index.ts';
import { AppError } from '../platform/errors.ts';
import type { SessionUser } from '../platform/http/auth.ts';
import { newId, sha256Hex } from '../platform/ids.ts';
import type { IdentityContext, RequestMeta, SessionMeta, SignedIn } from './identity.context.ts';
import { identityErrors, invalidField } from './identity.errors.ts';
import { verifyEmailMail } from './identity.mails.ts';
import { cleanDisplayName, normaliseEmail, passwordProblem } from './identity.rules.ts';
import { CONSTRAINTS, isUniqueViolation, type UserRow } from './identity.store.ts';

/** Login throttling: failed attempts allowed per account and per client address in the window. */
export const LOGIN_LIMITS = { perAccount: 10, perIp: 50, windowMs: 15 * 60_000 } as const;

/** An error that tells the client when to try again (sent as `retry-after`, seconds). */
export class RetryAfterError extends AppError {
  constructor(
    base: AppError,
    readonly retryAfterS: number,
  ) {
    super(base.code, base.status, base.message);
  }
}

/** Sign-up, sign-in, sign-out and the signed-in user's own account. */
export class AccountService {
  constructor(private readonly ctx: IdentityContext) {}

  /** Creates a member account, signs it in and queues the verification mail. */
  async register(
    input: { email: string; password: string; displayName: string },
    meta: RequestMeta,
  ): Promise<SignedIn> {
    const ctx = this.ctx;
    const fields = ctx.checkNewAccount(input);
    const passwordHash = await ctx.hasher.hash(input.password);
    const now = ctx.now();
    let signedIn: SignedIn;
    try {
      signedIn = await ctx.db.transaction().execute(async (tx) => {
        const user = await ctx.users.insert(tx, {
          id: newUserId(now),
          app_id: ctx.appId,
          email: fields.email,
          email_normalized: fields.emailNormalized,
          password_hash: passwordHash,
          display_name: fields.displayName,
          created_at: now,
          updated_at: now,
        });
        await ctx.queueVerification(tx, user, now, (link) =>
          verifyEmailMail(user.locale, user.display_name, link),
        );
        const session = await ctx.sessions.create(tx, user.id, meta, now);
        await ctx.audit.record(
          tx,
          {
            appId: ctx.appId,
            actorType: 'user',
            actorId: user.id,
            ip: meta.ip,
            action: 'user.register',
            targetType: 'user',
            targetId: user.id,
            data: { method: 'password' },
          },
          now,
        );
        return { user, session };
      });
    } catch (error) {
      if (isUniqueViolation(error, CONSTRAINTS.email)) throw identityErrors.IDENTITY_EMAIL_TAKEN();
      throw error;
    }
    ctx.userCreated(signedIn.user.id);
    return signedIn;
  }

  /** Signs in with email and password, throttled per account and per client address. */
  async login(input: { email: string; password: string }, meta: RequestMeta): Promise<SignedIn> {
    const ctx = this.ctx;
    const limiter = ctx.platform.rateLimiter;
    const email = normaliseEmail(input.email);
    const accountKey = loginAccountKey(email);
    const ipKey = `identity:login:ip:${meta.ip ?? 'unknown'}`;
    const { perAccount, perIp, windowMs } = LOGIN_LIMITS;
    const [account, ip] = await Promise.all([
      limiter.peek(accountKey, perAccount, windowMs),
      limiter.peek(ipKey, perIp, windowMs),
    ]);
    if (!account.allowed || !ip.allowed) {
      const waitMs = Math.max(account.allowed ? 0 : account.retryAfterMs, ip.allowed ? 0 : ip.retryAfterMs);
      throw new RetryAfterError(
        identityErrors.IDENTITY_LOGIN_THROTTLED(),
        Math.max(1, Math.ceil(waitMs / 1000)),
      );
    }
    const user = await ctx.users.byEmail(ctx.db, ctx.appId, email);
    const ok = user?.password_hash
      ? await ctx.hasher.verify(user.password_hash, input.password)
      : await ctx.hasher.verifyDummy(input.password);
    if (!user || !ok) {
      await Promise.all([limiter.hit(accountKey, perAccount, windowMs), limiter.hit(ipKey, perIp, windowMs)]);
      throw identityErrors.IDENTITY_INVALID_CREDENTIALS();
    }
    await limiter.reset(accountKey);
    return this.startSession(user, meta, 'password');
  }

  /** Opens a session for a user who proved who they are, audited as a login by `method`. */
  async startSession(user: UserRow, meta: RequestMeta, method: 'password' | 'telegram'): Promise<SignedIn> {
    const ctx = this.ctx;
    const now = ctx.now();
    await ctx.signInGate(user, now);
    const session = await ctx.db.transaction().execute(async (tx) => {
      const created = await ctx.sessions.create(tx, user.id, meta, now);
      await ctx.audit.record(
        tx,
        {
          appId: ctx.appId,
          actorType: 'user',
          actorId: user.id,
          ip: meta.ip,
          action: 'user.login',
          targetType: 'user',
          targetId: user.id,
          data: { method },
        },
        now,
      );
      return created;
    });
    return { user, session };
  }

  /** Ends the session making the request, if any. */
  async logout(meta: RequestMeta): Promise<void> {
    const principal = meta.principal;
    if (principal?.kind !== 'session') return;
    const ctx = this.ctx;
    const now = ctx.now();
    await ctx.db.transaction().execute(async (tx) => {
      if (!(await ctx.sessionStore.delete(tx, principal.sessionId))) return;
      await ctx.audit.record(
        tx,
        {
          appId: ctx.appId,
          ...actorOf(principal, meta.ip),
          action: 'user.logout',
          targetType: 'user',
          targetId: principal.user.id,
        },
        now,
      );
    });
    await ctx.sessions.forget([principal.sessionId]);
  }

  /** The current row of a signed-in user (the session may outlive the account only for a cache TTL). */
  async me(user: SessionUser): Promise<UserRow> {
    const row = await this.ctx.users.byId(this.ctx.db, this.ctx.appId, user.id);
    if (!row) throw identityErrors.IDENTITY_USER_NOT_FOUND();
    return row;
  }

  /** Changes the display name and/or locale. */
  async updateProfile(
    input: { displayName?: string; locale?: 'en' | 'es' },
    meta: SessionMeta,
  ): Promise<UserRow> {
    const ctx = this.ctx;
    const userId = meta.principal.user.id;
    const patch: { display_name?: string; locale?: 'en' | 'es' } = {};
    if (input.displayName !== undefined) {
      const name = cleanDisplayName(input.displayName);
      if (!name.ok) throw invalidField('body.displayName', name.problem);
      patch.display_name = name.value;
    }
    if (input.locale !== undefined) patch.locale = input.locale;
    if (Object.keys(patch).length === 0) return this.me(meta.principal.user);
    const now = ctx.now();
    const user = await ctx.db.transaction().execute(async (tx) => {
      const updated = await ctx.users.update(tx, userId, { ...patch, updated_at: now });
      if (!updated) throw identityErrors.IDENTITY_USER_NOT_FOUND();
      await ctx.audit.record(
        tx,
        {
          appId: ctx.appId,
          ...actorOf(meta.principal, meta.ip),
          action: 'user.update',
          targetType: 'user',
          targetId: userId,
          data: { fields: Object.keys(input) },
        },
        now,
      );
      return updated;
    });
    await ctx.sessions.forgetUser(userId);
    return user;
  }

  /** Changes the password after checking the current one; signs out every other session. */
  async changePassword(
    input: { currentPassword: string; newPassword: string },
    meta: SessionMeta,
  ): Promise<void> {
    const ctx = this.ctx;
    const principal = meta.principal;
    const limiter = ctx.platform.rateLimiter;
    const key = `identity:password-change:${principal.user.id}`;
    const { perAccount, windowMs } = LOGIN_LIMITS;
    const gate = await limiter.peek(key, perAccount, windowMs);
    if (!gate.allowed) {
      throw new RetryAfterError(
        identityErrors.IDENTITY_LOGIN_THROTTLED(),
        Math.max(1, Math.ceil(gate.retryAfterMs / 1000)),
      );
    }
    const user = await this.me(principal.user);
    if (!user.password_hash) throw identityErrors.IDENTITY_NO_PASSWORD();
    const problem = passwordProblem(input.newPassword);
    if (problem) throw invalidField('body.newPassword', problem);
    if (!(await ctx.hasher.verify(user.password_hash, input.currentPassword))) {
      await limiter.hit(key, perAccount, windowMs);
      throw identityErrors.IDENTITY_WRONG_PASSWORD();
    }
    const hash = await ctx.hasher.hash(input.newPassword);
    const now = ctx.now();
    const revoked = await ctx.db.transaction().execute(async (tx) => {
      await ctx.users.update(tx, user.id, { password_hash: hash, updated_at: now });
      const ids = await ctx.sessionStore.deleteForUser(tx, user.id, principal.sessionId);
      await ctx.tokens.consumeAll(tx, user.id, 'reset_password', now);
      await ctx.audit.record(
        tx,
        {
          appId: ctx.appId,
          ...actorOf(principal, meta.ip),
          action: 'user.password_change',
          targetType: 'user',
          targetId: user.id,
          data: { sessionsRevoked: ids.length },
        },
        now,
      );
      return ids;
    });
    await limiter.reset(key);
    await ctx.sessions.forget([...revoked, principal.sessionId]);
  }
}

/** Rate-limit key of failed logins for one (normalised) email; hashed so addresses never reach Redis. */
export function loginAccountKey(emailNormalized: string): string {
  return `identity:login:acct:${sha256Hex(emailNormalized)}`;
}

/** A new user id (`usr_…`, sorting by creation time). */
export function newUserId(now: Date): string {
  return newId('usr', now.getTime());
}

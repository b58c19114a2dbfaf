import { actorOf } from '../audit/index.ts';
import { RetryAfterError } from '../platform/errors.ts';
import type { SessionUser } from '../platform/http/auth.ts';
import { newId } from '../platform/ids.ts';
import type { IdentityContext, RequestMeta, SessionMeta, SignedIn } from './identity.context.ts';
import { identityErrors, invalidField } from './identity.errors.ts';
import { cleanDisplayName, normaliseEmail, passwordProblem } from './identity.rules.ts';
import type { UserRow } from './identity.store.ts';
import type { LoginAttempt } from './login-throttle.ts';
import { MFA_PENDING_TTL_MS } from './mfa.rules.ts';
import type { MfaService } from './mfa.service.ts';

/** Failed password changes allowed per account in the window (the current password is being guessed). */
export const PASSWORD_CHANGE_LIMIT = { limit: 10, windowMs: 15 * 60_000 } as const;

export { RetryAfterError };

/** Where a password sign-in ended: a session, or a pending login waiting for the second factor. */
export type LoginOutcome =
  | { kind: 'session'; signedIn: SignedIn; deviceCookie: string }
  | { kind: 'second_factor'; mfaToken: string; expiresInS: number };

/** Sign-in, sign-out and the signed-in user's own account. */
export class AccountService {
  constructor(
    private readonly ctx: IdentityContext,
    private readonly mfa: MfaService,
  ) {}

  /**
   * Signs in with email and password. Wrong passwords slow down the (account, address) pair with growing
   * delays; a browser that signed into the account before skips the per-address and account-wide gates.
   */
  async login(input: { email: string; password: string }, meta: RequestMeta): Promise<LoginOutcome> {
    const ctx = this.ctx;
    const emailNormalized = normaliseEmail(input.email);
    const user = await ctx.users.byEmail(ctx.db, ctx.appId, emailNormalized);
    const knownDevice = await ctx.devices.knownDevice(meta.deviceCookie ?? null, user?.id ?? null);
    const attempt: LoginAttempt = { emailNormalized, ip: meta.ip, knownDevice };
    await ctx.loginThrottle.check(attempt);
    const ok = user?.password_hash
      ? await ctx.hasher.verify(user.password_hash, input.password)
      : await ctx.hasher.verifyDummy(input.password);
    if (!user || !ok) {
      await ctx.loginThrottle.failed(attempt);
      throw identityErrors.IDENTITY_INVALID_CREDENTIALS();
    }
    await ctx.loginThrottle.succeeded(attempt);
    if (await this.mfa.required(user.id)) {
      const mfaToken = await this.mfa.openPending({ userId: user.id, deviceId: knownDevice });
      return { kind: 'second_factor', mfaToken, expiresInS: MFA_PENDING_TTL_MS / 1000 };
    }
    return this.#signIn(user, meta, knownDevice, { method: 'password' });
  }

  /** The second step of a sign-in: a TOTP or recovery code for the pending login's token. */
  async completeLogin(input: { mfaToken: string; code: string }, meta: RequestMeta): Promise<LoginOutcome> {
    const ctx = this.ctx;
    const pending = await this.mfa.completePending(input.mfaToken, input.code);
    const user = await ctx.users.byId(ctx.db, ctx.appId, pending.userId);
    if (!user) throw identityErrors.IDENTITY_MFA_TOKEN_INVALID();
    return this.#signIn(user, meta, pending.deviceId, { method: 'password', secondFactor: pending.factor });
  }

  async #signIn(
    user: UserRow,
    meta: RequestMeta,
    deviceId: string | null,
    data: Record<string, string>,
  ): Promise<LoginOutcome> {
    const signedIn = await this.startSession(user, meta, 'password', data);
    return { kind: 'session', signedIn, deviceCookie: await this.ctx.devices.issue(user.id, deviceId) };
  }

  /** Opens a session for a user who proved who they are, audited as a login by `method`. */
  async startSession(
    user: UserRow,
    meta: RequestMeta,
    method: 'password' | 'telegram',
    data: Record<string, string> = { method },
  ): Promise<SignedIn> {
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
          data,
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
    const { limit: perAccount, windowMs } = PASSWORD_CHANGE_LIMIT;
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

/** A new user id (`usr_…`, sorting by creation time). */
export function newUserId(now: Date): string {
  return newId('usr', now.getTime());
}

import { actorOf } from '../audit/index.ts';
import { RetryAfterError } from '../platform/errors.ts';
import { sha256Hex } from '../platform/ids.ts';
import { wakeWorkers } from '../platform/jobs/index.ts';
import {
  type IdentityContext,
  RESET_TOKEN_TTL_MS,
  type RequestMeta,
  type SessionMeta,
} from './identity.context.ts';
import { identityErrors, invalidField } from './identity.errors.ts';
import { resetPasswordMail, verifyEmailMail } from './identity.mails.ts';
import { normaliseEmail, passwordProblem } from './identity.rules.ts';
import type { UserRow } from './identity.store.ts';

/** Mail limits: at most `limit` per `windowMs`. */
export const MAIL_LIMITS = {
  resendPerUser: { limit: 5, windowMs: 3600_000 },
  resetPerEmail: { limit: 3, windowMs: 3600_000 },
  resetPerIp: { limit: 20, windowMs: 3600_000 },
} as const;

/** Email verification and password reset through one-time mail links. */
export class RecoveryService {
  constructor(private readonly ctx: IdentityContext) {}

  /** Uses a verification token and marks the email verified. */
  async verifyEmail(token: string, meta: RequestMeta): Promise<UserRow> {
    const ctx = this.ctx;
    const now = ctx.now();
    const user = await ctx.db.transaction().execute(async (tx) => {
      const userId = await ctx.tokens.consume(tx, sha256Hex(token), 'verify_email', now);
      if (!userId) throw identityErrors.IDENTITY_TOKEN_INVALID();
      const updated = await ctx.users.markVerified(tx, userId, now);
      if (!updated) throw identityErrors.IDENTITY_TOKEN_INVALID();
      await ctx.audit.record(
        tx,
        {
          appId: ctx.appId,
          actorType: 'user',
          actorId: userId,
          ip: meta.ip,
          action: 'user.verify_email',
          targetType: 'user',
          targetId: userId,
        },
        now,
      );
      return updated;
    });
    await ctx.sessions.forgetUser(user.id);
    return user;
  }

  /** Sends a fresh verification link to the signed-in user (nothing if already verified or without email). */
  async resendVerification(meta: SessionMeta): Promise<void> {
    const ctx = this.ctx;
    const userId = meta.principal.user.id;
    const { limit, windowMs } = MAIL_LIMITS.resendPerUser;
    const gate = await ctx.platform.rateLimiter.hit(`identity:verify-resend:${userId}`, limit, windowMs);
    if (!gate.allowed)
      throw new RetryAfterError(identityErrors.IDENTITY_RATE_LIMITED(), secondsOf(gate.retryAfterMs));
    const now = ctx.now();
    const sent = await ctx.db.transaction().execute(async (tx) => {
      const user = await ctx.users.byId(tx, ctx.appId, userId);
      if (!user?.email || user.email_verified_at) return false;
      await ctx.queueVerification(tx, user, now, (link) =>
        verifyEmailMail(user.locale, user.display_name, link),
      );
      await ctx.audit.record(
        tx,
        {
          appId: ctx.appId,
          ...actorOf(meta.principal, meta.ip),
          action: 'user.verify_email_resend',
          targetType: 'user',
          targetId: userId,
        },
        now,
      );
      return true;
    });
    if (sent) wakeWorkers(ctx.platform.bus);
  }

  /**
   * Mails a reset link if an account has this email. The caller answers the same either way, and a
   * throttled address is skipped silently, so the endpoint reveals nothing about which emails exist.
   */
  async requestReset(rawEmail: string, meta: RequestMeta): Promise<void> {
    const ctx = this.ctx;
    const limiter = ctx.platform.rateLimiter;
    const perIp = MAIL_LIMITS.resetPerIp;
    const ipGate = await limiter.hit(
      `identity:reset:ip:${meta.ip ?? 'unknown'}`,
      perIp.limit,
      perIp.windowMs,
    );
    if (!ipGate.allowed)
      throw new RetryAfterError(identityErrors.IDENTITY_RATE_LIMITED(), secondsOf(ipGate.retryAfterMs));
    const email = normaliseEmail(rawEmail);
    const perEmail = MAIL_LIMITS.resetPerEmail;
    const emailGate = await limiter.hit(
      `identity:reset:email:${sha256Hex(email)}`,
      perEmail.limit,
      perEmail.windowMs,
    );
    if (!emailGate.allowed) return;
    const now = ctx.now();
    const sent = await ctx.db.transaction().execute(async (tx) => {
      const user = await ctx.users.byEmail(tx, ctx.appId, email);
      if (!user?.email) return false;
      const token = await ctx.issueToken(tx, user.id, 'reset_password', RESET_TOKEN_TTL_MS, now);
      const link = `${ctx.platform.config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
      await ctx.platform.mail.send(tx, {
        appId: ctx.appId,
        to: user.email,
        ...resetPasswordMail(user.locale, user.display_name, link),
      });
      await ctx.audit.record(
        tx,
        {
          appId: ctx.appId,
          ...actorOf(meta.principal, meta.ip),
          action: 'user.password_reset_request',
          targetType: 'user',
          targetId: user.id,
        },
        now,
      );
      return true;
    });
    if (sent) wakeWorkers(ctx.platform.bus);
  }

  /** Sets a new password with a reset token; signs the user out everywhere and marks the email verified. */
  async confirmReset(input: { token: string; password: string }, meta: RequestMeta): Promise<void> {
    const ctx = this.ctx;
    const hash = sha256Hex(input.token);
    // Checked before hashing so that junk tokens cost no argon2 work.
    if (!(await ctx.tokens.peek(ctx.db, hash, 'reset_password', ctx.now())))
      throw identityErrors.IDENTITY_TOKEN_INVALID();
    const problem = passwordProblem(input.password);
    if (problem) throw invalidField('body.password', problem);
    const passwordHash = await ctx.hasher.hash(input.password);
    const now = ctx.now();
    const revoked = await ctx.db.transaction().execute(async (tx) => {
      const userId = await ctx.tokens.consume(tx, hash, 'reset_password', now);
      if (!userId) throw identityErrors.IDENTITY_TOKEN_INVALID();
      await ctx.tokens.consumeAll(tx, userId, 'reset_password', now);
      await ctx.users.update(tx, userId, { password_hash: passwordHash, updated_at: now });
      const user = await ctx.users.markVerified(tx, userId, now);
      const ids = await ctx.sessionStore.deleteForUser(tx, userId);
      await ctx.audit.record(
        tx,
        {
          appId: ctx.appId,
          actorType: 'user',
          actorId: userId,
          ip: meta.ip,
          action: 'user.password_reset',
          targetType: 'user',
          targetId: userId,
          data: { sessionsRevoked: ids.length },
        },
        now,
      );
      return { ids, email: user?.email_normalized ?? null };
    });
    await ctx.sessions.forget(revoked.ids);
    // The owner proved control of the mailbox: let them sign in again straight away.
    if (revoked.email) await ctx.loginThrottle.clearAccount(revoked.email);
  }
}

function secondsOf(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

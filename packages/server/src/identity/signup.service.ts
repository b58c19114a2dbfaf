import { randomSecret, sha256Hex } from '../platform/ids.ts';
import { wakeWorkers } from '../platform/jobs/index.ts';
import { newUserId } from './accounts.service.ts';
import {
  type IdentityContext,
  type RequestMeta,
  type SignedIn,
  VERIFY_TOKEN_TTL_MS,
} from './identity.context.ts';
import { identityErrors } from './identity.errors.ts';
import { confirmSignupMail, existingAccountMail } from './identity.mails.ts';
import { CONSTRAINTS, isUniqueViolation } from './identity.store.ts';

/** Sign-up mails sent to one address per window; further sign-ups for it are dropped silently. */
export const SIGNUP_MAIL_LIMIT = { limit: 5, windowMs: 3600_000 } as const;

/**
 * Sign-up without an account oracle: every well-formed request costs the same argon2 hash and answers
 * the same; a new address gets a link that creates the account, a taken one a mail saying so.
 */
export class SignupService {
  constructor(private readonly ctx: IdentityContext) {}

  /** Records a sign-up and mails its owner; reveals nothing about whether the address has an account. */
  async register(input: { email: string; password: string; displayName: string }): Promise<void> {
    const ctx = this.ctx;
    const fields = ctx.checkNewAccount(input);
    // The hash is computed on both paths so that a taken address answers as slowly as a new one.
    const passwordHash = await ctx.hasher.hash(input.password);
    const emailGate = await ctx.platform.rateLimiter.hit(
      `identity:signup:email:${sha256Hex(fields.emailNormalized)}`,
      SIGNUP_MAIL_LIMIT.limit,
      SIGNUP_MAIL_LIMIT.windowMs,
    );
    // Past the per-address mail budget the request is dropped silently, as password resets are.
    if (!emailGate.allowed) return;
    const now = ctx.now();
    const { publicUrl } = ctx.platform.config;
    await ctx.db.transaction().execute(async (tx) => {
      const existing = await ctx.users.byEmail(tx, ctx.appId, fields.emailNormalized);
      if (existing?.email) {
        const mail = existingAccountMail(existing.locale, existing.display_name, {
          login: `${publicUrl}/login`,
          reset: `${publicUrl}/forgot-password`,
        });
        await ctx.platform.mail.send(tx, { appId: ctx.appId, to: existing.email, ...mail });
        return;
      }
      const token = randomSecret(32);
      await tx
        .insertInto('signup_requests')
        .values({
          token_hash: sha256Hex(token),
          app_id: ctx.appId,
          email: fields.email,
          email_normalized: fields.emailNormalized,
          password_hash: passwordHash,
          display_name: fields.displayName,
          created_at: now,
          expires_at: new Date(now.getTime() + VERIFY_TOKEN_TTL_MS),
        })
        .execute();
      await tx.deleteFrom('signup_requests').where('expires_at', '<=', now).execute();
      const link = `${publicUrl}/verify-email?token=${encodeURIComponent(token)}`;
      const mail = confirmSignupMail('en', fields.displayName, link);
      await ctx.platform.mail.send(tx, { appId: ctx.appId, to: fields.email, ...mail });
    });
    wakeWorkers(ctx.platform.bus);
  }

  /**
   * Creates the account of a sign-up link (its email verified) and signs it in; null if `token` is no
   * sign-up link, IDENTITY_TOKEN_INVALID if it expired or the address got an account meanwhile.
   */
  async complete(token: string, meta: RequestMeta): Promise<SignedIn | null> {
    const ctx = this.ctx;
    const now = ctx.now();
    const hash = sha256Hex(token);
    let created: SignedIn | null;
    try {
      created = await ctx.db.transaction().execute(async (tx) => {
        const request = await tx
          .deleteFrom('signup_requests')
          .where('token_hash', '=', hash)
          .returningAll()
          .executeTakeFirst();
        if (!request) return null;
        if (request.expires_at.getTime() <= now.getTime()) throw identityErrors.IDENTITY_TOKEN_INVALID();
        const user = await ctx.users.insert(tx, {
          id: newUserId(now),
          app_id: request.app_id,
          email: request.email,
          email_normalized: request.email_normalized,
          password_hash: request.password_hash,
          display_name: request.display_name,
          email_verified_at: now,
          created_at: now,
          updated_at: now,
        });
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
        return { user, session: await ctx.sessions.create(tx, user.id, meta, now) };
      });
    } catch (error) {
      if (isUniqueViolation(error, CONSTRAINTS.email)) throw identityErrors.IDENTITY_TOKEN_INVALID();
      throw error;
    }
    if (created) ctx.userCreated(created.user.id);
    return created;
  }
}

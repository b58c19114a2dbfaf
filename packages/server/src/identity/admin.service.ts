import { actorOf, SYSTEM_ACTOR } from '../audit/index.ts';
import type { UserRole } from '../platform/db/schema.ts';
import { randomSecret, safeEqual, sha256Hex } from '../platform/ids.ts';
import { newUserId } from './accounts.service.ts';
import type { IdentityContext, RequestMeta, SessionMeta, SignedIn } from './identity.context.ts';
import { identityErrors } from './identity.errors.ts';
import { CONSTRAINTS, isUniqueViolation, type UserRow } from './identity.store.ts';

/** Settings key holding the SHA-256 of the first-run setup token. */
export const SETUP_TOKEN_KEY = 'setup_token';

/** Instance administration of users, and creating the first admin. */
export class UserAdminService {
  constructor(private readonly ctx: IdentityContext) {}

  /** Users newest first, optionally matching `query` in email or display name. */
  list(filter: { query?: string; cursor?: string; limit: number }): Promise<UserRow[]> {
    return this.ctx.users.list(this.ctx.db, this.ctx.appId, filter);
  }

  /** Changes a user's role; refuses to demote the last admin. Their cached sessions pick it up at once. */
  async setRole(userId: string, role: UserRole, meta: SessionMeta): Promise<UserRow> {
    const ctx = this.ctx;
    const now = ctx.now();
    const user = await ctx.db.transaction().execute(async (tx) => {
      const target = await ctx.users.byId(tx, ctx.appId, userId);
      if (!target) throw identityErrors.IDENTITY_USER_NOT_FOUND();
      if (target.role === role) return target;
      if (target.role === 'admin') {
        const admins = await ctx.users.adminIds(tx, ctx.appId, true);
        if (!admins.some((id) => id !== target.id)) throw identityErrors.IDENTITY_LAST_ADMIN();
      }
      const updated = await ctx.users.update(tx, userId, { role, updated_at: now });
      if (!updated) throw identityErrors.IDENTITY_USER_NOT_FOUND();
      await ctx.audit.record(
        tx,
        {
          appId: ctx.appId,
          ...actorOf(meta.principal, meta.ip),
          action: 'user.role_change',
          targetType: 'user',
          targetId: userId,
          data: { from: target.role, to: role },
        },
        now,
      );
      return updated;
    });
    await ctx.sessions.forgetUser(userId);
    return user;
  }

  /**
   * Creates a verified admin, or promotes the account with this email and resets its password
   * (signing it out everywhere). Used by `pnptv admin create`.
   */
  async createAdmin(input: { email: string; password: string; displayName: string }): Promise<UserRow> {
    const ctx = this.ctx;
    const fields = ctx.checkNewAccount(input);
    const passwordHash = await ctx.hasher.hash(input.password);
    const attempt = async () => {
      const now = ctx.now();
      return ctx.db.transaction().execute(async (tx) => {
        const existing = await ctx.users.byEmail(tx, ctx.appId, fields.emailNormalized);
        let user: UserRow;
        let revoked: string[] = [];
        if (existing) {
          const updated = await ctx.users.update(tx, existing.id, {
            role: 'admin',
            password_hash: passwordHash,
            updated_at: now,
          });
          user = (await ctx.users.markVerified(tx, existing.id, now)) ?? updated ?? existing;
          revoked = await ctx.sessionStore.deleteForUser(tx, existing.id);
        } else {
          user = await ctx.users.insert(tx, {
            id: newUserId(now),
            app_id: ctx.appId,
            email: fields.email,
            email_normalized: fields.emailNormalized,
            password_hash: passwordHash,
            display_name: fields.displayName,
            role: 'admin',
            email_verified_at: now,
            created_at: now,
            updated_at: now,
          });
        }
        await ctx.settings.delete(tx, ctx.appId, SETUP_TOKEN_KEY);
        await ctx.audit.record(
          tx,
          {
            appId: ctx.appId,
            ...SYSTEM_ACTOR,
            action: 'user.admin_create',
            targetType: 'user',
            targetId: user.id,
            data: { promoted: existing !== undefined },
          },
          now,
        );
        return { user, revoked, created: !existing };
      });
    };
    let result: Awaited<ReturnType<typeof attempt>>;
    try {
      result = await attempt();
    } catch (error) {
      // Someone signed up with this email meanwhile: promote that account instead.
      if (!isUniqueViolation(error, CONSTRAINTS.email)) throw error;
      result = await attempt();
    }
    await ctx.sessions.forget(result.revoked);
    if (result.created) ctx.userCreated(result.user.id);
    return result.user;
  }

  /** Whether the first-admin setup page may be used: no admin exists yet. */
  async setupOpen(): Promise<boolean> {
    return !(await this.ctx.users.anyAdmin(this.ctx.db, this.ctx.appId));
  }

  /**
   * While no admin exists, issues a new one-time setup token (only its hash is kept) and returns the
   * boot message that tells the operator how to create the first admin; otherwise null.
   */
  async firstRunHint(): Promise<string | null> {
    const ctx = this.ctx;
    if (!(await this.setupOpen())) return null;
    const token = randomSecret(32);
    await ctx.settings.put(ctx.db, ctx.appId, SETUP_TOKEN_KEY, { hash: sha256Hex(token) }, ctx.now());
    const url = `${ctx.platform.config.publicUrl}/setup?token=${token}`;
    return `Create the first admin at ${url}, or run: npm run pnptv -- admin create --email you@example.com --password '…'`;
  }

  /** Creates the first admin with the setup token and signs them in. */
  async setup(
    input: { token: string; email: string; password: string; displayName: string },
    meta: RequestMeta,
  ): Promise<SignedIn> {
    const ctx = this.ctx;
    if (!(await this.setupOpen())) throw identityErrors.IDENTITY_SETUP_CLOSED();
    const stored = (await ctx.settings.get(ctx.db, ctx.appId, SETUP_TOKEN_KEY)) as
      | { hash?: unknown }
      | undefined;
    const hash = sha256Hex(input.token);
    if (typeof stored?.hash !== 'string' || !safeEqual(hash, stored.hash))
      throw identityErrors.IDENTITY_TOKEN_INVALID();
    const fields = ctx.checkNewAccount(input);
    const passwordHash = await ctx.hasher.hash(input.password);
    const now = ctx.now();
    let signedIn: SignedIn;
    try {
      signedIn = await ctx.db.transaction().execute(async (tx) => {
        // Compare-and-delete: of two concurrent setups only one gets the token.
        if (!(await ctx.settings.deleteIfEquals(tx, ctx.appId, SETUP_TOKEN_KEY, { hash }))) {
          throw (await ctx.users.anyAdmin(tx, ctx.appId))
            ? identityErrors.IDENTITY_SETUP_CLOSED()
            : identityErrors.IDENTITY_TOKEN_INVALID();
        }
        if (await ctx.users.anyAdmin(tx, ctx.appId)) throw identityErrors.IDENTITY_SETUP_CLOSED();
        const user = await ctx.users.insert(tx, {
          id: newUserId(now),
          app_id: ctx.appId,
          email: fields.email,
          email_normalized: fields.emailNormalized,
          password_hash: passwordHash,
          display_name: fields.displayName,
          role: 'admin',
          email_verified_at: now,
          created_at: now,
          updated_at: now,
        });
        const session = await ctx.sessions.create(tx, user.id, meta, now);
        await ctx.audit.record(
          tx,
          {
            appId: ctx.appId,
            actorType: 'user',
            actorId: user.id,
            ip: meta.ip,
            action: 'instance.setup',
            targetType: 'user',
            targetId: user.id,
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
}

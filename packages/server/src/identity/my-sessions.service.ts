import { actorOf } from '../audit/index.ts';
import type { Executor } from '../platform/db/schema.ts';
import type { IdentityContext, SessionMeta } from './identity.context.ts';
import { identityErrors } from './identity.errors.ts';
import { type DeviceSummary, publicSessionId, summariseUserAgent } from './sessions.rules.ts';

/** One of the signed-in user's sessions as they see it. */
export interface SessionView {
  id: string;
  device: DeviceSummary;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  current: boolean;
}

/** The signed-in user's own sessions: list them and sign any of them out. */
export class MySessionsService {
  constructor(private readonly ctx: IdentityContext) {}

  /** The user's live sessions, most recently seen first, the one asking marked `current`. */
  async list(meta: SessionMeta): Promise<SessionView[]> {
    const { ctx } = this;
    const rows = await ctx.sessionStore.liveForUser(ctx.db, meta.principal.user.id, ctx.now());
    return rows.map((row) => ({
      id: publicSessionId(row.id),
      device: summariseUserAgent(row.user_agent),
      userAgent: row.user_agent,
      ip: row.ip,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
      current: row.id === meta.principal.sessionId,
    }));
  }

  /**
   * Signs out one session by its public id; it stops working at once on every node (the cached
   * principal is dropped). Returns whether it was the session asking.
   */
  async revoke(meta: SessionMeta, publicId: string): Promise<{ current: boolean }> {
    const { ctx } = this;
    const userId = meta.principal.user.id;
    const now = ctx.now();
    const rows = await ctx.sessionStore.liveForUser(ctx.db, userId, now);
    const target = rows.find((row) => publicSessionId(row.id) === publicId);
    if (!target) throw identityErrors.IDENTITY_SESSION_NOT_FOUND();
    await ctx.db.transaction().execute(async (tx) => {
      await ctx.sessionStore.delete(tx, target.id);
      await this.audit(tx, meta, 'user.session_revoke', { sessions: 1 }, now);
    });
    await ctx.sessions.forget([target.id]);
    return { current: target.id === meta.principal.sessionId };
  }

  /** Signs out every session of the user except the one asking; returns how many. */
  async revokeOthers(meta: SessionMeta): Promise<number> {
    const { ctx } = this;
    const now = ctx.now();
    const ids = await ctx.db.transaction().execute(async (tx) => {
      const deleted = await ctx.sessionStore.deleteForUser(
        tx,
        meta.principal.user.id,
        meta.principal.sessionId,
      );
      if (deleted.length > 0)
        await this.audit(tx, meta, 'user.session_revoke', { sessions: deleted.length, others: true }, now);
      return deleted;
    });
    await ctx.sessions.forget(ids);
    return ids.length;
  }

  /** Deletes every session of a user inside the caller's transaction; pass the ids to `forget` after it commits. */
  revokeAllIn(tx: Executor, userId: string): Promise<string[]> {
    return this.ctx.sessionStore.deleteForUser(tx, userId);
  }

  /** Drops cached principals of deleted sessions, on every node. Call after the transaction commits. */
  forget(sessionIds: readonly string[]): Promise<void> {
    return this.ctx.sessions.forget(sessionIds);
  }

  private async audit(
    tx: Executor,
    meta: SessionMeta,
    action: string,
    data: Record<string, unknown>,
    now: Date,
  ): Promise<void> {
    await this.ctx.audit.record(
      tx,
      {
        appId: this.ctx.appId,
        ...actorOf(meta.principal, meta.ip),
        action,
        targetType: 'user',
        targetId: meta.principal.user.id,
        data,
      },
      now,
    );
  }
}

import { actorOf } from '../audit/index.ts';
import { newId } from '../platform/ids.ts';
import { wakeWorkers } from '../platform/jobs/index.ts';
import type { IdentityContext, SessionMeta } from './identity.context.ts';
import { identityErrors } from './identity.errors.ts';
import { applicationDecisionMail } from './identity.mails.ts';
import { roleAtLeast } from './identity.rules.ts';
import { type ApplicationRow, CONSTRAINTS, isUniqueViolation } from './identity.store.ts';

/** Members asking to become creators, and admins deciding. */
export class CreatorService {
  constructor(private readonly ctx: IdentityContext) {}

  /** Files an application for the signed-in member; one may be pending at a time. */
  async apply(note: string, meta: SessionMeta): Promise<ApplicationRow> {
    const ctx = this.ctx;
    const userId = meta.principal.user.id;
    const now = ctx.now();
    const id = newId('capp', now.getTime());
    try {
      return await ctx.db.transaction().execute(async (tx) => {
        const user = await ctx.users.byId(tx, ctx.appId, userId);
        if (!user) throw identityErrors.IDENTITY_USER_NOT_FOUND();
        if (roleAtLeast(user.role, 'creator')) throw identityErrors.IDENTITY_ALREADY_CREATOR();
        await ctx.applications.insert(tx, { id, app_id: ctx.appId, user_id: userId, note, created_at: now });
        await ctx.audit.record(
          tx,
          {
            appId: ctx.appId,
            ...actorOf(meta.principal, meta.ip),
            action: 'creator_application.create',
            targetType: 'creator_application',
            targetId: id,
          },
          now,
        );
        const row = await ctx.applications.byId(tx, ctx.appId, id);
        if (!row) throw new Error('the application just inserted is missing');
        return row;
      });
    } catch (error) {
      if (isUniqueViolation(error, CONSTRAINTS.pendingApplication))
        throw identityErrors.IDENTITY_APPLICATION_PENDING();
      throw error;
    }
  }

  /** The user's latest application, whatever its status. */
  async latest(userId: string): Promise<ApplicationRow | null> {
    return (await this.ctx.applications.latestOf(this.ctx.db, userId)) ?? null;
  }

  /** Applications newest first, optionally by status. */
  list(filter: {
    status?: ApplicationRow['status'];
    cursor?: string;
    limit: number;
  }): Promise<ApplicationRow[]> {
    return this.ctx.applications.list(this.ctx.db, this.ctx.appId, filter);
  }

  /** Approves a pending application: the member becomes a creator and is told by mail. */
  approve(id: string, meta: SessionMeta): Promise<ApplicationRow> {
    return this.decide(id, { approved: true }, meta);
  }

  /** Declines a pending application with a reason the applicant receives by mail. */
  reject(id: string, reason: string, meta: SessionMeta): Promise<ApplicationRow> {
    return this.decide(id, { approved: false, reason }, meta);
  }

  private async decide(
    id: string,
    decision: { approved: true } | { approved: false; reason: string },
    meta: SessionMeta,
  ): Promise<ApplicationRow> {
    const ctx = this.ctx;
    const now = ctx.now();
    const status = decision.approved ? 'approved' : 'rejected';
    const result = await ctx.db.transaction().execute(async (tx) => {
      const decided = await ctx.applications.decide(tx, id, {
        status,
        reason: decision.approved ? null : decision.reason,
        decidedBy: meta.principal.user.id,
        now,
      });
      if (!decided) {
        const exists = await ctx.applications.byId(tx, ctx.appId, id);
        throw exists
          ? identityErrors.IDENTITY_APPLICATION_DECIDED()
          : identityErrors.IDENTITY_APPLICATION_NOT_FOUND();
      }
      let user = await ctx.users.byId(tx, ctx.appId, decided.user_id);
      if (!user) throw identityErrors.IDENTITY_USER_NOT_FOUND();
      const promoted = decision.approved && !roleAtLeast(user.role, 'creator');
      if (promoted)
        user = (await ctx.users.update(tx, user.id, { role: 'creator', updated_at: now })) ?? user;
      if (user.email) {
        await ctx.platform.mail.send(tx, {
          appId: ctx.appId,
          to: user.email,
          ...applicationDecisionMail(user.locale, user.display_name, decision),
        });
      }
      await ctx.audit.record(
        tx,
        {
          appId: ctx.appId,
          ...actorOf(meta.principal, meta.ip),
          action: decision.approved ? 'creator_application.approve' : 'creator_application.reject',
          targetType: 'creator_application',
          targetId: id,
          data: { userId: user.id, ...(promoted ? { role: { from: 'member', to: 'creator' } } : {}) },
        },
        now,
      );
      const row = await ctx.applications.byId(tx, ctx.appId, id);
      if (!row) throw identityErrors.IDENTITY_APPLICATION_NOT_FOUND();
      return { row, userId: user.id, mailed: user.email !== null };
    });
    if (result.mailed) wakeWorkers(ctx.platform.bus);
    await ctx.sessions.forgetUser(result.userId);
    return result.row;
  }
}

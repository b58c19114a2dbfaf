import type { AuditStore } from '../audit/index.ts';
import { actorOf } from '../audit/index.ts';
import type { Executor, TeamRole } from '../platform/db/schema.ts';
import type { Platform } from '../platform/platform.ts';
import type { AccessService } from './access.service.ts';
import type { AppRecord, AppStore } from './apps.store.ts';
import type { MemberRecord, MemberStore } from './members.store.ts';
import { tenantErrors } from './tenants.errors.ts';
import { checkRemoval, decideRoleChange } from './tenants.rules.ts';
import type { SessionCaller } from './tenants.types.ts';

/**
 * Use cases of an app's team. Each change locks the app row and re-reads the caller's role
 * inside the transaction, so two admins acting at once cannot leave the team in a state the
 * rules forbid (no owner, two owners).
 */
export class MembersService {
  constructor(
    private readonly deps: {
      platform: Pick<Platform, 'db' | 'clock'>;
      audit: AuditStore;
      apps: AppStore;
      members: MemberStore;
      access: AccessService;
    },
  ) {}

  /** The app's team, newest user first. */
  list(appId: string, limit: number, cursor?: string): Promise<MemberRecord[]> {
    return this.deps.members.list(this.deps.platform.db, appId, limit, cursor);
  }

  /** Changes a member's role; `owner` transfers the ownership (the old owner becomes admin). */
  async changeRole(
    caller: SessionCaller,
    appId: string,
    userId: string,
    role: TeamRole,
  ): Promise<MemberRecord> {
    const actorId = caller.principal.user.id;
    const now = new Date(this.deps.platform.clock.now());
    const result = await this.deps.platform.db.transaction().execute(async (tx) => {
      const { app, actorRole } = await this.#lockAndActor(tx, appId, actorId);
      const target = await this.deps.members.find(tx, appId, userId);
      if (!target) throw tenantErrors.TENANTS_MEMBER_NOT_FOUND();
      const change = decideRoleChange(actorRole, target.role, role);
      if (change === 'unchanged') return { member: target, changed: false, app };
      await this.deps.members.setRole(tx, appId, userId, role);
      if (change === 'transfer') {
        await this.deps.members.setRole(tx, appId, actorId, 'admin');
        await this.deps.apps.setOwner(tx, appId, userId, now);
      }
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actorOf(caller.principal, caller.ip),
          action: 'member.update',
          targetType: 'user',
          targetId: userId,
          data: { from: target.role, to: role, ...(change === 'transfer' ? { previousOwner: actorId } : {}) },
        },
        now,
      );
      const updated: AppRecord = change === 'transfer' ? { ...app, ownerId: userId } : app;
      return { member: { ...target, role }, changed: true, app: updated, transfer: change === 'transfer' };
    });
    if (result.changed) await this.deps.access.memberChanged(appId, userId, role);
    if (result.transfer) {
      await this.deps.access.memberChanged(appId, actorId, 'admin');
      await this.deps.access.appChanged(appId, result.app);
    }
    return result.member;
  }

  /** Removes a member: admins remove editors and viewers, the owner anyone but itself, and anyone but the owner may leave. */
  async remove(caller: SessionCaller, appId: string, userId: string): Promise<void> {
    const actorId = caller.principal.user.id;
    const now = new Date(this.deps.platform.clock.now());
    await this.deps.platform.db.transaction().execute(async (tx) => {
      const { actorRole } = await this.#lockAndActor(tx, appId, actorId);
      const target = await this.deps.members.find(tx, appId, userId);
      if (!target) throw tenantErrors.TENANTS_MEMBER_NOT_FOUND();
      const self = userId === actorId;
      checkRemoval(actorRole, target.role, self);
      await this.deps.members.remove(tx, appId, userId);
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actorOf(caller.principal, caller.ip),
          action: 'member.remove',
          targetType: 'user',
          targetId: userId,
          data: { role: target.role, left: self },
        },
        now,
      );
    });
    await this.deps.access.memberChanged(appId, userId, null);
  }

  async #lockAndActor(
    tx: Executor,
    appId: string,
    actorId: string,
  ): Promise<{ app: AppRecord; actorRole: TeamRole }> {
    const app = await this.deps.apps.lockLive(tx, appId);
    if (!app) throw tenantErrors.TENANTS_APP_NOT_FOUND();
    const actorRole = await this.deps.members.roleIn(tx, appId, actorId);
    if (!actorRole) throw tenantErrors.TENANTS_APP_NOT_FOUND();
    return { app, actorRole };
  }
}

import type { AuditStore } from '../audit/index.ts';
import { actorOf } from '../audit/index.ts';
import { commonErrors } from '../platform/errors.ts';
import type { Principal } from '../platform/http/auth.ts';
import { newId } from '../platform/ids.ts';
import type { Platform } from '../platform/platform.ts';
import type { AccessService } from './access.service.ts';
import type { AppStore } from './apps.store.ts';
import type { InvitationStore } from './invitations.store.ts';
import type { ApiKeyAuthenticator } from './key-auth.ts';
import type { KeyStore } from './keys.store.ts';
import type { MemberStore } from './members.store.ts';
import { tenantErrors } from './tenants.errors.ts';
import { MAX_APPS_PER_USER } from './tenants.rules.ts';
import type { AppView, Caller, SessionCaller } from './tenants.types.ts';

/** Use cases of apps themselves: list, create, read, rename, delete. */
export class AppsService {
  constructor(
    private readonly deps: {
      platform: Pick<Platform, 'db' | 'clock'>;
      audit: AuditStore;
      apps: AppStore;
      members: MemberStore;
      keys: KeyStore;
      invitations: InvitationStore;
      access: AccessService;
      keyAuth: ApiKeyAuthenticator;
    },
  ) {}

  /** Apps a person belongs to, newest first; for an API key, just its own app. */
  async list(principal: Principal, limit: number, cursor?: string): Promise<AppView[]> {
    if (principal.kind === 'session') {
      return this.deps.apps.listForMember(this.deps.platform.db, principal.user.id, limit, cursor);
    }
    if (principal.kind === 'userToken')
      throw commonErrors.AUTH_FORBIDDEN('User tokens cannot list apps; use an API key');
    await this.deps.access.authorizeApp(principal, principal.appId, { role: 'viewer', scope: 'apps:read' });
    if (cursor && principal.appId >= cursor) return [];
    const app = await this.deps.access.appSummary(principal.appId);
    return app ? [{ ...app, role: null }] : [];
  }

  /** Creates an app owned by the caller, who becomes its owner member. */
  async create(caller: SessionCaller, input: { name: string }): Promise<AppView> {
    const userId = caller.principal.user.id;
    const name = input.name.trim();
    const now = new Date(this.deps.platform.clock.now());
    const id = newId('app', now.getTime());
    await this.deps.platform.db.transaction().execute(async (tx) => {
      await this.deps.apps.lockOwner(tx, userId);
      if ((await this.deps.apps.countOwned(tx, userId)) >= MAX_APPS_PER_USER)
        throw tenantErrors.TENANTS_APP_LIMIT();
      await this.deps.apps.insert(tx, { id, name, ownerId: userId }, now);
      await this.deps.members.add(tx, { appId: id, userId, role: 'owner' }, now);
      await this.deps.audit.record(
        tx,
        {
          appId: id,
          ...actorOf(caller.principal, caller.ip),
          action: 'app.create',
          targetType: 'app',
          targetId: id,
          data: { name },
        },
        now,
      );
    });
    await this.deps.access.memberChanged(id, userId, 'owner');
    return { id, name, ownerId: userId, role: 'owner', createdAt: now };
  }

  /** One app, as the caller sees it. */
  async get(principal: Principal, appId: string): Promise<AppView> {
    const access = await this.deps.access.authorizeApp(principal, appId, {
      role: 'viewer',
      scope: 'apps:read',
    });
    const app = await this.deps.access.appSummary(appId);
    if (!app) throw tenantErrors.TENANTS_APP_NOT_FOUND();
    return { ...app, role: access.teamRole };
  }

  /** Renames an app (admins and up, or a key with apps:write). */
  async rename(caller: Caller, appId: string, input: { name: string }): Promise<AppView> {
    const access = await this.deps.access.authorizeApp(caller.principal, appId, {
      role: 'admin',
      scope: 'apps:write',
    });
    const name = input.name.trim();
    const now = new Date(this.deps.platform.clock.now());
    const app = await this.deps.platform.db.transaction().execute(async (tx) => {
      const before = await this.deps.apps.lockLive(tx, appId);
      if (!before) throw tenantErrors.TENANTS_APP_NOT_FOUND();
      const renamed = await this.deps.apps.rename(tx, appId, name, now);
      if (!renamed) throw tenantErrors.TENANTS_APP_NOT_FOUND();
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actorOf(caller.principal, caller.ip),
          action: 'app.update',
          targetType: 'app',
          targetId: appId,
          data: { name, previousName: before.name },
        },
        now,
      );
      return renamed;
    });
    await this.deps.access.appChanged(appId, app);
    return {
      id: app.id,
      name: app.name,
      ownerId: app.ownerId,
      role: access.teamRole,
      createdAt: app.createdAt,
    };
  }

  /** Soft-deletes an app (owner only, signed in): its keys and open invitations are revoked with it. */
  async delete(caller: SessionCaller, appId: string): Promise<void> {
    await this.deps.access.authorizeApp(caller.principal, appId, { role: 'owner', scope: null });
    const now = new Date(this.deps.platform.clock.now());
    const { keyIds, memberIds } = await this.deps.platform.db.transaction().execute(async (tx) => {
      const app = await this.deps.apps.lockLive(tx, appId);
      if (!app) throw tenantErrors.TENANTS_APP_NOT_FOUND();
      if (app.ownerId !== caller.principal.user.id) throw commonErrors.AUTH_FORBIDDEN();
      await this.deps.apps.softDelete(tx, appId, now);
      const revokedKeys = await this.deps.keys.revokeAll(tx, appId, now);
      await this.deps.invitations.revokeAllOpen(tx, appId, now);
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actorOf(caller.principal, caller.ip),
          action: 'app.delete',
          targetType: 'app',
          targetId: appId,
          data: { name: app.name, revokedKeys: revokedKeys.length },
        },
        now,
      );
      return { keyIds: revokedKeys, memberIds: await this.deps.members.userIds(tx, appId) };
    });
    await this.deps.access.appChanged(appId, null);
    await this.deps.keyAuth.keysRevoked(keyIds);
    for (const userId of memberIds) await this.deps.access.memberChanged(appId, userId, null);
  }
}

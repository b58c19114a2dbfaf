import { type Cache, ParseMemo } from '../platform/cache/index.ts';
import type { Db, TeamRole } from '../platform/db/schema.ts';
import type { Principal } from '../platform/http/auth.ts';
import type { AppRecord, AppStore } from './apps.store.ts';
import type { MemberStore } from './members.store.ts';
import { type AccessNeed, type AppAccess, decideAccess } from './tenants.rules.ts';

/** How long a membership or app lookup is cached, ms. Changes made here update the cache at once. */
export const ACCESS_CACHE_TTL_MS = 10_000;

const NONE = '-';

/** An app's public fields as cached (no deletion time: only live apps are cached as such). */
export type AppSummary = Omit<AppRecord, 'deletedAt'>;

function roleKey(appId: string, userId: string): string {
  return `tenants:role:${appId}:${userId}`;
}

function appKey(appId: string): string {
  return `tenants:app:${appId}`;
}

/**
 * Answers "may this caller act on this app?" for every app-scoped route, with membership and
 * app lookups cached briefly. Loads use setIfAbsent and changes overwrite with the fresh value
 * after commit, so a load racing with a change cannot leave a stale entry behind.
 */
export class AccessService {
  readonly #summaries = new ParseMemo(parseSummary);

  constructor(private readonly deps: { db: Db; cache: Cache; apps: AppStore; members: MemberStore }) {}

  /**
   * Checks that `principal` may do something needing `need` on `appId`: team members by role,
   * API keys of that app by scope; user tokens never. Unknown, deleted or foreign apps are 404.
   */
  async authorizeApp(principal: Principal, appId: string, need: AccessNeed): Promise<AppAccess> {
    const memberRole = principal.kind === 'session' ? await this.memberRole(appId, principal.user.id) : null;
    return decideAccess(principal, appId, need, memberRole);
  }

  /** The user's role in a live app, or null; cached for ACCESS_CACHE_TTL_MS. */
  async memberRole(appId: string, userId: string): Promise<TeamRole | null> {
    const key = roleKey(appId, userId);
    const cached = await this.deps.cache.get(key);
    if (cached !== null) return cached === NONE ? null : (cached as TeamRole);
    const role = await this.deps.members.roleIn(this.deps.db, appId, userId);
    await this.deps.cache.setIfAbsent(key, role ?? NONE, ACCESS_CACHE_TTL_MS);
    return role;
  }

  /** A live tenant app's fields, or null; cached for ACCESS_CACHE_TTL_MS. */
  async appSummary(appId: string): Promise<AppSummary | null> {
    const key = appKey(appId);
    const cached = await this.deps.cache.get(key);
    if (cached !== null) return cached === NONE ? null : this.#summaries.get(cached);
    const app = await this.deps.apps.findLive(this.deps.db, appId);
    await this.deps.cache.setIfAbsent(key, app ? serialiseSummary(app) : NONE, ACCESS_CACHE_TTL_MS);
    return app;
  }

  /** Records a member's new role (null: no longer a member); call after the change commits. */
  async memberChanged(appId: string, userId: string, role: TeamRole | null): Promise<void> {
    await this.deps.cache.set(roleKey(appId, userId), role ?? NONE, ACCESS_CACHE_TTL_MS);
  }

  /** Records an app's new fields (null: deleted); call after the change commits. */
  async appChanged(appId: string, app: AppSummary | null): Promise<void> {
    await this.deps.cache.set(appKey(appId), app ? serialiseSummary(app) : NONE, ACCESS_CACHE_TTL_MS);
  }
}

function serialiseSummary(app: AppSummary): string {
  return JSON.stringify({
    id: app.id,
    name: app.name,
    ownerId: app.ownerId,
    createdAt: app.createdAt.getTime(),
  });
}

function parseSummary(text: string): AppSummary {
  const raw = JSON.parse(text) as { id: string; name: string; ownerId: string | null; createdAt: number };
  return { id: raw.id, name: raw.name, ownerId: raw.ownerId, createdAt: new Date(raw.createdAt) };
}

import { SITE_APP_ID, type TeamRole } from '../platform/db/schema.ts';
import { commonErrors } from '../platform/errors.ts';
import type { Principal } from '../platform/http/auth.ts';
import { tenantErrors } from './tenants.errors.ts';
import {
  isScope,
  isUserTokenScope,
  type Scope,
  USER_TOKEN_SCOPE_NAMES,
  type UserTokenScope,
} from './tenants.scopes.ts';

/** Rank of each team role: a role can do everything the roles below it can. */
export const TEAM_ROLE_RANK: Record<TeamRole, number> = { viewer: 1, editor: 2, admin: 3, owner: 4 };

/** Whether `role` is `need` or above it (owner > admin > editor > viewer). */
export function roleAtLeast(role: TeamRole, need: TeamRole): boolean {
  return TEAM_ROLE_RANK[role] >= TEAM_ROLE_RANK[need];
}

/** Most apps one user may own at a time (deleted apps don't count). */
export const MAX_APPS_PER_USER = 50;

/** What an app-scoped operation needs: a team role for people, a scope for API keys (null: people only). */
export interface AccessNeed {
  role: TeamRole;
  scope: Scope | null;
}

/** The result of a successful access check: the app, and the caller's team role (null for API keys). */
export interface AppAccess {
  appId: string;
  teamRole: TeamRole | null;
}

/**
 * Decides whether `principal` may act on `appId`. `memberRole` is the session user's role in
 * the app (null when not a member, or the app is deleted); it is ignored for other principals.
 * Non-members get 404 so that app ids cannot be probed.
 */
export function decideAccess(
  principal: Principal,
  appId: string,
  need: AccessNeed,
  memberRole: TeamRole | null,
): AppAccess {
  // The site itself is an app row too, but it is run by instance admins, never through tenant routes.
  if (appId === SITE_APP_ID) throw tenantErrors.TENANTS_APP_NOT_FOUND();
  switch (principal.kind) {
    case 'session':
      if (!memberRole) throw tenantErrors.TENANTS_APP_NOT_FOUND();
      if (!roleAtLeast(memberRole, need.role)) throw commonErrors.AUTH_FORBIDDEN();
      return { appId, teamRole: memberRole };
    case 'apiKey':
      if (principal.appId !== appId) throw tenantErrors.TENANTS_APP_NOT_FOUND();
      if (need.scope === null)
        throw commonErrors.AUTH_FORBIDDEN('This needs a signed-in team member, not an API key');
      if (!principal.scopes.includes(need.scope)) {
        throw commonErrors.AUTH_SCOPE_MISSING(`The API key needs the ${need.scope} scope for this`);
      }
      return { appId, teamRole: null };
    case 'userToken':
      throw commonErrors.AUTH_FORBIDDEN('User tokens cannot manage apps; use an API key');
  }
}

/** Checks the scopes asked for a new API key: non-empty, known, each once. Returns them typed. */
export function validateKeyScopes(scopes: readonly string[]): Scope[] {
  if (scopes.length === 0 || new Set(scopes).size !== scopes.length || !scopes.every(isScope)) {
    throw tenantErrors.TENANTS_SCOPES_INVALID();
  }
  return scopes as Scope[];
}

/** Checks the scopes asked for a user token (known, each once); none asked means every user token scope. */
export function resolveUserTokenScopes(scopes: readonly string[] | undefined): UserTokenScope[] {
  if (scopes === undefined) return [...USER_TOKEN_SCOPE_NAMES];
  if (scopes.length === 0 || new Set(scopes).size !== scopes.length || !scopes.every(isUserTokenScope)) {
    throw tenantErrors.TENANTS_SCOPES_INVALID(
      'Token scopes must be a non-empty list of known user token scopes',
    );
  }
  return scopes as UserTokenScope[];
}

/** User token lifetime bounds and default, seconds. */
export const TOKEN_TTL_S = { min: 60, max: 86_400, default: 3_600 } as const;

/** Prefix of API key secrets. */
export const KEY_SECRET_PREFIX = 'sk_';
/** Prefix of API key ids (`key_<suffix>`); the suffix is embedded in the secret. */
export const KEY_ID_PREFIX = 'key_';

const KEY_SUFFIX = /^[0-9a-z]{1,58}$/;
const KEY_RANDOM = /^[A-Za-z0-9_-]{43}$/;

/** The secret shown to the developer: `sk_<keyIdSuffix>_<43 chars of base64url random>`. */
export function formatKeySecret(keyId: string, random: string): string {
  if (!keyId.startsWith(KEY_ID_PREFIX)) throw new Error('not an API key id');
  return `${KEY_SECRET_PREFIX}${keyId.slice(KEY_ID_PREFIX.length)}_${random}`;
}

/**
 * The key id a secret belongs to, or null when the secret is not in our format. The random part
 * may itself contain `_` (base64url), so the id suffix is what comes before the first `_`.
 */
export function parseKeySecret(secret: string): { keyId: string } | null {
  if (!secret.startsWith(KEY_SECRET_PREFIX)) return null;
  const rest = secret.slice(KEY_SECRET_PREFIX.length);
  const cut = rest.indexOf('_');
  if (cut < 0) return null;
  const suffix = rest.slice(0, cut);
  if (!KEY_SUFFIX.test(suffix) || !KEY_RANDOM.test(rest.slice(cut + 1))) return null;
  return { keyId: `${KEY_ID_PREFIX}${suffix}` };
}

/** Whether a bearer credential looks like a JWT (three dot-separated parts) rather than an API key. */
export function looksLikeJwt(token: string): boolean {
  return token.split('.').length === 3;
}

/** How often an API key's `last_used_at` is written at most, ms: often enough for the console, rare enough for the hot path. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/** Whether to record a use of a key whose last recorded use was at `lastWrittenMs` (epoch ms; null: never). */
export function shouldRecordUse(lastWrittenMs: number | null, nowMs: number): boolean {
  return lastWrittenMs === null || nowMs - lastWrittenMs >= LAST_USED_WRITE_INTERVAL_MS;
}

/** What a role change does: nothing, a plain change, or handing the ownership over (the old owner becomes admin). */
export type RoleChange = 'unchanged' | 'change' | 'transfer';

/**
 * Decides a change of `targetRole` to `newRole` asked by a member with `actorRole` (already
 * known to be admin or owner). The owner's own role can't be changed here; only the owner can
 * grant admin, touch another admin, or transfer ownership.
 */
export function decideRoleChange(actorRole: TeamRole, targetRole: TeamRole, newRole: TeamRole): RoleChange {
  if (!roleAtLeast(actorRole, 'admin')) throw commonErrors.AUTH_FORBIDDEN();
  if (targetRole === 'owner') throw tenantErrors.TENANTS_OWNER_PROTECTED();
  const ownerOnly = newRole === 'owner' || newRole === 'admin' || targetRole === 'admin';
  if (ownerOnly && actorRole !== 'owner') throw commonErrors.AUTH_FORBIDDEN('Only the owner can do this');
  if (newRole === targetRole) return 'unchanged';
  return newRole === 'owner' ? 'transfer' : 'change';
}

/**
 * Decides whether a member with `actorRole` may remove a member with `targetRole`. Anyone
 * but the owner may leave; admins remove editors and viewers; only the owner removes admins.
 */
export function checkRemoval(actorRole: TeamRole, targetRole: TeamRole, self: boolean): void {
  if (targetRole === 'owner') throw tenantErrors.TENANTS_OWNER_PROTECTED();
  if (self) return;
  if (!roleAtLeast(actorRole, 'admin')) throw commonErrors.AUTH_FORBIDDEN();
  if (targetRole === 'admin' && actorRole !== 'owner')
    throw commonErrors.AUTH_FORBIDDEN('Only the owner can remove an admin');
}

/** Whether a member with `actorRole` may invite someone as `role`: admins invite editors and viewers, only the owner invites admins. */
export function checkInvite(actorRole: TeamRole, role: Exclude<TeamRole, 'owner'>): void {
  if (!roleAtLeast(actorRole, 'admin')) throw commonErrors.AUTH_FORBIDDEN();
  if (role === 'admin' && actorRole !== 'owner')
    throw commonErrors.AUTH_FORBIDDEN('Only the owner can invite admins');
}

/** How long an invitation link stays valid, ms (7 days). */
export const INVITATION_TTL_MS = 7 * 86_400_000;

/** Where an invitation stands at `now`. */
export type InvitationState = 'pending' | 'accepted' | 'revoked' | 'expired';

/** The state of an invitation from its timestamps. */
export function invitationState(
  invitation: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date },
  now: Date,
): InvitationState {
  if (invitation.acceptedAt) return 'accepted';
  if (invitation.revokedAt) return 'revoked';
  if (invitation.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'pending';
}

/** Email addresses compare case-insensitively and without surrounding spaces. */
export function sameEmail(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The role a member ends with after accepting an invitation: an invitation never lowers an existing role. */
export function roleAfterAccept(current: TeamRole | null, invited: Exclude<TeamRole, 'owner'>): TeamRole {
  if (current && roleAtLeast(current, invited)) return current;
  return invited;
}

import type { FastifyPluginAsync } from 'fastify';
import type { Platform } from '../platform/platform.ts';
import { adminUserRoutes } from './admin-users.routes.ts';
import { authRoutes } from './auth.routes.ts';
import { guardRoutes } from './guard.routes.ts';
import type { IdentityService } from './identity.service.ts';
import { meRoutes } from './me.routes.ts';
import { mfaRoutes } from './mfa.routes.ts';
import { sessionRoutes } from './sessions.routes.ts';

export type { RequestMeta, SessionMeta, SignInGate } from './identity.context.ts';
export { identityErrors } from './identity.errors.ts';
export { clearSessionCookie, metaOf, sessionMetaOf, setSessionCookie } from './identity.http.ts';
export { roleAtLeast } from './identity.rules.ts';
export {
  CreatorApplication,
  SessionResponse,
  toUser,
  type User as UserJson,
  User,
} from './identity.schemas.ts';
export { IdentityService } from './identity.service.ts';
export type { UserRow } from './identity.store.ts';
export type { SessionPrincipal } from './sessions.ts';

/** Every identity route under `/api/v1`: auth, the signed-in user's account, and user administration. */
export function identityRoutes(deps: { identity: IdentityService; platform: Platform }): FastifyPluginAsync {
  const plugins = [
    authRoutes(deps),
    meRoutes(deps),
    sessionRoutes(deps),
    adminUserRoutes(deps),
    mfaRoutes({ identity: deps.identity, config: deps.platform.config }),
  ];
  return async (app) => {
    for (const plugin of plugins) await app.register(plugin);
  };
}

/** The root-level `/auth/guard` route for nginx `auth_request`. */
export function authGuardRoutes(_deps: { identity: IdentityService }): FastifyPluginAsync {
  return guardRoutes();
}

export type { AccessService, AppSummary } from './access.service.ts';
export { tenantErrors } from './tenants.errors.ts';
export { jwksRoutes, tenantRoutes } from './tenants.routes.ts';
export type { AccessNeed, AppAccess } from './tenants.rules.ts';
export { decideAccess, roleAtLeast, TEAM_ROLE_RANK } from './tenants.rules.ts';
export {
  isScope,
  SCOPE_NAMES,
  SCOPES,
  type Scope,
  USER_TOKEN_SCOPES,
  type UserTokenScope,
} from './tenants.scopes.ts';
export { TenantService } from './tenants.service.ts';
export type { AppView, Caller, SessionCaller } from './tenants.types.ts';

import type { AuditRow, AuditStore } from '../audit/index.ts';
import type { Principal } from '../platform/http/auth.ts';
import { capLogger } from '../platform/log.ts';
import type { Platform } from '../platform/platform.ts';
import { AccessService } from './access.service.ts';
import { AppsService } from './apps.service.ts';
import { AppStore } from './apps.store.ts';
import { InvitationsService } from './invitations.service.ts';
import { InvitationStore } from './invitations.store.ts';
import { ApiKeyAuthenticator } from './key-auth.ts';
import { KeyRing } from './key-ring.ts';
import { KeysService } from './keys.service.ts';
import { KeyStore } from './keys.store.ts';
import { MembersService } from './members.service.ts';
import { MemberStore } from './members.store.ts';
import { SigningKeyStore } from './signing-keys.store.ts';
import type { AccessNeed, AppAccess } from './tenants.rules.ts';
import { looksLikeJwt } from './tenants.rules.ts';
import { TokensService } from './tokens.service.ts';

/** Longest bearer credential considered at all, characters (a user token is well under 1 KiB). */
const MAX_BEARER_LENGTH = 4096;

/**
 * The tenants capability: apps, their API keys and team, and user tokens. Other capabilities
 * use `authenticateBearer` (through the HTTP auth hook) and `authorizeApp` (on every app-scoped route).
 */
export class TenantService {
  readonly access: AccessService;
  readonly apps: AppsService;
  readonly keys: KeysService;
  readonly tokens: TokensService;
  readonly members: MembersService;
  readonly invitations: InvitationsService;
  readonly #keyAuth: ApiKeyAuthenticator;
  readonly #audit: AuditStore;
  readonly #platform: Platform;

  constructor(deps: { platform: Platform; audit: AuditStore }) {
    const { platform, audit } = deps;
    const { db, cache, clock } = platform;
    this.#platform = platform;
    this.#audit = audit;
    const apps = new AppStore();
    const members = new MemberStore();
    const keys = new KeyStore();
    const invitations = new InvitationStore();
    this.access = new AccessService({ db, cache, apps, members });
    this.#keyAuth = new ApiKeyAuthenticator({
      db,
      cache,
      clock,
      keys,
      log: capLogger(platform.log, 'tenants'),
    });
    this.apps = new AppsService({
      platform,
      audit,
      apps,
      members,
      keys,
      invitations,
      access: this.access,
      keyAuth: this.#keyAuth,
    });
    this.keys = new KeysService({ platform, audit, keys, auth: this.#keyAuth });
    const ring = new KeyRing({ db, clock, store: new SigningKeyStore() });
    this.tokens = new TokensService({ platform, audit, access: this.access, ring });
    this.members = new MembersService({ platform, audit, apps, members, access: this.access });
    this.invitations = new InvitationsService({
      platform,
      audit,
      apps,
      members,
      invitations,
      access: this.access,
    });
  }

  /** The principal for an `Authorization: Bearer` credential: an API key secret (`sk_…`) or a user token (JWT); null if invalid. */
  async authenticateBearer(
    token: string,
  ): Promise<Extract<Principal, { kind: 'apiKey' | 'userToken' }> | null> {
    if (token.length > MAX_BEARER_LENGTH) return null;
    if (looksLikeJwt(token)) return this.tokens.verify(token);
    return this.#keyAuth.authenticate(token);
  }

  /**
   * Whether `principal` may act on `appId` with `need`: members by team role (404 for
   * non-members, 403 below the role), API keys of that app by scope (`scope: null` refuses
   * keys), user tokens never. Throws the matching AppError; returns the caller's team role.
   */
  authorizeApp(principal: Principal, appId: string, need: AccessNeed): Promise<AppAccess> {
    return this.access.authorizeApp(principal, appId, need);
  }

  /** The app's audit log, newest first. */
  auditLog(appId: string, limit: number, cursor?: string): Promise<AuditRow[]> {
    return this.#audit.list(this.#platform.db, { appId, limit, cursor });
  }
}

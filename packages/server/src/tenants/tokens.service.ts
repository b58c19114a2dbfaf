import { decodeProtectedHeader, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { AuditStore } from '../audit/index.ts';
import { actorOf } from '../audit/index.ts';
import type { Principal } from '../platform/http/auth.ts';
import { randomSecret } from '../platform/ids.ts';
import type { Platform } from '../platform/platform.ts';
import type { AccessService } from './access.service.ts';
import { type KeyRing, TOKEN_ALG } from './key-ring.ts';
import { resolveUserTokenScopes, TOKEN_TTL_S } from './tenants.rules.ts';
import { isUserTokenScope } from './tenants.scopes.ts';
import type { Caller } from './tenants.types.ts';

/** Clock skew tolerated between nodes when checking `exp`, seconds. */
export const TOKEN_CLOCK_TOLERANCE_S = 5;
/** Longest accepted `sub` (the developer's own user id), characters. */
export const TOKEN_SUBJECT_MAX = 128;

/** A freshly minted user token. */
export interface MintedToken {
  token: string;
  expiresAt: Date;
}

/** Mints and verifies user tokens: JWTs signed with the instance key ring, one audience per app. */
export class TokensService {
  constructor(
    private readonly deps: {
      platform: Pick<Platform, 'db' | 'clock' | 'config'>;
      audit: AuditStore;
      access: AccessService;
      ring: KeyRing;
    },
  ) {}

  /** Mints a token for one of the app's users. The caller has passed `authorizeApp` for `tokens:mint`. */
  async mint(
    caller: Caller,
    appId: string,
    input: { userId: string; ttlSeconds?: number; scopes?: string[] },
  ): Promise<MintedToken> {
    const scopes = resolveUserTokenScopes(input.scopes);
    const ttl = input.ttlSeconds ?? TOKEN_TTL_S.default;
    const signer = await this.deps.ring.signer();
    const nowMs = this.deps.platform.clock.now();
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + ttl;
    const jti = randomSecret(16);
    const token = await new SignJWT({ scope: scopes.join(' ') })
      .setProtectedHeader({ alg: TOKEN_ALG, kid: signer.kid, typ: 'JWT' })
      .setIssuer(this.deps.platform.config.publicUrl)
      .setAudience(appId)
      .setSubject(input.userId)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(signer.privateKey);
    const expiresAt = new Date(exp * 1000);
    const now = new Date(nowMs);
    await this.deps.platform.db.transaction().execute(async (tx) => {
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actorOf(caller.principal, caller.ip),
          action: 'token.mint',
          targetType: 'user',
          targetId: input.userId,
          data: { jti, scopes, ttlSeconds: ttl, expiresAt: expiresAt.toISOString() },
        },
        now,
      );
    });
    return { token, expiresAt };
  }

  /**
   * The principal for a user token, or null when its signature, issuer, expiry, audience (a
   * live app) or claims are not right. Never throws: a bad token is just not a credential.
   */
  async verify(token: string): Promise<Extract<Principal, { kind: 'userToken' }> | null> {
    let kid: unknown;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== TOKEN_ALG) return null;
      kid = header.kid;
    } catch {
      return null;
    }
    if (typeof kid !== 'string' || kid.length > 64) return null;
    const key = await this.deps.ring.verifier(kid);
    if (!key) return null;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [TOKEN_ALG],
        issuer: this.deps.platform.config.publicUrl,
        clockTolerance: TOKEN_CLOCK_TOLERANCE_S,
        currentDate: new Date(this.deps.platform.clock.now()),
        requiredClaims: ['exp', 'iat', 'sub', 'aud', 'jti'],
      }));
    } catch {
      return null;
    }
    const { aud, sub, scope } = payload;
    if (typeof aud !== 'string' || typeof sub !== 'string' || typeof scope !== 'string') return null;
    if (sub.length === 0 || sub.length > TOKEN_SUBJECT_MAX) return null;
    const scopes = scope.split(' ');
    if (!scopes.every(isUserTokenScope)) return null;
    if (!(await this.deps.access.appSummary(aud))) return null;
    return { kind: 'userToken', appId: aud, userId: sub, scopes };
  }

  /** The public signing keys, for `/.well-known/jwks.json`. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: await this.deps.ring.publicJwks() };
  }
}

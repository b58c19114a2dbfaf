import type { Cache } from '../platform/cache/index.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import { type Db, type Executor, SITE_APP_ID } from '../platform/db/schema.ts';
import type { Principal } from '../platform/http/auth.ts';
import { randomSecret, sha256Hex } from '../platform/ids.ts';
import type { SessionStore } from './identity.store.ts';

/** The principal of a cookie session. */
export type SessionPrincipal = Extract<Principal, { kind: 'session' }>;

/** How long a resolved session stays cached, ms. Changes that matter invalidate it sooner. */
export const SESSION_CACHE_TTL_MS = 30_000;
/** `last_seen_at` is written at most this often per session, ms. */
export const TOUCH_INTERVAL_MS = 60_000;

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

interface CachedSession {
  principal: SessionPrincipal;
  /** Epoch ms when the session expires. */
  expiresAt: number;
}

/** A freshly created session: the cookie value to hand out once, and its CSRF token. */
export interface NewSession {
  token: string;
  id: string;
  csrfToken: string;
}

/**
 * Creates, resolves and revokes cookie sessions. Resolved sessions are cached for 30 s by session id,
 * on every node when the cache is Redis; anything that changes what a principal carries (logout,
 * password change, role or profile change) must call `forget` after its transaction commits.
 */
export class SessionManager {
  constructor(
    private readonly deps: { db: Db; cache: Cache; clock: Clock; config: Config; store: SessionStore },
  ) {}

  /** Session id of a cookie value: its SHA-256, so a database leak yields no usable cookie. */
  static idOf(token: string): string {
    return sha256Hex(token);
  }

  /** Creates a session inside the caller's transaction, clearing the user's expired ones on the way. */
  async create(
    tx: Executor,
    userId: string,
    meta: { ip: string | null; userAgent: string | null },
    now: Date,
  ): Promise<NewSession> {
    const token = randomSecret(32);
    const id = SessionManager.idOf(token);
    const csrfToken = randomSecret(24);
    await tx.deleteFrom('sessions').where('user_id', '=', userId).where('expires_at', '<=', now).execute();
    await this.deps.store.insert(tx, {
      id,
      app_id: SITE_APP_ID,
      user_id: userId,
      csrf_token: csrfToken,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 512) ?? null,
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + this.deps.config.sessionTtlS * 1000),
    });
    return { token, id, csrfToken };
  }

  /** The principal for a cookie value, or null if it is malformed, unknown or expired. */
  async authenticate(token: string): Promise<SessionPrincipal | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const id = SessionManager.idOf(token);
    const nowMs = this.deps.clock.now();
    const key = cacheKey(id);
    // A cache outage must not sign everyone out: fall back to the database.
    const cached = await this.deps.cache.get(key).catch(() => null);
    if (cached) {
      const entry = JSON.parse(cached) as CachedSession;
      if (entry.expiresAt > nowMs) return entry.principal;
      await this.deps.cache.delete(key).catch(() => {});
      return null;
    }
    const now = new Date(nowMs);
    const row = await this.deps.store.findLive(this.deps.db, id, now);
    if (!row) return null;
    if (nowMs - row.last_seen_at.getTime() >= TOUCH_INTERVAL_MS)
      await this.deps.store.touch(this.deps.db, id, now);
    const principal: SessionPrincipal = {
      kind: 'session',
      appId: row.app_id,
      user: {
        id: row.user_id,
        appId: row.app_id,
        email: row.email,
        displayName: row.display_name,
        role: row.role,
        emailVerified: row.email_verified_at !== null,
      },
      sessionId: id,
      csrfToken: row.csrf_token,
    };
    const expiresAt = row.expires_at.getTime();
    const ttl = Math.min(SESSION_CACHE_TTL_MS, expiresAt - nowMs);
    if (ttl > 0) {
      await this.deps.cache
        .set(key, JSON.stringify({ principal, expiresAt } satisfies CachedSession), ttl)
        .catch(() => {});
    }
    return principal;
  }

  /** Drops cached principals so the next request reads the database. Call after the change commits. */
  async forget(sessionIds: readonly string[]): Promise<void> {
    await Promise.all(sessionIds.map((id) => this.deps.cache.delete(cacheKey(id))));
  }

  /** Drops the cached principals of every session of `userId`. */
  async forgetUser(userId: string): Promise<void> {
    await this.forget(await this.deps.store.idsForUser(this.deps.db, userId));
  }
}

function cacheKey(sessionId: string): string {
  return `identity:session:${sessionId}`;
}

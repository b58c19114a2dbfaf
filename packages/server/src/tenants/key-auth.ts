import type { Logger } from 'pino';
import { type Cache, ParseMemo } from '../platform/cache/index.ts';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/schema.ts';
import type { Principal } from '../platform/http/auth.ts';
import { safeEqual, sha256Hex } from '../platform/ids.ts';
import type { KeyAuthRecord, KeyStore } from './keys.store.ts';
import { LAST_USED_WRITE_INTERVAL_MS, parseKeySecret, shouldRecordUse } from './tenants.rules.ts';

/** How long a key record is cached, ms. Rotation and revocation overwrite the entry at once. */
export const KEY_CACHE_TTL_MS = 30_000;

/** Most keys whose last recorded use this node remembers before it starts over (bounds memory). */
const MAX_TRACKED_USES = 10_000;

const NONE = '-';

/** The cached form of a key: just what authentication needs. */
interface CachedKey {
  appId: string;
  hash: string;
  scopes: string[];
  /** False once the key is revoked or its app deleted. */
  live: boolean;
  /** Last recorded use, epoch ms (null: never). */
  usedAt: number | null;
}

function cacheKey(keyId: string): string {
  return `tenants:key:${keyId}`;
}

function toCached(record: KeyAuthRecord): CachedKey {
  return {
    appId: record.appId,
    hash: record.secretHash,
    scopes: record.scopes,
    live: !record.revoked && !record.appDeleted,
    usedAt: record.lastUsedAt ? record.lastUsedAt.getTime() : null,
  };
}

/**
 * Authenticates `sk_…` secrets on the hot path: in steady state one cache read, one SHA-256 and
 * a constant-time compare; the database is read on a cache miss and written at most once a
 * minute per key (last use). Key changes overwrite the cache entry after commit.
 */
export class ApiKeyAuthenticator {
  /** Epoch ms of the last use this node wrote, per key id. */
  readonly #lastWrites = new Map<string, number>();
  readonly #parsed = new ParseMemo((raw) => JSON.parse(raw) as CachedKey);

  constructor(private readonly deps: { db: Db; cache: Cache; clock: Clock; keys: KeyStore; log: Logger }) {}

  /** The principal for an API key secret, or null when it is malformed, unknown, wrong, revoked or of a deleted app. */
  async authenticate(secret: string): Promise<Extract<Principal, { kind: 'apiKey' }> | null> {
    const parsed = parseKeySecret(secret);
    if (!parsed) return null;
    const { keyId } = parsed;
    const key = await this.#load(keyId);
    if (!key?.live) return null;
    if (!safeEqual(sha256Hex(secret), key.hash)) return null;
    await this.#recordUse(keyId, key);
    return { kind: 'apiKey', appId: key.appId, keyId, scopes: key.scopes };
  }

  /** Puts a key's fresh state in the cache; call after the change that produced it commits. */
  async keyChanged(keyId: string, record: KeyAuthRecord): Promise<void> {
    await this.deps.cache.set(cacheKey(keyId), JSON.stringify(toCached(record)), KEY_CACHE_TTL_MS);
  }

  /** Marks keys dead in the cache (revoked, or their app deleted); call after commit. */
  async keysRevoked(keyIds: string[]): Promise<void> {
    for (const keyId of keyIds) await this.deps.cache.set(cacheKey(keyId), NONE, KEY_CACHE_TTL_MS);
  }

  async #load(keyId: string): Promise<CachedKey | null> {
    const key = cacheKey(keyId);
    const cached = await this.deps.cache.get(key);
    if (cached !== null) return cached === NONE ? null : this.#parsed.get(cached);
    const record = await this.deps.keys.findForAuth(this.deps.db, keyId);
    const value = record ? toCached(record) : null;
    // Unknown ids are cached too, so random secrets cannot make every request hit the database.
    await this.deps.cache.setIfAbsent(key, value ? JSON.stringify(value) : NONE, KEY_CACHE_TTL_MS);
    return value;
  }

  async #recordUse(keyId: string, key: CachedKey): Promise<void> {
    const now = this.deps.clock.now();
    const last = this.#lastWrites.get(keyId) ?? key.usedAt;
    if (!shouldRecordUse(last, now)) return;
    if (this.#lastWrites.size >= MAX_TRACKED_USES) this.#lastWrites.clear();
    this.#lastWrites.set(keyId, now);
    try {
      await this.deps.keys.touch(
        this.deps.db,
        key.appId,
        keyId,
        new Date(now),
        new Date(now - LAST_USED_WRITE_INTERVAL_MS),
      );
    } catch (error) {
      // Recording the last use is informative only; a failure must not refuse a valid key.
      this.deps.log.warn({ err: error, keyId }, 'could not record API key use');
    }
  }
}

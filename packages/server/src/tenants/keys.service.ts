import type { AuditStore } from '../audit/index.ts';
import { actorOf } from '../audit/index.ts';
import { newId, randomSecret, sha256Hex } from '../platform/ids.ts';
import type { Platform } from '../platform/platform.ts';
import type { ApiKeyAuthenticator } from './key-auth.ts';
import type { KeyRecord, KeyStore } from './keys.store.ts';
import { tenantErrors } from './tenants.errors.ts';
import { formatKeySecret, KEY_ID_PREFIX, validateKeyScopes } from './tenants.rules.ts';
import type { Caller } from './tenants.types.ts';

/** A key together with the secret shown this once. */
export interface KeyWithSecret {
  key: KeyRecord;
  secret: string;
}

/** Bytes of randomness in a key secret: 32 bytes = 43 base64url characters. */
const SECRET_BYTES = 32;

function freshSecret(keyId: string): { secret: string; hash: string } {
  const secret = formatKeySecret(keyId, randomSecret(SECRET_BYTES));
  return { secret, hash: sha256Hex(secret) };
}

/** Use cases of an app's API keys. Callers have already passed `authorizeApp`. */
export class KeysService {
  constructor(
    private readonly deps: {
      platform: Pick<Platform, 'db' | 'clock'>;
      audit: AuditStore;
      keys: KeyStore;
      auth: ApiKeyAuthenticator;
    },
  ) {}

  /** The app's keys, newest first, revoked ones included. */
  list(appId: string, limit: number, cursor?: string): Promise<KeyRecord[]> {
    return this.deps.keys.list(this.deps.platform.db, appId, limit, cursor);
  }

  /** Creates a key. An API key caller can only hand out scopes it holds itself. */
  async create(
    caller: Caller,
    appId: string,
    input: { name: string; scopes: string[] },
  ): Promise<KeyWithSecret> {
    const scopes = validateKeyScopes(input.scopes);
    const { principal } = caller;
    if (principal.kind === 'apiKey' && !scopes.every((s) => principal.scopes.includes(s))) {
      throw tenantErrors.TENANTS_SCOPE_ESCALATION();
    }
    const now = new Date(this.deps.platform.clock.now());
    const id = newId(KEY_ID_PREFIX.slice(0, -1), now.getTime());
    const { secret, hash } = freshSecret(id);
    const name = input.name.trim();
    const key = await this.deps.platform.db.transaction().execute(async (tx) => {
      const created = await this.deps.keys.insert(
        tx,
        {
          id,
          appId,
          name,
          scopes,
          secretHash: hash,
          createdBy: principal.kind === 'session' ? principal.user.id : null,
        },
        now,
      );
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actorOf(principal, caller.ip),
          action: 'api_key.create',
          targetType: 'api_key',
          targetId: id,
          data: { name, scopes },
        },
        now,
      );
      return created;
    });
    await this.#cacheFresh(key);
    return { key, secret };
  }

  /** Gives a live key a new secret; the old one stops working at once. */
  async rotate(caller: Caller, appId: string, keyId: string): Promise<KeyWithSecret> {
    const now = new Date(this.deps.platform.clock.now());
    const { secret, hash } = freshSecret(keyId);
    const key = await this.deps.platform.db.transaction().execute(async (tx) => {
      const rotated = await this.deps.keys.replaceSecret(tx, appId, keyId, hash);
      if (!rotated) throw await this.#missing(tx, appId, keyId);
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actorOf(caller.principal, caller.ip),
          action: 'api_key.rotate',
          targetType: 'api_key',
          targetId: keyId,
        },
        now,
      );
      return rotated;
    });
    await this.#cacheFresh(key);
    return { key, secret };
  }

  /** Revokes a live key for good; it fails authentication from now on. */
  async revoke(caller: Caller, appId: string, keyId: string): Promise<void> {
    const now = new Date(this.deps.platform.clock.now());
    await this.deps.platform.db.transaction().execute(async (tx) => {
      const revoked = await this.deps.keys.revoke(tx, appId, keyId, now);
      if (!revoked) throw await this.#missing(tx, appId, keyId);
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actorOf(caller.principal, caller.ip),
          action: 'api_key.revoke',
          targetType: 'api_key',
          targetId: keyId,
          data: { name: revoked.name },
        },
        now,
      );
    });
    await this.deps.auth.keysRevoked([keyId]);
  }

  async #missing(tx: Parameters<KeyStore['find']>[0], appId: string, keyId: string) {
    const existing = await this.deps.keys.find(tx, appId, keyId);
    return existing ? tenantErrors.TENANTS_KEY_REVOKED() : tenantErrors.TENANTS_KEY_NOT_FOUND();
  }

  async #cacheFresh(key: KeyRecord): Promise<void> {
    await this.deps.auth.keyChanged(key.id, {
      id: key.id,
      appId: key.appId,
      secretHash: key.secretHash,
      scopes: key.scopes,
      revoked: key.revokedAt !== null,
      appDeleted: false,
      lastUsedAt: key.lastUsedAt,
    });
  }
}

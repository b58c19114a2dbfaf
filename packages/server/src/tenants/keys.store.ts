import type { Executor } from '../platform/db/schema.ts';

/** An API key as stored; the secret itself is never stored, only its SHA-256. */
export interface KeyRecord {
  id: string;
  appId: string;
  name: string;
  scopes: string[];
  secretHash: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** What authentication needs to know about a key, app liveness included. */
export interface KeyAuthRecord {
  id: string;
  appId: string;
  secretHash: string;
  scopes: string[];
  revoked: boolean;
  appDeleted: boolean;
  lastUsedAt: Date | null;
}

const COLUMNS = [
  'id',
  'app_id as appId',
  'name',
  'scopes',
  'secret_hash as secretHash',
  'created_by as createdBy',
  'created_at as createdAt',
  'last_used_at as lastUsedAt',
  'revoked_at as revokedAt',
] as const;

/** SQL for `api_keys`. Every query names the app, except the authentication lookup, which starts from the key id alone. */
export class KeyStore {
  async insert(
    db: Executor,
    key: {
      id: string;
      appId: string;
      name: string;
      scopes: string[];
      secretHash: string;
      createdBy: string | null;
    },
    now: Date,
  ): Promise<KeyRecord> {
    return db
      .insertInto('api_keys')
      .values({
        id: key.id,
        app_id: key.appId,
        name: key.name,
        scopes: JSON.stringify(key.scopes),
        secret_hash: key.secretHash,
        created_by: key.createdBy,
        created_at: now,
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
  }

  /** One key of the app, revoked or not. */
  async find(db: Executor, appId: string, keyId: string): Promise<KeyRecord | null> {
    const row = await db
      .selectFrom('api_keys')
      .select(COLUMNS)
      .where('app_id', '=', appId)
      .where('id', '=', keyId)
      .executeTakeFirst();
    return row ?? null;
  }

  /** The app's keys newest first, revoked ones included. */
  async list(db: Executor, appId: string, limit: number, cursor?: string): Promise<KeyRecord[]> {
    let query = db.selectFrom('api_keys').select(COLUMNS).where('app_id', '=', appId);
    if (cursor) query = query.where('id', '<', cursor);
    return query.orderBy('id', 'desc').limit(limit).execute();
  }

  /** The key behind a presented secret, joined with its app's state. */
  async findForAuth(db: Executor, keyId: string): Promise<KeyAuthRecord | null> {
    const row = await db
      .selectFrom('api_keys')
      .innerJoin('apps', 'apps.id', 'api_keys.app_id')
      .select([
        'api_keys.id',
        'api_keys.app_id as appId',
        'api_keys.secret_hash as secretHash',
        'api_keys.scopes',
        'api_keys.revoked_at as revokedAt',
        'api_keys.last_used_at as lastUsedAt',
        'apps.deleted_at as appDeletedAt',
      ])
      .where('api_keys.id', '=', keyId)
      .executeTakeFirst();
    if (!row) return null;
    return {
      id: row.id,
      appId: row.appId,
      secretHash: row.secretHash,
      scopes: row.scopes,
      revoked: row.revokedAt !== null,
      appDeleted: row.appDeletedAt !== null,
      lastUsedAt: row.lastUsedAt,
    };
  }

  /** Replaces the secret of a live key; null when the key is unknown or revoked. */
  async replaceSecret(
    db: Executor,
    appId: string,
    keyId: string,
    secretHash: string,
  ): Promise<KeyRecord | null> {
    const row = await db
      .updateTable('api_keys')
      .set({ secret_hash: secretHash })
      .where('app_id', '=', appId)
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .returning(COLUMNS)
      .executeTakeFirst();
    return row ?? null;
  }

  /** Revokes a live key; null when it is unknown or already revoked. */
  async revoke(db: Executor, appId: string, keyId: string, now: Date): Promise<KeyRecord | null> {
    const row = await db
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('app_id', '=', appId)
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .returning(COLUMNS)
      .executeTakeFirst();
    return row ?? null;
  }

  /** Revokes every live key of the app; returns their ids. */
  async revokeAll(db: Executor, appId: string, now: Date): Promise<string[]> {
    const rows = await db
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('app_id', '=', appId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Records a use, unless one after `notBefore` is already recorded (so racing nodes write once). */
  async touch(db: Executor, appId: string, keyId: string, now: Date, notBefore: Date): Promise<void> {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: now })
      .where('app_id', '=', appId)
      .where('id', '=', keyId)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', notBefore)]))
      .execute();
  }
}

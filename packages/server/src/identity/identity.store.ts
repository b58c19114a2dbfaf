import { sql } from 'kysely';
import type { Executor, NewRow, Row } from '../platform/db/schema.ts';
import { escapeLike } from './identity.rules.ts';

/** A user row. */
export type UserRow = Row<'users'>;
/** A session row with the fields of its user the principal needs. */
export type SessionWithUser = Row<'sessions'> & {
  email: string | null;
  display_name: string;
  role: UserRow['role'];
  email_verified_at: Date | null;
};
/** A creator application with the applicant's public fields. */
export type ApplicationRow = Row<'creator_applications'> & {
  user_email: string | null;
  user_display_name: string;
};
/** Purpose of a one-time token. */
export type TokenPurpose = Row<'one_time_tokens'>['purpose'];

/** Whether `error` is a unique-constraint violation (on `constraint` if given), on PGlite and PostgreSQL alike. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; constraint?: unknown };
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/** Unique constraints the identity tables rely on, named as PostgreSQL names them. */
export const CONSTRAINTS = {
  email: 'users_app_id_email_normalized_key',
  telegram: 'users_app_id_telegram_id_key',
  pendingApplication: 'creator_applications_pending_idx',
} as const;

/** Users and their pending changes. Every method takes the executor so callers can pass a transaction. */
export class UserStore {
  async insert(db: Executor, row: NewRow<'users'>): Promise<UserRow> {
    return db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async byId(db: Executor, appId: string, id: string): Promise<UserRow | undefined> {
    return db
      .selectFrom('users')
      .selectAll()
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async byEmail(db: Executor, appId: string, emailNormalized: string): Promise<UserRow | undefined> {
    return db
      .selectFrom('users')
      .selectAll()
      .where('app_id', '=', appId)
      .where('email_normalized', '=', emailNormalized)
      .executeTakeFirst();
  }

  async byTelegram(db: Executor, appId: string, telegramId: number): Promise<UserRow | undefined> {
    return db
      .selectFrom('users')
      .selectAll()
      .where('app_id', '=', appId)
      .where('telegram_id', '=', telegramId)
      .executeTakeFirst();
  }

  async update(
    db: Executor,
    id: string,
    patch: Partial<Omit<NewRow<'users'>, 'id' | 'app_id' | 'created_at'>> & { updated_at: Date },
  ): Promise<UserRow | undefined> {
    return db.updateTable('users').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
  }

  /** Marks the email verified unless it already was (keeps the first verification time). */
  async markVerified(db: Executor, id: string, now: Date): Promise<UserRow | undefined> {
    return db
      .updateTable('users')
      .set({ email_verified_at: sql<Date>`coalesce(email_verified_at, ${now})`, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** Users newest first, optionally matching `query` in the email or display name (wildcards taken literally). */
  async list(
    db: Executor,
    appId: string,
    filter: { query?: string; cursor?: string; limit: number },
  ): Promise<UserRow[]> {
    let q = db.selectFrom('users').selectAll().where('app_id', '=', appId);
    if (filter.query) {
      const pattern = `%${escapeLike(filter.query)}%`;
      q = q.where((eb) =>
        eb.or([
          sql<boolean>`${eb.ref('email')} ILIKE ${pattern} ESCAPE '\\'`,
          sql<boolean>`${eb.ref('display_name')} ILIKE ${pattern} ESCAPE '\\'`,
        ]),
      );
    }
    if (filter.cursor) q = q.where('id', '<', filter.cursor);
    return q.orderBy('id', 'desc').limit(filter.limit).execute();
  }

  /**
   * Ids of the app's admins. With `lock`, the rows are locked until the transaction ends, so two
   * concurrent demotions cannot both see the other admin and leave none.
   */
  async adminIds(db: Executor, appId: string, lock = false): Promise<string[]> {
    let q = db.selectFrom('users').select('id').where('app_id', '=', appId).where('role', '=', 'admin');
    if (lock) q = q.forUpdate();
    return (await q.execute()).map((r) => r.id);
  }

  async anyAdmin(db: Executor, appId: string): Promise<boolean> {
    const row = await db
      .selectFrom('users')
      .select('id')
      .where('app_id', '=', appId)
      .where('role', '=', 'admin')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}

/** Sessions, stored under the SHA-256 of the cookie value. */
export class SessionStore {
  async insert(db: Executor, row: NewRow<'sessions'>): Promise<void> {
    await db.insertInto('sessions').values(row).execute();
  }

  /** The session and its user, if the session exists and has not expired at `now`. */
  async findLive(db: Executor, id: string, now: Date): Promise<SessionWithUser | undefined> {
    return db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .selectAll('s')
      .select(['u.email', 'u.display_name', 'u.role', 'u.email_verified_at'])
      .where('s.id', '=', id)
      .where('s.expires_at', '>', now)
      .executeTakeFirst();
  }

  async touch(db: Executor, id: string, now: Date): Promise<void> {
    await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  }

  /** Deletes one session; returns whether it existed. */
  async delete(db: Executor, id: string): Promise<boolean> {
    const rows = await db.deleteFrom('sessions').where('id', '=', id).returning('id').execute();
    return rows.length > 0;
  }

  /** Deletes every session of a user except `keepId`; returns the deleted ids (for cache invalidation). */
  async deleteForUser(db: Executor, userId: string, keepId?: string): Promise<string[]> {
    let q = db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepId) q = q.where('id', '!=', keepId);
    return (await q.returning('id').execute()).map((r) => r.id);
  }

  /** A user's sessions still live at `now`, most recently seen first. */
  async liveForUser(db: Executor, userId: string, now: Date): Promise<Row<'sessions'>[]> {
    return db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .orderBy('last_seen_at', 'desc')
      .orderBy('id')
      .execute();
  }

  async idsForUser(db: Executor, userId: string): Promise<string[]> {
    return (await db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute()).map(
      (r) => r.id,
    );
  }

  /** Removes sessions that expired before `now`; returns how many. */
  async deleteExpired(db: Executor, now: Date): Promise<number> {
    const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** One-time tokens for mail links, stored as SHA-256. */
export class TokenStore {
  async insert(db: Executor, row: NewRow<'one_time_tokens'>): Promise<void> {
    await db.insertInto('one_time_tokens').values(row).execute();
  }

  /** The user a still usable token belongs to, without using it. */
  async peek(db: Executor, hash: string, purpose: TokenPurpose, now: Date): Promise<string | undefined> {
    const row = await db
      .selectFrom('one_time_tokens')
      .select('user_id')
      .where('token_hash', '=', hash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row?.user_id;
  }

  /** Uses a token: succeeds for exactly one caller, and only while it is unused and unexpired. */
  async consume(db: Executor, hash: string, purpose: TokenPurpose, now: Date): Promise<string | undefined> {
    const row = await db
      .updateTable('one_time_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', hash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    return row?.user_id;
  }

  /** Uses up every open token of a user for `purpose` (older reset links die with the one used). */
  async consumeAll(db: Executor, userId: string, purpose: TokenPurpose, now: Date): Promise<void> {
    await db
      .updateTable('one_time_tokens')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .execute();
  }
}

/** Creator applications. */
export class ApplicationStore {
  async insert(db: Executor, row: NewRow<'creator_applications'>): Promise<void> {
    await db.insertInto('creator_applications').values(row).execute();
  }

  private select(db: Executor) {
    return db
      .selectFrom('creator_applications as a')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .selectAll('a')
      .select(['u.email as user_email', 'u.display_name as user_display_name']);
  }

  async byId(db: Executor, appId: string, id: string): Promise<ApplicationRow | undefined> {
    return this.select(db).where('a.app_id', '=', appId).where('a.id', '=', id).executeTakeFirst();
  }

  async latestOf(db: Executor, userId: string): Promise<ApplicationRow | undefined> {
    return this.select(db)
      .where('a.user_id', '=', userId)
      .orderBy('a.id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async list(
    db: Executor,
    appId: string,
    filter: { status?: ApplicationRow['status']; cursor?: string; limit: number },
  ): Promise<ApplicationRow[]> {
    let q = this.select(db).where('a.app_id', '=', appId);
    if (filter.status) q = q.where('a.status', '=', filter.status);
    if (filter.cursor) q = q.where('a.id', '<', filter.cursor);
    return q.orderBy('a.id', 'desc').limit(filter.limit).execute();
  }

  /** Decides a pending application; undefined if it was not pending (already decided, or missing). */
  async decide(
    db: Executor,
    id: string,
    decision: { status: 'approved' | 'rejected'; reason: string | null; decidedBy: string; now: Date },
  ): Promise<{ user_id: string } | undefined> {
    return db
      .updateTable('creator_applications')
      .set({
        status: decision.status,
        reason: decision.reason,
        decided_by: decision.decidedBy,
        decided_at: decision.now,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .returning('user_id')
      .executeTakeFirst();
  }
}

/** Per-app settings rows (identity keeps the first-run setup token here). */
export class SettingsStore {
  async get(db: Executor, appId: string, key: string): Promise<unknown> {
    const row = await db
      .selectFrom('settings')
      .select('value')
      .where('app_id', '=', appId)
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  }

  async put(db: Executor, appId: string, key: string, value: unknown, now: Date): Promise<void> {
    const json = JSON.stringify(value);
    await db
      .insertInto('settings')
      .values({ app_id: appId, key, value: json, updated_at: now })
      .onConflict((oc) => oc.columns(['app_id', 'key']).doUpdateSet({ value: json, updated_at: now }))
      .execute();
  }

  /** Deletes the setting if its value equals `value`; returns whether it did (a compare-and-delete). */
  async deleteIfEquals(db: Executor, appId: string, key: string, value: unknown): Promise<boolean> {
    const rows = await db
      .deleteFrom('settings')
      .where('app_id', '=', appId)
      .where('key', '=', key)
      .where(sql<boolean>`value = ${JSON.stringify(value)}::jsonb`)
      .returning('key')
      .execute();
    return rows.length > 0;
  }

  async delete(db: Executor, appId: string, key: string): Promise<void> {
    await db.deleteFrom('settings').where('app_id', '=', appId).where('key', '=', key).execute();
  }
}

import type { Executor, NewRow, Row } from '../platform/db/schema.ts';

/** An export row. */
export type ExportRow = Row<'account_exports'>;
/** A deletion request row. */
export type DeletionRow = Row<'account_deletions'>;

/** Export rows without their archive (what status checks need). */
const EXPORT_FIELDS = [
  'id',
  'app_id',
  'user_id',
  'status',
  'progress',
  'size_bytes',
  'error',
  'created_at',
  'finished_at',
  'expires_at',
] as const;

/** Whether `error` is the "one running export per member" unique violation. */
export function isRunningExportConflict(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && e.constraint === 'account_exports_running_idx';
}

/** Data exports: SQL that runs on PGlite and PostgreSQL. */
export class ExportStore {
  async insert(db: Executor, row: NewRow<'account_exports'>): Promise<void> {
    await db.insertInto('account_exports').values(row).execute();
  }

  /** One export of a user, without its archive. */
  async find(db: Executor, userId: string, id: string) {
    return db
      .selectFrom('account_exports')
      .select(EXPORT_FIELDS)
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The user's exports, newest first, without archives. */
  async list(db: Executor, userId: string, limit: number) {
    return db
      .selectFrom('account_exports')
      .select(EXPORT_FIELDS)
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  async archive(db: Executor, userId: string, id: string): Promise<string | null> {
    const row = await db
      .selectFrom('account_exports')
      .select('archive')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.archive ?? null;
  }

  /** Moves a queued (or re-run) export to running; false when it is no longer waiting to be built. */
  async start(db: Executor, id: string): Promise<ExportRow | undefined> {
    return db
      .updateTable('account_exports')
      .set({ status: 'running', progress: 0 })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .returningAll()
      .executeTakeFirst();
  }

  async progress(db: Executor, id: string, progress: number): Promise<void> {
    await db.updateTable('account_exports').set({ progress }).where('id', '=', id).execute();
  }

  async finish(db: Executor, id: string, archive: string, now: Date, expiresAt: Date): Promise<void> {
    await db
      .updateTable('account_exports')
      .set({
        status: 'ready',
        progress: 100,
        archive,
        size_bytes: Buffer.byteLength(archive),
        finished_at: now,
        expires_at: expiresAt,
      })
      .where('id', '=', id)
      .execute();
  }

  async fail(db: Executor, id: string, error: string, now: Date): Promise<void> {
    await db
      .updateTable('account_exports')
      .set({ status: 'failed', error: error.slice(0, 500), finished_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** Drops the archive of an export past its download window; returns whether it did. */
  async expire(db: Executor, id: string, now: Date): Promise<boolean> {
    const rows = await db
      .updateTable('account_exports')
      .set({ status: 'expired', archive: null })
      .where('id', '=', id)
      .where('status', '=', 'ready')
      .where('expires_at', '<=', now)
      .returning('id')
      .execute();
    return rows.length > 0;
  }

  async deleteForUser(db: Executor, userId: string): Promise<void> {
    await db.deleteFrom('account_exports').where('user_id', '=', userId).execute();
  }
}

/** Deletion requests. */
export class DeletionStore {
  async find(db: Executor, userId: string, lock = false): Promise<DeletionRow | undefined> {
    let q = db.selectFrom('account_deletions').selectAll().where('user_id', '=', userId);
    if (lock) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** Records a new request, replacing a cancelled one (a row exists only while pending or once erased). */
  async insert(db: Executor, row: NewRow<'account_deletions'>): Promise<void> {
    await db.insertInto('account_deletions').values(row).execute();
  }

  async setCancelToken(db: Executor, userId: string, hash: string, expiresAt: Date): Promise<void> {
    await db
      .updateTable('account_deletions')
      .set({ cancel_token_hash: hash, cancel_token_expires_at: expiresAt })
      .where('user_id', '=', userId)
      .execute();
  }

  /** Removes a pending request whose cancel token is `hash` and still valid; returns its user. */
  async cancelByToken(
    db: Executor,
    hash: string,
    now: Date,
  ): Promise<{ user_id: string; app_id: string } | undefined> {
    return db
      .deleteFrom('account_deletions')
      .where('cancel_token_hash', '=', hash)
      .where('cancel_token_expires_at', '>', now)
      .where('erased_at', 'is', null)
      .returning(['user_id', 'app_id'])
      .executeTakeFirst();
  }

  async markErased(db: Executor, userId: string, now: Date, forfeited: number): Promise<void> {
    await db
      .updateTable('account_deletions')
      .set({
        erased_at: now,
        forfeited_coins: forfeited,
        cancel_token_hash: null,
        cancel_token_expires_at: null,
      })
      .where('user_id', '=', userId)
      .execute();
  }
}

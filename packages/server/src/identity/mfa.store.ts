import type { Executor, Row } from '../platform/db/schema.ts';

/** A user's TOTP enrolment row. */
export type TotpRow = Row<'user_totp'>;

/** TOTP secrets and recovery codes. */
export class MfaStore {
  async totp(db: Executor, userId: string): Promise<TotpRow | undefined> {
    return db.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  /** Stores a new pending secret, replacing an unconfirmed one; never touches an enabled enrolment. */
  async putPending(
    db: Executor,
    row: { user_id: string; app_id: string; secret_sealed: string; created_at: Date },
  ): Promise<boolean> {
    const result = await db
      .insertInto('user_totp')
      .values({ ...row, last_time_step: 0 })
      .onConflict((oc) =>
        oc
          .column('user_id')
          .doUpdateSet({ secret_sealed: row.secret_sealed, created_at: row.created_at, last_time_step: 0 })
          .where('user_totp.enabled_at', 'is', null),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Enables a pending enrolment with the step of its first code; false if it was enabled meanwhile. */
  async enable(db: Executor, userId: string, timeStep: number, now: Date): Promise<boolean> {
    const result = await db
      .updateTable('user_totp')
      .set({ enabled_at: now, last_time_step: timeStep })
      .where('user_id', '=', userId)
      .where('enabled_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Records that a code for `timeStep` was used; false if that step (or a later one) was used already. */
  async advanceStep(db: Executor, userId: string, timeStep: number): Promise<boolean> {
    const result = await db
      .updateTable('user_totp')
      .set({ last_time_step: timeStep })
      .where('user_id', '=', userId)
      .where('enabled_at', 'is not', null)
      .where('last_time_step', '<', timeStep)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deleteAll(db: Executor, userId: string): Promise<boolean> {
    await db.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
    const result = await db.deleteFrom('user_totp').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Replaces every recovery code of the user with `hashes`. */
  async replaceCodes(db: Executor, userId: string, hashes: readonly string[], now: Date): Promise<void> {
    await db.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
    await db
      .insertInto('user_recovery_codes')
      .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: now })))
      .execute();
  }

  /** Spends an unused recovery code; false if there is none with this hash. */
  async useCode(db: Executor, userId: string, hash: string, now: Date): Promise<boolean> {
    const result = await db
      .updateTable('user_recovery_codes')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('code_hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async unusedCodes(db: Executor, userId: string): Promise<number> {
    const rows = await db
      .selectFrom('user_recovery_codes')
      .select('code_hash')
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute();
    return rows.length;
  }
}

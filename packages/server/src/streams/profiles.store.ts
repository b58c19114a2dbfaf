import type { Executor, Row } from '../platform/db/schema.ts';
import type { Rung } from './streams.rules.ts';

/** A custom transcoding profile row. */
export type ProfileRow = Row<'transcoding_profiles'>;

/** SQL of custom transcoding profiles, per app. */
export class ProfileStore {
  async find(db: Executor, appId: string, name: string): Promise<ProfileRow | undefined> {
    return db
      .selectFrom('transcoding_profiles')
      .selectAll()
      .where('app_id', '=', appId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  async list(db: Executor, appId: string): Promise<ProfileRow[]> {
    return db
      .selectFrom('transcoding_profiles')
      .selectAll()
      .where('app_id', '=', appId)
      .orderBy('name')
      .execute();
  }

  async upsert(db: Executor, appId: string, name: string, rungs: Rung[], now: Date): Promise<ProfileRow> {
    const value = JSON.stringify(rungs);
    return db
      .insertInto('transcoding_profiles')
      .values({ app_id: appId, name, rungs: value, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['app_id', 'name']).doUpdateSet({ rungs: value, updated_at: now }))
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Deletes a profile; false when there was none. */
  async delete(db: Executor, appId: string, name: string): Promise<boolean> {
    const result = await db
      .deleteFrom('transcoding_profiles')
      .where('app_id', '=', appId)
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

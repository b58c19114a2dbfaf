import type { Executor, NewRow, Row } from '../platform/db/schema.ts';

/** A stored restream target (its key sealed). */
export type RestreamTargetRow = Row<'restream_targets'>;

/** Fields of a target that can change. */
export type RestreamTargetChanges = Partial<
  Pick<RestreamTargetRow, 'name' | 'url' | 'key_sealed' | 'key_hint' | 'enabled'>
>;

/** SQL of restream targets; every query is scoped to the stream (and so to its app). */
export class RestreamStore {
  async insert(db: Executor, row: NewRow<'restream_targets'>): Promise<RestreamTargetRow> {
    return db.insertInto('restream_targets').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** The stream's targets, oldest first; only enabled ones when `enabledOnly`. */
  async list(db: Executor, streamId: string, enabledOnly = false): Promise<RestreamTargetRow[]> {
    let query = db.selectFrom('restream_targets').selectAll().where('stream_id', '=', streamId);
    if (enabledOnly) query = query.where('enabled', '=', true);
    return query.orderBy('id').execute();
  }

  async count(db: Executor, streamId: string): Promise<number> {
    const row = await db
      .selectFrom('restream_targets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('stream_id', '=', streamId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async find(db: Executor, streamId: string, id: string): Promise<RestreamTargetRow | undefined> {
    return db
      .selectFrom('restream_targets')
      .selectAll()
      .where('stream_id', '=', streamId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async update(
    db: Executor,
    streamId: string,
    id: string,
    changes: RestreamTargetChanges,
    now: Date,
  ): Promise<RestreamTargetRow | undefined> {
    return db
      .updateTable('restream_targets')
      .set({ ...changes, updated_at: now })
      .where('stream_id', '=', streamId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** Deletes a target; false when there was none. */
  async delete(db: Executor, streamId: string, id: string): Promise<boolean> {
    const result = await db
      .deleteFrom('restream_targets')
      .where('stream_id', '=', streamId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

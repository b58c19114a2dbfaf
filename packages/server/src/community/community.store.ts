import type { Executor, Row } from '../platform/db/schema.ts';
import { secondsInRoom } from './community.rules.ts';

/** A member row of the community room. */
export type CommunityMemberRow = Row<'community_members'>;

/** SQL of the community room; every query is scoped to an app. */
export class CommunityStore {
  /** The app's room, created with the default capacity on first use; locked when `lock`. */
  async room(db: Executor, appId: string, lock = false): Promise<Row<'community_rooms'>> {
    await db
      .insertInto('community_rooms')
      .values({ app_id: appId })
      .onConflict((oc) => oc.column('app_id').doNothing())
      .execute();
    let query = db.selectFrom('community_rooms').selectAll().where('app_id', '=', appId);
    if (lock) query = query.forUpdate();
    return query.executeTakeFirstOrThrow();
  }

  async setCapacity(db: Executor, appId: string, capacity: number): Promise<void> {
    await db.updateTable('community_rooms').set({ capacity }).where('app_id', '=', appId).execute();
  }

  async member(db: Executor, appId: string, userId: string): Promise<CommunityMemberRow | undefined> {
    return db
      .selectFrom('community_members')
      .selectAll()
      .where('app_id', '=', appId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  async presentCount(db: Executor, appId: string): Promise<number> {
    const row = await db
      .selectFrom('community_members')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('app_id', '=', appId)
      .where('present_since', 'is not', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Who is in the room, longest present first. */
  async present(db: Executor, appId: string): Promise<CommunityMemberRow[]> {
    return db
      .selectFrom('community_members')
      .selectAll()
      .where('app_id', '=', appId)
      .where('present_since', 'is not', null)
      .orderBy('present_since')
      .orderBy('user_id')
      .execute();
  }

  /** Marks a user present now (creating their member row on the first visit). */
  async enter(
    db: Executor,
    row: { app_id: string; user_id: string; name: string; role: CommunityMemberRow['role']; now: Date },
  ): Promise<CommunityMemberRow> {
    return db
      .insertInto('community_members')
      .values({
        app_id: row.app_id,
        user_id: row.user_id,
        name: row.name,
        role: row.role,
        present_since: row.now,
        first_joined_at: row.now,
      })
      .onConflict((oc) =>
        oc
          .columns(['app_id', 'user_id'])
          .doUpdateSet({ name: row.name, role: row.role, present_since: row.now }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Ends a user's visit, adding its length to their total; false if they were not present. */
  async exit(db: Executor, appId: string, userId: string, now: Date): Promise<boolean> {
    const row = await db
      .selectFrom('community_members')
      .select(['present_since', 'total_seconds'])
      .where('app_id', '=', appId)
      .where('user_id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!row?.present_since) return false;
    await db
      .updateTable('community_members')
      .set({
        total_seconds: secondsInRoom(row.total_seconds, row.present_since, now.getTime()),
        present_since: null,
      })
      .where('app_id', '=', appId)
      .where('user_id', '=', userId)
      .execute();
    return true;
  }

  async restrict(
    db: Executor,
    appId: string,
    userId: string,
    set: { muted_until?: Date | null; removed_until?: Date | null },
  ): Promise<void> {
    await db
      .updateTable('community_members')
      .set(set)
      .where('app_id', '=', appId)
      .where('user_id', '=', userId)
      .execute();
  }

  /** Candidates for the leaderboard: the top by stored total plus everyone present now. */
  async leaderboardRows(db: Executor, appId: string, limit: number): Promise<CommunityMemberRow[]> {
    const top = await db
      .selectFrom('community_members')
      .selectAll()
      .where('app_id', '=', appId)
      .orderBy('total_seconds', 'desc')
      .limit(limit)
      .execute();
    const present = await this.present(db, appId);
    const byId = new Map(top.map((r) => [r.user_id, r]));
    for (const r of present) byId.set(r.user_id, r);
    return [...byId.values()];
  }
}

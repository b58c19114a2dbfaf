import type { Executor, TeamRole } from '../platform/db/schema.ts';

/** A team member with the profile fields the console shows. */
export interface MemberRecord {
  appId: string;
  userId: string;
  email: string | null;
  displayName: string;
  role: TeamRole;
  createdAt: Date;
}

/** SQL for `app_members`. Every query names the app. */
export class MemberStore {
  /** The user's role in a live app, or null (not a member, or the app is deleted). */
  async roleIn(db: Executor, appId: string, userId: string): Promise<TeamRole | null> {
    const row = await db
      .selectFrom('app_members')
      .innerJoin('apps', 'apps.id', 'app_members.app_id')
      .select('app_members.role')
      .where('app_members.app_id', '=', appId)
      .where('app_members.user_id', '=', userId)
      .where('apps.deleted_at', 'is', null)
      .executeTakeFirst();
    return row?.role ?? null;
  }

  /** One member of the app with their profile. */
  async find(db: Executor, appId: string, userId: string): Promise<MemberRecord | null> {
    const rows = await this.#select(db, appId).where('app_members.user_id', '=', userId).execute();
    return rows[0] ?? null;
  }

  /** Members newest user first (user ids sort by creation time), paginated by user id. */
  async list(db: Executor, appId: string, limit: number, cursor?: string): Promise<MemberRecord[]> {
    let query = this.#select(db, appId);
    if (cursor) query = query.where('app_members.user_id', '<', cursor);
    return query.orderBy('app_members.user_id', 'desc').limit(limit).execute();
  }

  /** User ids of every member of the app. */
  async userIds(db: Executor, appId: string): Promise<string[]> {
    const rows = await db.selectFrom('app_members').select('user_id').where('app_id', '=', appId).execute();
    return rows.map((r) => r.user_id);
  }

  /** Adds a member; false when the user already was one (their role is left alone). */
  async add(
    db: Executor,
    member: { appId: string; userId: string; role: TeamRole },
    now: Date,
  ): Promise<boolean> {
    const row = await db
      .insertInto('app_members')
      .values({ app_id: member.appId, user_id: member.userId, role: member.role, created_at: now })
      .onConflict((oc) => oc.columns(['app_id', 'user_id']).doNothing())
      .returning('user_id')
      .executeTakeFirst();
    return Boolean(row);
  }

  /** Sets a member's role; false when the user is not a member. */
  async setRole(db: Executor, appId: string, userId: string, role: TeamRole): Promise<boolean> {
    const row = await db
      .updateTable('app_members')
      .set({ role })
      .where('app_id', '=', appId)
      .where('user_id', '=', userId)
      .returning('user_id')
      .executeTakeFirst();
    return Boolean(row);
  }

  /** Removes a member; false when the user was not one. */
  async remove(db: Executor, appId: string, userId: string): Promise<boolean> {
    const row = await db
      .deleteFrom('app_members')
      .where('app_id', '=', appId)
      .where('user_id', '=', userId)
      .returning('user_id')
      .executeTakeFirst();
    return Boolean(row);
  }

  #select(db: Executor, appId: string) {
    return db
      .selectFrom('app_members')
      .innerJoin('users', 'users.id', 'app_members.user_id')
      .select([
        'app_members.app_id as appId',
        'app_members.user_id as userId',
        'users.email as email',
        'users.display_name as displayName',
        'app_members.role as role',
        'app_members.created_at as createdAt',
      ])
      .where('app_members.app_id', '=', appId);
  }
}

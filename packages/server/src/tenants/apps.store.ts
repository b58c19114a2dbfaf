import type { Executor, TeamRole } from '../platform/db/schema.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';

/** An app (tenant) as stored. */
export interface AppRecord {
  id: string;
  name: string;
  ownerId: string | null;
  createdAt: Date;
  deletedAt: Date | null;
}

/** An app together with one member's role in it. */
export interface AppWithRole extends AppRecord {
  role: TeamRole;
}

function toRecord(row: {
  id: string;
  name: string;
  owner_id: string | null;
  created_at: Date;
  deleted_at: Date | null;
}): AppRecord {
  return {
    id: row.id,
    name: row.name,
    ownerId: row.owner_id,
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
  };
}

/** SQL for the `apps` table. Every query names the app; the site app is never returned. */
export class AppStore {
  /** Inserts a new app owned by `ownerId` (the owner's membership row is the caller's to add). */
  async insert(db: Executor, app: { id: string; name: string; ownerId: string }, now: Date): Promise<void> {
    await db
      .insertInto('apps')
      .values({ id: app.id, name: app.name, owner_id: app.ownerId, created_at: now, updated_at: now })
      .execute();
  }

  /** A live (not deleted) tenant app, or null. */
  async findLive(db: Executor, appId: string): Promise<AppRecord | null> {
    if (appId === SITE_APP_ID) return null;
    const row = await db
      .selectFrom('apps')
      .select(['id', 'name', 'owner_id', 'created_at', 'deleted_at'])
      .where('id', '=', appId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  /** Locks a live tenant app's row until the transaction ends (serialises team changes). */
  async lockLive(db: Executor, appId: string): Promise<AppRecord | null> {
    if (appId === SITE_APP_ID) return null;
    const row = await db
      .selectFrom('apps')
      .select(['id', 'name', 'owner_id', 'created_at', 'deleted_at'])
      .where('id', '=', appId)
      .where('deleted_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  /** Live apps `userId` is a member of, newest first, with the user's role. */
  async listForMember(db: Executor, userId: string, limit: number, cursor?: string): Promise<AppWithRole[]> {
    let query = db
      .selectFrom('apps')
      .innerJoin('app_members', 'app_members.app_id', 'apps.id')
      .select([
        'apps.id',
        'apps.name',
        'apps.owner_id',
        'apps.created_at',
        'apps.deleted_at',
        'app_members.role',
      ])
      .where('app_members.user_id', '=', userId)
      .where('apps.deleted_at', 'is', null)
      .where('apps.id', '!=', SITE_APP_ID);
    if (cursor) query = query.where('apps.id', '<', cursor);
    const rows = await query.orderBy('apps.id', 'desc').limit(limit).execute();
    return rows.map((row) => ({ ...toRecord(row), role: row.role }));
  }

  /** Number of live apps `userId` owns. */
  async countOwned(db: Executor, userId: string): Promise<number> {
    const row = await db
      .selectFrom('apps')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('owner_id', '=', userId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Locks the user's row so that concurrent app creations by one user are counted one after the other. */
  async lockOwner(db: Executor, userId: string): Promise<void> {
    await db.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
  }

  /** Renames a live tenant app; null when it is not live. */
  async rename(db: Executor, appId: string, name: string, now: Date): Promise<AppRecord | null> {
    const row = await db
      .updateTable('apps')
      .set({ name, updated_at: now })
      .where('id', '=', appId)
      .where('id', '!=', SITE_APP_ID)
      .where('deleted_at', 'is', null)
      .returning(['id', 'name', 'owner_id', 'created_at', 'deleted_at'])
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  /** Records the app's new owner (ownership transfer). */
  async setOwner(db: Executor, appId: string, userId: string, now: Date): Promise<void> {
    await db.updateTable('apps').set({ owner_id: userId, updated_at: now }).where('id', '=', appId).execute();
  }

  /** Marks the app deleted; false when it was not live. */
  async softDelete(db: Executor, appId: string, now: Date): Promise<boolean> {
    const row = await db
      .updateTable('apps')
      .set({ deleted_at: now, updated_at: now })
      .where('id', '=', appId)
      .where('id', '!=', SITE_APP_ID)
      .where('deleted_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    return Boolean(row);
  }
}

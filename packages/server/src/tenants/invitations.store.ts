import type { Executor, TeamRole } from '../platform/db/schema.ts';

/** Role an invitation can offer (ownership is only ever transferred, never offered). */
export type InvitableRole = Exclude<TeamRole, 'owner'>;

/** An invitation to an app's team; its token is stored as SHA-256 only. */
export interface InvitationRecord {
  id: string;
  appId: string;
  email: string;
  role: InvitableRole;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  acceptedBy: string | null;
  revokedAt: Date | null;
}

const COLUMNS = [
  'id',
  'app_id as appId',
  'email',
  'role',
  'invited_by as invitedBy',
  'created_at as createdAt',
  'expires_at as expiresAt',
  'accepted_at as acceptedAt',
  'accepted_by as acceptedBy',
  'revoked_at as revokedAt',
] as const;

/** SQL for `app_invitations`. Every query names the app, except the lookup by token, which is how an app is found. */
export class InvitationStore {
  async insert(
    db: Executor,
    inv: {
      id: string;
      appId: string;
      email: string;
      role: InvitableRole;
      tokenHash: string;
      invitedBy: string;
      expiresAt: Date;
    },
    now: Date,
  ): Promise<InvitationRecord> {
    return db
      .insertInto('app_invitations')
      .values({
        id: inv.id,
        app_id: inv.appId,
        email: inv.email,
        role: inv.role,
        token_hash: inv.tokenHash,
        invited_by: inv.invitedBy,
        created_at: now,
        expires_at: inv.expiresAt,
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
  }

  /** One invitation of the app, in any state. */
  async find(db: Executor, appId: string, id: string): Promise<InvitationRecord | null> {
    const row = await db
      .selectFrom('app_invitations')
      .select(COLUMNS)
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ?? null;
  }

  /** The invitation a link's token belongs to, in any state. */
  async findByTokenHash(db: Executor, tokenHash: string): Promise<InvitationRecord | null> {
    const row = await db
      .selectFrom('app_invitations')
      .select(COLUMNS)
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row ?? null;
  }

  /** Invitations not revoked (pending and accepted), newest first. */
  async list(db: Executor, appId: string, limit: number, cursor?: string): Promise<InvitationRecord[]> {
    let query = db
      .selectFrom('app_invitations')
      .select(COLUMNS)
      .where('app_id', '=', appId)
      .where('revoked_at', 'is', null);
    if (cursor) query = query.where('id', '<', cursor);
    return query.orderBy('id', 'desc').limit(limit).execute();
  }

  /** Revokes an invitation still open (not accepted nor revoked); false otherwise. */
  async revoke(db: Executor, appId: string, id: string, now: Date): Promise<boolean> {
    const row = await db
      .updateTable('app_invitations')
      .set({ revoked_at: now })
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    return Boolean(row);
  }

  /** Revokes the open invitations to `email` (compared case-insensitively); returns their ids. */
  async revokeOpenFor(db: Executor, appId: string, email: string, now: Date): Promise<string[]> {
    const rows = await db
      .updateTable('app_invitations')
      .set({ revoked_at: now })
      .where('app_id', '=', appId)
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Revokes every open invitation of the app (when it is deleted). */
  async revokeAllOpen(db: Executor, appId: string, now: Date): Promise<void> {
    await db
      .updateTable('app_invitations')
      .set({ revoked_at: now })
      .where('app_id', '=', appId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /**
   * Marks an open, unexpired invitation accepted by `userId`. Returns false when another
   * request used, revoked or outlived it first, so a token works exactly once.
   */
  async markAccepted(db: Executor, appId: string, id: string, userId: string, now: Date): Promise<boolean> {
    const row = await db
      .updateTable('app_invitations')
      .set({ accepted_at: now, accepted_by: userId })
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('id')
      .executeTakeFirst();
    return Boolean(row);
  }

  /** Whether a user with this email (case-insensitive) is already a member of the app. */
  async emailIsMember(db: Executor, appId: string, email: string): Promise<boolean> {
    const row = await db
      .selectFrom('app_members')
      .innerJoin('users', 'users.id', 'app_members.user_id')
      .select('app_members.user_id')
      .where('app_members.app_id', '=', appId)
      .where((eb) => eb(eb.fn('lower', ['users.email']), '=', email.toLowerCase()))
      .executeTakeFirst();
    return Boolean(row);
  }
}

import type { Executor, Row } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';

/** One audited mutation. */
export interface AuditEntry {
  appId: string;
  actorType: 'user' | 'api_key' | 'system';
  actorId: string | null;
  /** Dotted verb, e.g. `app.create`, `api_key.revoke`. */
  action: string;
  targetType?: string;
  targetId?: string;
  ip?: string | null;
  data?: Record<string, unknown>;
}

export type AuditRow = Row<'audit_log'>;

/** The append-only audit log. Writes join the caller's transaction so a change and its record commit together. */
export class AuditStore {
  async record(db: Executor, entry: AuditEntry, now: Date): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({
        id: newId('aud', now.getTime()),
        app_id: entry.appId,
        actor_type: entry.actorType,
        actor_id: entry.actorId,
        action: entry.action,
        target_type: entry.targetType ?? null,
        target_id: entry.targetId ?? null,
        ip: entry.ip ?? null,
        data: JSON.stringify(entry.data ?? {}),
        created_at: now,
      })
      .execute();
  }

  /** Newest first; all apps when `appId` is null (instance admins). */
  async list(
    db: Executor,
    filter: { appId: string | null; limit: number; cursor?: string; action?: string },
  ): Promise<AuditRow[]> {
    let query = db.selectFrom('audit_log').selectAll();
    if (filter.appId) query = query.where('app_id', '=', filter.appId);
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.cursor) query = query.where('id', '<', filter.cursor);
    return query.orderBy('id', 'desc').limit(filter.limit).execute();
  }
}

import { sql } from 'kysely';
import type { Executor, Row } from '../platform/db/schema.ts';

export type EndpointRow = Row<'webhook_endpoints'>;
export type DeliveryRow = Row<'webhook_deliveries'>;
/** A delivery without its payload, as lists show it. */
export type DeliverySummary = Omit<DeliveryRow, 'payload'>;
export type DeliveryStatus = DeliveryRow['status'];

/** Fields of an endpoint that can change after creation. */
export interface EndpointChanges {
  url?: string;
  events?: string[];
  description?: string;
  enabled?: boolean;
  disabled_reason?: string | null;
  consecutive_failures?: number;
  secret?: string;
}

const SUMMARY_COLUMNS = [
  'id',
  'app_id',
  'endpoint_id',
  'message_id',
  'event_type',
  'status',
  'attempts',
  'last_status_code',
  'last_error',
  'last_attempt_at',
  'next_attempt_at',
  'created_at',
] as const;

/**
 * SQL for endpoints and deliveries. Every query is scoped by app id, so an id from another
 * app is simply not found. Runs unchanged on PGlite and PostgreSQL.
 */
export class WebhookStore {
  async countEndpoints(db: Executor, appId: string): Promise<number> {
    const row = await db
      .selectFrom('webhook_endpoints')
      .select(db.fn.countAll<number>().as('n'))
      .where('app_id', '=', appId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Locks the app row so concurrent creations cannot both pass the per-app limit. */
  async lockApp(db: Executor, appId: string): Promise<void> {
    await db.selectFrom('apps').select('id').where('id', '=', appId).forUpdate().execute();
  }

  async insertEndpoint(
    db: Executor,
    row: { id: string; appId: string; url: string; description: string; events: string[]; secret: string },
    now: Date,
  ): Promise<EndpointRow> {
    return db
      .insertInto('webhook_endpoints')
      .values({
        id: row.id,
        app_id: row.appId,
        url: row.url,
        description: row.description,
        events: JSON.stringify(row.events),
        secret: row.secret,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async listEndpoints(db: Executor, appId: string, limit: number, cursor?: string): Promise<EndpointRow[]> {
    let query = db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('app_id', '=', appId)
      .where('deleted_at', 'is', null);
    if (cursor) query = query.where('id', '<', cursor);
    return query.orderBy('id', 'desc').limit(limit).execute();
  }

  /** A live endpoint of the app; `includeDeleted` also finds soft-deleted ones (for deliveries in flight). */
  async findEndpoint(
    db: Executor,
    appId: string,
    id: string,
    options: { includeDeleted?: boolean } = {},
  ): Promise<EndpointRow | undefined> {
    let query = db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('app_id', '=', appId)
      .where('id', '=', id);
    if (!options.includeDeleted) query = query.where('deleted_at', 'is', null);
    return query.executeTakeFirst();
  }

  async updateEndpoint(
    db: Executor,
    appId: string,
    id: string,
    changes: EndpointChanges,
    now: Date,
  ): Promise<EndpointRow | undefined> {
    const { events, ...rest } = changes;
    return db
      .updateTable('webhook_endpoints')
      .set({ ...rest, ...(events ? { events: JSON.stringify(events) } : {}), updated_at: now })
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
  }

  async softDeleteEndpoint(db: Executor, appId: string, id: string, now: Date): Promise<boolean> {
    const result = await db
      .updateTable('webhook_endpoints')
      .set({ deleted_at: now, enabled: false, updated_at: now })
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Enabled, live endpoints of the app subscribed to `type` or to everything. */
  async subscribedEndpoints(db: Executor, appId: string, type: string): Promise<Pick<EndpointRow, 'id'>[]> {
    return db
      .selectFrom('webhook_endpoints')
      .select('id')
      .where('app_id', '=', appId)
      .where('deleted_at', 'is', null)
      .where('enabled', '=', true)
      .where((eb) =>
        eb.or([
          sql<boolean>`events @> ${JSON.stringify([type])}::jsonb`,
          sql<boolean>`events @> '["*"]'::jsonb`,
        ]),
      )
      .orderBy('id')
      .execute();
  }

  /** Inserts a delivery; false when one with this id already exists (the same message emitted twice). */
  async insertDelivery(
    db: Executor,
    row: {
      id: string;
      appId: string;
      endpointId: string;
      messageId: string;
      eventType: string;
      payload: Record<string, unknown>;
    },
    now: Date,
  ): Promise<boolean> {
    const inserted = await db
      .insertInto('webhook_deliveries')
      .values({
        id: row.id,
        app_id: row.appId,
        endpoint_id: row.endpointId,
        message_id: row.messageId,
        event_type: row.eventType,
        payload: JSON.stringify(row.payload),
        next_attempt_at: now,
        created_at: now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async findDelivery(
    db: Executor,
    appId: string,
    id: string,
    endpointId?: string,
  ): Promise<DeliveryRow | undefined> {
    let query = db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('app_id', '=', appId)
      .where('id', '=', id);
    if (endpointId) query = query.where('endpoint_id', '=', endpointId);
    return query.executeTakeFirst();
  }

  async listDeliveries(
    db: Executor,
    filter: { appId: string; endpointId: string; status?: DeliveryStatus; limit: number; cursor?: string },
  ): Promise<DeliverySummary[]> {
    let query = db
      .selectFrom('webhook_deliveries')
      .select(SUMMARY_COLUMNS)
      .where('app_id', '=', filter.appId)
      .where('endpoint_id', '=', filter.endpointId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.cursor) query = query.where('id', '<', filter.cursor);
    return query.orderBy('id', 'desc').limit(filter.limit).execute();
  }

  /**
   * Records the outcome of one attempt on a delivery still pending; undefined when it is no
   * longer pending (its endpoint was deleted meanwhile, or another run already finished it).
   */
  async recordAttempt(
    db: Executor,
    appId: string,
    id: string,
    outcome: {
      status: DeliveryStatus;
      statusCode: number | null;
      error: string | null;
      nextAttemptAt: Date | null;
    },
    now: Date,
  ): Promise<DeliverySummary | undefined> {
    return db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        status: outcome.status,
        attempts: eb('attempts', '+', 1),
        last_status_code: outcome.statusCode,
        last_error: outcome.error === null ? null : outcome.error.slice(0, 500),
        last_attempt_at: now,
        next_attempt_at: outcome.nextAttemptAt,
      }))
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .returning(SUMMARY_COLUMNS)
      .executeTakeFirst();
  }

  /** Marks a pending delivery failed without an attempt (its endpoint is gone or switched off). */
  async abandonDelivery(db: Executor, appId: string, id: string, reason: string): Promise<void> {
    await db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', last_error: reason, next_attempt_at: null })
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  }

  /** Stops every pending delivery of an endpoint; their jobs find them no longer pending and do nothing. */
  async abandonPendingOfEndpoint(
    db: Executor,
    appId: string,
    endpointId: string,
    reason: string,
  ): Promise<number> {
    const result = await db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', last_error: reason, next_attempt_at: null })
      .where('app_id', '=', appId)
      .where('endpoint_id', '=', endpointId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Adds one failed delivery to the endpoint's streak and returns the new count and whether it is enabled. */
  async addFailure(
    db: Executor,
    appId: string,
    endpointId: string,
    now: Date,
  ): Promise<{ failures: number; enabled: boolean } | undefined> {
    const row = await db
      .updateTable('webhook_endpoints')
      .set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1), updated_at: now }))
      .where('app_id', '=', appId)
      .where('id', '=', endpointId)
      .returning(['consecutive_failures', 'enabled'])
      .executeTakeFirst();
    return row ? { failures: row.consecutive_failures, enabled: row.enabled } : undefined;
  }

  /** Ends the endpoint's failure streak after a success. */
  async resetFailures(db: Executor, appId: string, endpointId: string): Promise<void> {
    await db
      .updateTable('webhook_endpoints')
      .set({ consecutive_failures: 0 })
      .where('app_id', '=', appId)
      .where('id', '=', endpointId)
      .where('consecutive_failures', '>', 0)
      .execute();
  }

  /** Switches an enabled endpoint off; false if it was already off (so only one caller reports it). */
  async disableEndpoint(
    db: Executor,
    appId: string,
    endpointId: string,
    reason: string,
    now: Date,
  ): Promise<boolean> {
    const result = await db
      .updateTable('webhook_endpoints')
      .set({ enabled: false, disabled_reason: reason, updated_at: now })
      .where('app_id', '=', appId)
      .where('id', '=', endpointId)
      .where('enabled', '=', true)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Email address of the app's owner, if the owner has one. */
  async ownerEmail(db: Executor, appId: string): Promise<string | null> {
    const row = await db
      .selectFrom('apps')
      .innerJoin('users', 'users.id', 'apps.owner_id')
      .select('users.email')
      .where('apps.id', '=', appId)
      .executeTakeFirst();
    return row?.email ?? null;
  }
}

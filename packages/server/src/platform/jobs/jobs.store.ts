import { sql } from 'kysely';
import type { Executor, Row } from '../db/schema.ts';
import { newId } from '../ids.ts';

/** A job to put in the outbox. */
export interface NewJob {
  appId: string;
  kind: string;
  payload: Record<string, unknown>;
  /** Earliest time to run; default now. */
  runAt?: Date;
  /** Attempts before the job is dead-lettered; default 8. */
  maxAttempts?: number;
  /** A second enqueue with the same key is ignored. */
  idempotencyKey?: string;
}

export type JobRow = Row<'jobs'>;

/** SQL for the outbox table; runs unchanged on PGlite and PostgreSQL. */
export class JobStore {
  /** Inserts a job inside the caller's transaction, so it exists only if the change that caused it commits. */
  async enqueue(db: Executor, job: NewJob, now: Date): Promise<string | null> {
    const id = newId('job', now.getTime());
    const row = await db
      .insertInto('jobs')
      .values({
        id,
        app_id: job.appId,
        kind: job.kind,
        payload: JSON.stringify(job.payload),
        max_attempts: job.maxAttempts ?? 8,
        run_at: job.runAt ?? now,
        idempotency_key: job.idempotencyKey ?? null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id ?? null;
  }

  /**
   * Claims up to `limit` due jobs for `workerId` with FOR UPDATE SKIP LOCKED, so concurrent
   * workers never take the same job. Jobs left running by a worker that died are reclaimed
   * once their lease (ms) has passed.
   */
  async claim(db: Executor, workerId: string, limit: number, now: Date, leaseMs: number): Promise<JobRow[]> {
    const staleBefore = new Date(now.getTime() - leaseMs);
    const result = await sql<JobRow>`
      UPDATE jobs SET status = 'running', locked_at = ${now}, locked_by = ${workerId},
        attempts = attempts + 1, updated_at = ${now}
      WHERE id IN (
        SELECT id FROM jobs
        WHERE (status = 'queued' AND run_at <= ${now}) OR (status = 'running' AND locked_at < ${staleBefore})
        ORDER BY run_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING *`.execute(db);
    return result.rows;
  }

  async complete(db: Executor, id: string, now: Date): Promise<void> {
    await db
      .updateTable('jobs')
      .set({ status: 'done', locked_at: null, locked_by: null, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async retryLater(db: Executor, id: string, error: string, runAt: Date, now: Date): Promise<void> {
    await db
      .updateTable('jobs')
      .set({
        status: 'queued',
        run_at: runAt,
        last_error: error.slice(0, 2000),
        locked_at: null,
        locked_by: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
  }

  async bury(db: Executor, id: string, error: string, now: Date): Promise<void> {
    await db
      .updateTable('jobs')
      .set({
        status: 'dead',
        last_error: error.slice(0, 2000),
        locked_at: null,
        locked_by: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Jobs by status, newest first, cursor-paginated by id. */
  async list(db: Executor, status: JobRow['status'], limit: number, cursor?: string): Promise<JobRow[]> {
    let query = db.selectFrom('jobs').selectAll().where('status', '=', status);
    if (cursor) query = query.where('id', '<', cursor);
    return query.orderBy('id', 'desc').limit(limit).execute();
  }

  /** Puts a dead job back in the queue with a fresh attempt budget; false if it was not dead. */
  async revive(db: Executor, id: string, now: Date): Promise<boolean> {
    const result = await db
      .updateTable('jobs')
      .set({ status: 'queued', attempts: 0, run_at: now, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async countByStatus(db: Executor): Promise<Record<string, number>> {
    const rows = await db
      .selectFrom('jobs')
      .select(['status', db.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}

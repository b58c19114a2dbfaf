import type { Executor, NewRow, Row } from '../platform/db/schema.ts';
import type { StreamStatus } from './streams.rules.ts';

/** A stream row. */
export type StreamRow = Row<'streams'>;
/** A live session row. */
export type SessionRow = Row<'stream_sessions'>;

/** A stream with its owner's display name and the start of its current session. */
export type LiveStreamRow = StreamRow & { owner_name: string | null; started_at: Date | null };

/** Fields of a stream that PATCH may change. */
export type StreamChanges = Partial<
  Pick<
    NewRow<'streams'>,
    | 'title'
    | 'category'
    | 'visibility'
    | 'reconnect_window_s'
    | 'record'
    | 'encrypt'
    | 'latency_mode'
    | 'profile'
  >
>;

/** SQL of streams and their live sessions; every query is scoped to an app unless it looks a key up. */
export class StreamStore {
  async insert(db: Executor, row: NewRow<'streams'>): Promise<StreamRow> {
    return db.insertInto('streams').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** A live (not deleted) stream of the app, or undefined. */
  async find(db: Executor, appId: string, id: string, forUpdate = false): Promise<StreamRow | undefined> {
    let query = db
      .selectFrom('streams')
      .selectAll()
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null);
    if (forUpdate) query = query.forUpdate();
    return query.executeTakeFirst();
  }

  /** A live stream by id alone (playback and ingest, where the app comes from the stream). */
  async findById(db: Executor, id: string): Promise<StreamRow | undefined> {
    return db
      .selectFrom('streams')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }

  /** The live stream whose current key hashes to `keyHash`, or undefined (unknown, rotated or deleted). */
  async findByKeyHash(db: Executor, keyHash: string): Promise<StreamRow | undefined> {
    return db
      .selectFrom('streams')
      .selectAll()
      .where('key_hash', '=', keyHash)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }

  /** The app's streams, newest first, optionally only those in `status`. */
  async list(
    db: Executor,
    appId: string,
    page: { limit: number; cursor?: string; status?: StreamStatus; ownerId?: string },
  ): Promise<StreamRow[]> {
    let query = db
      .selectFrom('streams')
      .selectAll()
      .where('app_id', '=', appId)
      .where('deleted_at', 'is', null);
    if (page.cursor) query = query.where('id', '<', page.cursor);
    if (page.status) query = query.where('status', '=', page.status);
    if (page.ownerId) query = query.where('owner_id', '=', page.ownerId);
    return query.orderBy('id', 'desc').limit(page.limit).execute();
  }

  async update(
    db: Executor,
    appId: string,
    id: string,
    changes: StreamChanges & { key_hash?: string },
    now: Date,
  ): Promise<StreamRow> {
    return db
      .updateTable('streams')
      .set({ ...changes, updated_at: now })
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Soft-deletes a stream; its key hash is replaced so the key can never match again. */
  async softDelete(db: Executor, appId: string, id: string, now: Date): Promise<void> {
    await db
      .updateTable('streams')
      .set({ deleted_at: now, updated_at: now, key_hash: `deleted:${id}` })
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .execute();
  }

  /** Sets the status (and current session); used by ingest. */
  async setStatus(
    db: Executor,
    id: string,
    status: StreamStatus,
    sessionId: string | null,
    now: Date,
  ): Promise<void> {
    await db
      .updateTable('streams')
      .set({ status, current_session_id: sessionId, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Live (or reconnecting) streams of the app for the discover page, newest first, with the
   * owner's display name and when the current session started.
   */
  async listLive(
    db: Executor,
    appId: string,
    page: { limit: number; cursor?: string; category?: string },
  ): Promise<LiveStreamRow[]> {
    let query = this.#withOwner(db, appId).where('s.status', 'in', ['live', 'reconnecting']);
    if (page.cursor) query = query.where('s.id', '<', page.cursor);
    if (page.category) query = query.where('s.category', '=', page.category);
    return query.orderBy('s.id', 'desc').limit(page.limit).execute();
  }

  /** One stream of the app with its owner's name and session start, or undefined. */
  async findWithOwner(db: Executor, appId: string, id: string): Promise<LiveStreamRow | undefined> {
    return this.#withOwner(db, appId).where('s.id', '=', id).executeTakeFirst();
  }

  #withOwner(db: Executor, appId: string) {
    return db
      .selectFrom('streams as s')
      .leftJoin('users as u', 'u.id', 's.owner_id')
      .leftJoin('stream_sessions as ss', 'ss.id', 's.current_session_id')
      .selectAll('s')
      .select(['u.display_name as owner_name', 'ss.started_at as started_at'])
      .where('s.app_id', '=', appId)
      .where('s.deleted_at', 'is', null);
  }

  /** The stream's newest session id, or null if it never went live. */
  async latestSessionId(db: Executor, streamId: string): Promise<string | null> {
    const row = await db
      .selectFrom('stream_sessions')
      .select('id')
      .where('stream_id', '=', streamId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id ?? null;
  }

  /** Stores the AES-128 key of a session (hex). */
  async setSessionKey(db: Executor, sessionId: string, keyHex: string): Promise<void> {
    await db
      .updateTable('stream_sessions')
      .set({ encryption_key: keyHex })
      .where('id', '=', sessionId)
      .execute();
  }

  async insertSession(db: Executor, row: NewRow<'stream_sessions'>): Promise<SessionRow> {
    return db.insertInto('stream_sessions').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async findSession(db: Executor, id: string): Promise<SessionRow | undefined> {
    return db.selectFrom('stream_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Counts one more reconnect of a running session. */
  async countReconnect(db: Executor, sessionId: string): Promise<void> {
    await db
      .updateTable('stream_sessions')
      .set((eb) => ({ reconnects: eb('reconnects', '+', 1) }))
      .where('id', '=', sessionId)
      .execute();
  }

  /** Records the source and renditions probed for a session. */
  async setSessionSource(
    db: Executor,
    sessionId: string,
    source: { width: number; height: number; fps: number | null; rungs: number[] },
  ): Promise<void> {
    await db
      .updateTable('stream_sessions')
      .set({
        source_width: source.width,
        source_height: source.height,
        source_fps: source.fps,
        rungs: JSON.stringify(source.rungs),
      })
      .where('id', '=', sessionId)
      .execute();
  }

  async endSession(db: Executor, sessionId: string, reason: string, now: Date): Promise<void> {
    await db
      .updateTable('stream_sessions')
      .set({ ended_at: now, end_reason: reason })
      .where('id', '=', sessionId)
      .where('ended_at', 'is', null)
      .execute();
  }

  /** Marks the open sessions `ids` as alive at `now` (one statement for all of a node's sessions). */
  async heartbeat(db: Executor, ids: string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await db
      .updateTable('stream_sessions')
      .set({ heartbeat_at: now })
      .where('id', 'in', ids)
      .where('ended_at', 'is', null)
      .execute();
  }

  /** Open sessions whose node has not beaten since `before`: their ingest node is gone. */
  async listOrphaned(db: Executor, before: Date): Promise<SessionRow[]> {
    return db
      .selectFrom('stream_sessions')
      .selectAll()
      .where('ended_at', 'is', null)
      .where('heartbeat_at', '<', before)
      .orderBy('id')
      .limit(100)
      .execute();
  }

  /**
   * Ends an orphaned session and puts its stream to `ended` if this is still its current
   * session; returns false when another node ended it first.
   */
  async endOrphan(db: Executor, session: SessionRow, now: Date): Promise<boolean> {
    const ended = await db
      .updateTable('stream_sessions')
      .set({ ended_at: now, end_reason: 'ingest_lost' })
      .where('id', '=', session.id)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    if (Number(ended.numUpdatedRows) === 0) return false;
    await db
      .updateTable('streams')
      .set({ status: 'ended', current_session_id: null, updated_at: now })
      .where('id', '=', session.stream_id)
      .where('current_session_id', '=', session.id)
      .execute();
    return true;
  }
}

import { sql } from 'kysely';
import type { Executor, Row } from '../platform/db/schema.ts';
import type { SeriesPoint } from './viewers.rules.ts';

/** A session's stored viewer figures. */
export type ViewerStatsRow = Row<'stream_viewer_stats'>;

/** Figures to store for a session. */
export interface ViewerFigures {
  current: number;
  peak: number;
  unique: number;
  watchSeconds: number;
  bytesServed: number;
  series: SeriesPoint[];
}

/** SQL of per-session viewer figures. */
export class ViewerStatsStore {
  async find(db: Executor, sessionId: string): Promise<ViewerStatsRow | undefined> {
    return db
      .selectFrom('stream_viewer_stats')
      .selectAll()
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
  }

  /** Writes a session's figures; counters never go backwards (another node may have written newer ones). */
  async upsert(
    db: Executor,
    key: { sessionId: string; appId: string; streamId: string },
    figures: ViewerFigures,
    now: Date,
  ): Promise<void> {
    await db
      .insertInto('stream_viewer_stats')
      .values({
        session_id: key.sessionId,
        app_id: key.appId,
        stream_id: key.streamId,
        current_viewers: figures.current,
        peak_viewers: figures.peak,
        unique_viewers: figures.unique,
        watch_seconds: figures.watchSeconds,
        bytes_served: figures.bytesServed,
        series: JSON.stringify(figures.series),
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('session_id').doUpdateSet({
          current_viewers: figures.current,
          peak_viewers: sql`GREATEST(stream_viewer_stats.peak_viewers, excluded.peak_viewers)`,
          unique_viewers: sql`GREATEST(stream_viewer_stats.unique_viewers, excluded.unique_viewers)`,
          watch_seconds: sql`GREATEST(stream_viewer_stats.watch_seconds, excluded.watch_seconds)`,
          bytes_served: sql`GREATEST(stream_viewer_stats.bytes_served, excluded.bytes_served)`,
          series: JSON.stringify(figures.series),
          updated_at: now,
        }),
      )
      .execute();
  }

  /** Open sessions and the sum of their last sampled concurrent viewers. */
  async liveTotals(db: Executor): Promise<{ sessions: number; viewers: number }> {
    const row = await db
      .selectFrom('stream_sessions as s')
      .leftJoin('stream_viewer_stats as v', 'v.session_id', 's.id')
      .select((eb) => [
        eb.fn.countAll<string | number>().as('sessions'),
        eb.fn.coalesce(eb.fn.sum<string | number>('v.current_viewers'), sql<number>`0`).as('viewers'),
      ])
      .where('s.ended_at', 'is', null)
      .executeTakeFirstOrThrow();
    return { sessions: Number(row.sessions), viewers: Number(row.viewers) };
  }

  /** Sessions still open or ended within `recentMs` of `now`, with their stream's app: the ones to sample. */
  async sessionsToSample(
    db: Executor,
    now: Date,
    recentMs: number,
  ): Promise<{ id: string; app_id: string; stream_id: string; ended_at: Date | null }[]> {
    return db
      .selectFrom('stream_sessions')
      .select(['id', 'app_id', 'stream_id', 'ended_at'])
      .where((eb) =>
        eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', new Date(now.getTime() - recentMs))]),
      )
      .orderBy('id')
      .limit(500)
      .execute();
  }
}

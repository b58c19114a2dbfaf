import { readdir, rename, rm } from 'node:fs/promises';
import { publishEvent } from '../platform/bus/index.ts';
import { newId } from '../platform/ids.ts';
import type { JobWorker } from '../platform/jobs/index.ts';
import { wakeWorkers } from '../platform/jobs/index.ts';
import { MASTER_PLAYLIST, type MediaStorage, VARIANT_PLAYLIST } from '../platform/media/index.ts';
import type { Platform } from '../platform/platform.ts';
import { finishedPlaylist, playlistDurationS } from './playback.rules.ts';
import { livePrefix, vodPrefix } from './transcoder.ts';
import type { VodRow, VodStore, VodWithOwner } from './vods.store.ts';

/** Settings key (per app) of how many days recordings are kept. */
export const VOD_RETENTION_SETTING = 'vods.retention_days';
/** Days a recording is kept when the app sets nothing. */
export const DEFAULT_VOD_RETENTION_DAYS = 30;
/** Job kind that deletes expired recordings. */
export const VOD_SWEEP_JOB = 'vods.sweep';
/** Recordings deleted per sweep run; a full batch enqueues the next run at once. */
const SWEEP_BATCH = 100;
const HOUR_MS = 60 * 60 * 1000;

/** The live session to turn into a recording. */
export interface FinishedSession {
  appId: string;
  streamId: string;
  sessionId: string;
  ownerId: string | null;
  title: string;
  visibility: VodRow['visibility'];
  rungs: number[];
  encrypted: boolean;
}

/** A recording as the API shows it. */
export function toVod(row: VodWithOwner, publicUrl: string) {
  return {
    id: row.id,
    streamId: row.stream_id,
    title: row.title,
    ownerName: row.owner_name,
    durationS: row.duration_s,
    thumbnailUrl: row.visibility === 'public' ? `${publicUrl}/vod/${row.id}/thumb.jpg` : null,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
  };
}

/** A recording as the API returns it. */
export type VodView = ReturnType<typeof toVod>;

/**
 * Recordings: a finished recorded session's HLS is moved from the live folder to `vod/<id>/`,
 * its playlists closed (`#EXT-X-ENDLIST`, type VOD), and it is kept for the app's retention
 * days; a sweep job deletes expired ones. Emits `recording.ready`.
 */
export class VodService {
  constructor(private readonly deps: { platform: Platform; storage: MediaStorage; store: VodStore }) {}

  /** Days the app keeps recordings (its `vods.retention_days` setting, else 30). */
  async retentionDays(appId: string): Promise<number> {
    const row = await this.deps.platform.db
      .selectFrom('settings')
      .select('value')
      .where('app_id', '=', appId)
      .where('key', '=', VOD_RETENTION_SETTING)
      .executeTakeFirst();
    const days = Number(row?.value);
    return Number.isInteger(days) && days > 0 ? days : DEFAULT_VOD_RETENTION_DAYS;
  }

  /**
   * Turns a finished session's live output into a recording; null when there is nothing to
   * keep (no rendition produced a segment). Runs on the ingest node that wrote the output.
   */
  async finish(session: FinishedSession): Promise<VodRow | null> {
    const { platform, storage, store } = this.deps;
    const liveDir = await storage.workDir(livePrefix(session.streamId));
    // The playlists are judged from storage: an object store must first have ffmpeg's last writes.
    await storage.flush?.();
    const renditions = (await readdir(liveDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && /^[0-9]{1,2}$/.test(entry.name))
      .map((entry) => entry.name)
      .sort((a, b) => Number(a) - Number(b));
    const playlists = new Map<string, string>();
    for (const rendition of renditions) {
      const object = await storage.get(`${livePrefix(session.streamId)}/${rendition}/${VARIANT_PLAYLIST}`);
      const text = object?.body.toString('utf8') ?? '';
      if (playlistDurationS(text) > 0) playlists.set(rendition, text);
    }
    const first = playlists.values().next().value;
    const master = await storage.get(`${livePrefix(session.streamId)}/${MASTER_PLAYLIST}`);
    if (first === undefined || !master || playlists.size !== renditions.length) return null;

    const nowMs = platform.clock.now();
    const now = new Date(nowMs);
    const id = newId('vod', nowMs);
    const vodDir = await storage.workDir(vodPrefix(id));
    await rm(vodDir, { recursive: true, force: true });
    await rename(liveDir, vodDir);
    await storage.flush?.();
    for (const [rendition, text] of playlists)
      await storage.put(
        `${vodPrefix(id)}/${rendition}/${VARIANT_PLAYLIST}`,
        Buffer.from(finishedPlaylist(text)),
      );
    await storage.release?.(vodPrefix(id));

    const days = await this.retentionDays(session.appId);
    const expiresAt = new Date(nowMs + days * 24 * HOUR_MS);
    const row = await platform.db.transaction().execute(async (tx) => {
      const created = await store.insert(tx, {
        id,
        app_id: session.appId,
        stream_id: session.streamId,
        session_id: session.sessionId,
        owner_id: session.ownerId,
        title: session.title,
        visibility: session.visibility,
        duration_s: playlistDurationS(first),
        rungs: JSON.stringify(session.rungs),
        encrypted: session.encrypted,
        created_at: now,
        expires_at: expiresAt,
      });
      await this.#scheduleSweep(tx, session.appId, expiresAt, now);
      return created;
    });
    wakeWorkers(platform.bus);
    await publishEvent(
      platform.bus,
      {
        type: 'recording.ready',
        appId: session.appId,
        data: {
          streamId: session.streamId,
          sessionId: session.sessionId,
          vodId: id,
          durationS: row.duration_s,
          expiresAt: expiresAt.toISOString(),
          at: now.toISOString(),
        },
      },
      nowMs,
    );
    return row;
  }

  /** Enqueues one sweep per hour in which recordings expire (the idempotency key merges the rest). */
  async #scheduleSweep(
    tx: Parameters<Platform['jobs']['enqueue']>[0],
    appId: string,
    at: Date,
    now: Date,
  ): Promise<void> {
    const hour = Math.ceil(at.getTime() / HOUR_MS);
    await this.deps.platform.jobs.enqueue(
      tx,
      {
        appId,
        kind: VOD_SWEEP_JOB,
        payload: {},
        runAt: new Date(hour * HOUR_MS),
        idempotencyKey: `${VOD_SWEEP_JOB}:${hour}`,
      },
      now,
    );
  }

  /** Deletes recordings past their expiry (media first, then the row); returns how many. */
  async sweep(): Promise<number> {
    const { platform, storage, store } = this.deps;
    const now = new Date(platform.clock.now());
    const expired = await store.listExpired(platform.db, now, SWEEP_BATCH);
    for (const vod of expired) {
      await storage.removePrefix(vodPrefix(vod.id));
      await store.markDeleted(platform.db, vod.id, now);
    }
    if (expired.length === SWEEP_BATCH) {
      await platform.jobs.enqueue(
        platform.db,
        {
          appId: expired[0]!.app_id,
          kind: VOD_SWEEP_JOB,
          payload: {},
          idempotencyKey: `${VOD_SWEEP_JOB}:more:${now.getTime()}`,
        },
        now,
      );
      wakeWorkers(platform.bus);
    }
    return expired.length;
  }

  /** Registers the sweep job's handler. */
  registerWorker(worker: JobWorker): void {
    worker.register(VOD_SWEEP_JOB, async () => {
      await this.sweep();
    });
  }

  /** The app's playable recordings, newest first. */
  list(appId: string, page: { limit: number; cursor?: string; streamId?: string }): Promise<VodWithOwner[]> {
    const { platform, store } = this.deps;
    return store.list(platform.db, appId, page, new Date(platform.clock.now()));
  }

  /** A playable recording of the app, or undefined. */
  async find(appId: string, id: string): Promise<VodWithOwner | undefined> {
    const { platform, store } = this.deps;
    const vod = await store.findPlayable(platform.db, id, new Date(platform.clock.now()));
    return vod?.app_id === appId ? vod : undefined;
  }
}

import { type Bus, publishEvent } from '../platform/bus/index.ts';
import type { Db } from '../platform/db/schema.ts';
import type { SessionRow, StreamStore } from './streams.store.ts';

/** Events the ingest role publishes. */
export type IngestEvent = 'stream.live' | 'stream.offline' | 'health.quality.drop' | 'recording.started';

/** Publishes a catalogue event on the bus as `{ type, appId, data, id }`, stamping `data.at`. */
export async function publishIngestEvent(
  bus: Bus,
  nowMs: number,
  type: IngestEvent,
  appId: string,
  data: Record<string, unknown>,
): Promise<void> {
  await publishEvent(bus, { type, appId, data: { ...data, at: new Date(nowMs).toISOString() } }, nowMs);
}

/**
 * Marks this node's open sessions alive at `now`, then ends (`ingest_lost`) every open session
 * whose node has been silent for `orphanAfterMs`, except this node's own. Returns the sessions
 * it ended; another node racing on the same orphan ends it only once.
 */
export async function heartbeatAndSweep(
  deps: { db: Db; store: StreamStore },
  own: ReadonlySet<string>,
  now: Date,
  orphanAfterMs: number,
): Promise<SessionRow[]> {
  const { db, store } = deps;
  await store.heartbeat(db, [...own], now);
  const ended: SessionRow[] = [];
  for (const orphan of await store.listOrphaned(db, new Date(now.getTime() - orphanAfterMs))) {
    if (own.has(orphan.id)) continue;
    if (await db.transaction().execute((tx) => store.endOrphan(tx, orphan, now))) ended.push(orphan);
  }
  return ended;
}

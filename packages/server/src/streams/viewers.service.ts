import type { Logger } from 'pino';
import { publishEvent } from '../platform/bus/index.ts';
import type { Platform } from '../platform/platform.ts';
import {
  appendSample,
  presenceBuckets,
  type SeriesPoint,
  VIEWER_BUCKET_MS,
  VIEWER_PRESENCE_BUCKETS,
  VIEWER_TICK_MS,
  viewerBucket,
  WATCH_SECONDS_PER_BUCKET,
} from './viewers.rules.ts';
import type { ViewerStatsStore } from './viewers.store.ts';

/** A session's viewer figures as the studio shows them. */
export interface ViewerSnapshot {
  current: number;
  peak: number;
  unique: number;
  watchMinutes: number;
  bytesServed: number;
  series: SeriesPoint[];
}

/** Hot counters live this long in the cache after their last write, ms. */
const COUNTER_TTL_MS = 24 * 60 * 60 * 1000;
/** Sessions ended this recently are sampled once more, so their last bytes and beats are stored. */
const ENDED_GRACE_MS = 3 * VIEWER_TICK_MS;

const key = {
  presence: (s: string, b: number, v: string) => `sv:p:${s}:${b}:${v}`,
  watched: (s: string, b: number, v: string) => `sv:x:${s}:${b}:${v}`,
  count: (s: string, b: number) => `sv:c:${s}:${b}`,
  seen: (s: string, v: string) => `sv:u:${s}:${v}`,
  unique: (s: string) => `sv:n:${s}`,
  watch: (s: string) => `sv:w:${s}`,
  bytes: (s: string) => `sv:b:${s}`,
  tick: (s: string, t: number) => `sv:t:${s}:${t}`,
};

/**
 * Viewer analytics of live sessions. Heartbeats and bytes served go to hot counters in the
 * cache (shared by every node with Redis); a sampler every few seconds turns them into the
 * concurrent count, peak and series, stores them per session and announces changed counts as
 * `viewer.count.update` (at most once per tick per stream; one node samples each tick).
 */
export class ViewerStats {
  #timer: NodeJS.Timeout | null = null;
  /** The running or last sample; samples run one after the other. */
  #chain: Promise<void> = Promise.resolve();
  #busy = false;
  readonly #log: Logger;

  constructor(private readonly deps: { platform: Platform; store: ViewerStatsStore }) {
    this.#log = deps.platform.log.child({ cap: 'streams', part: 'viewers' });
    const { metrics, db } = deps.platform;
    metrics.onScrape(async () => {
      const live = await deps.store.liveTotals(db);
      metrics.liveStreams.set(live.sessions);
      metrics.streamViewers.set(live.viewers);
    });
  }

  #now(): number {
    return this.deps.platform.clock.now();
  }

  /** Counts a viewer present in a session for the next 20–30 s (one heartbeat every 10 s keeps them counted); returns the current count. */
  async heartbeat(sessionId: string, viewerId: string): Promise<number> {
    const { cache } = this.deps.platform;
    const buckets = presenceBuckets(this.#now());
    const ttl = (VIEWER_PRESENCE_BUCKETS + 1) * VIEWER_BUCKET_MS;
    for (const bucket of buckets) {
      if (await cache.setIfAbsent(key.presence(sessionId, bucket, viewerId), '1', ttl))
        await cache.increment(key.count(sessionId, bucket), 1, ttl);
    }
    if (await cache.setIfAbsent(key.watched(sessionId, buckets[0]!, viewerId), '1', ttl))
      await cache.increment(key.watch(sessionId), WATCH_SECONDS_PER_BUCKET, COUNTER_TTL_MS);
    if (await cache.setIfAbsent(key.seen(sessionId, viewerId), '1', COUNTER_TTL_MS))
      await cache.increment(key.unique(sessionId), 1, COUNTER_TTL_MS);
    return this.current(sessionId);
  }

  /** Concurrent viewers of a session now. */
  async current(sessionId: string): Promise<number> {
    const value = await this.deps.platform.cache.get(key.count(sessionId, viewerBucket(this.#now())));
    return value ? Number(value) : 0;
  }

  /** Adds bytes served by the HLS routes to a session. Never throws. */
  countBytes(sessionId: string, bytes: number): void {
    if (bytes <= 0) return;
    this.deps.platform.metrics.hlsServedBytes.inc(bytes);
    this.deps.platform.cache
      .increment(key.bytes(sessionId), bytes, COUNTER_TTL_MS)
      .catch((error: unknown) => this.#log.warn({ err: error }, 'counting bytes served failed'));
  }

  async #counter(name: string): Promise<number> {
    const value = await this.deps.platform.cache.get(name);
    return value ? Number(value) : 0;
  }

  /** A session's figures: hot counters, or the stored ones once the counters are gone. */
  async snapshot(sessionId: string): Promise<ViewerSnapshot> {
    const { watchSeconds, ...rest } = await this.#figures(sessionId);
    return { ...rest, watchMinutes: Math.round((watchSeconds / 60) * 10) / 10 };
  }

  async #figures(sessionId: string) {
    const { platform, store } = this.deps;
    const row = await store.find(platform.db, sessionId);
    const [current, unique, watch, bytes] = await Promise.all([
      this.current(sessionId),
      this.#counter(key.unique(sessionId)),
      this.#counter(key.watch(sessionId)),
      this.#counter(key.bytes(sessionId)),
    ]);
    return {
      current,
      peak: Math.max(current, row?.peak_viewers ?? 0),
      unique: Math.max(unique, row?.unique_viewers ?? 0),
      watchSeconds: Math.max(watch, row?.watch_seconds ?? 0),
      bytesServed: Math.max(bytes, row?.bytes_served ?? 0),
      series: row?.series ?? [],
    };
  }

  /** Samples every open (and just-ended) session once: stores figures and announces changed counts. Never throws. */
  tick(): Promise<void> {
    this.#chain = this.#chain.then(() => this.#tickOnce());
    return this.#chain;
  }

  async #tickOnce(): Promise<void> {
    this.#busy = true;
    try {
      const { platform, store } = this.deps;
      const nowMs = this.#now();
      const now = new Date(nowMs);
      const tickIndex = Math.floor(nowMs / VIEWER_TICK_MS);
      for (const session of await store.sessionsToSample(platform.db, now, ENDED_GRACE_MS)) {
        if (!(await platform.cache.setIfAbsent(key.tick(session.id, tickIndex), '1', VIEWER_TICK_MS * 2)))
          continue;
        await this.#sample(session, nowMs);
      }
    } catch (error) {
      this.#log.error({ err: error }, 'sampling viewers failed');
    } finally {
      this.#busy = false;
    }
  }

  async #sample(
    session: { id: string; app_id: string; stream_id: string; ended_at: Date | null },
    nowMs: number,
  ): Promise<void> {
    const { platform, store } = this.deps;
    const before = await store.find(platform.db, session.id);
    const snap = await this.#figures(session.id);
    const current = session.ended_at ? 0 : snap.current;
    const series = session.ended_at ? snap.series : appendSample(snap.series, nowMs, current);
    await store.upsert(
      platform.db,
      { sessionId: session.id, appId: session.app_id, streamId: session.stream_id },
      {
        current,
        peak: Math.max(snap.peak, current),
        unique: snap.unique,
        watchSeconds: snap.watchSeconds,
        bytesServed: snap.bytesServed,
        series,
      },
      new Date(nowMs),
    );
    if ((before?.current_viewers ?? 0) === current) return;
    await publishEvent(
      platform.bus,
      {
        type: 'viewer.count.update',
        appId: session.app_id,
        data: {
          streamId: session.stream_id,
          sessionId: session.id,
          viewers: current,
          peak: Math.max(snap.peak, current),
          at: new Date(nowMs).toISOString(),
        },
      },
      nowMs,
    );
  }

  /** Starts sampling every VIEWER_TICK_MS. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (!this.#busy) void this.tick();
    }, VIEWER_TICK_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { hashStreamKey } from './streams.rules.ts';
import { StreamStore } from './streams.store.ts';
import { VIEWER_BUCKET_MS } from './viewers.rules.ts';

const caches = process.env.REDIS_URL ? (['memory', 'redis'] as const) : (['memory'] as const);
const factory = testDatabases()[0]!;

describe.each(caches)('viewer analytics with the %s cache', (cache) => {
  let ctx: TestContext;
  let nowMs = 180_000_000 * VIEWER_BUCKET_MS;
  let sessionId: string;
  let streamId: string;
  const events: { type: string; data: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    ctx = await createTestContext(factory, { clock: { now: () => nowMs }, redis: cache === 'redis' });
    // The test drives the sampler itself, tick by tick.
    ctx.services.viewerStats.stop();
    const store = new StreamStore();
    streamId = newId('str');
    sessionId = newId('ses');
    const now = new Date(nowMs);
    await store.insert(ctx.platform.db, {
      id: streamId,
      app_id: SITE_APP_ID,
      owner_id: null,
      title: 'Counted',
      key_hash: hashStreamKey(`key-${streamId}`),
      current_session_id: null,
      created_at: now,
      updated_at: now,
    });
    await store.insertSession(ctx.platform.db, {
      id: sessionId,
      app_id: SITE_APP_ID,
      stream_id: streamId,
      rungs: '[]',
      started_at: now,
    });
    await store.setStatus(ctx.platform.db, streamId, 'live', sessionId, now);
    await ctx.platform.bus.subscribe('events', (message) => {
      events.push(message as (typeof events)[number]);
    });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const at = (offsetMs: number) => {
    nowMs = 180_000_000 * VIEWER_BUCKET_MS + offsetMs;
  };
  const counts = () => events.filter((e) => e.type === 'viewer.count.update').map((e) => e.data.viewers);
  /** The announced counts once `n` have arrived (the Redis bus delivers asynchronously). */
  async function announced(n: number): Promise<unknown[]> {
    for (let i = 0; i < 100 && counts().length < n; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 50));
    return counts();
  }

  it('counts a viewer for 20 to 30 s after its last beat, once however often it beats', async () => {
    const stats = ctx.services.viewerStats;
    at(0);
    expect(await stats.heartbeat(sessionId, 'a')).toBe(1);
    at(5_000);
    expect(await stats.heartbeat(sessionId, 'b')).toBe(2);
    await stats.tick();
    at(12_000);
    expect(await stats.heartbeat(sessionId, 'a')).toBe(2);
    expect(await stats.heartbeat(sessionId, 'a')).toBe(2);
    at(29_999);
    expect(await stats.current(sessionId)).toBe(2);
    at(30_000);
    expect(await stats.current(sessionId)).toBe(1);
    await stats.tick();
    at(35_000);
    await stats.tick();
    at(40_000);
    expect(await stats.current(sessionId)).toBe(0);
    await stats.tick();
    expect(await announced(3)).toEqual([2, 1, 0]);

    stats.countBytes(sessionId, 1_000);
    stats.countBytes(sessionId, 500);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const snapshot = await stats.snapshot(sessionId);
    expect(snapshot).toMatchObject({ current: 0, peak: 2, unique: 2, watchMinutes: 0.5, bytesServed: 1_500 });
    // Points 15 s apart at least: the samples at 5 s and 30 s (35 s and 40 s are too close).
    expect(snapshot.series.map((p) => p.viewers)).toEqual([2, 1]);
    const row = await ctx.platform.db
      .selectFrom('stream_viewer_stats')
      .selectAll()
      .where('session_id', '=', sessionId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ peak_viewers: 2, unique_viewers: 2, watch_seconds: 30, stream_id: streamId });
  });

  it('samples each session once per tick, and stores the last figures of a session that just ended', async () => {
    const stats = ctx.services.viewerStats;
    const before = counts().length;
    at(45_000);
    await stats.heartbeat(sessionId, 'c');
    await stats.tick();
    await stats.tick();
    expect((await announced(before + 1)).slice(before)).toEqual([1]);
    stats.countBytes(sessionId, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await new StreamStore().endSession(ctx.platform.db, sessionId, 'test', new Date(nowMs));
    at(50_000);
    await stats.tick();
    expect((await announced(before + 2)).slice(before)).toEqual([1, 0]);
    const row = await ctx.platform.db
      .selectFrom('stream_viewer_stats')
      .selectAll()
      .where('session_id', '=', sessionId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      current_viewers: 0,
      peak_viewers: 2,
      unique_viewers: 3,
      bytes_served: 3_500,
    });
    at(200_000);
    await stats.tick();
    expect((await announced(before + 3)).slice(before)).toEqual([1, 0]);
  });
});

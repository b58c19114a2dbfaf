import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { newId } from '../platform/ids.ts';
import { createApp } from '../tenants/tenants.fixtures.ts';
import type { IngestServer, PublisherConnection, PublisherMetadata } from './ingest.port.ts';
import { LiveIngest } from './ingest.service.ts';
import type { StreamView } from './streams.schemas.ts';
import { StreamStore } from './streams.store.ts';

/** An ingest server that accepts nothing by itself: tests hand it connections. */
class FakeIngestServer implements IngestServer {
  onPublish: ((connection: PublisherConnection) => void) | null = null;
  async start(_port: number, _host: string, onPublish: (connection: PublisherConnection) => void) {
    this.onPublish = onPublish;
    return 4242;
  }
  async stop() {
    this.onPublish = null;
  }
}

/** A publisher connection whose metadata and closing the test controls. */
class FakeConnection implements PublisherConnection {
  readonly id = newId('conn');
  readonly remote = '127.0.0.1:5000';
  #closed = false;
  #listeners: (() => void)[] = [];
  constructor(
    readonly app: string,
    readonly key: string,
    public meta: PublisherMetadata | null = null,
  ) {}
  metadata() {
    return this.meta;
  }
  closed() {
    return this.#closed;
  }
  close() {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#listeners.splice(0)) listener();
  }
  onClose(listener: () => void) {
    if (this.#closed) queueMicrotask(listener);
    else this.#listeners.push(listener);
  }
  subscribe() {
    return () => {};
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'LiveIngest decisions on %s',
  (_n, factory) => {
    let ctx: TestContext;
    let owner: TestSession;
    let appId: string;
    const store = new StreamStore();
    const events: { type: string; data: Record<string, unknown> }[] = [];

    beforeAll(async () => {
      ctx = await createTestContext(factory);
      owner = await signUp(ctx.app);
      appId = (await createApp(ctx.app, owner, 'Ingest app')).id;
      await ctx.platform.bus.subscribe('events', (m) => {
        events.push(m as (typeof events)[number]);
      });
    });
    afterAll(async () => {
      await ctx?.close();
    });

    async function createStream(): Promise<{ stream: StreamView; key: string }> {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/apps/${appId}/streams`,
        headers: authHeaders(owner),
        payload: { title: 'Decisions' },
      });
      const body = res.json() as { stream: StreamView; ingest: { streamKey: string } };
      return { stream: body.stream, key: body.ingest.streamKey };
    }

    function ingestWith(
      server: FakeIngestServer,
      options: { orphanAfterMs?: number; metadataWaitMs?: number } = {},
    ) {
      return new LiveIngest({
        platform: ctx.platform,
        store,
        server,
        storage: ctx.services.media,
        ffmpegPath: '/nonexistent/ffmpeg',
        metadataWaitMs: 300,
        ...options,
      });
    }

    async function sessionCount(streamId: string): Promise<number> {
      const rows = await ctx.platform.db
        .selectFrom('stream_sessions')
        .select('id')
        .where('stream_id', '=', streamId)
        .execute();
      return rows.length;
    }

    it('refuses a wrong app, malformed, unknown and deleted keys before touching the stream', async () => {
      const server = new FakeIngestServer();
      const ingest = ingestWith(server);
      await ingest.start(0);
      try {
        const { stream, key } = await createStream();
        const deleted = await createStream();
        await ctx.app.inject({
          method: 'DELETE',
          url: `/api/v1/apps/${appId}/streams/${deleted.stream.id}`,
          headers: authHeaders(owner),
        });
        const attempts = [
          new FakeConnection('other', key),
          new FakeConnection('live', 'not-a-key'),
          new FakeConnection('live', `live_${'B'.repeat(43)}`),
          new FakeConnection('live', deleted.key),
        ];
        for (const connection of attempts) server.onPublish?.(connection);
        await until(() => attempts.every((c) => c.closed()));
        expect(await sessionCount(stream.id)).toBe(0);
        expect(await sessionCount(deleted.stream.id)).toBe(0);
        expect(ingest.transcoderPids()).toEqual([]);
      } finally {
        await ingest.stop();
      }
    });

    it('lets only one of two racing publishers on a key through, and refuses a source without video', async () => {
      const server = new FakeIngestServer();
      // The metadata wait is long enough that the loser's immediate refusal is seen before it ends,
      // even on a loaded machine.
      const ingest = ingestWith(server, { metadataWaitMs: 6_000 });
      await ingest.start(0);
      try {
        const { stream, key } = await createStream();
        const audioOnly = { width: 0, height: 0, fps: 0, hasVideo: false, hasAudio: true };
        const first = new FakeConnection('live', key, audioOnly);
        const second = new FakeConnection('live', key, audioOnly);
        server.onPublish?.(first);
        server.onPublish?.(second);
        // Whichever finds the key first claims it; the other is refused at once.
        await until(() => first.closed() || second.closed());
        expect([first.closed(), second.closed()].filter(Boolean)).toHaveLength(1);
        // The winner sends no video and is refused once the metadata wait runs out.
        await until(() => first.closed() && second.closed(), 20_000);
        expect(await sessionCount(stream.id)).toBe(0);
        const row = await store.findById(ctx.platform.db, stream.id);
        expect(row?.status).toBe('idle');
      } finally {
        await ingest.stop();
      }
    });

    it('ends sessions whose ingest node stopped beating, and leaves live nodes’ sessions alone', async () => {
      const stale = await createStream();
      const fresh = await createStream();
      const now = ctx.platform.clock.now();
      const staleSession = newId('ses', now);
      const freshSession = newId('ses', now);
      for (const [streamId, id, beat] of [
        [stale.stream.id, staleSession, now - 120_000],
        [fresh.stream.id, freshSession, now],
      ] as const) {
        await store.insertSession(ctx.platform.db, {
          id,
          app_id: appId,
          stream_id: streamId,
          rungs: '[360]',
          node_id: 'another-node',
          heartbeat_at: new Date(beat),
          started_at: new Date(beat),
        });
        await store.setStatus(ctx.platform.db, streamId, 'live', id, new Date(beat));
      }
      const ingest = ingestWith(new FakeIngestServer(), { orphanAfterMs: 60_000 });
      await ingest.start(0);
      await ingest.stop();
      const staleRow = await store.findById(ctx.platform.db, stale.stream.id);
      expect([staleRow?.status, staleRow?.current_session_id]).toEqual(['ended', null]);
      expect((await store.findSession(ctx.platform.db, staleSession))?.end_reason).toBe('ingest_lost');
      const freshRow = await store.findById(ctx.platform.db, fresh.stream.id);
      expect([freshRow?.status, freshRow?.current_session_id]).toEqual(['live', freshSession]);
      expect((await store.findSession(ctx.platform.db, freshSession))?.ended_at).toBeNull();
      await until(() => events.some((e) => e.type === 'stream.offline' && e.data.sessionId === staleSession));
      expect(events.filter((e) => e.type === 'stream.offline').map((e) => e.data.sessionId)).toEqual([
        staleSession,
      ]);
    });
  },
);

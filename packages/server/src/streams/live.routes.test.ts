import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, makeAdmin, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { PLAYBACK_TOKEN_TTL_S, signPlaybackToken } from './playback.rules.ts';
import type { StreamView } from './streams.schemas.ts';
import { StreamStore } from './streams.store.ts';

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect({ status: res.statusCode, code: (res.json() as { code?: string }).code }).toEqual({ status, code });
}

describe.each(testDatabases().map((f) => [f.name, f] as const))('site live routes on %s', (_n, factory) => {
  let ctx: TestContext;
  let dataDir: string;
  let creator: TestSession;
  let otherCreator: TestSession;
  let member: TestSession;
  let ticketHolder: TestSession;
  let admin: TestSession;
  const store = new StreamStore();
  const events: { type: string; data: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pnptv-live-'));
    ctx = await createTestContext(factory, {
      env: { DATA_DIR: dataDir, PUBLIC_URL: 'https://tv.example.com', RTMP_PORT: '19350' },
    });
    creator = await signUp(ctx.app, { displayName: 'Creator One' });
    otherCreator = await signUp(ctx.app);
    member = await signUp(ctx.app);
    ticketHolder = await signUp(ctx.app);
    admin = await makeAdmin(ctx);
    await ctx.platform.db
      .updateTable('users')
      .set({ role: 'creator' })
      .where('id', 'in', [creator.user.id, otherCreator.user.id])
      .execute();
    await ctx.platform.bus.subscribe('events', (message) => {
      events.push(message as (typeof events)[number]);
    });
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const api = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    session?: TestSession,
    payload?: unknown,
  ) =>
    ctx.app.inject({
      method,
      url: url.startsWith('/hls') || url.startsWith('/vod/') ? url : `/api/v1${url}`,
      headers: session ? authHeaders(session) : {},
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  async function studioCreate(session: TestSession, payload: Record<string, unknown>): Promise<StreamView> {
    const res = await api('POST', '/studio/streams', session, payload);
    if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
    return (res.json() as { stream: StreamView }).stream;
  }

  /** Puts a stream live with a new session (as ingest does) and seeds its HLS output. */
  async function goLive(streamId: string, key?: Buffer): Promise<string> {
    const now = new Date();
    const sessionId = newId('ses', now.getTime());
    await store.insertSession(ctx.platform.db, {
      id: sessionId,
      app_id: SITE_APP_ID,
      stream_id: streamId,
      rungs: JSON.stringify([360]),
      started_at: now,
      heartbeat_at: now,
      node_id: 'test-node',
    });
    if (key) await store.setSessionKey(ctx.platform.db, sessionId, key.toString('hex'));
    await store.setStatus(ctx.platform.db, streamId, 'live', sessionId, now);
    const media = ctx.services.media;
    await media.put(
      `live/${streamId}/master.m3u8`,
      Buffer.from('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n0/index.m3u8\n'),
    );
    await media.put(
      `live/${streamId}/0/index.m3u8`,
      Buffer.from(
        `#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="../key/${sessionId}.key"\n#EXTINF:1.0,\nabcd1234_0_00001.ts\n`,
      ),
    );
    await media.put(`live/${streamId}/0/abcd1234_0_00001.ts`, Buffer.alloc(188 * 4, 0x47));
    await media.put(`live/${streamId}/thumb.jpg`, Buffer.from([0xff, 0xd8, 0xff]));
    return sessionId;
  }

  describe('studio', () => {
    it('lets creators and admins manage only their own streams on the site app', async () => {
      expectError(await api('GET', '/studio/streams'), 401, 'AUTH_REQUIRED');
      expectError(await api('GET', '/studio/streams', member), 403, 'AUTH_FORBIDDEN');
      expectError(await api('POST', '/studio/streams', member, { title: 'Nope' }), 403, 'AUTH_FORBIDDEN');

      const created = await api('POST', '/studio/streams', creator, { title: 'Studio show', encrypt: true });
      expect(created.statusCode).toBe(201);
      const body = created.json() as { stream: StreamView; ingest: { rtmpUrl: string; streamKey: string } };
      expect(body.ingest.rtmpUrl).toBe('rtmp://tv.example.com:19350/live');
      expect(body.stream).toMatchObject({ title: 'Studio show', ownerId: creator.user.id, encrypt: true });
      const adminStream = await studioCreate(admin, { title: 'Admin show' });
      expect(adminStream.ownerId).toBe(admin.user.id);

      const mine = (await api('GET', '/studio/streams', creator)).json() as { items: StreamView[] };
      expect(mine.items.map((s) => s.id)).toEqual([body.stream.id]);
      expect((await api('GET', `/studio/streams/${body.stream.id}`, creator)).json().stream.id).toBe(
        body.stream.id,
      );
      for (const [method, path, payload] of [
        ['GET', '', undefined],
        ['PATCH', '', { title: 'Hijack' }],
        ['DELETE', '', undefined],
        ['POST', '/rotate-key', {}],
        ['GET', '/health', undefined],
      ] as const)
        expectError(
          await api(method, `/studio/streams/${body.stream.id}${path}`, otherCreator, payload),
          404,
          'STREAMS_NOT_FOUND',
        );

      const patched = await api('PATCH', `/studio/streams/${body.stream.id}`, creator, {
        title: 'Renamed',
        encrypt: false,
        visibility: 'ticketed',
      });
      expect(patched.json().stream).toMatchObject({
        title: 'Renamed',
        encrypt: false,
        visibility: 'ticketed',
      });
      expectError(
        await api('PATCH', `/studio/streams/${body.stream.id}`, creator, { encrypt: 'yes' }),
        400,
        'VALIDATION_FAILED',
      );
      const rotated = await api('POST', `/studio/streams/${body.stream.id}/rotate-key`, creator, {});
      expect(rotated.statusCode).toBe(200);
      expect(rotated.json().ingest.streamKey).not.toBe(body.ingest.streamKey);

      const health = await api('GET', `/studio/streams/${body.stream.id}/health`, creator);
      expect(health.json()).toEqual({
        status: 'idle',
        ingest: null,
        viewers: { current: 0, peak: 0, unique: 0, watchMinutes: 0, bytesServed: 0 },
        series: [],
      });
      expect((await api('DELETE', `/studio/streams/${body.stream.id}`, creator)).statusCode).toBe(204);
      expectError(await api('GET', `/studio/streams/${body.stream.id}`, creator), 404, 'STREAMS_NOT_FOUND');
    });
  });

  describe('discover, watch and playback tokens', () => {
    let pub: StreamView;
    let ticketed: StreamView;
    let subs: StreamView;
    let followers: StreamView;
    let pubSession: string;
    let ticketedSession: string;
    const key = Buffer.alloc(16, 9);

    beforeAll(async () => {
      pub = await studioCreate(creator, { title: 'Open', category: 'music' });
      ticketed = await studioCreate(creator, { title: 'Paid', category: 'talk', visibility: 'ticketed' });
      subs = await studioCreate(creator, { title: 'Fans', visibility: 'subscribers' });
      followers = await studioCreate(creator, { title: 'Friends', visibility: 'followers' });
      await studioCreate(creator, { title: 'Not live yet' });
      pubSession = await goLive(pub.id);
      ticketedSession = await goLive(ticketed.id, key);
      await goLive(subs.id);
      await goLive(followers.id);
      await sql`INSERT INTO ticket_prices (app_id, target_kind, target_id, price_coins) VALUES (${SITE_APP_ID}, 'stream', ${ticketed.id}, 250)`.execute(
        ctx.platform.db,
      );
      await sql`INSERT INTO tickets (id, app_id, target_kind, target_id, user_id, creator_id, price_coins, transaction_id)
        VALUES (${newId('tkt')}, ${SITE_APP_ID}, 'stream', ${ticketed.id}, ${ticketHolder.user.id}, ${creator.user.id}, 250, ${newId('ltx')})`.execute(
        ctx.platform.db,
      );
    });

    it('lists live streams with owner name, viewers and thumbnails, filtered by category', async () => {
      const res = await api('GET', '/live?limit=10');
      expect(res.statusCode).toBe(200);
      const page = res.json() as { items: Record<string, unknown>[]; nextCursor: string | null };
      expect(page.items.map((s) => s.title)).toEqual(['Friends', 'Fans', 'Paid', 'Open']);
      expect(page.items[3]).toEqual({
        id: pub.id,
        title: 'Open',
        category: 'music',
        status: 'live',
        visibility: 'public',
        ownerId: creator.user.id,
        ownerName: 'Creator One',
        viewers: 0,
        thumbnailUrl: `https://tv.example.com/hls/${pub.id}/thumb.jpg`,
        startedAt: expect.any(String),
        latencyMode: 'low',
      });
      expect(page.items[2]!.thumbnailUrl).toBeNull();
      const talk = (await api('GET', '/live?category=talk')).json() as { items: { id: string }[] };
      expect(talk.items.map((s) => s.id)).toEqual([ticketed.id]);
      const first = (await api('GET', '/live?limit=2')).json() as {
        items: { id: string }[];
        nextCursor: string;
      };
      const second = (await api('GET', `/live?limit=2&cursor=${first.nextCursor}`)).json() as {
        items: { id: string }[];
      };
      expect([...first.items, ...second.items].map((s) => s.id)).toEqual(page.items.map((s) => s.id));
      expectError(await api('GET', '/live?limit=0'), 400, 'VALIDATION_FAILED');
    });

    it('decides access per visibility: anonymous, member, ticket holder, owner and admin', async () => {
      const access = async (id: string, session?: TestSession) =>
        ((await api('GET', `/watch/${id}`, session)).json() as { access: unknown }).access;
      const allowed = { allowed: true, reason: null, ticketPriceCoins: null };
      expect(await access(pub.id)).toEqual(allowed);
      expect(await access(ticketed.id)).toEqual({
        allowed: false,
        reason: 'LOGIN_REQUIRED',
        ticketPriceCoins: 250,
      });
      expect(await access(ticketed.id, member)).toEqual({
        allowed: false,
        reason: 'TICKET_REQUIRED',
        ticketPriceCoins: 250,
      });
      expect(await access(ticketed.id, ticketHolder)).toEqual({ ...allowed, ticketPriceCoins: 250 });
      expect(await access(ticketed.id, creator)).toEqual({ ...allowed, ticketPriceCoins: 250 });
      expect(await access(subs.id, member)).toEqual({
        allowed: false,
        reason: 'SUBSCRIBERS_ONLY',
        ticketPriceCoins: null,
      });
      expect(await access(subs.id, admin)).toEqual(allowed);
      expect(await access(followers.id, member)).toEqual({
        allowed: false,
        reason: 'FOLLOWERS_ONLY',
        ticketPriceCoins: null,
      });
      expect(await access(followers.id, creator)).toEqual(allowed);
      const watch = (await api('GET', `/watch/${pub.id}`)).json() as { stream: { ownerName: string } };
      expect(watch.stream.ownerName).toBe('Creator One');
      expectError(await api('GET', '/watch/str_0000000000zzzzzzzz'), 404, 'STREAMS_NOT_FOUND');
    });

    it('mints tokens only for viewers who may watch, with stable refusal codes', async () => {
      expectError(
        await api('POST', `/streams/${ticketed.id}/playback-token`, member, {}),
        403,
        'STREAM_TICKET_REQUIRED',
      );
      expectError(
        await api('POST', `/streams/${subs.id}/playback-token`, member, {}),
        403,
        'STREAM_FORBIDDEN',
      );
      expectError(
        await api('POST', `/streams/${followers.id}/playback-token`, member, {}),
        403,
        'STREAM_FORBIDDEN',
      );
      expectError(
        await api('POST', `/streams/${ticketed.id}/playback-token`, undefined, {}),
        403,
        'STREAM_FORBIDDEN',
      );
      expectError(
        await api('POST', `/streams/${ticketed.id}/playback-token`, ticketHolder, { extra: 1 }),
        400,
        'VALIDATION_FAILED',
      );
      const res = await api('POST', `/streams/${ticketed.id}/playback-token`, ticketHolder, {});
      expect(res.statusCode).toBe(201);
      const grant = res.json() as { token: string; expiresAt: string; url: string };
      expect(grant.url).toBe(
        `https://tv.example.com/hls/${ticketed.id}/master.m3u8?token=${encodeURIComponent(grant.token)}`,
      );
      const ttl = Date.parse(grant.expiresAt) - Date.now();
      expect(ttl).toBeGreaterThan((PLAYBACK_TOKEN_TTL_S - 5) * 1000);
      expect(ttl).toBeLessThanOrEqual(PLAYBACK_TOKEN_TTL_S * 1000);
      const anonymous = await api('POST', `/streams/${pub.id}/playback-token`, undefined, {});
      expect(anonymous.statusCode).toBe(201);
    });

    it('refuses HLS of a non-public stream without a valid token and rewrites playlists with it', async () => {
      const base = `/hls/${ticketed.id}`;
      const paths = ['master.m3u8', '0/index.m3u8', '0/abcd1234_0_00001.ts', `key/${ticketedSession}.key`];
      for (const path of paths)
        expectError(await api('GET', `${base}/${path}`), 403, 'STREAMS_PLAYBACK_FORBIDDEN');

      const { token } = (
        await api('POST', `/streams/${ticketed.id}/playback-token`, ticketHolder, {})
      ).json() as {
        token: string;
      };
      const q = `?token=${encodeURIComponent(token)}`;
      const master = await api('GET', `${base}/master.m3u8${q}`);
      expect(master.statusCode).toBe(200);
      expect(master.body).toContain(`0/index.m3u8${q}`);
      expect(master.headers['cache-control']).toBe('private, no-store');
      const variant = await api('GET', `${base}/0/index.m3u8${q}`);
      expect(variant.body).toContain(`URI="../key/${ticketedSession}.key${q}"`);
      expect(variant.body).toContain(`abcd1234_0_00001.ts${q}`);
      const segment = await api('GET', `${base}/0/abcd1234_0_00001.ts${q}`);
      expect(segment.statusCode).toBe(200);
      expect(segment.rawPayload.length).toBe(188 * 4);
      const keyRes = await api('GET', `${base}/key/${ticketedSession}.key${q}`);
      expect(keyRes.statusCode).toBe(200);
      expect(keyRes.headers['cache-control']).toBe('private, no-store');
      expect([...keyRes.rawPayload]).toEqual([...key]);

      const secret = await ctx.services.playback.secret();
      const nowS = Math.floor(Date.now() / 1000);
      const expired = signPlaybackToken(secret, { sub: ticketed.id, viewer: 'u:x', exp: nowS - 1 });
      const otherStream = signPlaybackToken(secret, { sub: pub.id, viewer: 'u:x', exp: nowS + 60 });
      const forged = signPlaybackToken(Buffer.alloc(32, 1), {
        sub: ticketed.id,
        viewer: 'u:x',
        exp: nowS + 60,
      });
      for (const path of paths) {
        expectError(await api('GET', `${base}/${path}?token=${expired}`), 403, 'STREAM_TOKEN_EXPIRED');
        expectError(await api('GET', `${base}/${path}?token=${otherStream}`), 403, 'STREAM_TOKEN_INVALID');
        expectError(await api('GET', `${base}/${path}?token=${forged}`), 403, 'STREAM_TOKEN_INVALID');
        expectError(await api('GET', `${base}/${path}?token=garbage`), 403, 'STREAM_TOKEN_INVALID');
      }
      // A public stream plays without a token, but its key never does.
      expect((await api('GET', `/hls/${pub.id}/master.m3u8`)).statusCode).toBe(200);
      const stale = await api('GET', `/hls/${pub.id}/master.m3u8?token=${expired}`);
      expect(stale.statusCode).toBe(200);
      expect(stale.body).not.toContain('token=');
      expectError(
        await api('GET', `/hls/${pub.id}/key/${pubSession}.key`),
        403,
        'STREAMS_PLAYBACK_FORBIDDEN',
      );
      // Another session's key is not served through this stream.
      expectError(await api('GET', `${base}/key/${pubSession}.key${q}`), 404, 'STREAMS_MEDIA_NOT_FOUND');
    });

    it('counts heartbeats, bytes served, peak and unique viewers and announces changed counts', async () => {
      const beat = (viewerId: string, session?: TestSession) =>
        api('POST', `/watch/${pub.id}/heartbeat`, session, { viewerId });
      expect((await beat('viewer-aaaaaaaa')).json()).toEqual({ viewers: 1 });
      expect((await beat('viewer-bbbbbbbb')).json()).toEqual({ viewers: 2 });
      expect((await beat('viewer-aaaaaaaa')).json()).toEqual({ viewers: 2 });
      expect((await beat('viewer-cccccccc', member)).json()).toEqual({ viewers: 3 });
      expectError(await beat('short'), 400, 'VALIDATION_FAILED');
      const idle = await studioCreate(creator, { title: 'Idle' });
      expect(
        (await api('POST', `/watch/${idle.id}/heartbeat`, undefined, { viewerId: 'viewer-aaaaaaaa' })).json(),
      ).toEqual({
        viewers: 0,
      });
      const segment = await api('GET', `/hls/${pub.id}/0/abcd1234_0_00001.ts`);
      expect(segment.statusCode).toBe(200);

      await ctx.services.viewerStats.tick();
      const update = events.find((e) => e.type === 'viewer.count.update' && e.data.streamId === pub.id);
      expect(update?.data).toMatchObject({ streamId: pub.id, sessionId: pubSession, viewers: 3, peak: 3 });
      const row = await ctx.platform.db
        .selectFrom('stream_viewer_stats')
        .selectAll()
        .where('session_id', '=', pubSession)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        current_viewers: 3,
        peak_viewers: 3,
        unique_viewers: 3,
      });
      // 10 s per viewer per presence bucket (a beat crossing into a new bucket adds 10 s more).
      expect(row.watch_seconds).toBeGreaterThanOrEqual(30);
      expect(row.watch_seconds).toBeLessThanOrEqual(40);
      expect(row.bytes_served).toBeGreaterThanOrEqual(188 * 4);
      // Nothing changed: the next tick announces nothing.
      const before = events.filter((e) => e.type === 'viewer.count.update').length;
      await new Promise((resolve) => setTimeout(resolve, 5_100));
      await ctx.services.viewerStats.tick();
      expect(events.filter((e) => e.type === 'viewer.count.update').length).toBe(before);

      const health = (await api('GET', `/studio/streams/${pub.id}/health`, creator)).json() as {
        status: string;
        viewers: Record<string, number>;
        series: { t: string; viewers: number }[];
      };
      expect(health.status).toBe('live');
      expect(health.viewers).toMatchObject({ current: 3, peak: 3, unique: 3 });
      expect(health.viewers.watchMinutes).toBeGreaterThanOrEqual(0.5);
      expect(health.viewers.bytesServed).toBeGreaterThanOrEqual(188 * 4);
      expect(health.series).toEqual([{ t: expect.any(String), viewers: 3 }]);
    }, 30_000);
  });

  describe('recordings', () => {
    async function seedVod(visibility: 'public' | 'ticketed', expiresInMs: number) {
      const stream = await studioCreate(creator, { title: `Rec ${visibility}`, visibility, record: true });
      const sessionId = await goLive(stream.id);
      const id = newId('vod');
      const now = new Date();
      await ctx.platform.db
        .insertInto('vods')
        .values({
          id,
          app_id: SITE_APP_ID,
          stream_id: stream.id,
          session_id: sessionId,
          owner_id: creator.user.id,
          title: stream.title,
          visibility,
          duration_s: 12.5,
          rungs: JSON.stringify([360]),
          created_at: now,
          expires_at: new Date(now.getTime() + expiresInMs),
        })
        .execute();
      await ctx.services.media.put(`vod/${id}/master.m3u8`, Buffer.from('#EXTM3U\n0/index.m3u8\n'));
      await ctx.services.media.put(
        `vod/${id}/0/index.m3u8`,
        Buffer.from('#EXTM3U\n#EXTINF:12.5,\nabcd1234_0_00001.ts\n#EXT-X-ENDLIST\n'),
      );
      await ctx.services.media.put(`vod/${id}/0/abcd1234_0_00001.ts`, Buffer.alloc(188, 0x47));
      return id;
    }

    it('lists recordings, hands out tokenised playback URLs under the stream rules, and sweeps expired ones', async () => {
      const open = await seedVod('public', 60_000);
      const paid = await seedVod('ticketed', 60_000);
      const page = (await api('GET', '/vods')).json() as { items: Record<string, unknown>[] };
      expect(page.items.map((v) => v.id)).toEqual([paid, open]);
      expect(page.items[1]).toMatchObject({
        id: open,
        title: 'Rec public',
        ownerName: 'Creator One',
        durationS: 12.5,
        thumbnailUrl: `https://tv.example.com/vod/${open}/thumb.jpg`,
      });
      const got = (await api('GET', `/vods/${open}`)).json() as { playbackUrl: string };
      expect(got.playbackUrl).toMatch(new RegExp(`^https://tv.example.com/vod/${open}/master.m3u8\\?token=`));
      expectError(await api('GET', `/vods/${paid}`, member), 403, 'STREAM_TICKET_REQUIRED');
      expectError(await api('GET', `/vods/vod_0000000000zzzz`), 404, 'VODS_NOT_FOUND');
      expectError(await api('GET', `/vod/${paid}/master.m3u8`), 403, 'STREAMS_PLAYBACK_FORBIDDEN');
      const ownerUrl = new URL(
        ((await api('GET', `/vods/${paid}`, creator)).json() as { playbackUrl: string }).playbackUrl,
      );
      const token = ownerUrl.searchParams.get('token')!;
      const variant = await api('GET', `/vod/${paid}/0/index.m3u8?token=${encodeURIComponent(token)}`);
      expect(variant.body).toContain('#EXT-X-ENDLIST');
      expect(variant.body).toContain(`abcd1234_0_00001.ts?token=${encodeURIComponent(token)}`);
      // A live stream's token does not open a recording.
      const liveToken = (
        await api(
          'POST',
          `/streams/${(await studioCreate(creator, { title: 'x' })).id}/playback-token`,
          creator,
          {},
        )
      ).json().token as string;
      expectError(
        await api('GET', `/vod/${paid}/master.m3u8?token=${liveToken}`),
        403,
        'STREAM_TOKEN_INVALID',
      );

      const old = await seedVod('public', -1_000);
      expectError(await api('GET', `/vods/${old}`), 404, 'VODS_NOT_FOUND');
      expect(await ctx.services.vods.sweep()).toBe(1);
      expect(await ctx.services.media.get(`vod/${old}/master.m3u8`)).toBeNull();
      expect(await ctx.services.media.get(`vod/${open}/master.m3u8`)).not.toBeNull();
      expect(await ctx.services.vods.sweep()).toBe(0);
    });

    it('lets admins set the retention days', async () => {
      expectError(await api('GET', '/admin/vods/retention', member), 403, 'AUTH_FORBIDDEN');
      expect((await api('GET', '/admin/vods/retention', admin)).json()).toEqual({ days: 30 });
      expect((await api('PATCH', '/admin/vods/retention', admin, { days: 7 })).statusCode).toBe(404);
      const put = await ctx.app.inject({
        method: 'PUT',
        url: '/api/v1/admin/vods/retention',
        headers: authHeaders(admin),
        payload: { days: 7 },
      });
      expect(put.json()).toEqual({ days: 7 });
      expect(await ctx.services.vods.retentionDays(SITE_APP_ID)).toBe(7);
      const bad = await ctx.app.inject({
        method: 'PUT',
        url: '/api/v1/admin/vods/retention',
        headers: authHeaders(admin),
        payload: { days: 0 },
      });
      expectError(bad, 400, 'VALIDATION_FAILED');
    });
  });
});

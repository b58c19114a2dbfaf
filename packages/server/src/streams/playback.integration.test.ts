import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { locateMediaTool, probe } from '../platform/media/index.ts';
import { NmsIngestServer } from './ingest.nms.ts';
import { LiveIngest } from './ingest.service.ts';
import type { StreamView } from './streams.schemas.ts';
import { StreamStore } from './streams.store.ts';

const ffmpeg = locateMediaTool('ffmpeg', process.env.FFMPEG_PATH ?? null);
const ffprobe = locateMediaTool('ffprobe', process.env.FFPROBE_PATH ?? null);

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs ffmpeg to completion; resolves with its exit code and stderr. */
function runFfmpeg(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(ffmpeg, args, { timeout: 30_000, killSignal: 'SIGKILL' }, (error, _stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'secure playback and recording with ffmpeg on %s',
  (_n, factory) => {
    let ctx: TestContext;
    let ingest: LiveIngest;
    let dataDir: string;
    let creator: TestSession;
    let member: TestSession;
    let stream: StreamView;
    let streamKey: string;
    let rtmpPort: number;
    let base: string;
    let sessionId: string;
    let token: string;
    let publisher: { child: ChildProcess; exited: Promise<number | null> };
    const events: { type: string; data: Record<string, unknown> }[] = [];

    /** 320x240 testsrc2 + sine for `seconds`, x264 ultrafast / AAC, FLV over RTMP. */
    function publish(key: string, seconds: number) {
      const child = spawn(
        ffmpeg,
        [
          ...['-hide_banner', '-loglevel', 'error', '-re'],
          ...['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30'],
          ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
          ...['-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency'],
          ...['-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k'],
          ...['-f', 'flv', `rtmp://127.0.0.1:${rtmpPort}/live/${key}`],
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child.stderr?.resume();
      const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      return { child, exited };
    }

    const get = (path: string) => ctx.app.inject({ method: 'GET', url: path });

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'pnptv-playback-'));
      ctx = await createTestContext(factory, {
        env: { DATA_DIR: dataDir, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' },
      });
      await ctx.app.listen({ port: 0, host: '127.0.0.1' });
      const address = ctx.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      ingest = new LiveIngest({
        platform: ctx.platform,
        store: new StreamStore(),
        server: new NmsIngestServer(ctx.platform.log, { publishDeadlineMs: 2_000 }),
        storage: ctx.services.media,
        ffmpegPath: ffmpeg,
      });
      rtmpPort = await ingest.start(0, '127.0.0.1');
      await ctx.platform.bus.subscribe('events', (message) => {
        events.push(message as (typeof events)[number]);
      });
      creator = await signUp(ctx.app, { displayName: 'Recorder' });
      member = await signUp(ctx.app);
      await ctx.platform.db
        .updateTable('users')
        .set({ role: 'creator' })
        .where('id', '=', creator.user.id)
        .execute();
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/studio/streams',
        headers: authHeaders(creator),
        payload: {
          title: 'Paid and encrypted',
          visibility: 'ticketed',
          encrypt: true,
          record: true,
          reconnectWindowS: 0,
          latencyMode: 'low',
        },
      });
      const body = res.json() as { stream: StreamView; ingest: { streamKey: string } };
      stream = body.stream;
      streamKey = body.ingest.streamKey;
    }, 60_000);

    afterAll(async () => {
      publisher?.child.kill('SIGKILL');
      await ingest?.stop();
      await ctx?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }, 60_000);

    it('refuses the master, variant, segment and key without a token and serves them with one', async () => {
      publisher = publish(streamKey, 10);
      const grant = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/streams/${stream.id}/playback-token`,
        headers: authHeaders(creator),
        payload: {},
      });
      expect(grant.statusCode).toBe(201);
      token = (grant.json() as { token: string }).token;
      const q = `?token=${encodeURIComponent(token)}`;
      const variant = await waitFor('an encrypted variant with a segment', async () => {
        const res = await get(`/hls/${stream.id}/0/index.m3u8${q}`);
        return res.statusCode === 200 && res.body.includes('.ts') ? res.body : undefined;
      });
      const live = (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/studio/streams/${stream.id}`,
          headers: authHeaders(creator),
        })
      ).json() as { stream: StreamView };
      sessionId = live.stream.currentSessionId!;
      const health = await waitFor(
        'ingest health in the studio',
        async () => {
          const res = await ctx.app.inject({
            method: 'GET',
            url: `/api/v1/studio/streams/${stream.id}/health`,
            headers: authHeaders(creator),
          });
          const body = res.json() as { status: string; ingest: Record<string, number> | null };
          return body.ingest ? body : undefined;
        },
        10_000,
      );
      expect(health.status).toBe('live');
      expect(health.ingest).toMatchObject({
        fps: 30,
        bitrateKbps: expect.any(Number),
        lagS: expect.any(Number),
      });
      expect(health.ingest!.bitrateKbps).toBeGreaterThan(0);
      expect(variant).toContain(`#EXT-X-KEY:METHOD=AES-128,URI="../key/${sessionId}.key${q}"`);
      const segmentName = variant
        .split('\n')
        .find((line) => line.includes('.ts'))!
        .split('?')[0]!;
      const master = await get(`/hls/${stream.id}/master.m3u8${q}`);
      expect(master.statusCode).toBe(200);
      expect(master.body).toContain(`0/index.m3u8${q}`);

      for (const path of ['master.m3u8', '0/index.m3u8', `0/${segmentName}`, `key/${sessionId}.key`]) {
        const refused = await get(`/hls/${stream.id}/${path}`);
        expect({ path, status: refused.statusCode, code: refused.json().code }).toEqual({
          path,
          status: 403,
          code: 'STREAMS_PLAYBACK_FORBIDDEN',
        });
        expect((await get(`/hls/${stream.id}/${path}${q}`)).statusCode).toBe(200);
      }
      const denied = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/streams/${stream.id}/playback-token`,
        headers: authHeaders(member),
        payload: {},
      });
      expect(denied.json().code).toBe('STREAM_TICKET_REQUIRED');

      // The key lives only on the session row and in a private folder, never in media storage.
      const session = await ctx.platform.db
        .selectFrom('stream_sessions')
        .select('encryption_key')
        .where('id', '=', sessionId)
        .executeTakeFirstOrThrow();
      const key = await get(`/hls/${stream.id}/key/${sessionId}.key${q}`);
      expect(key.rawPayload.toString('hex')).toBe(session.encryption_key);
      expect(existsSync(join(dataDir, 'private', 'keys', sessionId, 'segment.key'))).toBe(true);

      // Without the key the segment is noise; with the key, over HTTP, ffmpeg decodes it.
      const segment = await get(`/hls/${stream.id}/0/${segmentName}${q}`);
      const raw = segment.rawPayload;
      expect([raw[0], raw[188], raw[376]]).not.toEqual([0x47, 0x47, 0x47]);
      const rawFile = join(dataDir, 'encrypted.ts');
      await writeFile(rawFile, raw);
      const blind = await probe(ffprobe, rawFile).catch(() => null);
      expect(blind?.video ?? null).toBeNull();
      const out = join(dataDir, 'decrypted.ts');
      const decoded = await runFfmpeg([
        ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
        ...['-i', `${base}/hls/${stream.id}/0/index.m3u8${q}`, '-map', '0:v', '-c', 'copy', '-t', '1', out],
      ]);
      expect(decoded.code).toBe(0);
      const probed = await probe(ffprobe, out);
      expect(probed.video).toMatchObject({ codec: 'h264', height: 240 });

      // A transcoder killed mid-recording is restarted and continues the same recording.
      const [pid] = ingest.transcoderPids();
      process.kill(pid!, 'SIGKILL');
      await waitFor('a restarted transcoder writing new segments', async () => {
        const res = await get(`/hls/${stream.id}/0/index.m3u8${q}`);
        return /_1_\d+\.ts/.test(res.body) ? true : undefined;
      });
    }, 90_000);

    it('keeps the recorded session as a VOD with ENDLIST, duration and thumbnail, decodable with its key', async () => {
      expect(await publisher.exited).toBe(0);
      const ready = await waitFor(
        'recording.ready',
        async () => events.find((e) => e.type === 'recording.ready'),
        30_000,
      );
      expect(events.find((e) => e.type === 'recording.started')?.data).toMatchObject({
        streamId: stream.id,
        sessionId,
      });
      expect(ready.data).toMatchObject({
        streamId: stream.id,
        sessionId,
        vodId: expect.stringMatching(/^vod_/),
      });
      const vodId = ready.data.vodId as string;
      expect(existsSync(join(dataDir, 'private', 'keys', sessionId))).toBe(false);

      const refused = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/vods/${vodId}`,
        headers: authHeaders(member),
      });
      expect(refused.json().code).toBe('STREAM_TICKET_REQUIRED');
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/vods/${vodId}`,
        headers: authHeaders(creator),
      });
      expect(res.statusCode).toBe(200);
      const { vod, playbackUrl } = res.json() as {
        vod: { durationS: number; title: string };
        playbackUrl: string;
      };
      expect(vod.title).toBe('Paid and encrypted');
      expect(vod.durationS).toBeGreaterThan(5);
      const vodToken = new URL(playbackUrl).searchParams.get('token')!;
      const q = `?token=${encodeURIComponent(vodToken)}`;

      expect((await get(`/vod/${vodId}/0/index.m3u8`)).statusCode).toBe(403);
      const variant = await get(`/vod/${vodId}/0/index.m3u8${q}`);
      expect(variant.body).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
      expect(variant.body.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
      expect(variant.body).toContain(`URI="../key/${sessionId}.key${q}"`);
      // Both transcoder runs are in the recording, joined by a discontinuity.
      expect(variant.body).toMatch(/_0_\d+\.ts/);
      expect(variant.body).toMatch(/_1_\d+\.ts/);
      expect(variant.body).toContain('#EXT-X-DISCONTINUITY');
      const thumb = await get(`/vod/${vodId}/thumb.jpg${q}`);
      expect(thumb.statusCode).toBe(200);
      expect([...thumb.rawPayload.subarray(0, 2)]).toEqual([0xff, 0xd8]);
      expect((await get(`/hls/${stream.id}/master.m3u8?token=${encodeURIComponent(token)}`)).statusCode).toBe(
        404,
      );

      const out = join(dataDir, 'vod.ts');
      const decoded = await runFfmpeg([
        ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
        ...['-i', `${base}/vod/${vodId}/master.m3u8${q}`, '-c', 'copy', out],
      ]);
      expect(decoded).toMatchObject({ code: 0 });
      const probed = await probe(ffprobe, out);
      expect(probed.video).toMatchObject({ codec: 'h264', height: 240 });
      expect(probed.audio).toMatchObject({ codec: 'aac' });
      expect(probed.durationS).toBeGreaterThan(2);
    }, 90_000);
  },
);

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { FakeS3Server } from '../../test/fakes/s3.fake.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { LocalMediaStorage, locateMediaTool, probe, S3MediaStorage } from '../platform/media/index.ts';
import { createApp } from '../tenants/tenants.fixtures.ts';
import { NmsIngestServer } from './ingest.nms.ts';
import { LiveIngest } from './ingest.service.ts';
import type { StreamView } from './streams.schemas.ts';
import { StreamStore } from './streams.store.ts';

const ffmpeg = locateMediaTool('ffmpeg', process.env.FFMPEG_PATH ?? null);
const ffprobe = locateMediaTool('ffprobe', process.env.FFPROBE_PATH ?? null);
const S3_ENV = {
  bucket: 'pnptv-media',
  accessKeyId: 'PNPTVKEY',
  secretAccessKey: 'pnptv-secret',
  region: 'eu-west-1',
};

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Frames and key frames of the video in a segment, as ffmpeg's showinfo filter decodes them. */
async function videoFrames(file: string): Promise<{ frames: number; keyFrames: number }> {
  const child = spawn(
    ffmpeg,
    ['-hide_banner', '-nostdin', '-i', file, '-map', '0:v:0', '-vf', 'showinfo', '-f', 'null', '-'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let out = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  await new Promise((resolve) => child.once('close', resolve));
  const frames = out.split('\n').filter((line) => /\bn: *\d+/.test(line));
  return { frames: frames.length, keyFrames: frames.filter((line) => line.includes('iskey:1')).length };
}

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'live streams on S3-compatible storage with ffmpeg on %s',
  (_n, factory) => {
    const s3 = new FakeS3Server(S3_ENV);
    let ctx: TestContext;
    let ingest: LiveIngest;
    let dataDir: string;
    let owner: TestSession;
    let appId: string;
    let port: number;
    const publishers = new Set<ChildProcess>();
    const events: { type: string; appId: string; data: Record<string, unknown> }[] = [];

    function publish(key: string, seconds: number, size = '640x480', rate = 30) {
      const child = spawn(
        ffmpeg,
        [
          ...['-hide_banner', '-loglevel', 'error', '-re'],
          ...['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}`],
          ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(seconds)],
          ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(rate)],
          ...['-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv'],
          `rtmp://127.0.0.1:${port}/live/${key}`,
        ],
        { stdio: ['ignore', 'ignore', 'ignore'] },
      );
      publishers.add(child);
      const exited = new Promise<number | null>((resolve) =>
        child.once('close', (code) => {
          publishers.delete(child);
          resolve(code);
        }),
      );
      return { child, exited };
    }

    async function createStream(payload: Record<string, unknown>) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/apps/${appId}/streams`,
        headers: authHeaders(owner),
        payload: { title: 'Test pattern', latencyMode: 'low', ...payload },
      });
      expect(res.statusCode).toBe(201);
      return res.json() as { stream: StreamView; ingest: { streamKey: string } };
    }

    async function getStream(id: string): Promise<StreamView> {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/apps/${appId}/streams/${id}`,
        headers: authHeaders(owner),
      });
      return (res.json() as { stream: StreamView }).stream;
    }

    function get(url: string) {
      return ctx.app.inject({ method: 'GET', url });
    }

    /** Waits for a master whose every variant (0..n-1) names a segment; returns the master body. */
    function waitForPlayable(base: string, variants: number, timeoutMs = 30_000) {
      return waitFor(
        'a master whose every variant has a segment',
        async () => {
          const res = await get(`${base}/master.m3u8`);
          if (res.statusCode !== 200) return undefined;
          for (let i = 0; i < variants; i++) {
            const variant = await get(`${base}/${i}/index.m3u8`);
            if (variant.statusCode !== 200 || !variant.body.includes('.ts')) return undefined;
          }
          return res.body;
        },
        timeoutMs,
      );
    }

    beforeAll(async () => {
      await s3.start();
      dataDir = await mkdtemp(join(tmpdir(), 'pnptv-s3-ingest-'));
      ctx = await createTestContext(factory, {
        env: {
          DATA_DIR: dataDir,
          LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
          S3_ENDPOINT: s3.endpoint,
          S3_BUCKET: S3_ENV.bucket,
          S3_ACCESS_KEY_ID: S3_ENV.accessKeyId,
          S3_SECRET_ACCESS_KEY: S3_ENV.secretAccessKey,
          S3_REGION: S3_ENV.region,
        },
      });
      expect(ctx.services.media).toBeInstanceOf(S3MediaStorage);
      ingest = new LiveIngest({
        platform: ctx.platform,
        store: new StreamStore(),
        server: new NmsIngestServer(ctx.platform.log, { publishDeadlineMs: 2_000 }),
        storage: ctx.services.media,
        ffmpegPath: ffmpeg,
        storageFailureGraceMs: 1_500,
      });
      port = await ingest.start(0, '127.0.0.1');
      await ctx.platform.bus.subscribe('events', (message) => {
        events.push(message as (typeof events)[number]);
      });
      owner = await signUp(ctx.app);
      appId = (await createApp(ctx.app, owner, 'S3 app')).id;
    }, 60_000);

    afterAll(async () => {
      for (const child of publishers) child.kill('SIGKILL');
      await ingest?.stop();
      await (ctx?.services.media as S3MediaStorage | undefined)?.close();
      await ctx?.close();
      await s3.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }, 60_000);

    it('serves a live stream whose segments and playlists are in the bucket, then keeps the recording there', async () => {
      const { stream, ingest: info } = await createStream({ reconnectWindowS: 0, record: true });
      const publisher = publish(info.streamKey, 5);
      const master = await waitForPlayable(`/hls/${stream.id}`, 2);
      expect([...master.matchAll(/RESOLUTION=\d+x(\d+)/g)].map((m) => Number(m[1]))).toEqual([480, 360]);
      expect(s3.objects.has(`live/${stream.id}/master.m3u8`)).toBe(true);
      const variant = (await get(`/hls/${stream.id}/1/index.m3u8`)).body;
      const name = variant.split('\n').find((line) => line.endsWith('.ts'))!;
      expect(s3.objects.has(`live/${stream.id}/1/${name}`)).toBe(true);
      const segment = await get(`/hls/${stream.id}/1/${name}`);
      expect(segment.statusCode).toBe(200);
      expect(segment.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      const file = join(dataDir, 'live.ts');
      await writeFile(file, segment.rawPayload);
      const probed = await probe(ffprobe, file);
      expect(probed.video).toMatchObject({ codec: 'h264', height: 360 });
      expect(probed.audio).toMatchObject({ codec: 'aac' });

      await publisher.exited;
      const ready = await waitFor('recording.ready', async () =>
        events.find((e) => e.type === 'recording.ready' && e.data.streamId === stream.id),
      );
      const vodId = String(ready.data.vodId);
      const vodPlaylist = await get(`/vod/${vodId}/0/index.m3u8`);
      expect(vodPlaylist.statusCode).toBe(200);
      expect(vodPlaylist.body).toContain('#EXT-X-ENDLIST');
      const vodSegment = vodPlaylist.body.split('\n').find((line) => line.endsWith('.ts'))!;
      expect((await get(`/vod/${vodId}/0/${vodSegment}`)).statusCode).toBe(200);
      expect(s3.objects.has(`vod/${vodId}/0/${vodSegment}`)).toBe(true);
      expect(s3.objects.get(`vod/${vodId}/0/index.m3u8`)?.toString()).toContain('#EXT-X-ENDLIST');
      expect([...s3.objects.keys()].filter((k) => k.startsWith(`live/${stream.id}/`))).toEqual([]);
      await expect(readdir(join(dataDir, 'media-staging', 'vod', vodId))).rejects.toThrow(/ENOENT/);
      expect(s3.log.filter((l) => l.endsWith(' 403'))).toEqual([]);
    }, 90_000);

    it('gives a 1080p60 source the full ladder with a key frame exactly every segment (60 frames)', async () => {
      const { stream, ingest: info } = await createStream({ reconnectWindowS: 0 });
      const publisher = publish(info.streamKey, 4, '1920x1080', 60);
      try {
        await checkLadder();
      } finally {
        publisher.child.kill('SIGKILL');
        await publisher.exited;
      }
      await waitFor('the stream to end', async () =>
        (await getStream(stream.id)).status === 'ended' ? true : undefined,
      );

      async function checkLadder() {
        const master = await waitForPlayable(`/hls/${stream.id}`, 4, 45_000);
        expect([...master.matchAll(/RESOLUTION=\d+x(\d+)/g)].map((m) => Number(m[1]))).toEqual([
          1080, 720, 480, 360,
        ]);
        const live = events.find((e) => e.type === 'stream.live' && e.data.streamId === stream.id);
        expect(live?.data).toMatchObject({ rungs: [1080, 720, 480, 360], source: { height: 1080, fps: 60 } });
        const variant = (await get(`/hls/${stream.id}/3/index.m3u8`)).body;
        const name = variant.split('\n').find((line) => line.endsWith('.ts'))!;
        const file = join(dataDir, 'gop.ts');
        await writeFile(file, (await get(`/hls/${stream.id}/3/${name}`)).rawPayload);
        expect(await videoFrames(file)).toEqual({ frames: 60, keyFrames: 1 });
      }
    }, 90_000);

    it('ends a live session with storage_failed when the object store goes away, leaving no ffmpeg', async () => {
      const { stream, ingest: info } = await createStream({ reconnectWindowS: 30 });
      publish(info.streamKey, 30);
      await waitForPlayable(`/hls/${stream.id}`, 2);
      const pids = ingest.transcoderPids();
      expect(pids).toHaveLength(1);
      await s3.stop();
      const offline = await waitFor(
        'stream.offline',
        async () => events.find((e) => e.type === 'stream.offline' && e.data.streamId === stream.id),
        15_000,
      );
      expect(offline.data).toMatchObject({ reason: 'storage_failed' });
      expect((await getStream(stream.id)).status).toBe('ended');
      expect(ingest.transcoderPids()).toEqual([]);
      expect(alive(pids[0]!)).toBe(false);
      await s3.start();
      expect((await get(`/hls/${stream.id}/master.m3u8`)).statusCode).toBe(200);
    }, 60_000);

    it('restarts a transcoder whose output folder was removed, and ends the session when its output cannot be written', async () => {
      // node-media-server keeps process-wide state: one ingest per process, so the S3 one stops here.
      await ingest.stop();
      const root = join(dataDir, 'local-media');
      const local = new LiveIngest({
        platform: ctx.platform,
        store: new StreamStore(),
        server: new NmsIngestServer(ctx.platform.log, { publishDeadlineMs: 2_000 }),
        storage: new LocalMediaStorage(root),
        ffmpegPath: ffmpeg,
      });
      ingest = local;
      port = await local.start(0, '127.0.0.1');
      const { stream, ingest: info } = await createStream({ reconnectWindowS: 30 });
      publish(info.streamKey, 40);
      const output = join(root, 'live', stream.id);
      const segments = () =>
        readdir(join(output, '0')).then(
          (files) => files.filter((f) => f.endsWith('.ts')),
          () => [] as string[],
        );
      await waitFor('a first segment on disk', async () =>
        (await segments()).length > 0 ? true : undefined,
      );
      const [first] = local.transcoderPids();

      // ffmpeg keeps writing into the folder while it goes: retry until it is gone.
      const removeOutput = () => rm(output, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
      await removeOutput();
      await waitFor('segments of a restarted transcoder', async () =>
        (await segments()).length > 0 ? true : undefined,
      );
      const [second] = local.transcoderPids();
      expect(second).not.toBe(first);
      expect(alive(first!)).toBe(false);
      expect((await getStream(stream.id)).status).toBe('live');

      await removeOutput();
      await writeFile(output, 'not a folder');
      const offline = await waitFor(
        'stream.offline',
        async () => events.find((e) => e.type === 'stream.offline' && e.data.streamId === stream.id),
        30_000,
      );
      expect(offline.data).toMatchObject({ reason: 'storage_failed' });
      expect((await getStream(stream.id)).status).toBe('ended');
      expect(local.transcoderPids()).toEqual([]);
      expect(alive(second!)).toBe(false);
    }, 60_000);
  },
);

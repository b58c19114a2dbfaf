import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { locateMediaTool, probe } from '../platform/media/index.ts';
import { createApp } from '../tenants/tenants.fixtures.ts';
import { NmsIngestServer } from './ingest.nms.ts';
import { LiveIngest } from './ingest.service.ts';
import type { StreamView } from './streams.schemas.ts';
import { StreamStore } from './streams.store.ts';

const ffmpeg = locateMediaTool('ffmpeg', process.env.FFMPEG_PATH ?? null);
const ffprobe = locateMediaTool('ffprobe', process.env.FFPROBE_PATH ?? null);

/** Polls `check` every 200 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
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

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'live ingest with ffmpeg on %s',
  (_n, factory) => {
    let ctx: TestContext;
    let ingest: LiveIngest;
    let dataDir: string;
    let owner: TestSession;
    let appId: string;
    let stream: StreamView;
    let streamKey: string;
    let port: number;
    const publishers = new Set<ChildProcess>();
    const events: { type: string; appId: string; data: Record<string, unknown> }[] = [];

    /** A test publisher: 640x480 testsrc2 + sine, x264 ultrafast / AAC, FLV over RTMP; ends after `seconds`. */
    function publish(
      key: string,
      seconds = 60,
      source: { size: string; audio: boolean } = { size: '640x480', audio: true },
    ): { child: ChildProcess; exited: Promise<number | null> } {
      const child = spawn(
        ffmpeg,
        [
          '-hide_banner',
          '-loglevel',
          'error',
          '-re',
          '-f',
          'lavfi',
          '-i',
          `testsrc2=size=${source.size}:rate=30`,
          ...(source.audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'] : []),
          '-t',
          String(seconds),
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-tune',
          'zerolatency',
          '-g',
          '30',
          '-pix_fmt',
          'yuv420p',
          ...(source.audio ? ['-c:a', 'aac', '-b:a', '64k'] : ['-an']),
          '-f',
          'flv',
          `rtmp://127.0.0.1:${port}/live/${key}`,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child.stderr?.resume();
      publishers.add(child);
      const exited = new Promise<number | null>((resolve) =>
        child.once('close', (code) => {
          publishers.delete(child);
          resolve(code);
        }),
      );
      return { child, exited };
    }

    async function getStream(): Promise<StreamView> {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/apps/${appId}/streams/${stream.id}`,
        headers: authHeaders(owner),
      });
      return (res.json() as { stream: StreamView }).stream;
    }

    async function hls(path: string) {
      return ctx.app.inject({ method: 'GET', url: `/hls/${stream.id}/${path}` });
    }

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'pnptv-ingest-'));
      ctx = await createTestContext(factory, {
        env: { DATA_DIR: dataDir, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' },
      });
      ingest = new LiveIngest({
        platform: ctx.platform,
        store: new StreamStore(),
        server: new NmsIngestServer(ctx.platform.log, { publishDeadlineMs: 2_000 }),
        storage: ctx.services.media,
        ffmpegPath: ffmpeg,
      });
      port = await ingest.start(0, '127.0.0.1');
      await ctx.platform.bus.subscribe('events', (message) => {
        events.push(message as (typeof events)[number]);
      });
      owner = await signUp(ctx.app);
      appId = (await createApp(ctx.app, owner, 'Live app')).id;
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/apps/${appId}/streams`,
        headers: authHeaders(owner),
        payload: { title: 'Test pattern', reconnectWindowS: 6, latencyMode: 'low' },
      });
      const body = res.json() as { stream: StreamView; ingest: { streamKey: string } };
      stream = body.stream;
      streamKey = body.ingest.streamKey;
    }, 60_000);

    afterAll(async () => {
      for (const child of publishers) child.kill('SIGKILL');
      await ingest?.stop();
      await ctx?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }, 60_000);

    let firstPublisher: ReturnType<typeof publish>;
    let sessionId: string;

    it('goes live and serves a master playlist with every rung at or below the 480p source', async () => {
      firstPublisher = publish(streamKey);
      const master = await waitFor('a master whose every variant has a segment', async () => {
        const res = await hls('master.m3u8');
        if (res.statusCode !== 200) return undefined;
        for (const i of [0, 1]) {
          const variant = await hls(`${i}/index.m3u8`);
          if (variant.statusCode !== 200 || !variant.body.includes('.ts')) return undefined;
        }
        return res;
      });
      expect(master.headers['cache-control']).toBe('no-cache');
      expect(master.headers['access-control-allow-origin']).toBe('*');
      expect(master.headers['content-type']).toContain('application/vnd.apple.mpegurl');
      const heights = [...master.body.matchAll(/RESOLUTION=\d+x(\d+)/g)].map((m) => Number(m[1]));
      expect(heights).toEqual([480, 360]);
      expect(master.body).toContain('0/index.m3u8');
      expect(master.body).toContain('1/index.m3u8');

      const live = await getStream();
      expect(live.status).toBe('live');
      expect(live.currentSessionId).toMatch(/^ses_/);
      sessionId = live.currentSessionId!;
      expect(events.filter((e) => e.type === 'stream.live')).toEqual([
        expect.objectContaining({
          type: 'stream.live',
          appId,
          data: expect.objectContaining({ streamId: stream.id, sessionId, rungs: [480, 360] }),
        }),
      ]);
      expect(ingest.transcoderPids()).toHaveLength(1);
      const registry = ctx.platform.metrics.registry;
      const speed = await waitFor('transcoder speed and lag metrics', async () => {
        const text = await registry.getSingleMetricAsString('pnptv_transcoder_speed');
        const lag = await registry.getSingleMetricAsString('pnptv_transcoder_lag_seconds');
        const match = new RegExp(`stream="${stream.id}"} ([0-9.]+)`).exec(text);
        return match && lag.includes(stream.id) ? Number(match[1]) : undefined;
      });
      expect(speed).toBeGreaterThan(0);
    }, 90_000);

    it('serves immutable segments that ffprobe decodes as H.264 and AAC at the rung height', async () => {
      for (const [rendition, height] of [
        [0, 480],
        [1, 360],
      ] as const) {
        const playlist = await hls(`${rendition}/index.m3u8`);
        expect(playlist.headers['cache-control']).toBe('no-cache');
        const name = playlist.body.split('\n').find((line) => line.endsWith('.ts'));
        expect(name).toBeDefined();
        const segment = await hls(`${rendition}/${name}`);
        expect(segment.statusCode).toBe(200);
        expect(segment.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(segment.headers['content-type']).toBe('video/mp2t');
        const file = join(dataDir, `probe-${rendition}.ts`);
        await writeFile(file, segment.rawPayload);
        const probed = await probe(ffprobe, file);
        expect(probed.video).toMatchObject({ codec: 'h264', height });
        expect(probed.audio).toMatchObject({ codec: 'aac' });
      }
    }, 60_000);

    it('refuses an unknown key and a second publisher on a live key without starting a transcoder', async () => {
      const pidsBefore = ingest.transcoderPids();
      const wrong = publish(`live_${'A'.repeat(43)}`, 20);
      expect(await wrong.exited).not.toBe(0);
      const second = publish(streamKey, 20);
      expect(await second.exited).not.toBe(0);
      expect(ingest.transcoderPids()).toEqual(pidsBefore);
      expect((await getStream()).currentSessionId).toBe(sessionId);
      const missing = await hls('0/zzzzzzzz_0_99999.ts');
      expect({ status: missing.statusCode, code: missing.json().code }).toEqual({
        status: 404,
        code: 'STREAMS_MEDIA_NOT_FOUND',
      });
    }, 60_000);

    it('closes connections that send garbage or stall after the handshake, and keeps the live stream untouched', async () => {
      const pids = ingest.transcoderPids();
      async function garbage(bytes: Buffer[]): Promise<number> {
        const t0 = Date.now();
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => {});
        // Read (and drop) whatever the server answers, or 'close' would wait for it to be consumed.
        socket.resume();
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
        for (const chunk of bytes) socket.write(chunk);
        await closed;
        return Date.now() - t0;
      }
      // Not RTMP at all.
      await garbage([Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]);
      // A valid C0+C1, then noise instead of C2 and chunks: closed by the publish deadline.
      const stalled = await garbage([Buffer.alloc(1537, 3), Buffer.from('x'.repeat(3000))]);
      expect(stalled).toBeGreaterThanOrEqual(1_500);
      expect(ingest.transcoderPids()).toEqual(pids);
      expect((await getStream()).status).toBe('live');
    }, 30_000);

    it('restarts a transcoder killed from outside and keeps producing segments with new names', async () => {
      const [pid] = ingest.transcoderPids();
      process.kill(pid!, 'SIGKILL');
      const [next] = await waitFor('a new transcoder', async () => {
        const now = ingest.transcoderPids();
        return now.length === 1 && now[0] !== pid ? now : undefined;
      });
      expect(alive(pid!)).toBe(false);
      expect(next).not.toBe(pid);
      await waitFor('segments of the second run', async () => {
        const playlist = await hls('1/index.m3u8');
        return /_1_\d+\.ts/.test(playlist.body) ? true : undefined;
      });
      expect((await getStream()).currentSessionId).toBe(sessionId);
    }, 60_000);

    it('keeps the same session when the publisher returns within the reconnect window', async () => {
      const pid = ingest.transcoderPids()[0]!;
      firstPublisher.child.kill('SIGKILL');
      await firstPublisher.exited;
      await waitFor('reconnecting', async () =>
        (await getStream()).status === 'reconnecting' ? true : undefined,
      );
      publish(streamKey);
      const back = await waitFor('live again', async () => {
        const s = await getStream();
        return s.status === 'live' ? s : undefined;
      });
      expect(back.currentSessionId).toBe(sessionId);
      const row = await ctx.platform.db
        .selectFrom('stream_sessions')
        .selectAll()
        .where('stream_id', '=', stream.id)
        .execute();
      expect(row.map((r) => [r.id, r.reconnects, r.ended_at])).toEqual([[sessionId, 1, null]]);
      expect(ingest.transcoderPids()).toEqual([pid]);
      expect(events.filter((e) => e.type === 'stream.live')).toHaveLength(1);
    }, 60_000);

    it('ends the session once the window runs out, emits stream.offline and leaves no ffmpeg behind', async () => {
      const pids = ingest.transcoderPids();
      for (const child of publishers) child.kill('SIGKILL');
      const ended = await waitFor(
        'ended',
        async () => {
          const s = await getStream();
          return s.status === 'ended' ? s : undefined;
        },
        30_000,
      );
      expect(ended.currentSessionId).toBeNull();
      expect(ingest.transcoderPids()).toEqual([]);
      for (const pid of pids) expect(alive(pid)).toBe(false);
      await waitFor('stream.offline', async () =>
        events.some((e) => e.type === 'stream.offline') ? true : undefined,
      );
      expect(events.find((e) => e.type === 'stream.offline')?.data).toMatchObject({
        streamId: stream.id,
        sessionId,
        reason: 'reconnect_window_elapsed',
      });
      const session = await ctx.platform.db
        .selectFrom('stream_sessions')
        .select(['end_reason', 'ended_at'])
        .where('id', '=', sessionId)
        .executeTakeFirstOrThrow();
      expect(session.end_reason).toBe('reconnect_window_elapsed');
      expect(session.ended_at).not.toBeNull();
    }, 60_000);

    it('starts a new session after the end, and rotating the key drops the publisher and refuses the old key', async () => {
      const again = publish(streamKey);
      const live = await waitFor('a second session', async () => {
        const s = await getStream();
        return s.status === 'live' && s.currentSessionId !== sessionId ? s : undefined;
      });
      expect(live.currentSessionId).toMatch(/^ses_/);
      expect(events.filter((e) => e.type === 'stream.live')).toHaveLength(2);
      const [pid] = ingest.transcoderPids();
      const rotated = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/apps/${appId}/streams/${stream.id}/rotate-key`,
        headers: authHeaders(owner),
      });
      expect(rotated.statusCode).toBe(200);
      expect(await again.exited).not.toBe(0);
      const ended = await waitFor('ended by rotation', async () => {
        const s = await getStream();
        return s.status === 'ended' ? s : undefined;
      });
      expect(ended.currentSessionId).toBeNull();
      expect(alive(pid!)).toBe(false);
      const session = await ctx.platform.db
        .selectFrom('stream_sessions')
        .select('end_reason')
        .where('id', '=', live.currentSessionId!)
        .executeTakeFirstOrThrow();
      expect(session.end_reason).toBe('key_rotated');
      const old = publish(streamKey, 20);
      expect(await old.exited).not.toBe(0);
      expect(ingest.transcoderPids()).toEqual([]);
      expect((await getStream()).status).toBe('ended');
    }, 60_000);

    it('packages an odd-sized video-only source as one even rung and ends at once with a zero window', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/apps/${appId}/streams`,
        headers: authHeaders(owner),
        payload: { title: 'Odd', reconnectWindowS: 0, latencyMode: 'standard' },
      });
      const created = res.json() as { stream: StreamView; ingest: { streamKey: string } };
      const odd = publish(created.ingest.streamKey, 60, { size: '322x241', audio: false });
      const master = await waitFor('the odd master', async () => {
        const m = await ctx.app.inject({ method: 'GET', url: `/hls/${created.stream.id}/master.m3u8` });
        const v = await ctx.app.inject({ method: 'GET', url: `/hls/${created.stream.id}/0/index.m3u8` });
        return m.statusCode === 200 && v.body.includes('.ts') ? m.body : undefined;
      });
      expect(
        [...master.matchAll(/RESOLUTION=(\d+)x(\d+)/g)].map((m) => [Number(m[1]) % 2, Number(m[2])]),
      ).toEqual([[0, 240]]);
      expect(master).not.toContain('mp4a');
      const variant = await ctx.app.inject({ method: 'GET', url: `/hls/${created.stream.id}/0/index.m3u8` });
      expect(variant.body).toContain('#EXT-X-TARGETDURATION:2');
      odd.child.kill('SIGKILL');
      const ended = await waitFor(
        'ended without waiting',
        async () => {
          const r = await ctx.app.inject({
            method: 'GET',
            url: `/api/v1/apps/${appId}/streams/${created.stream.id}`,
            headers: authHeaders(owner),
          });
          const s = (r.json() as { stream: StreamView }).stream;
          return s.status === 'ended' ? s : undefined;
        },
        10_000,
      );
      expect(ended.status).toBe('ended');
      expect(ingest.transcoderPids()).toEqual([]);
    }, 60_000);
  },
);

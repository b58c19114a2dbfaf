import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
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
import { RestreamRelay } from './restream.relay.ts';
import type { RestreamTargetView } from './restream.schemas.ts';
import { StreamStore } from './streams.store.ts';

const ffmpeg = locateMediaTool('ffmpeg', process.env.FFMPEG_PATH ?? null);
const ffprobe = locateMediaTool('ffprobe', process.env.FFPROBE_PATH ?? null);

/** Polls `check` every 250 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A TCP port free right now on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Runs ffmpeg with `args`; resolves with its exit code. */
function run(
  args: string[],
  children: Set<ChildProcess>,
): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(ffmpeg, ['-hide_banner', '-loglevel', 'error', ...args], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  children.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, exited };
}

describe('restream with real ffmpeg', () => {
  let ctx: TestContext;
  let ingest: LiveIngest;
  let relay: RestreamRelay;
  let dataDir: string;
  let owner: TestSession;
  let base: string;
  let rtmpPort: number;
  let streamKey: string;
  const children = new Set<ChildProcess>();
  const targetKeys = ['yt-key-0001', 'tw-key-0002', 'gone-key-0003'];

  const call = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    ctx.app.inject({
      method,
      url: `${base}${url}`,
      headers: authHeaders(owner),
      ...(payload ? { payload } : {}),
    });
  const targets = async () =>
    ((await call('GET', '/restream-targets')).json() as { items: RestreamTargetView[] }).items;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pnptv-restream-'));
    ctx = await createTestContext(testDatabases()[0]!, {
      env: {
        DATA_DIR: dataDir,
        SECRETS_KEY: randomBytes(32).toString('base64'),
        RESTREAM_ALLOW_PRIVATE: 'true',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      },
    });
    relay = new RestreamRelay({ platform: ctx.platform, targets: ctx.services.restream, ffmpegPath: ffmpeg });
    ingest = new LiveIngest({
      platform: ctx.platform,
      store: new StreamStore(),
      server: new NmsIngestServer(ctx.platform.log, { publishDeadlineMs: 2_000 }),
      storage: ctx.services.media,
      ffmpegPath: ffmpeg,
      restream: relay,
    });
    rtmpPort = await ingest.start(0, '127.0.0.1');
    owner = await signUp(ctx.app);
    const appId = (await createApp(ctx.app, owner, 'Restream app')).id;
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/apps/${appId}/streams`,
      headers: authHeaders(owner),
      payload: { title: 'Restreamed', reconnectWindowS: 0, transcodingProfile: 'mobile' },
    });
    const body = res.json() as { stream: { id: string }; ingest: { streamKey: string } };
    base = `/api/v1/apps/${appId}/streams/${body.stream.id}`;
    streamKey = body.ingest.streamKey;
  }, 90_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await ingest?.stop();
    await ctx?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('sends one publish to two RTMP servers with audio and video while a third, unreachable target retries alone', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const outputs = [join(dataDir, 'a.flv'), join(dataDir, 'b.flv')];
    // Two receiving servers: each accepts one publisher and writes what it gets; the third port has none.
    const receivers = outputs.map((out, i) =>
      run(
        ['-listen', '1', '-i', `rtmp://127.0.0.1:${ports[i]}/live/${targetKeys[i]}`, '-c', 'copy', '-y', out],
        children,
      ),
    );
    for (const [i, name] of ['Receiver A', 'Receiver B', 'Nobody'].entries()) {
      const res = await call('POST', '/restream-targets', {
        name,
        url: `rtmp://127.0.0.1:${ports[i]}/live`,
        streamKey: targetKeys[i]!,
      });
      expect(res.statusCode).toBe(201);
    }

    const publisher = run(
      [
        '-re',
        ...['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25'],
        ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100'],
        ...['-t', '40', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p'],
        ...['-c:a', 'aac', '-b:a', '64k', '-f', 'flv', `rtmp://127.0.0.1:${rtmpPort}/live/${streamKey}`],
      ],
      children,
    );

    const states = await until('both receivers live and the third target retrying twice', async () => {
      const items = await targets();
      const [a, b, gone] = items;
      return a?.state.status === 'live' && b?.state.status === 'live' && (gone?.state.attempt ?? 0) >= 2
        ? items
        : undefined;
    });
    expect(states[2]!.state).toMatchObject({ status: expect.stringMatching(/retrying|connecting/) });
    expect(states[2]!.state.reason).toMatch(/refused/i);
    const status = await call('GET', '/restream-status');
    expect(status.body).not.toContain(targetKeys[2]);
    // The receivers accept one publisher each: had a retry restarted their process, they would have exited.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const [a, b] = await targets();
    expect([a?.state.status, b?.state.status]).toEqual(['live', 'live']);
    const stillRunning = await Promise.race([
      Promise.all(receivers.map((r) => r.exited)).then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 100)),
    ]);
    expect(stillRunning).toBe(true);

    publisher.child.kill('SIGINT');
    await publisher.exited;
    await until('the restream processes to stop with the stream', async () =>
      relay.pids().length === 0 ? true : undefined,
    );
    expect(await Promise.all(receivers.map((r) => r.exited))).toEqual([0, 0]);
    for (const out of outputs) {
      const probed = await probe(ffprobe, out);
      expect(probed.video).toMatchObject({ codec: 'h264', width: 320, height: 240 });
      expect(probed.audio).toMatchObject({ codec: 'aac' });
      expect(probed.durationS ?? 0).toBeGreaterThan(3);
    }
    const after = await targets();
    expect(after.map((t) => t.state.status)).toEqual(['idle', 'idle', 'idle']);
  }, 150_000);
});

/**
 * Live media pipeline on this machine, in one run: how soon a stream becomes playable, how far
 * a real player (Chromium with hls.js) runs behind the publisher in low-latency and standard
 * mode, what the 3-rung 720p30 ladder costs in CPU beside a bare ffmpeg running the same
 * ladder command (ladder.ts), and how many 720p30 streams transcode at once without falling
 * behind. Publishers replay a pre-encoded clip with `-re -c copy`, so they cost almost nothing.
 *
 * Glass-to-glass method: the clip carries its own timestamp as a 16-bit bar code (centiseconds
 * of presentation time) across the top of every frame. The publisher starts at wall-clock T0
 * and `-re` releases each frame at T0 + its presentation time, so a frame stamped p was
 * "captured" at T0 + p. The player draws the current video frame to a canvas, reads the bar
 * code, and the latency is now − (T0 + p). Each figure is the median of samples taken every
 * 500 ms once playback is steady.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { locateMediaTool } from '../../packages/server/src/platform/media/index.ts';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../../packages/server/src/platform/node-flags.ts';
import { buildServer } from '../../scripts/build-server.ts';
import { ROOT, startNode, stop } from '../lib/process.ts';
import { FPS, HEIGHT, kill, prepareClip, publish, sleep } from './clip.ts';
import {
  BENCH_RUNGS,
  CPU_ROUNDS,
  CPU_WINDOW_S,
  CPU_WINDOW_START_S,
  compareLadders,
  freePort,
  treeCoresOver,
  waitNoTranscoder,
} from './ladder.ts';
import { glassToGlass, median, round, waitPlayable } from './player.ts';

/** Most concurrent streams tried for `streams_realtime`. */
const MAX_STREAMS = Number(process.env.BENCH_MAX_STREAMS ?? 4);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Opens /metrics on the server's main port (without it the main port answers 404). */
const METRICS_TOKEN = 'bench-media-metrics-token';

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: Answer }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Answer };
}

/** The fields of the API answers the benchmark reads. */
interface Answer {
  app: { id: string };
  stream: { id: string };
  ingest: { rtmpUrl: string; streamKey: string };
}

/**
 * Signs up a developer, creates an app, and returns a function creating public streams in it.
 * Streams end as soon as their publisher leaves (no reconnect window), so no transcoder of an
 * earlier phase lingers into a later one.
 */
async function provision(base: string) {
  const email = `bench-media-${Date.now()}@example.com`;
  const reg = await fetch(`${base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery staple', displayName: 'Bench' }),
  });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${await reg.text()}`);
  const body = (await reg.json()) as { csrfToken: string };
  const headers = {
    'content-type': 'application/json',
    cookie: reg.headers.get('set-cookie')!.split(';')[0]!,
    'x-csrf-token': body.csrfToken,
  };
  const app = await json(`${base}/api/v1/apps`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'Media bench' }),
  });
  if (app.status !== 201) throw new Error(`create app failed: ${app.status} ${JSON.stringify(app.body)}`);
  const appId = app.body.app.id;
  return async (latencyMode: 'low' | 'standard', title: string) => {
    const created = await json(`${base}/api/v1/apps/${appId}/streams`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ title, latencyMode, visibility: 'public', record: false, reconnectWindowS: 0 }),
    });
    if (created.status !== 201)
      throw new Error(`create stream failed: ${created.status} ${JSON.stringify(created.body)}`);
    return {
      id: created.body.stream.id,
      rtmp: `${created.body.ingest.rtmpUrl}/${created.body.ingest.streamKey}`,
      master: `${base}/hls/${created.body.stream.id}/master.m3u8`,
    };
  };
}

/** Highest lag reading per stream from the Prometheus endpoint. */
async function transcoderLags(base: string): Promise<Map<string, number>> {
  const text = await (
    await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const lags = new Map<string, number>();
  for (const match of text.matchAll(/^pnptv_transcoder_lag_seconds\{stream="([^"]+)"\} ([\d.eE+-]+)$/gm)) {
    lags.set(match[1]!, Number(match[2]));
  }
  return lags;
}

/** Whether `count` concurrent 720p30 streams transcode without their lag growing. */
async function keepsUp(
  ffmpeg: string,
  clip: string,
  base: string,
  pid: number,
  create: Awaited<ReturnType<typeof provision>>,
  count: number,
): Promise<{ ok: boolean; growthS: number }> {
  const streams = await Promise.all(
    Array.from({ length: count }, (_, i) => create('standard', `Concurrent ${count}.${i}`)),
  );
  const publishers = streams.map((s) => publish(ffmpeg, clip, s.rtmp));
  try {
    await Promise.all(streams.map((s, i) => waitPlayable(s.master, publishers[i]!.startedAt)));
    await sleep(4000);
    const first = await transcoderLags(base);
    await sleep(12_000);
    const second = await transcoderLags(base);
    let growthS = 0;
    let seen = 0;
    for (const s of streams) {
      const a = first.get(s.id);
      const b = second.get(s.id);
      if (a === undefined || b === undefined) continue;
      seen++;
      growthS = Math.max(growthS, b - a);
    }
    return { ok: seen === count && growthS < 1, growthS: round(growthS) };
  } finally {
    await Promise.all(publishers.map((p) => kill(p.child)));
    await waitNoTranscoder(pid);
  }
}

export async function main(): Promise<void> {
  const ffmpeg = locateMediaTool('ffmpeg', process.env.FFMPEG_PATH ?? null);
  const clip = await prepareClip(ffmpeg);
  const dataDir = mkdtempSync(join(tmpdir(), 'pnptv-bench-media-'));
  const pnptv = await startNode(
    // As `npm start` runs it: from the bundle.
    await buildServer(),
    ['start'],
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      RTMP_PORT: String(await freePort()),
      METRICS_TOKEN,
      ...SERVER_ENV,
    },
    /PNPtv is running at .*port (\d+)/,
    60_000,
    SERVER_NODE_FLAGS,
  );
  const pid = pnptv.child.pid!;
  const port = /port (\d+)\)/.exec(pnptv.output())![1];
  const base = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  try {
    const create = await provision(base);

    // Low latency: time to playable, then the player.
    const low = await create('low', 'Media bench low latency');
    const lowPub = publish(ffmpeg, clip, low.rtmp);
    const firstPlayableS = await waitPlayable(low.master, lowPub.startedAt);
    const lowG2g = await glassToGlass(browser, base, low.master, lowPub.startedAt, 'low', 8);
    await kill(lowPub.child);
    await waitNoTranscoder(pid);

    const standard = await create('standard', 'Media bench standard');
    const stdPub = publish(ffmpeg, clip, standard.rtmp);
    await waitPlayable(standard.master, stdPub.startedAt);
    const stdG2g = await glassToGlass(browser, base, standard.master, stdPub.startedAt, 'standard', 8);
    await kill(stdPub.child);
    await waitNoTranscoder(pid);

    // The server with no stream, then the ladder on PNPtv and on a bare ffmpeg, in turns.
    const idle = await treeCoresOver(pid, CPU_WINDOW_S);
    const ladder = await compareLadders(
      { pid, createLowLatency: (title) => create('low', title) },
      ffmpeg,
      clip,
    );
    const playable = [firstPlayableS, ...ladder.pnptv.map((w) => w.playableS)];

    let streamsRealtime = 0;
    const attempts: { streams: number; ok: boolean; lag_growth_s: number }[] = [];
    for (let n = 1; n <= MAX_STREAMS; n++) {
      const result = await keepsUp(ffmpeg, clip, base, pid, create, n);
      attempts.push({ streams: n, ok: result.ok, lag_growth_s: result.growthS });
      process.stdout.write(
        `${n} concurrent stream(s): ${result.ok ? 'real time' : 'falling behind'} (lag growth ${result.growthS} s)\n`,
      );
      if (!result.ok) break;
      streamsRealtime = n;
    }

    const cores = (values: number[]) => values.map((v) => round(v, 3));
    const result = {
      first_playable_s: round(median(playable)),
      glass_to_glass_s: lowG2g.medianS,
      glass_to_glass_standard_s: stdG2g.medianS,
      ladder_cores: round(ladder.ladderCores),
      baseline_ffmpeg_cores: round(ladder.baselineCores),
      ladder_ratio: round(ladder.ladderCores / ladder.baselineCores),
      streams_realtime: streamsRealtime,
      source: `${HEIGHT}p${FPS} x264 replayed with -re -c copy`,
      ladder: BENCH_RUNGS.map((r) => `${r.height}p`).join('/'),
      first_playable_samples_s: playable.map((s) => round(s)),
      ladder_windows: {
        window_s: CPU_WINDOW_S,
        starts_s_after_publish: CPU_WINDOW_START_S,
        rounds: CPU_ROUNDS,
        pnptv_cores: cores(ladder.pnptv.map((w) => w.cores)),
        pnptv_server_cores: cores(ladder.pnptv.map((w) => w.serverCores!)),
        pnptv_ffmpeg_cores: cores(ladder.pnptv.map((w) => w.ffmpegCores!)),
        baseline_cores: cores(ladder.bare.map((w) => w.cores)),
      },
      ladder_server_cores: round(ladder.serverCores, 3),
      ladder_ffmpeg_cores: round(ladder.ffmpegCores, 3),
      server_idle_cores: round(idle.cores, 3),
      same_ffmpeg_args: ladder.sameArgs,
      glass_to_glass_samples: { low: lowG2g.samples, standard: stdG2g.samples },
      player_height: lowG2g.height,
      concurrency: attempts,
      cores: availableParallelism(),
    };
    process.stdout.write(
      `${[
        `first playable:        ${result.first_playable_s} s (target ≤ 3)`,
        `glass-to-glass low:    ${result.glass_to_glass_s} s (target ≤ 3)`,
        `glass-to-glass std:    ${result.glass_to_glass_standard_s} s (target ≤ 6)`,
        `ladder CPU:            ${result.ladder_cores} cores vs bare ffmpeg ${result.baseline_ffmpeg_cores} (ratio ${result.ladder_ratio}, target ≤ 1.1; medians of ${CPU_ROUNDS} windows each)`,
        `  PNPtv split:         server ${result.ladder_server_cores} + ffmpeg ${result.ladder_ffmpeg_cores}; idle server ${result.server_idle_cores}; same ffmpeg args: ${result.same_ffmpeg_args}`,
        `streams in real time:  ${result.streams_realtime} (target ≥ 2)`,
      ].join('\n')}\n`,
    );
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'media.json'), `${JSON.stringify(result, null, 2)}\n`);
  } catch (error) {
    const logFile = join(tmpdir(), 'pnptv-bench-media-server.log');
    writeFileSync(logFile, pnptv.output());
    process.stderr.write(`server output: ${logFile}\n`);
    throw error;
  } finally {
    await browser.close();
    await stop(pnptv.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Live media pipeline on this machine, in one run: how soon a stream becomes playable, how far
 * a real player (Chromium with hls.js) runs behind the publisher in low-latency and standard
 * mode, what the 3-rung 720p30 ladder costs in CPU beside a bare ffmpeg RTMP→HLS command
 * producing the same ladder, and how many 720p30 streams transcode at once without falling
 * behind. Publishers replay a pre-encoded clip with `-re -c copy`, so they cost almost nothing.
 *
 * Glass-to-glass method: the clip carries its own timestamp as a 16-bit bar code (centiseconds
 * of presentation time) across the top of every frame. The publisher starts at wall-clock T0
 * and `-re` releases each frame at T0 + its presentation time, so a frame stamped p was
 * "captured" at T0 + p. The player draws the current video frame to a canvas, reads the bar
 * code, and the latency is now − (T0 + p). Each figure is the median of samples taken every
 * 500 ms once playback is steady.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildHlsLadderArgs, locateMediaTool } from '../../packages/server/src/platform/media/index.ts';
import { LIVE_PRESET } from '../../packages/server/src/streams/transcoder.ts';
import { liveLatencyConfig } from '../../packages/web/src/features/live/player.ts';
import { ROOT, startNode, stop } from '../lib/process.ts';

const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 30;
/** Length of the replayed clip, seconds; every phase fits inside it. */
const CLIP_S = Number(process.env.BENCH_CLIP_S ?? 45);
/** Bits of the time code: centiseconds up to 655 s. */
const CODE_BITS = 16;
const CODE_HEIGHT = 64;
/** CPU sampling window for the ladder comparison, seconds. */
const CPU_WINDOW_S = Number(process.env.BENCH_CPU_WINDOW_S ?? 12);
/** Most concurrent streams tried for `streams_realtime`. */
const MAX_STREAMS = Number(process.env.BENCH_MAX_STREAMS ?? 4);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CLK_TCK = 100;

/** The 720/480/360 ladder of the `standard` profile for a 720p source. */
const LADDER = [
  { height: 720, videoKbps: 2500, audioKbps: 128 },
  { height: 480, videoKbps: 1200, audioKbps: 96 },
  { height: 360, videoKbps: 700, audioKbps: 96 },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr}`)),
    );
  });
}

/** Encodes (once, cached in the temp folder) the 720p30 clip with its time code and a tone. */
async function prepareClip(ffmpeg: string): Promise<string> {
  const dir = join(tmpdir(), 'pnptv-bench-media');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `clip-${WIDTH}x${HEIGHT}-${FPS}-${CLIP_S}s-v1.flv`);
  if (existsSync(file)) return file;
  const block = WIDTH / CODE_BITS;
  const code = `255*mod(floor(floor(T*100+0.5)/pow(2,floor(X/${block}))),2)`;
  process.stdout.write(`encoding the ${CLIP_S} s ${HEIGHT}p${FPS} clip once…\n`);
  await run(ffmpeg, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${WIDTH}x${HEIGHT}:r=${FPS}`,
    '-f',
    'lavfi',
    '-i',
    `color=c=black:s=${WIDTH}x${CODE_HEIGHT}:r=${FPS},format=gray,geq=lum='${code}'`,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-filter_complex',
    '[0:v][1:v]overlay=0:0:shortest=1,format=yuv420p[v]',
    '-map',
    '[v]',
    '-map',
    '2:a',
    '-t',
    String(CLIP_S),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-b:v',
    '3000k',
    '-g',
    String(FPS),
    '-keyint_min',
    String(FPS),
    '-sc_threshold',
    '0',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-f',
    'flv',
    `${file}.part`,
  ]);
  await run('mv', [`${file}.part`, file]);
  return file;
}

/** Replays the clip in real time to an RTMP URL; resolves with the child and its start time. */
function publish(ffmpeg: string, clip: string, url: string): { child: ChildProcess; startedAt: number } {
  const child = spawn(
    ffmpeg,
    ['-hide_banner', '-loglevel', 'error', '-re', '-i', clip, '-c', 'copy', '-f', 'flv', url],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`publisher: ${chunk}`));
  return { child, startedAt: Date.now() };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** CPU time (user + system) of a process and all its descendants, seconds. */
function treeCpuSeconds(rootPid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirNumeric('/proc')) {
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(entry, { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended while the table was read.
    }
  }
  let total = 0;
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    total += stats.get(pid)?.ticks ?? 0;
    for (const [child, stat] of stats) if (stat.ppid === pid) queue.push(child);
  }
  return total / CLK_TCK;
}

function readdirNumeric(path: string): number[] {
  return readdirSync(path)
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Cores used by a process tree over `seconds`. */
async function coresOver(pid: number, seconds: number): Promise<number> {
  const before = treeCpuSeconds(pid);
  const started = performance.now();
  await sleep(seconds * 1000);
  return (treeCpuSeconds(pid) - before) / ((performance.now() - started) / 1000);
}

/** The fields of the API answers the benchmark reads. */
interface Answer {
  app: { id: string };
  stream: { id: string };
  ingest: { rtmpUrl: string; streamKey: string };
}

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: Answer }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Answer };
}

/** Signs up a developer, creates an app, and returns a function creating public streams in it. */
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
      body: JSON.stringify({ title, latencyMode, visibility: 'public', record: false }),
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

/** Reads a playlist over HTTP, or from disk for a file URL; empty when it is not there yet. */
async function readPlaylist(url: URL): Promise<string> {
  if (url.protocol === 'file:') return existsSync(url) ? readFileSync(url, 'utf8') : '';
  const res = await fetch(url).catch(() => null);
  return res?.ok ? res.text() : '';
}

/** Seconds from `since` until the master playlist exists and every variant lists a segment. */
async function waitPlayable(master: string, since: number, timeoutMs = 30_000): Promise<number> {
  while (Date.now() - since < timeoutMs) {
    const text = await readPlaylist(new URL(master));
    const variants = text.split('\n').filter((line) => line.trim() && !line.startsWith('#'));
    if (variants.length > 0) {
      const lists = await Promise.all(variants.map((v) => readPlaylist(new URL(v.trim(), master))));
      if (lists.every((list) => /\.ts(\?.*)?$/m.test(list))) return (Date.now() - since) / 1000;
    }
    await sleep(50);
  }
  throw new Error(`${master} was not playable within ${timeoutMs} ms`);
}

/** Plays `master` in Chromium and samples glass-to-glass latency against the publisher start. */
async function glassToGlass(
  browser: import('playwright-core').Browser,
  base: string,
  master: string,
  startedAt: number,
  mode: 'low' | 'standard',
  sampleS: number,
): Promise<{ medianS: number; samples: number; height: number }> {
  const page = await browser.newPage();
  try {
    // Same origin as the media, so the canvas holding the frames is readable.
    await page.goto(`${base}/healthz`);
    await page.setContent(
      '<video id="v" muted playsinline style="width:640px"></video><canvas id="c"></canvas>',
    );
    const require = createRequire(import.meta.url);
    await page.addScriptTag({
      path: require.resolve('hls.js/dist/hls.min.js', { paths: [join(ROOT, 'packages/web')] }),
    });
    await page.evaluate(
      ({ src, config }) => {
        const video = document.getElementById('v') as HTMLVideoElement;
        interface HlsPlayer {
          loadSource(src: string): void;
          attachMedia(video: HTMLVideoElement): void;
          on(event: string, listener: () => void): void;
          currentLevel: number;
        }
        const Hls = (
          window as unknown as {
            Hls: { new (config: object): HlsPlayer; Events: { MANIFEST_PARSED: string } };
          }
        ).Hls;
        const hls = new Hls(config);
        hls.loadSource(src);
        hls.attachMedia(video);
        hls.on(Hls.Events.MANIFEST_PARSED, () => {
          hls.currentLevel = 0;
          void video.play();
        });
      },
      { src: master, config: liveLatencyConfig(mode) },
    );
    await page.waitForFunction(
      () => (document.getElementById('v') as HTMLVideoElement).currentTime > 1,
      null,
      {
        timeout: 30_000,
      },
    );
    await sleep(3000);
    const samples: number[] = [];
    let height = 0;
    const until = Date.now() + sampleS * 1000;
    while (Date.now() < until) {
      const read = await page.evaluate(
        ({ bits, codeHeight, sourceHeight }) => {
          const video = document.getElementById('v') as HTMLVideoElement;
          const canvas = document.getElementById('c') as HTMLCanvasElement;
          const w = video.videoWidth;
          const h = video.videoHeight;
          if (!w || !h) return null;
          canvas.width = w;
          canvas.height = h;
          const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
          ctx.drawImage(video, 0, 0, w, h);
          const y = Math.floor(((codeHeight / 2) * h) / sourceHeight);
          const row = ctx.getImageData(0, y, w, 1).data;
          let value = 0;
          for (let bit = 0; bit < bits; bit++) {
            const x = Math.floor(((bit + 0.5) * w) / bits);
            if (row[x * 4]! > 128) value += 2 ** bit;
          }
          return { centis: value, now: Date.now(), height: h };
        },
        { bits: CODE_BITS, codeHeight: CODE_HEIGHT, sourceHeight: HEIGHT },
      );
      if (read) {
        height = read.height;
        const latency = (read.now - (startedAt + read.centis * 10)) / 1000;
        // A frame read mid-transition can decode to nonsense; keep plausible readings only.
        if (latency > 0 && latency < 30) samples.push(latency);
      }
      await sleep(500);
    }
    return { medianS: round(median(samples)), samples: samples.length, height };
  } finally {
    await page.close();
  }
}

/** Highest lag reading per stream from the Prometheus endpoint. */
async function transcoderLags(base: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
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
    await sleep(3000);
  }
}

/** CPU of a bare ffmpeg receiving RTMP itself and writing the same ladder. */
async function baselineCores(ffmpeg: string, clip: string): Promise<number> {
  const port = await freePort();
  const out = mkdtempSync(join(tmpdir(), 'pnptv-bench-bare-'));
  const url = `rtmp://127.0.0.1:${port}/live/bench`;
  const args = buildHlsLadderArgs({
    input: url,
    outputDir: out,
    rungs: LADDER,
    fps: FPS,
    segmentSeconds: 1,
    hasAudio: true,
    preset: LIVE_PRESET,
    lowLatency: true,
    listSize: 6,
    segmentPrefix: 'bare',
    progress: false,
    thumbnail: { everySeconds: 5, height: 180 },
  });
  for (const rung of LADDER.keys()) mkdirSync(join(out, String(rung)), { recursive: true });
  const inputAt = args.indexOf('-i');
  args.splice(inputAt, 0, '-listen', '1', '-f', 'flv');
  const bare = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  bare.stderr?.resume();
  try {
    await sleep(1000);
    const publisher = publish(ffmpeg, clip, url);
    try {
      await waitPlayable(`file://${out}/master.m3u8`, publisher.startedAt);
      await sleep(3000);
      return await coresOver(bare.pid!, CPU_WINDOW_S);
    } finally {
      await kill(publisher.child);
    }
  } finally {
    await kill(bare);
    rmSync(out, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  const ffmpeg = locateMediaTool('ffmpeg', process.env.FFMPEG_PATH ?? null);
  const clip = await prepareClip(ffmpeg);
  const dataDir = mkdtempSync(join(tmpdir(), 'pnptv-bench-media-'));
  const rtmpPort = await freePort();
  const pnptv = await startNode(
    'packages/server/src/main.ts',
    ['start'],
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      RTMP_PORT: String(rtmpPort),
    },
    /PNPtv is running at .*port (\d+)/,
  );
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

    // Low latency: time to playable, the ladder's CPU (no player running), then the player.
    const low = await create('low', 'Media bench low latency');
    const lowPub = publish(ffmpeg, clip, low.rtmp);
    const firstPlayableS = await waitPlayable(low.master, lowPub.startedAt);
    await sleep(2000);
    const ladderCores = await coresOver(pnptv.child.pid!, CPU_WINDOW_S);
    const lowG2g = await glassToGlass(browser, base, low.master, lowPub.startedAt, 'low', 8);
    await kill(lowPub.child);
    await sleep(3000);

    const standard = await create('standard', 'Media bench standard');
    const stdPub = publish(ffmpeg, clip, standard.rtmp);
    await waitPlayable(standard.master, stdPub.startedAt);
    const stdG2g = await glassToGlass(browser, base, standard.master, stdPub.startedAt, 'standard', 8);
    await kill(stdPub.child);
    await sleep(3000);

    const bareCores = await baselineCores(ffmpeg, clip);

    let streamsRealtime = 0;
    const attempts: { streams: number; ok: boolean; lag_growth_s: number }[] = [];
    for (let n = 1; n <= MAX_STREAMS; n++) {
      const result = await keepsUp(ffmpeg, clip, base, create, n);
      attempts.push({ streams: n, ok: result.ok, lag_growth_s: result.growthS });
      process.stdout.write(
        `${n} concurrent stream(s): ${result.ok ? 'real time' : 'falling behind'} (lag growth ${result.growthS} s)\n`,
      );
      if (!result.ok) break;
      streamsRealtime = n;
    }

    const result = {
      first_playable_s: round(firstPlayableS),
      glass_to_glass_s: lowG2g.medianS,
      glass_to_glass_standard_s: stdG2g.medianS,
      ladder_cores: round(ladderCores),
      baseline_ffmpeg_cores: round(bareCores),
      ladder_ratio: round(ladderCores / bareCores),
      streams_realtime: streamsRealtime,
      source: `${HEIGHT}p${FPS} x264 replayed with -re -c copy`,
      ladder: LADDER.map((r) => `${r.height}p`).join('/'),
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
        `ladder CPU:            ${result.ladder_cores} cores vs bare ffmpeg ${result.baseline_ffmpeg_cores} (ratio ${result.ladder_ratio}, target ≤ 1.1)`,
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

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateMediaTool } from '../platform/media/index.ts';
import { selectRungs, TRANSCODING_PROFILES } from './streams.rules.ts';
import { LiveTranscoder } from './transcoder.ts';

const ffmpeg = locateMediaTool('ffmpeg', process.env.FFMPEG_PATH ?? null);
const SOURCE_S = 20;

let dir: string;
let source: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pnptv-bandwidth-'));
  const file = join(dir, 'source.flv');
  // What OBS would send: 720p30 H.264 with a key frame every 2 s, and AAC.
  execFileSync(ffmpeg, [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=30'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(SOURCE_S)],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '3000k', '-g', '60', '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-b:a', '128k', '-f', 'flv', '-y', file],
  ]);
  source = await readFile(file);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function attributes(line: string): Record<string, string> {
  return Object.fromEntries([...line.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)].map((m) => [m[1]!, m[2]!]));
}

async function segmentsOf(folder: string) {
  const text = await readFile(join(folder, 'index.m3u8'), 'utf8');
  const targetS = Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(text)?.[1]);
  const segments: { durationS: number; bytes: number }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const extinf = /^#EXTINF:([0-9.]+),/.exec(lines[i]!);
    if (extinf)
      segments.push({ durationS: Number(extinf[1]), bytes: (await stat(join(folder, lines[i + 1]!))).size });
  }
  return { targetS, segments };
}

describe('the master playlist of a live ladder', () => {
  it('declares each rendition’s measured peak and average bit rate and its frame rate', async () => {
    const rungs = selectRungs(TRANSCODING_PROFILES.standard.rungs, 720);
    expect(rungs.map((r) => r.height)).toEqual([720, 480, 360]);
    const out = join(dir, 'live');
    let gaveUp: string | null = null;
    const transcoder = new LiveTranscoder(
      { ffmpegPath: ffmpeg, log: pino({ level: 'silent' }) },
      {
        streamId: 'str_bandwidth',
        segmentTag: 'bw',
        rungs,
        fps: 30,
        hasAudio: true,
        latencyMode: 'low',
        // Every segment is kept, so every one can be checked against the master.
        record: true,
        keyInfoFile: null,
        subscribe: (sink) => {
          setImmediate(() => {
            for (let at = 0; at < source.length; at += 64 * 1024) sink(source.subarray(at, at + 64 * 1024));
          });
          return () => {};
        },
      },
      out,
      (reason) => {
        gaveUp = reason;
      },
    );
    await transcoder.start();
    // Wait until ffmpeg has cut (nearly) all of the source in every rendition, then end the input.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const done = await Promise.all(
        rungs.map((_, i) =>
          segmentsOf(join(out, String(i)))
            .then(({ segments }) => segments.reduce((s, x) => s + x.durationS, 0) >= SOURCE_S - 1.5)
            .catch(() => false),
        ),
      );
      if (done.every(Boolean) || gaveUp || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await transcoder.stop();
    expect(gaveUp).toBeNull();

    const master = await readFile(join(out, 'master.m3u8'), 'utf8');
    const variants = master
      .split('\n')
      .flatMap((line, i, all) =>
        line.startsWith('#EXT-X-STREAM-INF:') ? [{ attrs: attributes(line.slice(18)), uri: all[i + 1] }] : [],
      );
    expect(variants.map((v) => v.uri)).toEqual(['0/index.m3u8', '1/index.m3u8', '2/index.m3u8']);

    for (const [i, variant] of variants.entries()) {
      const bandwidth = Number(variant.attrs.BANDWIDTH);
      const average = Number(variant.attrs['AVERAGE-BANDWIDTH']);
      expect(variant.attrs['FRAME-RATE']).toBe('30.000');
      expect(variant.attrs.RESOLUTION).toBe(
        `${Math.round((rungs[i]!.height * 16) / 9 / 2) * 2}x${rungs[i]!.height}`,
      );
      expect(variant.attrs.CODECS).toMatch(/^"avc1\.[0-9a-f]{6},mp4a\.40\.2"$/);

      const { targetS, segments } = await segmentsOf(join(out, String(i)));
      expect(segments.length).toBeGreaterThanOrEqual(SOURCE_S - 1);
      const rates = segments.map((s) => (s.bytes * 8) / s.durationS);
      // Every segment at least half a target duration long (all but a runt last one) fits.
      for (const [k, s] of segments.entries())
        if (s.durationS >= targetS / 2)
          expect(rates[k], `rendition ${i} segment ${k}`).toBeLessThanOrEqual(bandwidth);
      // RFC 8216's peak: any run of consecutive segments lasting 0.5 to 1.5 target durations.
      for (let a = 0; a < segments.length; a++) {
        let bytes = 0;
        let duration = 0;
        for (let b = a; b < segments.length; b++) {
          bytes += segments[b]!.bytes;
          duration += segments[b]!.durationS;
          if (duration > targetS * 1.5 + 1e-6) break;
          if (duration >= targetS * 0.5 - 1e-6) expect((bytes * 8) / duration).toBeLessThanOrEqual(bandwidth);
        }
      }
      const mean =
        (segments.reduce((s, x) => s + x.bytes, 0) * 8) / segments.reduce((s, x) => s + x.durationS, 0);
      expect(average, `rendition ${i}`).toBeGreaterThanOrEqual(mean * 0.75);
      expect(average, `rendition ${i}`).toBeLessThanOrEqual(mean * 1.25);
      expect(average).toBeLessThanOrEqual(bandwidth);
    }
  }, 180_000);
});

import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOnPath, locateMediaTool } from './media.locator.ts';
import { parseFfmpegInfo, parseFrameRate, parseProbe, probe } from './probe.ts';
import { LocalMediaStorage } from './storage.local.ts';
import { isSafeKey } from './storage.port.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pnptv-media-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('locateMediaTool', () => {
  it('prefers the explicit path, then PATH, then the bundled binary', async () => {
    expect(locateMediaTool('ffmpeg', '/opt/ff/ffmpeg', '')).toBe('/opt/ff/ffmpeg');
    const bin = join(dir, 'bin');
    await rm(bin, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(bin));
    await writeFile(join(bin, 'ffprobe'), '#!/bin/sh\n');
    await chmod(join(bin, 'ffprobe'), 0o755);
    expect(findOnPath('ffprobe', `/nonexistent:${bin}`)).toBe(join(bin, 'ffprobe'));
    expect(locateMediaTool('ffprobe', null, bin)).toBe(join(bin, 'ffprobe'));
    expect(locateMediaTool('ffmpeg', null, '/nonexistent')).toMatch(/@ffmpeg-installer\/.+\/ffmpeg$/);
    expect(locateMediaTool('ffprobe', null, '')).toMatch(/@ffprobe-installer\/.+\/ffprobe$/);
  });
});

describe('parseProbe', () => {
  it('reads the first video and audio streams and the duration', () => {
    const result = parseProbe(
      JSON.stringify({
        streams: [
          { codec_type: 'video', codec_name: 'h264', width: 640, height: 360, avg_frame_rate: '30000/1001' },
          { codec_type: 'audio', codec_name: 'aac', sample_rate: '48000', channels: 2 },
        ],
        format: { format_name: 'mpegts', duration: '1.001000' },
      }),
    );
    expect(result).toEqual({
      format: 'mpegts',
      durationS: 1.001,
      video: { codec: 'h264', width: 640, height: 360, fps: 29.97 },
      audio: { codec: 'aac', sampleRate: 48000, channels: 2 },
    });
  });

  it('reports missing streams and unknown rates as null', () => {
    expect(parseProbe('{"streams":[],"format":{}}')).toEqual({
      format: 'unknown',
      durationS: null,
      video: null,
      audio: null,
    });
    expect(parseFrameRate('0/0')).toBeNull();
    expect(parseFrameRate(undefined)).toBeNull();
    expect(parseFrameRate('25/1')).toBe(25);
  });
});

describe('LocalMediaStorage', () => {
  it('stores, reads and removes objects under a prefix', async () => {
    const storage = new LocalMediaStorage(join(dir, 'media'));
    await storage.put('live/str_a/0/index.m3u8', Buffer.from('#EXTM3U\n'));
    expect((await storage.get('live/str_a/0/index.m3u8'))?.body.toString()).toBe('#EXTM3U\n');
    expect(await storage.get('live/str_a/missing.ts')).toBeNull();
    expect(await storage.get('live/str_a')).toBeNull();
    const work = await storage.workDir('live/str_b');
    await writeFile(join(work, 'seg.ts'), 'x');
    expect((await storage.get('live/str_b/seg.ts'))?.size).toBe(1);
    await storage.removePrefix('live/str_a');
    expect(await storage.get('live/str_a/0/index.m3u8')).toBeNull();
  });

  it('refuses keys that could escape its folder', async () => {
    const storage = new LocalMediaStorage(join(dir, 'media'));
    for (const key of ['../x', 'a/../../b', '/etc/passwd', 'a//b', 'a\\b', '', 'a/./b']) {
      expect(isSafeKey(key)).toBe(false);
      expect(await storage.get(key)).toBeNull();
      await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow(RangeError);
    }
  });
});

describe('parseFfmpegInfo', () => {
  it('reads container, duration, video size and rate, and audio from ffmpeg -i output', () => {
    const stderr = [
      "Input #0, mpegts, from '/tmp/x.ts':",
      '  Duration: 00:01:02.50, start: 1.400000, bitrate: 818 kb/s',
      '  Program 1 ',
      '    Stream #0:0[0x100]: Video: h264 (Constrained Baseline) ([27][0][0][0] / 0x001B), yuv420p(progressive), 320x180 [SAR 1:1 DAR 16:9], 29.97 fps, 30 tbr, 90k tbn, 60 tbc',
      '    Stream #0:1[0x101](und): Audio: aac (LC) ([15][0][0][0] / 0x000F), 48000 Hz, stereo, fltp, 130 kb/s',
      'At least one output file must be specified',
    ].join('\n');
    expect(parseFfmpegInfo(stderr)).toEqual({
      format: 'mpegts',
      durationS: 62.5,
      video: { codec: 'h264', width: 320, height: 180, fps: 29.97 },
      audio: { codec: 'aac', sampleRate: 48000, channels: 2 },
    });
  });
});

describe('probe', () => {
  it('describes a real 320x180 H.264 + AAC file (falling back to ffmpeg if ffprobe crashes)', async () => {
    const ffmpegPath = locateMediaTool('ffmpeg', process.env.FFMPEG_PATH ?? null);
    const ffprobePath = locateMediaTool('ffprobe', process.env.FFPROBE_PATH ?? null);
    const file = join(dir, 'probe.ts');
    execFileSync(ffmpegPath, [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=320x180:rate=25',
      '-f',
      'lavfi',
      '-i',
      'sine=sample_rate=48000',
      '-t',
      '1',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'aac',
      '-f',
      'mpegts',
      '-y',
      file,
    ]);
    const result = await probe({ ffprobePath, ffmpegPath }, file);
    expect(result.video).toMatchObject({ codec: 'h264', width: 320, height: 180, fps: 25 });
    expect(result.audio).toMatchObject({ codec: 'aac', sampleRate: 48000 });
    await expect(probe({ ffprobePath, ffmpegPath }, join(dir, 'missing.ts'))).rejects.toThrow(/missing\.ts/);
  }, 30_000);
});

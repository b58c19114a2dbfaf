import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFrameRate, parseProbe } from './probe.ts';
import { LocalMediaStorage } from './storage.local.ts';
import { isSafeKey } from './storage.port.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pnptv-media-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
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

  it('reports a missing stream, duration and unknown rates as null', () => {
    expect(
      parseProbe('{"streams":[{"codec_type":"audio","codec_name":"opus","channels":1}],"format":{}}'),
    ).toEqual({
      format: 'unknown',
      durationS: null,
      video: null,
      audio: { codec: 'opus', sampleRate: 0, channels: 1 },
    });
    expect(parseFrameRate('0/0')).toBeNull();
    expect(parseFrameRate(undefined)).toBeNull();
    expect(parseFrameRate('25/1')).toBe(25);
  });

  it('refuses answers that are not ffprobe JSON, and files without audio or video, with codes', () => {
    const code = (text: string) => {
      try {
        parseProbe(text);
        return 'parsed';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    };
    expect(code('{"streams":[],"format":{}}')).toBe('MEDIA_NOT_MEDIA');
    expect(code('{"streams":[{"codec_type":"data"}],"format":{}}')).toBe('MEDIA_NOT_MEDIA');
    expect(code('Segmentation fault')).toBe('MEDIA_PROBE_FAILED');
    expect(code('{"streams":"none","format":{}}')).toBe('MEDIA_PROBE_FAILED');
    expect(code('{"streams":[{"codec_type":"video","width":-2}],"format":{}}')).toBe('MEDIA_PROBE_FAILED');
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

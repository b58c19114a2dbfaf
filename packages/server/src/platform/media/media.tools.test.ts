import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMediaTool, locateMediaTool } from './media.locator.ts';
import { checkMediaTools, MediaTools, parseToolVersion } from './media.tools.ts';
import { probe } from './probe.ts';

let dir: string;
/** This machine's Debian ffmpeg version, as `ffmpeg -version` prints it. */
let debianVersion: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pnptv-tools-'));
  debianVersion = /^ffmpeg version (\S+)/.exec(execFileSync('/usr/bin/ffmpeg', ['-version']).toString())![1]!;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function script(path: string, body: string): Promise<string> {
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

describe('findMediaTool', () => {
  it('prefers the configured path, then Debian’s /usr/bin, then PATH, then the bundled ffmpeg only', async () => {
    const debianDir = join(dir, 'debian');
    const pathDir = join(dir, 'path');
    await mkdir(debianDir, { recursive: true });
    await mkdir(pathDir, { recursive: true });
    for (const tool of ['ffmpeg', 'ffprobe']) await script(join(pathDir, tool), 'exit 0');
    await script(join(debianDir, 'ffprobe'), 'exit 0');
    const where = { debianDir, pathVar: `/nonexistent:${pathDir}` };

    expect(findMediaTool('ffmpeg', '/opt/ff/ffmpeg', where)).toEqual({
      path: '/opt/ff/ffmpeg',
      source: 'configured',
    });
    expect(findMediaTool('ffprobe', null, where)).toEqual({
      path: join(debianDir, 'ffprobe'),
      source: 'debian',
    });
    expect(findMediaTool('ffmpeg', null, where)).toEqual({ path: join(pathDir, 'ffmpeg'), source: 'path' });

    const nowhere = { debianDir: '/nonexistent', pathVar: '' };
    expect(findMediaTool('ffmpeg', null, nowhere)).toMatchObject({ source: 'bundled' });
    expect(findMediaTool('ffmpeg', null, nowhere)?.path).toMatch(/@ffmpeg-installer\/.+\/ffmpeg$/);
    // The bundled ffprobe crashed on every input and is gone: nothing stands in for a missing one.
    expect(findMediaTool('ffprobe', null, nowhere)).toBeNull();
    expect(() => locateMediaTool('ffprobe', null, nowhere)).toThrow(/apt-get install ffmpeg/);
  });

  it('picks Debian’s ffmpeg and ffprobe on this machine', () => {
    expect(findMediaTool('ffmpeg', null)).toEqual({ path: '/usr/bin/ffmpeg', source: 'debian' });
    expect(findMediaTool('ffprobe', null)).toEqual({ path: '/usr/bin/ffprobe', source: 'debian' });
  });
});

describe('MediaTools', () => {
  it('reads the versions ffmpeg and ffprobe print', () => {
    expect(parseToolVersion('ffmpeg', 'ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026')).toBe(
      '5.1.9-0+deb12u1',
    );
    expect(parseToolVersion('ffprobe', 'ffprobe version N-66595-gc2b38619c0-static https://…')).toBe(
      'N-66595-gc2b38619c0-static',
    );
    expect(parseToolVersion('ffprobe', 'ffmpeg version 5.1')).toBeNull();
  });

  it('reports Debian’s tools with their versions once they encode and read a clip', async () => {
    const report = await new MediaTools({ ffmpegPath: null, ffprobePath: null }).check();
    expect(report).toEqual({
      ok: true,
      ffmpeg: { path: '/usr/bin/ffmpeg', source: 'debian', version: debianVersion, ok: true },
      ffprobe: { path: '/usr/bin/ffprobe', source: 'debian', version: debianVersion, ok: true },
    });
  });

  it('runs the configured binaries and reports their versions', async () => {
    const ffmpeg = await script(join(dir, 'my-ffmpeg'), 'exec /usr/bin/ffmpeg "$@"');
    const tools = new MediaTools({ ffmpegPath: ffmpeg, ffprobePath: null });
    const readiness = await tools.readiness();
    expect(readiness).toEqual({
      ok: true,
      details: {
        ffmpeg: { path: ffmpeg, source: 'configured', version: debianVersion, ok: true },
        ffprobe: { path: '/usr/bin/ffprobe', source: 'debian', version: debianVersion, ok: true },
      },
    });
    expect(tools.ffmpegPath).toBe(ffmpeg);
  });

  it('passes the bundled 2018 ffmpeg, kept as the last resort because it still encodes offline', async () => {
    const bundled = findMediaTool('ffmpeg', null, { debianDir: '/nonexistent', pathVar: '' });
    const report = await checkMediaTools(bundled, findMediaTool('ffprobe', null));
    expect(report.ffmpeg).toMatchObject({
      source: 'bundled',
      ok: true,
      version: expect.stringMatching(/^N-/),
    });
    expect(report.ok).toBe(true);
  });

  it('refuses a configured path that does not exist, saying which and why', async () => {
    const tools = new MediaTools({ ffmpegPath: join(dir, 'no-such-ffmpeg'), ffprobePath: null });
    const readiness = await tools.readiness();
    expect(readiness.ok).toBe(false);
    expect(readiness.error).toMatch(/cannot run .*no-such-ffmpeg \(ENOENT\)/);
    expect(readiness.details).toMatchObject({ ffmpeg: { source: 'configured', version: null, ok: false } });
  });

  it('refuses an ffprobe that prints its version but crashes on input, as the bundled build did', async () => {
    const crashing = await script(
      join(dir, 'crashing-ffprobe'),
      'for a in "$@"; do [ "$a" = -version ] && exec /usr/bin/ffprobe -version; done\nkill -SEGV $$',
    );
    const report = await new MediaTools({ ffmpegPath: null, ffprobePath: crashing }).check();
    expect(report.ok).toBe(false);
    expect(report.ffmpeg.ok).toBe(true);
    expect(report.ffprobe).toMatchObject({ version: debianVersion, ok: false });
    expect(report.ffprobe.error).toMatch(/crashed \(SIGSEGV\)/);
  });
});

describe('probe', () => {
  it('describes a real H.264 + AAC clip: codecs, size, frame rate and duration', async () => {
    const file = join(dir, 'clip.ts');
    execFileSync('/usr/bin/ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=25'],
      ...['-f', 'lavfi', '-i', 'sine=sample_rate=48000', '-t', '2', '-ac', '2'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-f', 'mpegts', '-y', file],
    ]);
    const result = await probe('/usr/bin/ffprobe', file);
    expect(result).toMatchObject({
      format: 'mpegts',
      video: { codec: 'h264', width: 320, height: 180, fps: 25 },
      audio: { codec: 'aac', sampleRate: 48000, channels: 2 },
    });
    expect(result.durationS).toBeGreaterThan(1.9);
    expect(result.durationS).toBeLessThan(2.2);
  });

  it('answers a file that is not media, and a missing one, with coded errors', async () => {
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'these are notes, not a video\n');
    await expect(probe('/usr/bin/ffprobe', text)).rejects.toMatchObject({
      code: 'MEDIA_NOT_MEDIA',
      status: 422,
    });
    await expect(probe('/usr/bin/ffprobe', join(dir, 'missing.ts'))).rejects.toMatchObject({
      code: 'MEDIA_INPUT_MISSING',
      message: expect.stringMatching(/missing\.ts/),
    });
    await expect(probe(join(dir, 'no-ffprobe'), text)).rejects.toMatchObject({ code: 'MEDIA_PROBE_FAILED' });
  });
});

import { describe, expect, it } from 'vitest';
import {
  buildHlsLadderArgs,
  buildProbeArgs,
  buildSmokeClipArgs,
  gopFrames,
  type HlsLadderSpec,
} from './hls-args.ts';

const base: HlsLadderSpec = {
  input: 'pipe:0',
  inputFormat: 'flv',
  outputDir: '/media/live/str_1',
  rungs: [
    { height: 720, videoKbps: 2500, audioKbps: 128 },
    { height: 360, videoKbps: 700, audioKbps: 96 },
  ],
  fps: 30,
  segmentSeconds: 1,
  hasAudio: true,
  preset: 'superfast',
  lowLatency: true,
  listSize: 6,
  segmentPrefix: 'a1b2_0',
  progress: true,
  thumbnail: { everySeconds: 5, height: 180 },
};

describe('buildHlsLadderArgs', () => {
  it('builds the golden low-latency two-rung ladder with audio and a poster', () => {
    expect(buildHlsLadderArgs(base)).toEqual([
      '-hide_banner',
      '-loglevel',
      'warning',
      '-y',
      '-progress',
      'pipe:1',
      '-nostats',
      '-analyzeduration',
      '2000000',
      '-probesize',
      '1000000',
      '-f',
      'flv',
      '-i',
      'pipe:0',
      '-filter_complex',
      '[0:v]split=3[s0][s1][s2];[s0]scale=-2:720[v0];[s1]scale=-2:360[v1];[s2]fps=1/5,scale=-2:180[thumb]',
      '-map',
      '[v0]',
      '-map',
      '0:a:0',
      '-c:v:0',
      'libx264',
      '-b:v:0',
      '2500k',
      '-maxrate:v:0',
      '2750k',
      '-bufsize:v:0',
      '3750k',
      '-c:a:0',
      'aac',
      '-b:a:0',
      '128k',
      '-map',
      '[v1]',
      '-map',
      '0:a:0',
      '-c:v:1',
      'libx264',
      '-b:v:1',
      '700k',
      '-maxrate:v:1',
      '770k',
      '-bufsize:v:1',
      '1050k',
      '-c:a:1',
      'aac',
      '-b:a:1',
      '96k',
      '-preset',
      'superfast',
      '-tune',
      'zerolatency',
      '-pix_fmt',
      'yuv420p',
      '-g',
      '30',
      '-keyint_min',
      '30',
      '-sc_threshold',
      '0',
      '-force_key_frames',
      'expr:gte(t,n_forced*1)',
      '-ac',
      '2',
      '-ar',
      '48000',
      '-f',
      'hls',
      '-hls_time',
      '1',
      '-hls_list_size',
      '6',
      '-hls_flags',
      'independent_segments+temp_file+delete_segments',
      '-hls_segment_type',
      'mpegts',
      '-hls_segment_filename',
      '/media/live/str_1/%v/a1b2_0_%05d.ts',
      '-master_pl_name',
      'encoder-master.m3u8',
      '-var_stream_map',
      'v:0,a:0 v:1,a:1',
      '/media/live/str_1/%v/index.m3u8',
      '-map',
      '[thumb]',
      '-c:v',
      'mjpeg',
      '-q:v',
      '5',
      '-f',
      'image2',
      '-update',
      '1',
      '/media/live/str_1/thumb.jpg',
    ]);
  });

  it('builds the golden standard-latency video-only recording ladder without a poster', () => {
    const args = buildHlsLadderArgs({
      ...base,
      input: 'rtmp://127.0.0.1:1935/live/x',
      inputFormat: undefined,
      rungs: [{ height: 480, videoKbps: 1200, audioKbps: 96 }],
      fps: 25,
      segmentSeconds: 2,
      hasAudio: false,
      lowLatency: false,
      listSize: 0,
      thumbnail: null,
      progress: false,
    });
    expect(args).toEqual([
      '-hide_banner',
      '-loglevel',
      'warning',
      '-y',
      '-nostdin',
      '-analyzeduration',
      '2000000',
      '-probesize',
      '1000000',
      '-i',
      'rtmp://127.0.0.1:1935/live/x',
      '-filter_complex',
      '[0:v]split=1[s0];[s0]scale=-2:480[v0]',
      '-map',
      '[v0]',
      '-c:v:0',
      'libx264',
      '-b:v:0',
      '1200k',
      '-maxrate:v:0',
      '1320k',
      '-bufsize:v:0',
      '1800k',
      '-preset',
      'superfast',
      '-pix_fmt',
      'yuv420p',
      '-g',
      '50',
      '-keyint_min',
      '50',
      '-sc_threshold',
      '0',
      '-force_key_frames',
      'expr:gte(t,n_forced*2)',
      '-f',
      'hls',
      '-hls_time',
      '2',
      '-hls_list_size',
      '0',
      '-hls_flags',
      'independent_segments+temp_file',
      '-hls_segment_type',
      'mpegts',
      '-hls_segment_filename',
      '/media/live/str_1/%v/a1b2_0_%05d.ts',
      '-master_pl_name',
      'encoder-master.m3u8',
      '-var_stream_map',
      'v:0',
      '/media/live/str_1/%v/index.m3u8',
    ]);
  });

  it('aligns the GOP to the segment length whatever the frame rate', () => {
    expect(gopFrames(30, 1)).toBe(30);
    expect(gopFrames(29.97, 2)).toBe(60);
    expect(gopFrames(60, 1)).toBe(60);
    expect(gopFrames(0.2, 1)).toBe(1);
    const args = buildHlsLadderArgs({ ...base, fps: 60, segmentSeconds: 2 });
    expect(args[args.indexOf('-g') + 1]).toBe('120');
    expect(args[args.indexOf('-keyint_min') + 1]).toBe('120');
  });

  it('refuses an empty ladder', () => {
    expect(() => buildHlsLadderArgs({ ...base, rungs: [] })).toThrow(RangeError);
  });
});

describe('buildProbeArgs', () => {
  it('asks ffprobe for streams and format as JSON', () => {
    expect(buildProbeArgs('/tmp/a.ts')).toEqual([
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_streams',
      '-show_format',
      '/tmp/a.ts',
    ]);
  });
});

describe('buildSmokeClipArgs', () => {
  it('encodes a tiny H.264 + AAC MPEG-TS clip to stdout', () => {
    expect(buildSmokeClipArgs().join(' ')).toBe(
      '-hide_banner -loglevel error -nostdin -f lavfi -i color=size=64x64:rate=10 -f lavfi -i anullsrc=r=48000:cl=stereo -t 0.3 -c:v libx264 -preset ultrafast -c:a aac -f mpegts pipe:1',
    );
  });
});

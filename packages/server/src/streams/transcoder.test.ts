import { describe, expect, it } from 'vitest';
import { LIVE_PRESET, liveTranscodeArgs } from './transcoder.ts';

const job = {
  segmentTag: 'abcd1234',
  rungs: [
    { height: 720, videoKbps: 2500, audioKbps: 128 },
    { height: 360, videoKbps: 700, audioKbps: 96 },
  ],
  fps: 30,
  hasAudio: true,
  latencyMode: 'low' as const,
  record: false,
  keyInfoFile: null,
};

describe('live transcode arguments', () => {
  it('reads FLV on stdin, reports progress on stdout and cuts 1 s low-latency segments', () => {
    const args = liveTranscodeArgs(job, '/media/live/s1', 0);
    expect(args.slice(0, 14)).toEqual([
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
    ]);
    expect(args[14]).toBe('pipe:0');
    expect(args).not.toContain('-nostdin');
    expect(args.join(' ')).toContain(`-preset ${LIVE_PRESET} -tune zerolatency`);
    expect(args.join(' ')).toContain('-g 30 -keyint_min 30');
    expect(args.join(' ')).toContain(
      '-hls_time 1 -hls_list_size 6 -hls_flags independent_segments+temp_file+delete_segments',
    );
    expect(args).toContain('/media/live/s1/%v/abcd1234_0_%05d.ts');
    expect(args.at(-1)).toBe('/media/live/s1/thumb.jpg');
  });

  it('keeps every segment of a recorded standard session and appends to it after a restart', () => {
    const recorded = { ...job, latencyMode: 'standard' as const, record: true, keyInfoFile: '/k/key.info' };
    const first = liveTranscodeArgs(recorded, '/out', 0).join(' ');
    expect(first).toContain('-hls_playlist_type event -hls_key_info_file /k/key.info -hls_time 2');
    expect(first).toContain('-hls_list_size 0 -hls_flags independent_segments+temp_file ');
    expect(first).not.toContain('zerolatency');
    const restarted = liveTranscodeArgs(recorded, '/out', 2).join(' ');
    expect(restarted).toContain('-hls_flags independent_segments+temp_file+append_list');
    expect(restarted).toContain('/out/%v/abcd1234_2_%05d.ts');
  });
});

import { describe, expect, it } from 'vitest';
import {
  declaredRates,
  estimatedRates,
  formatMasterPlaylist,
  parseMasterPlaylist,
  parseMediaPlaylist,
  REPRESENTATIVE_S,
  SegmentBitrateMeter,
} from './hls-bandwidth.ts';

const FFMPEG_MASTER = [
  '#EXTM3U',
  '#EXT-X-VERSION:6',
  '#EXT-X-STREAM-INF:BANDWIDTH=2890800,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"',
  '0/index.m3u8',
  '',
  '#EXT-X-STREAM-INF:BANDWIDTH=875600,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"',
  '1/index.m3u8',
  '',
].join('\n');

describe('parseMediaPlaylist', () => {
  it('reads the target duration and each segment with its EXTINF duration', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-VERSION:6',
      '#EXT-X-TARGETDURATION:1',
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXTINF:1.000000,',
      'ab_0_00000.ts',
      '#EXT-X-DISCONTINUITY',
      '#EXTINF:0.033333,',
      'ab_1_00000.ts',
      '#EXT-X-ENDLIST',
      '',
    ].join('\n');
    expect(parseMediaPlaylist(text)).toEqual({
      targetDurationS: 1,
      segments: [
        { uri: 'ab_0_00000.ts', durationS: 1 },
        { uri: 'ab_1_00000.ts', durationS: 0.033333 },
      ],
    });
  });
});

describe('master playlist', () => {
  it('keeps resolution and codecs and writes BANDWIDTH, AVERAGE-BANDWIDTH and FRAME-RATE', () => {
    const master = parseMasterPlaylist(FFMPEG_MASTER);
    expect(master?.variants.map((v) => v.uri)).toEqual(['0/index.m3u8', '1/index.m3u8']);
    const text = formatMasterPlaylist(master!, [
      { bandwidth: 1_311_391.4, averageBandwidth: 1_193_651.9, frameRate: 30 },
      { bandwidth: 988_273.9, averageBandwidth: 869_198.5, frameRate: 29.97002997 },
    ]);
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:6',
        '#EXT-X-STREAM-INF:BANDWIDTH=1311392,AVERAGE-BANDWIDTH=1193652,RESOLUTION=1280x720,FRAME-RATE=30.000,CODECS="avc1.64001f,mp4a.40.2"',
        '0/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=988274,AVERAGE-BANDWIDTH=869199,RESOLUTION=640x360,FRAME-RATE=29.970,CODECS="avc1.64001e,mp4a.40.2"',
        '1/index.m3u8',
        '',
      ].join('\n'),
    );
    // Writing it again from what it wrote gives the same text.
    expect(
      formatMasterPlaylist(parseMasterPlaylist(text)!, [
        { bandwidth: 1_311_392, averageBandwidth: 1_193_652, frameRate: 30 },
        { bandwidth: 988_274, averageBandwidth: 869_199, frameRate: 29.97 },
      ]),
    ).toBe(text);
  });

  it('refuses a master read while ffmpeg was still writing it', () => {
    expect(parseMasterPlaylist(FFMPEG_MASTER.slice(0, 60))).toBeNull();
    expect(parseMasterPlaylist(FFMPEG_MASTER.split('0/index.m3u8')[0]!)).toBeNull();
    expect(parseMasterPlaylist('')).toBeNull();
  });
});

describe('SegmentBitrateMeter', () => {
  it('takes the peak over runs of 0.5 to 1.5 target durations, so a runt last segment counts with its neighbour', () => {
    const meter = new SegmentBitrateMeter();
    meter.add(125_000, 1, 1); // 1 Mbit/s
    meter.add(150_000, 1, 1); // 1.2 Mbit/s
    expect(meter.peakBps).toBe(1_200_000);
    // 20 kB in 1/30 s alone would be 4.8 Mbit/s; with the segment before it, 1.316 Mbit/s.
    meter.add(20_000, 1 / 30, 1);
    expect(meter.peakBps).toBeCloseTo((170_000 * 8) / (1 + 1 / 30), 0);
    expect(meter.averageBps).toBeCloseTo((295_000 * 8) / (2 + 1 / 30), 0);
    expect(meter.measuredS).toBeCloseTo(2 + 1 / 30, 6);
  });

  it('counts a run of short segments once they last half a target duration', () => {
    const meter = new SegmentBitrateMeter();
    meter.add(50_000, 0.4, 2);
    expect(meter.peakBps).toBe(0);
    meter.add(50_000, 0.6, 2);
    expect(meter.peakBps).toBe(800_000);
  });
});

describe('declaredRates', () => {
  const rung = { videoKbps: 700, audioKbps: 96 };

  it('declares the rate-control estimate until a representative period is measured', () => {
    expect(estimatedRates(rung)).toEqual({ bandwidth: 1_212_400, averageBandwidth: 875_600 });
    const early = { measuredS: 3, peakBps: 900_000, averageBps: 850_000 };
    expect(declaredRates(rung, early, false)).toEqual(estimatedRates(rung));
    const burst = { ...early, peakBps: 1_500_000 };
    expect(declaredRates(rung, burst, false).bandwidth).toBe(1_500_000);
  });

  it('declares the measurement after a representative period, and always once finished', () => {
    const later = { measuredS: REPRESENTATIVE_S, peakBps: 940_000, averageBps: 866_000 };
    expect(declaredRates(rung, later, false)).toEqual({ bandwidth: 940_000, averageBandwidth: 866_000 });
    const short = { measuredS: 4, peakBps: 940_000, averageBps: 866_000 };
    expect(declaredRates(rung, short, true)).toEqual({ bandwidth: 940_000, averageBandwidth: 866_000 });
    const nothing = { measuredS: 0, peakBps: 0, averageBps: 0 };
    expect(declaredRates(rung, nothing, true)).toEqual(estimatedRates(rung));
  });
});

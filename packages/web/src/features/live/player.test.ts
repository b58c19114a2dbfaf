import { describe, expect, it } from 'vitest';
import {
  AUTO_LEVEL,
  formatLatency,
  latencySeconds,
  levelLabel,
  liveLatencyConfig,
  playbackTokenOf,
  publicPlaybackUrl,
  qualityOptions,
  tokenRefreshDelay,
  withoutPlaybackToken,
  withPlaybackToken,
} from './player.ts';

describe('levelLabel', () => {
  it('names a level by its height', () => {
    expect(levelLabel({ height: 720, bitrate: 2_500_000 })).toBe('720p');
  });

  it('falls back to the bitrate when the height is unknown', () => {
    expect(levelLabel({ height: 0, bitrate: 96_400 })).toBe('96 kbps');
  });
});

describe('qualityOptions', () => {
  it('puts Auto first, then the levels tallest first, keeping each hls.js index', () => {
    const options = qualityOptions(
      [
        { height: 360, bitrate: 800_000 },
        { height: 720, bitrate: 2_600_000 },
        { height: 480, bitrate: 1_300_000 },
      ],
      'Auto',
    );
    expect(options).toEqual([
      { value: AUTO_LEVEL, height: null, label: 'Auto' },
      { value: 1, height: 720, label: '720p' },
      { value: 2, height: 480, label: '480p' },
      { value: 0, height: 360, label: '360p' },
    ]);
  });

  it('offers only Auto before the manifest is known', () => {
    expect(qualityOptions([], 'Automático')).toEqual([{ value: -1, height: null, label: 'Automático' }]);
  });
});

describe('latencySeconds', () => {
  it("prefers hls.js's own latency estimate", () => {
    expect(latencySeconds({ latency: 2.3, liveSyncPosition: 50, currentTime: 40 })).toBe(2.3);
  });

  it('falls back to the distance from the live sync position', () => {
    expect(latencySeconds({ latency: 0, liveSyncPosition: 42.5, currentTime: 40 })).toBe(2.5);
    expect(latencySeconds({ liveSyncPosition: 39, currentTime: 40 })).toBe(0);
  });

  it('is unknown without either clock', () => {
    expect(latencySeconds({ latency: Number.NaN, liveSyncPosition: null, currentTime: 12 })).toBeNull();
  });
});

describe('formatLatency', () => {
  it('shows one decimal under ten seconds and whole seconds above', () => {
    expect(formatLatency(2.345, 'en')).toBe('2.3 s');
    expect(formatLatency(2.345, 'es')).toBe('2,3 s');
    expect(formatLatency(12.7, 'en')).toBe('13 s');
  });

  it('shows a dash when unknown', () => {
    expect(formatLatency(null, 'en')).toBe('—');
  });
});

describe('playback tokens in URLs', () => {
  it('reads the token of a playback URL', () => {
    expect(playbackTokenOf('http://x.test/hls/s1/master.m3u8?token=abc.def')).toBe('abc.def');
    expect(playbackTokenOf('/hls/s1/master.m3u8')).toBeNull();
  });

  it('adds the token to relative playlist and segment URLs that lack one', () => {
    expect(withPlaybackToken('http://x.test/hls/s1/0/index.m3u8', 'a b')).toBe(
      'http://x.test/hls/s1/0/index.m3u8?token=a%20b',
    );
    expect(withPlaybackToken('/hls/s1/0/seg_1.ts?v=2#x', 'tok')).toBe('/hls/s1/0/seg_1.ts?v=2&token=tok#x');
  });

  it('replaces an older token with the current one', () => {
    expect(withPlaybackToken('/hls/s1/master.m3u8?token=old&v=1', 'new')).toBe(
      '/hls/s1/master.m3u8?v=1&token=new',
    );
  });

  it('leaves the URL alone without a token', () => {
    expect(withPlaybackToken('/hls/s1/master.m3u8?token=old', null)).toBe('/hls/s1/master.m3u8?token=old');
  });

  it('strips the token, keeping other parameters', () => {
    expect(withoutPlaybackToken('http://x.test/hls/s1/master.m3u8?token=abc')).toBe(
      'http://x.test/hls/s1/master.m3u8',
    );
    expect(withoutPlaybackToken('/a.m3u8?x=1&token=abc#f')).toBe('/a.m3u8?x=1#f');
    expect(withoutPlaybackToken('/a.m3u8')).toBe('/a.m3u8');
  });
});

describe('tokenRefreshDelay', () => {
  it('refreshes three quarters of the way to expiry', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(tokenRefreshDelay('2026-01-01T00:10:00Z', now)).toBe(450_000);
  });

  it('never refreshes sooner than 15 s, and falls back to a minute for a bad date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(tokenRefreshDelay('2025-12-31T23:00:00Z', now)).toBe(15_000);
    expect(tokenRefreshDelay('soon', now)).toBe(60_000);
  });

  it('builds the public master URL on the same origin', () => {
    expect(publicPlaybackUrl('str_1')).toBe('/hls/str_1/master.m3u8');
  });
});

describe('liveLatencyConfig', () => {
  it('holds low-latency playback closer to the live edge than standard', () => {
    const low = liveLatencyConfig('low');
    const standard = liveLatencyConfig('standard');
    expect(low.lowLatencyMode).toBe(true);
    expect(low.liveSyncDuration).toBeLessThan(standard.liveSyncDuration);
    expect(low.liveSyncDuration).toBeLessThan(low.liveMaxLatencyDuration);
    expect(standard.liveSyncDuration).toBeLessThan(standard.liveMaxLatencyDuration);
  });
});

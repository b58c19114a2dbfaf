import { describe, expect, it } from 'vitest';
import {
  canTransition,
  canWatch,
  generateStreamKey,
  hashStreamKey,
  playbackUrlFor,
  QUALITY_DROP_LAG_S,
  qualityDrop,
  rtmpUrlFor,
  STREAM_KEY_PATTERN,
  segmentSeconds,
  selectRungs,
  TRANSCODING_PROFILES,
} from './streams.rules.ts';

const ladder = TRANSCODING_PROFILES.standard.rungs;

describe('selectRungs', () => {
  it('keeps every rung of the default ladder for a 1080p source', () => {
    expect(selectRungs(ladder, 1080).map((r) => r.height)).toEqual([1080, 720, 480, 360]);
  });

  it('never upscales: a 720p source gets 720/480/360 and a 540p source 480/360', () => {
    expect(selectRungs(ladder, 720).map((r) => r.height)).toEqual([720, 480, 360]);
    expect(selectRungs(ladder, 540).map((r) => r.height)).toEqual([480, 360]);
    expect(selectRungs(ladder, 360).map((r) => r.height)).toEqual([360]);
  });

  it('gives a source smaller than every rung one rendition at its own even height', () => {
    expect(selectRungs(ladder, 181)).toEqual([{ height: 180, videoKbps: 700, audioKbps: 96 }]);
    expect(selectRungs(ladder, 0)).toEqual([]);
  });
});

describe('stream status', () => {
  it('goes idle → live → reconnecting → live → ended and can start a new session after ending', () => {
    expect(canTransition('idle', 'live')).toBe(true);
    expect(canTransition('live', 'reconnecting')).toBe(true);
    expect(canTransition('reconnecting', 'live')).toBe(true);
    expect(canTransition('reconnecting', 'ended')).toBe(true);
    expect(canTransition('ended', 'live')).toBe(true);
  });

  it('refuses jumps that skip a state', () => {
    expect(canTransition('idle', 'reconnecting')).toBe(false);
    expect(canTransition('ended', 'reconnecting')).toBe(false);
    expect(canTransition('live', 'idle')).toBe(false);
  });
});

describe('stream keys', () => {
  it('are random, well-formed and stored as a stable SHA-256', () => {
    const a = generateStreamKey();
    const b = generateStreamKey();
    expect(a).toMatch(STREAM_KEY_PATTERN);
    expect(a).not.toBe(b);
    expect(hashStreamKey(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashStreamKey(a)).toBe(hashStreamKey(a));
    expect(hashStreamKey(a)).not.toBe(hashStreamKey(b));
  });
});

describe('latency, access and URLs', () => {
  it('cuts 1 s segments in low-latency mode and 2 s otherwise', () => {
    expect(segmentSeconds('low')).toBe(1);
    expect(segmentSeconds('standard')).toBe(2);
  });

  it('opens public streams to everyone and the rest to token holders and the team', () => {
    const anonymous = { hasPlaybackToken: false, isTeamMember: false };
    expect(canWatch('public', anonymous)).toBe(true);
    for (const v of ['followers', 'subscribers', 'ticketed'] as const) {
      expect(canWatch(v, anonymous)).toBe(false);
      expect(canWatch(v, { ...anonymous, hasPlaybackToken: true })).toBe(true);
      expect(canWatch(v, { ...anonymous, isTeamMember: true })).toBe(true);
    }
  });

  it('builds the OBS server URL from the site host and the RTMP port', () => {
    expect(rtmpUrlFor('https://tv.example.com', 1935)).toBe('rtmp://tv.example.com:1935/live');
    expect(rtmpUrlFor('http://localhost:8080', 1935)).toBe('rtmp://127.0.0.1:1935/live');
    expect(playbackUrlFor('https://tv.example.com', 'str_1')).toBe(
      'https://tv.example.com/hls/str_1/master.m3u8',
    );
  });
});

describe('qualityDrop', () => {
  it('starts an episode once when lag reaches the threshold and ends it under half of it', () => {
    expect(qualityDrop(false, 1)).toEqual({ dropped: false, started: false });
    expect(qualityDrop(false, QUALITY_DROP_LAG_S)).toEqual({ dropped: true, started: true });
    expect(qualityDrop(true, QUALITY_DROP_LAG_S + 5)).toEqual({ dropped: true, started: false });
    expect(qualityDrop(true, QUALITY_DROP_LAG_S / 2)).toEqual({ dropped: true, started: false });
    expect(qualityDrop(true, QUALITY_DROP_LAG_S / 2 - 0.1)).toEqual({ dropped: false, started: false });
  });
});

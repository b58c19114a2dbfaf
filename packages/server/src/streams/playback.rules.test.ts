import { describe, expect, it } from 'vitest';
import {
  finishedPlaylist,
  PLAYBACK_TOKEN_TTL_S,
  playlistDurationS,
  rewritePlaylist,
  signPlaybackToken,
  verifyPlaybackToken,
} from './playback.rules.ts';
import { type WatchFacts, watchAccess } from './streams.rules.ts';
import { hlsOptions, withHlsOptions } from './transcoder.ts';
import {
  appendSample,
  presenceBuckets,
  SERIES_MAX_POINTS,
  SERIES_STEP_MS,
  VIEWER_BUCKET_MS,
} from './viewers.rules.ts';

const secret = Buffer.alloc(32, 7);
const other = Buffer.alloc(32, 8);
const now = 1_800_000_000;

describe('playback tokens', () => {
  const token = signPlaybackToken(secret, {
    sub: 'str_abc',
    viewer: 'u:usr_1',
    exp: now + PLAYBACK_TOKEN_TTL_S,
  });

  it('verifies a token for its own stream before it expires and returns its claims', () => {
    expect(verifyPlaybackToken(secret, token, 'str_abc', now)).toEqual({
      ok: true,
      claims: { sub: 'str_abc', viewer: 'u:usr_1', exp: now + PLAYBACK_TOKEN_TTL_S },
    });
    expect(verifyPlaybackToken(secret, token, 'str_abc', now + PLAYBACK_TOKEN_TTL_S - 1).ok).toBe(true);
  });

  it('refuses an expired token as expired', () => {
    expect(verifyPlaybackToken(secret, token, 'str_abc', now + PLAYBACK_TOKEN_TTL_S)).toEqual({
      ok: false,
      failure: 'expired',
    });
  });

  it('refuses a token for another stream, signed with another secret, tampered or malformed as invalid', () => {
    const invalid = { ok: false, failure: 'invalid' };
    expect(verifyPlaybackToken(secret, token, 'str_other', now)).toEqual(invalid);
    expect(verifyPlaybackToken(other, token, 'str_abc', now)).toEqual(invalid);
    const [payload, sig] = token.split('.') as [string, string];
    const longer = Buffer.from(
      JSON.stringify({ sub: 'str_abc', viewer: 'u:usr_1', exp: now + 999_999 }),
    ).toString('base64url');
    expect(verifyPlaybackToken(secret, `${longer}.${sig}`, 'str_abc', now)).toEqual(invalid);
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    expect(verifyPlaybackToken(secret, `${payload}.${flipped}`, 'str_abc', now)).toEqual(invalid);
    for (const bad of ['', 'abc', '.', `${payload}.`, `.${sig}`, `${payload}.${sig}.x`, 'x'.repeat(2000)])
      expect(verifyPlaybackToken(secret, bad, 'str_abc', now)).toEqual(invalid);
    const notJson = Buffer.from('not json').toString('base64url');
    const signed = signPlaybackToken(secret, { sub: 'str_abc', viewer: 'v', exp: now + 5 }).split('.')[1];
    expect(verifyPlaybackToken(secret, `${notJson}.${signed}`, 'str_abc', now)).toEqual(invalid);
  });
});

describe('playlist rewriting', () => {
  it('adds the token to variant URIs of a master playlist', () => {
    const master = [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-STREAM-INF:BANDWIDTH=1400000,RESOLUTION=854x480,CODECS="avc1.64001e,mp4a.40.2"',
      '0/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360',
      '1/index.m3u8',
      '',
    ].join('\n');
    expect(rewritePlaylist(master, 'a.b')).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-STREAM-INF:BANDWIDTH=1400000,RESOLUTION=854x480,CODECS="avc1.64001e,mp4a.40.2"',
        '0/index.m3u8?token=a.b',
        '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360',
        '1/index.m3u8?token=a.b',
        '',
      ].join('\n'),
    );
  });

  it('adds the token to segments and to key and map URIs, keeping existing queries and escaping it', () => {
    const variant = [
      '#EXTM3U',
      '#EXT-X-TARGETDURATION:1',
      '#EXT-X-KEY:METHOD=AES-128,URI="../key/ses_1.key",IV=0x01',
      '#EXT-X-MAP:URI="init.mp4?x=1"',
      '#EXTINF:1.000000,',
      'abcd_0_00001.ts',
      '#EXTINF:1.000000,',
      'abcd_0_00002.ts?x=1',
      '',
    ].join('\n');
    const out = rewritePlaylist(variant, 'p+q/r');
    expect(out).toContain('#EXT-X-KEY:METHOD=AES-128,URI="../key/ses_1.key?token=p%2Bq%2Fr",IV=0x01');
    expect(out).toContain('#EXT-X-MAP:URI="init.mp4?x=1&token=p%2Bq%2Fr"');
    expect(out).toContain('\nabcd_0_00001.ts?token=p%2Bq%2Fr\n');
    expect(out).toContain('\nabcd_0_00002.ts?x=1&token=p%2Bq%2Fr\n');
    expect(out).toContain('#EXTINF:1.000000,\n');
    expect(out.endsWith('\n')).toBe(true);
  });

  it('closes a recording playlist as VOD with ENDLIST and sums its durations', () => {
    const live =
      '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:1.5,\na.ts\n#EXTINF:0.75,\nb.ts\n';
    const done = finishedPlaylist(live);
    expect(done).toBe(
      '#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-VERSION:3\n#EXTINF:1.5,\na.ts\n#EXTINF:0.75,\nb.ts\n#EXT-X-ENDLIST\n',
    );
    expect(finishedPlaylist(done)).toBe(done);
    expect(playlistDurationS(done)).toBe(2.25);
    expect(playlistDurationS('#EXTM3U\n')).toBe(0);
  });
});

describe('watchAccess', () => {
  const base: WatchFacts = {
    visibility: 'public',
    viewerId: null,
    isOwner: false,
    isAdmin: false,
    hasTicket: false,
    isSubscribed: false,
  };
  const ok = { allowed: true, reason: null };

  it('opens public streams to anyone, and everything to the owner and admins', () => {
    expect(watchAccess(base)).toEqual(ok);
    for (const visibility of ['followers', 'subscribers', 'ticketed'] as const) {
      expect(watchAccess({ ...base, visibility, viewerId: 'u', isOwner: true })).toEqual(ok);
      expect(watchAccess({ ...base, visibility, viewerId: 'u', isAdmin: true })).toEqual(ok);
      expect(watchAccess({ ...base, visibility })).toEqual({ allowed: false, reason: 'LOGIN_REQUIRED' });
    }
  });

  it('needs a ticket for ticketed, a subscription for subscribers-only, and refuses followers-only', () => {
    const member = { ...base, viewerId: 'u' };
    expect(watchAccess({ ...member, visibility: 'ticketed' })).toEqual({
      allowed: false,
      reason: 'TICKET_REQUIRED',
    });
    expect(watchAccess({ ...member, visibility: 'ticketed', hasTicket: true })).toEqual(ok);
    expect(watchAccess({ ...member, visibility: 'ticketed', isSubscribed: true }).allowed).toBe(false);
    expect(watchAccess({ ...member, visibility: 'subscribers' })).toEqual({
      allowed: false,
      reason: 'SUBSCRIBERS_ONLY',
    });
    expect(watchAccess({ ...member, visibility: 'subscribers', isSubscribed: true })).toEqual(ok);
    expect(watchAccess({ ...member, visibility: 'subscribers', hasTicket: true }).allowed).toBe(false);
    expect(watchAccess({ ...member, visibility: 'followers', hasTicket: true, isSubscribed: true })).toEqual({
      allowed: false,
      reason: 'FOLLOWERS_ONLY',
    });
  });
});

describe('HLS muxer options', () => {
  it('records as an EVENT playlist and encrypts with the key info file, inserted after -f hls', () => {
    const args = [
      '-i',
      'pipe:0',
      '-f',
      'hls',
      '-hls_time',
      '1',
      'out/%v/index.m3u8',
      '-f',
      'image2',
      'thumb.jpg',
    ];
    expect(hlsOptions({ record: false, keyInfoFile: null })).toEqual([]);
    const options = hlsOptions({ record: true, keyInfoFile: '/keys/k.info' });
    expect(options).toEqual(['-hls_playlist_type', 'event', '-hls_key_info_file', '/keys/k.info']);
    expect(withHlsOptions(args, options)).toEqual([
      '-i',
      'pipe:0',
      '-f',
      'hls',
      '-hls_playlist_type',
      'event',
      '-hls_key_info_file',
      '/keys/k.info',
      '-hls_time',
      '1',
      'out/%v/index.m3u8',
      '-f',
      'image2',
      'thumb.jpg',
    ]);
    expect(withHlsOptions(args, [])).toEqual(args);
    const flagged = ['-f', 'hls', '-hls_flags', 'independent_segments+temp_file', 'out.m3u8'];
    expect(withHlsOptions(flagged, [], true)).toEqual([
      '-f',
      'hls',
      '-hls_flags',
      'independent_segments+temp_file+append_list',
      'out.m3u8',
    ]);
    expect(withHlsOptions(flagged, [], false)).toEqual(flagged);
  });
});

describe('viewer analytics rules', () => {
  it('marks a beat present in its own bucket and the next two', () => {
    const t = 123 * VIEWER_BUCKET_MS + 4_000;
    expect(presenceBuckets(t)).toEqual([123, 124, 125]);
  });

  it('samples the series at most every step and keeps the newest points', () => {
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    let series = appendSample([], t0, 1);
    series = appendSample(series, t0 + SERIES_STEP_MS - 1, 5);
    expect(series).toEqual([{ t: '2026-01-01T00:00:00.000Z', viewers: 1 }]);
    series = appendSample(series, t0 + SERIES_STEP_MS, 2);
    expect(series.map((p) => p.viewers)).toEqual([1, 2]);
    let long: ReturnType<typeof appendSample> = [];
    for (let i = 0; i < SERIES_MAX_POINTS + 5; i++) long = appendSample(long, t0 + i * SERIES_STEP_MS, i);
    expect(long).toHaveLength(SERIES_MAX_POINTS);
    expect(long[0]!.viewers).toBe(5);
  });
});

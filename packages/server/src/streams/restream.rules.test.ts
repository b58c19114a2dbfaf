import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  checkTargetKey,
  checkTargetUrl,
  isPrivateHost,
  keyHint,
  MAX_ATTEMPTS,
  nextAttempt,
  parseRestreamLine,
  publishUrl,
  redactKeys,
  restreamArgs,
  STABLE_AFTER_MS,
} from './restream.rules.ts';

describe('restream ffmpeg arguments', () => {
  it('copies the FLV on stdin to every target through one tee output (golden)', () => {
    expect(
      restreamArgs([
        'rtmp://a.rtmp.youtube.com/live2/abcd-efgh',
        'rtmps://live.example.com:443/app/live_1?x=1',
      ]),
    ).toEqual([
      '-hide_banner',
      '-nostats',
      '-loglevel',
      'error',
      '-progress',
      'pipe:2',
      '-stats_period',
      '1',
      '-f',
      'flv',
      '-i',
      'pipe:0',
      '-map',
      '0:v',
      '-map',
      '0:a?',
      '-c',
      'copy',
      '-f',
      'tee',
      '-use_fifo',
      '1',
      '-fifo_options',
      'queue_size=600:drop_pkts_on_overflow=1',
      '[f=flv:flvflags=no_duration_filesize:onfail=ignore]rtmp://a.rtmp.youtube.com/live2/abcd-efgh|' +
        '[f=flv:flvflags=no_duration_filesize:onfail=ignore]rtmps://live.example.com:443/app/live_1?x=1',
    ]);
  });

  it('refuses URLs that would break out of the tee syntax, and an empty target list', () => {
    expect(() => restreamArgs(['rtmp://a/b|file:/etc/x'])).toThrow();
    expect(() => restreamArgs(["rtmp://a/b'c"])).toThrow();
    expect(() => restreamArgs(['rtmp://a/b\\c'])).toThrow();
    expect(() => restreamArgs([])).toThrow();
  });
});

describe('restream backoff', () => {
  it('doubles from 2 s up to 60 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(backoffMs)).toEqual([
      2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
  });

  it('counts failures in a row and gives up after the last attempt', () => {
    expect(nextAttempt(0, 0)).toEqual({ attempt: 1, delayMs: 2_000 });
    expect(nextAttempt(3, 5_000)).toEqual({ attempt: 4, delayMs: 16_000 });
    expect(nextAttempt(MAX_ATTEMPTS - 1, 0).delayMs).not.toBeNull();
    expect(nextAttempt(MAX_ATTEMPTS, 0)).toEqual({ attempt: MAX_ATTEMPTS + 1, delayMs: null });
  });

  it('starts afresh after a target had been sending for a while', () => {
    expect(nextAttempt(5, STABLE_AFTER_MS)).toEqual({ attempt: 1, delayMs: 2_000 });
  });
});

describe('restream target checks', () => {
  it('accepts rtmp and rtmps server URLs of public hosts', () => {
    expect(checkTargetUrl('rtmp://a.rtmp.youtube.com/live2', false)).toBeNull();
    expect(checkTargetUrl('rtmps://live-api-s.facebook.com:443/rtmp/', false)).toBeNull();
    expect(checkTargetUrl('rtmp://8.8.8.8:1935/app', false)).toBeNull();
  });

  it('refuses other schemes, credentials, queries, odd characters and long URLs', () => {
    expect(checkTargetUrl('http://example.com/live', false)).toBe('url_scheme');
    expect(checkTargetUrl('file:///etc/passwd', false)).toBe('url_scheme');
    expect(checkTargetUrl('rtmp://user:pw@example.com/live', false)).toBe('url_credentials');
    expect(checkTargetUrl('rtmp://example.com/live?key=1', false)).toBe('url_invalid');
    expect(checkTargetUrl('rtmp://example.com/a|b', false)).toBe('url_invalid');
    expect(checkTargetUrl('rtmp://example.com/a b', false)).toBe('url_invalid');
    expect(checkTargetUrl('not a url', false)).toBe('url_invalid');
    expect(checkTargetUrl(`rtmp://example.com/${'a'.repeat(600)}`, false)).toBe('url_too_long');
  });

  it('refuses literal loopback and private addresses unless allowed', () => {
    for (const url of [
      'rtmp://127.0.0.1:1935/live',
      'rtmp://localhost/live',
      'rtmp://10.1.2.3/live',
      'rtmp://192.168.1.1/live',
      'rtmp://169.254.169.254/live',
      'rtmp://[::1]/live',
      'rtmp://[::ffff:127.0.0.1]/live',
      'rtmp://2130706433/live',
      'rtmp://0.0.0.0/live',
    ])
      expect([url, checkTargetUrl(url, false)]).toEqual([url, 'url_private']);
    expect(checkTargetUrl('rtmp://127.0.0.1:1935/live', true)).toBeNull();
    expect(isPrivateHost('live.twitch.tv')).toBe(false);
  });

  it('accepts the stream keys services hand out and nothing that could escape', () => {
    expect(checkTargetKey('abcd-efgh-ijkl-mnop-qrst')).toBeNull();
    expect(checkTargetKey('live_123456789_AbCdEfGhIjKlMnOp')).toBeNull();
    expect(checkTargetKey('FB-123?s_bl=1&s_ps=1&a=Abc')).toBeNull();
    for (const key of ['', 'a b', 'a|b', 'a]b', "a'b", 'a\\b', 'x'.repeat(257)])
      expect(checkTargetKey(key)).toBe('key_invalid');
  });

  it('builds the publish URL, the key hint and redacts keys from messages', () => {
    expect(publishUrl('rtmp://live.twitch.tv/app/', 'live_1_abc')).toBe(
      'rtmp://live.twitch.tv/app/live_1_abc',
    );
    expect(keyHint('live_1_abcdef')).toBe('cdef');
    expect(redactKeys('Error opening rtmp://h/app/sekret-key: refused', ['sekret-key'])).toBe(
      'Error opening rtmp://h/app/****: refused',
    );
  });
});

describe('restream stderr lines', () => {
  it('reads progress, a failed target and a cause', () => {
    expect(parseRestreamLine('out_time_us=2160000')).toEqual({ kind: 'progress', outTimeS: 2.16 });
    expect(parseRestreamLine('frame=0')).toEqual({ kind: 'noise' });
    expect(parseRestreamLine('speed=  44x')).toEqual({ kind: 'noise' });
    expect(parseRestreamLine('bitrate=  25.3kbits/s')).toEqual({ kind: 'noise' });
    expect(
      parseRestreamLine(
        '[tee @ 0x55d2deea1680] Slave muxer #1 failed: Connection refused, continuing with 1/2 slaves.',
      ),
    ).toEqual({ kind: 'target_failed', index: 1, reason: 'Connection refused' });
    expect(
      parseRestreamLine('[fifo @ 0x55d2deeb0340] Error opening rtmp://h/live/k: Connection refused'),
    ).toEqual({
      kind: 'other',
      text: 'Error opening rtmp://h/live/k: Connection refused',
    });
    expect(parseRestreamLine('[tee @ 0x1] All tee outputs failed.')).toEqual({ kind: 'noise' });
  });
});

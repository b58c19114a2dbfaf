import { describe, expect, it } from 'vitest';
import { publicSessionId, summariseUserAgent } from './sessions.rules.ts';

describe('summariseUserAgent', () => {
  it.each([
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      { browser: 'Chrome 120', os: 'Linux', kind: 'desktop' },
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
      { browser: 'Safari 17', os: 'iOS', kind: 'mobile' },
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
      { browser: 'Firefox 121', os: 'Windows', kind: 'desktop' },
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
      { browser: 'Edge 120', os: 'Windows', kind: 'desktop' },
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36',
      { browser: 'Chrome 120', os: 'Android', kind: 'mobile' },
    ],
    [
      'Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
      { browser: 'Safari 17', os: 'iOS', kind: 'tablet' },
    ],
    ['curl/8.5.0', { browser: 'curl 8', os: null, kind: 'desktop' }],
    ['lightMyRequest', { browser: null, os: null, kind: 'unknown' }],
  ])('reads %s', (agent, expected) => {
    expect(summariseUserAgent(agent)).toEqual(expected);
  });

  it('knows nothing without a header', () => {
    expect(summariseUserAgent(null)).toEqual({ browser: null, os: null, kind: 'unknown' });
  });
});

describe('publicSessionId', () => {
  it('is a stable 32-character digest that differs from the stored id', () => {
    const stored = 'a'.repeat(64);
    expect(publicSessionId(stored)).toMatch(/^[0-9a-f]{32}$/);
    expect(publicSessionId(stored)).toBe(publicSessionId(stored));
    expect(stored.startsWith(publicSessionId(stored))).toBe(false);
    expect(publicSessionId('b'.repeat(64))).not.toBe(publicSessionId(stored));
  });
});

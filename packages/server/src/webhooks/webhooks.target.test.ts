import { describe, expect, it } from 'vitest';
import { parseTargetUrl } from './webhooks.target.ts';

describe('target URLs', () => {
  it('accepts http and https URLs', () => {
    expect(parseTargetUrl('https://hooks.example.com/pnptv?x=1').ok).toBe(true);
    expect(parseTargetUrl('http://example.com').ok).toBe(true);
  });

  it('refuses other schemes, garbage, credentials and overlong URLs', () => {
    expect(parseTargetUrl('ftp://example.com/')).toEqual({ ok: false, problem: 'scheme' });
    expect(parseTargetUrl('file:///etc/passwd')).toEqual({ ok: false, problem: 'scheme' });
    expect(parseTargetUrl('javascript:alert(1)')).toEqual({ ok: false, problem: 'scheme' });
    expect(parseTargetUrl('not a url')).toEqual({ ok: false, problem: 'invalid' });
    expect(parseTargetUrl('https://user:pw@example.com/')).toEqual({ ok: false, problem: 'credentials' });
    expect(parseTargetUrl('https://user@example.com/')).toEqual({ ok: false, problem: 'credentials' });
    const long = `https://example.com/${'a'.repeat(2049 - 'https://example.com/'.length)}`;
    expect(long).toHaveLength(2049);
    expect(parseTargetUrl(long)).toEqual({ ok: false, problem: 'too_long' });
    expect(parseTargetUrl(long.slice(0, 2048)).ok).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { classifyAddress, hostOf, isAllowedAddress, parseIPv6, parseTargetUrl } from './webhooks.target.ts';

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

  it('gives IPv6 literal hosts without brackets, and decimal IPv4 hosts in dotted form', () => {
    const v6 = parseTargetUrl('http://[::1]:8080/');
    expect(v6.ok && hostOf(v6.url)).toBe('::1');
    const decimal = parseTargetUrl('http://2130706433/');
    expect(decimal.ok && hostOf(decimal.url)).toBe('127.0.0.1');
  });
});

describe('IPv6 parsing', () => {
  it('expands compressed forms and dotted IPv4 tails', () => {
    expect(parseIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('::ffff:10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]);
    expect(parseIPv6('2001:db8:0:0:0:0:0:1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
  });

  it('rejects malformed text', () => {
    for (const bad of [
      '1::2::3',
      '12345::',
      ':1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      'g::1',
      '::ffff:300.1.1.1',
      '1:2:3:4:5:6:7',
    ]) {
      expect(parseIPv6(bad), bad).toBeNull();
    }
  });
});

describe('address classification', () => {
  const cases: [string, ReturnType<typeof classifyAddress>][] = [
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['192.168.1.1', 'private'],
    ['192.169.0.1', 'public'],
    ['169.254.169.254', 'link_local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.0', 'public'],
    ['100.63.255.255', 'public'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link_local'],
    ['febf::1', 'link_local'],
    ['ff02::1', 'multicast'],
    ['2001:4860:4860::8888', 'public'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link_local'],
    ['::ffff:8.8.8.8', 'public'],
    ['::10.1.2.3', 'private'],
    ['64:ff9b::192.168.0.1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['2002:0808:0808::1', 'public'],
    ['localhost', 'invalid'],
    ['1.2.3', 'invalid'],
    ['256.1.1.1', 'invalid'],
  ];
  it.each(cases)('classifies %s as %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it('allows only public addresses unless private targets are allowed, and never invalid ones', () => {
    expect(isAllowedAddress('93.184.216.34', false)).toBe(true);
    expect(isAllowedAddress('127.0.0.1', false)).toBe(false);
    expect(isAllowedAddress('::ffff:10.0.0.1', false)).toBe(false);
    expect(isAllowedAddress('127.0.0.1', true)).toBe(true);
    expect(isAllowedAddress('nonsense', true)).toBe(false);
  });
});

import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { canonicalAddress, judgeAddress, originKey, originKeys, ownAddresses } from './outbound.rules.ts';

const none: ReadonlySet<string> = new Set();

describe('addresses outbound HTTP may not connect to', () => {
  // One address inside each range that is not global unicast, first and last addresses included
  // where an off-by-one in a prefix length would show.
  const refused: [string, string][] = [
    ['0.0.0.0/8', '0.0.0.0'],
    ['0.0.0.0/8', '0.255.255.255'],
    ['10.0.0.0/8', '10.0.0.1'],
    ['10.0.0.0/8', '10.255.255.255'],
    ['100.64.0.0/10', '100.64.0.1'],
    ['100.64.0.0/10', '100.127.255.255'],
    ['127.0.0.0/8', '127.0.0.1'],
    ['127.0.0.0/8', '127.255.255.254'],
    ['169.254.0.0/16', '169.254.169.254'],
    ['172.16.0.0/12', '172.16.0.1'],
    ['172.16.0.0/12', '172.31.255.255'],
    ['192.0.0.0/24', '192.0.0.8'],
    ['192.0.2.0/24 (TEST-NET-1)', '192.0.2.1'],
    ['192.88.99.0/24 (6to4 relay)', '192.88.99.1'],
    ['192.168.0.0/16', '192.168.1.1'],
    ['198.18.0.0/15', '198.19.255.255'],
    ['198.51.100.0/24 (TEST-NET-2)', '198.51.100.7'],
    ['203.0.113.0/24 (TEST-NET-3)', '203.0.113.7'],
    ['224.0.0.0/4', '224.0.0.1'],
    ['224.0.0.0/4', '239.255.255.250'],
    ['240.0.0.0/4', '240.0.0.1'],
    ['255.255.255.255', '255.255.255.255'],
    ['::', '::'],
    ['::1', '::1'],
    ['::ffff:0:0/96 mapping loopback', '::ffff:127.0.0.1'],
    ['::ffff:0:0/96 mapping loopback, hex', '::ffff:7f00:1'],
    ['::ffff:0:0/96 mapping link-local', '::ffff:169.254.169.254'],
    ['::ffff:0:0/96 mapping TEST-NET-3', '::ffff:203.0.113.9'],
    ['64:ff9b::/96 carrying loopback', '64:ff9b::7f00:1'],
    ['64:ff9b::/96 carrying private', '64:ff9b::192.168.0.1'],
    ['64:ff9b:1::/48 (local-use NAT64)', '64:ff9b:1::808:808'],
    ['::/96 (IPv4-compatible, deprecated)', '::10.1.2.3'],
    ['::/96 (IPv4-compatible, deprecated)', '::8.8.8.8'],
    ['100::/64 (discard)', '100::1'],
    ['fc00::/7', 'fc00::1'],
    ['fc00::/7', 'fd12:3456::1'],
    ['fe80::/10', 'fe80::1'],
    ['fe80::/10 with a zone', 'fe80::1%eth0'],
    ['fec0::/10 (site-local, deprecated)', 'fec0::1'],
    ['ff00::/8', 'ff02::1'],
    ['2001:db8::/32 (documentation)', '2001:db8::1'],
    ['2001::/32 (Teredo)', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['2001:2::/48 (benchmarking)', '2001:2::1'],
    ['2002::/16 (6to4) carrying private', '2002:c0a8:101::1'],
    ['2002::/16 (6to4) carrying public', '2002:808:808::1'],
    ['3fff::/20 (documentation)', '3fff::1'],
    ['4000::/3 (unallocated)', '4000::1'],
    ['not an address', 'localhost'],
    ['not an address', '1.2.3'],
    ['not an address', '256.1.1.1'],
    ['not an address: shorthand IPv4', '127.1'],
    ['not an address: decimal IPv4', '2130706433'],
    ['not an address: hexadecimal IPv4', '0x7f.0.0.1'],
  ];
  it.each(refused)('refuses %s: %s', (_range, address) => {
    expect(judgeAddress(address, none).allowed).toBe(false);
  });

  it('allows global unicast addresses, IPv4 reached through NAT64 or a mapped address included', () => {
    for (const address of [
      '93.184.216.34',
      '8.8.8.8',
      '1.1.1.1',
      '172.15.255.255',
      '172.32.0.0',
      '100.128.0.0',
      '192.0.3.1',
      '2606:2800:220:1:248:1893:25c8:1946',
      '2001:4860:4860::8888',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
    ]) {
      expect(judgeAddress(address, none), address).toEqual({ allowed: true });
    }
  });

  it("refuses this host's own interface addresses, even a global one", () => {
    const own = ownAddresses({
      eth0: [
        { address: '93.184.216.34', family: 'IPv4' },
        { address: '2606:2800:0220:0001::1', family: 'IPv6' },
      ],
    });
    expect(judgeAddress('93.184.216.34', own)).toEqual({
      allowed: false,
      reason: 'own_address',
      range: 'unicast',
    });
    expect(judgeAddress('::ffff:93.184.216.34', own).allowed).toBe(false);
    expect(judgeAddress('64:ff9b::5db8:d822', own).allowed).toBe(false);
    expect(judgeAddress('2606:2800:220:1::1', own).allowed).toBe(false);
    expect(judgeAddress('93.184.216.35', own).allowed).toBe(true);
  });

  it('refuses every address os.networkInterfaces reports for this machine', () => {
    const interfaces = networkInterfaces();
    const own = ownAddresses(interfaces);
    const addresses = Object.values(interfaces).flatMap((entries) => (entries ?? []).map((e) => e.address));
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(judgeAddress(address, own).allowed, address).toBe(false);
  });

  it('names the range that refused an address', () => {
    expect(judgeAddress('203.0.113.7', none)).toEqual({
      allowed: false,
      reason: 'not_global',
      range: 'reserved',
    });
    expect(judgeAddress('64:ff9b::7f00:1', none)).toEqual({
      allowed: false,
      reason: 'not_global',
      range: 'loopback',
    });
    expect(judgeAddress('nonsense', none)).toEqual({
      allowed: false,
      reason: 'not_an_address',
      range: 'invalid',
    });
  });
});

describe('canonical addresses and origins', () => {
  it('writes mapped IPv6 as IPv4, compresses IPv6 and drops zones', () => {
    expect(canonicalAddress('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(canonicalAddress('2606:2800:0220:0001:0000:0000:0000:0001')).toBe('2606:2800:220:1::1');
    expect(canonicalAddress('fe80::1%eth0')).toBe('fe80::1');
    expect(canonicalAddress('example.com')).toBeNull();
  });

  it('writes the default port so equal origins compare equal, and knows only http(s)', () => {
    expect(originKey('https:', 'API.example.com', '')).toBe('https://api.example.com:443');
    expect(originKey('http:', '127.0.0.1', '8080')).toBe('http://127.0.0.1:8080');
    expect(originKey('http:', '::1', '80')).toBe('http://[::1]:80');
    expect(originKey('ftp:', 'example.com', '')).toBeNull();
    expect([
      ...originKeys(['https://api.stripe.com/', 'http://[::1]:9000/v1', 'not a url', 'file:///x']),
    ]).toEqual(['https://api.stripe.com:443', 'http://[::1]:9000']);
  });
});

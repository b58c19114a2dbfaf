/**
 * Pure rules deciding where webhooks may be sent: the shape of a target URL and which IP
 * addresses are off limits (loopback, private, link-local, CGNAT, multicast and the like), so
 * the server cannot be used to reach its own network (SSRF).
 */

/** Longest accepted endpoint URL, characters. */
export const MAX_URL_LENGTH = 2048;

/** Why a URL cannot be a webhook target. */
export type UrlProblem = 'invalid' | 'scheme' | 'too_long' | 'credentials';

/** Parses and checks an endpoint URL: http(s), at most 2048 characters, no user or password. */
export function parseTargetUrl(raw: string): { ok: true; url: URL } | { ok: false; problem: UrlProblem } {
  if (raw.length > MAX_URL_LENGTH) return { ok: false, problem: 'too_long' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'invalid' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, problem: 'scheme' };
  if (url.username !== '' || url.password !== '') return { ok: false, problem: 'credentials' };
  if (url.hostname === '') return { ok: false, problem: 'invalid' };
  return { ok: true, url };
}

/** The host of a parsed URL as a resolver wants it: IPv6 literals without their brackets. */
export function hostOf(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** What kind of address an IP is, as far as webhook delivery cares. */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'multicast'
  | 'reserved'
  | 'invalid';

/** Parses dotted-quad IPv4 into a 32-bit unsigned number, or null. */
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return value;
}

/** Parses IPv6 text (with `::` compression and an optional dotted IPv4 tail) into 8 16-bit groups, or null. */
export function parseIPv6(text: string): number[] | null {
  let input = text.toLowerCase();
  const zone = input.indexOf('%');
  if (zone >= 0) input = input.slice(0, zone);
  const lastColon = input.lastIndexOf(':');
  if (lastColon < 0) return null;
  if (input.slice(lastColon + 1).includes('.')) {
    // A dotted IPv4 tail (`::ffff:1.2.3.4`) stands for the last two groups.
    const v4 = parseIPv4(input.slice(lastColon + 1));
    if (v4 === null) return null;
    input = `${input.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = input.split('::');
  if (halves.length > 2) return null;
  const group = (s: string) => (s === '' ? [] : s.split(':'));
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  const groups: number[] = [];
  for (const g of [...head, ...rest]) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    groups.push(Number.parseInt(g, 16));
  }
  if (halves.length === 2) {
    if (groups.length > 7) return null;
    const zeros = new Array<number>(8 - groups.length).fill(0);
    return [...groups.slice(0, head.length), ...zeros, ...groups.slice(head.length)];
  }
  return groups.length === 8 ? groups : null;
}

/** Whether `value` lies in `base/bits` (all as 32-bit unsigned IPv4 numbers). */
function inV4(value: number, base: string, bits: number): boolean {
  const start = parseIPv4(base)!;
  const size = 2 ** (32 - bits);
  return value >= start && value < start + size;
}

/** Classifies an IPv4 address given as a 32-bit number. */
export function classifyIPv4(value: number): AddressClass {
  if (inV4(value, '0.0.0.0', 8)) return 'unspecified';
  if (inV4(value, '127.0.0.0', 8)) return 'loopback';
  if (inV4(value, '10.0.0.0', 8) || inV4(value, '172.16.0.0', 12) || inV4(value, '192.168.0.0', 16))
    return 'private';
  if (inV4(value, '169.254.0.0', 16)) return 'link_local';
  if (inV4(value, '100.64.0.0', 10)) return 'cgnat';
  if (inV4(value, '224.0.0.0', 4)) return 'multicast';
  // IETF protocol assignments, benchmarking, and the old class E block up to broadcast.
  if (inV4(value, '192.0.0.0', 24) || inV4(value, '198.18.0.0', 15) || inV4(value, '240.0.0.0', 4))
    return 'reserved';
  return 'public';
}

/** Classifies an IPv6 address given as 8 groups; IPv4 embedded by mapping or translation is judged as IPv4. */
export function classifyIPv6(g: number[]): AddressClass {
  const v4At = (hi: number, lo: number) => ((g[hi]! << 16) >>> 0) + g[lo]!;
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible, deprecated), 64:ff9b::a.b.c.d (NAT64).
  if (zeroUpTo(5) && g[5] === 0xffff) return classifyIPv4(v4At(6, 7));
  if (zeroUpTo(6)) return classifyIPv4(v4At(6, 7));
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0))
    return classifyIPv4(v4At(6, 7));
  // 6to4 carries an IPv4 address in bits 16-47.
  if (g[0] === 0x2002) return classifyIPv4(v4At(1, 2));
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return 'private';
  if ((first & 0xffc0) === 0xfe80) return 'link_local';
  if ((first & 0xffc0) === 0xfec0) return 'private';
  if ((first & 0xff00) === 0xff00) return 'multicast';
  return 'public';
}

/** Classifies an IPv4 or IPv6 address in text form. */
export function classifyAddress(address: string): AddressClass {
  const v4 = parseIPv4(address);
  if (v4 !== null) return classifyIPv4(v4);
  if (address.includes(':')) {
    const v6 = parseIPv6(address);
    if (v6 !== null) return classifyIPv6(v6);
  }
  return 'invalid';
}

/** Whether a webhook may be sent to `address`; everything but public addresses needs `allowPrivate`. */
export function isAllowedAddress(address: string, allowPrivate: boolean): boolean {
  const kind = classifyAddress(address);
  if (kind === 'invalid') return false;
  return kind === 'public' || allowPrivate;
}

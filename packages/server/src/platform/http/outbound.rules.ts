/**
 * Pure rules deciding which network addresses outbound HTTP may connect to: only global unicast
 * addresses (ipaddr.js keeps the table of special-purpose ranges), never one of this host's own
 * interface addresses, and IPv4 carried inside IPv6 is judged as the IPv4 it carries. These rules
 * keep user-supplied URLs (webhooks, later federation and Subsonic) from reaching the server's own
 * network (SSRF).
 */
import ipaddr from 'ipaddr.js';

/** Why an address is refused: not an IP at all, a special-purpose range, or this host's own. */
export type RefusalReason = 'not_an_address' | 'not_global' | 'own_address';

/** The decision about one address; `range` names the ipaddr.js range that refused it. */
export type AddressVerdict = { allowed: true } | { allowed: false; reason: RefusalReason; range: string };

/** One entry of `os.networkInterfaces()`, as far as these rules care. */
export interface InterfaceAddress {
  address: string;
  family: string | number;
}

/** IANA's global unicast block; the rest of the IPv6 space is special-purpose or unallocated. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parse('2000::');
/** The NAT64 well-known prefix (RFC 6052): `64:ff9b::/96` followed by the IPv4 address reached through it. */
const NAT64_PREFIX = ipaddr.IPv6.parse('64:ff9b::');

/**
 * Parses an address written the way resolvers and URL parsers print them: dotted-quad IPv4 (no
 * shorthand, hexadecimal or octal forms) or IPv6 with an optional zone, or null.
 */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  const v6 = withHexTail(text);
  if (v6 !== null && ipaddr.IPv6.isValid(v6)) return ipaddr.IPv6.parse(v6);
  return null;
}

/**
 * IPv6 text with a dotted IPv4 tail (`::ffff:1.2.3.4`) rewritten to two hex groups, since
 * ipaddr.js reads every `::a.b.c.d` as IPv4-mapped, which the deprecated IPv4-compatible
 * `::a.b.c.d` is not; null when the tail is not dotted-quad IPv4.
 */
function withHexTail(text: string): string | null {
  const colon = text.lastIndexOf(':');
  const tail = text.slice(colon + 1);
  if (colon < 0 || !tail.includes('.')) return text;
  if (!ipaddr.IPv4.isValidFourPartDecimal(tail)) return null;
  const [a, b, c, d] = ipaddr.IPv4.parse(tail).octets as [number, number, number, number];
  return `${text.slice(0, colon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/** The IPv4 address in the last 32 bits of an IPv6 address. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 {
  const bytes = address.toByteArray();
  return new ipaddr.IPv4(bytes.slice(12, 16));
}

/**
 * The address that decides: an IPv4-mapped (`::ffff:a.b.c.d`) or NAT64 (`64:ff9b::a.b.c.d`)
 * address reaches the IPv4 address it carries, so it is judged as that.
 */
function effectiveAddress(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (address.kind() === 'ipv4') return address;
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress() || v6.match(NAT64_PREFIX, 96)) return embeddedIPv4(v6);
  return v6;
}

/** The canonical text of an address (mapped IPv6 as IPv4, no zone), to compare addresses as text. */
export function canonicalAddress(text: string): string | null {
  const parsed = parseAddress(text);
  if (!parsed) return null;
  const address = effectiveAddress(parsed);
  if (address.kind() === 'ipv4') return address.toString();
  return new ipaddr.IPv6((address as ipaddr.IPv6).parts).toRFC5952String();
}

/** The canonical addresses of this host's interfaces, from `os.networkInterfaces()`. */
export function ownAddresses(
  interfaces: Record<string, readonly InterfaceAddress[] | undefined>,
): ReadonlySet<string> {
  const found = new Set<string>();
  for (const entries of Object.values(interfaces)) {
    for (const entry of entries ?? []) {
      const canonical = canonicalAddress(entry.address);
      if (canonical) found.add(canonical);
    }
  }
  return found;
}

/**
 * Whether outbound HTTP may connect to `text`: it must be a global unicast address (ipaddr.js's
 * `range()` is `'unicast'`, and for IPv6 inside 2000::/3) and none of `own`. 6to4, Teredo and the
 * local-use NAT64 prefix are refused outright: what they reach depends on relays we do not control.
 */
export function judgeAddress(text: string, own: ReadonlySet<string>): AddressVerdict {
  const parsed = parseAddress(text);
  if (!parsed) return { allowed: false, reason: 'not_an_address', range: 'invalid' };
  const address = effectiveAddress(parsed);
  const range = address.range();
  if (range !== 'unicast') return { allowed: false, reason: 'not_global', range };
  if (address.kind() === 'ipv6' && !(address as ipaddr.IPv6).match(GLOBAL_UNICAST_V6, 3)) {
    return { allowed: false, reason: 'not_global', range: 'unallocated' };
  }
  if (own.has(canonicalAddress(text) ?? '')) return { allowed: false, reason: 'own_address', range };
  return { allowed: true };
}

/** Default port of each scheme outbound HTTP speaks. */
const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * The origin `scheme://host:port` with the port always written, so `https://a.example` and
 * `https://a.example:443` compare equal; null for anything but http(s).
 */
export function originKey(protocol: string, hostname: string, port: string | number): string | null {
  const fallback = DEFAULT_PORTS[protocol];
  if (!fallback) return null;
  const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
  return `${protocol}//${host.toLowerCase()}:${String(port) || fallback}`;
}

/** The origin keys of the operator's configured base URLs; entries that are not http(s) URLs are skipped. */
export function originKeys(urls: readonly string[]): ReadonlySet<string> {
  const keys = new Set<string>();
  for (const raw of urls) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      continue;
    }
    const key = originKey(url.protocol, url.hostname, url.port);
    if (key) keys.add(key);
  }
  return keys;
}

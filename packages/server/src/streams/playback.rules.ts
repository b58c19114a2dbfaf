/** Pure rules of secure playback: signed expiring tokens and playlists rewritten to carry them. No I/O. */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a playback token is valid, seconds; the player asks for a new one before it runs out. */
export const PLAYBACK_TOKEN_TTL_S = 600;

/** What a playback token grants: one stream or VOD (`sub`), to one viewer, until `exp`. */
export interface PlaybackClaims {
  /** The stream or VOD id the token opens. */
  sub: string;
  /** The viewer it was minted for: a user id, or an anonymous viewer id. */
  viewer: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** Why a token was refused. */
export type TokenFailure = 'invalid' | 'expired';

function mac(secret: Buffer, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** A token for `claims`: `base64url(JSON claims).base64url(HMAC-SHA256(secret, first part))`. */
export function signPlaybackToken(secret: Buffer, claims: PlaybackClaims): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

/**
 * Checks a token for resource `sub` at `nowS` (seconds): a bad signature, a malformed token
 * or one for another resource is `invalid`; a genuine one past its expiry is `expired`.
 */
export function verifyPlaybackToken(
  secret: Buffer,
  token: string,
  sub: string,
  nowS: number,
): { ok: true; claims: PlaybackClaims } | { ok: false; failure: TokenFailure } {
  const invalid = { ok: false, failure: 'invalid' } as const;
  if (token.length > 1024) return invalid;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return invalid;
  const payload = token.slice(0, dot);
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(token.slice(dot + 1));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return invalid;
  let claims: PlaybackClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as PlaybackClaims;
  } catch {
    return invalid;
  }
  if (typeof claims?.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.viewer !== 'string')
    return invalid;
  if (claims.sub !== sub) return invalid;
  if (claims.exp <= nowS) return { ok: false, failure: 'expired' };
  return { ok: true, claims };
}

function withToken(uri: string, token: string): string {
  const hash = uri.indexOf('#');
  const base = hash >= 0 ? uri.slice(0, hash) : uri;
  const fragment = hash >= 0 ? uri.slice(hash) : '';
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}${fragment}`;
}

/**
 * A playlist whose every URI carries `token`: the URI lines (variants, segments) and the
 * `URI="…"` attributes of tags (`#EXT-X-KEY`, `#EXT-X-MAP`, `#EXT-X-MEDIA`…), so that a player
 * holding a tokenised master playlist can fetch everything below it.
 */
export function rewritePlaylist(playlist: string, token: string): string {
  return playlist
    .split('\n')
    .map((line) => {
      const trimmed = line.trim();
      if (trimmed.length === 0) return line;
      if (trimmed.startsWith('#'))
        return line.replace(/URI="([^"]*)"/g, (_m, uri: string) => `URI="${withToken(uri, token)}"`);
      return withToken(trimmed, token);
    })
    .join('\n');
}

/** Total media duration of a media playlist: the sum of its `#EXTINF` durations, seconds. */
export function playlistDurationS(playlist: string): number {
  let total = 0;
  for (const match of playlist.matchAll(/^#EXTINF:([0-9.]+)/gm)) total += Number(match[1]);
  return Math.round(total * 1000) / 1000;
}

/**
 * A finished recording's media playlist: typed `VOD` (replacing `EVENT` if present) and closed
 * with `#EXT-X-ENDLIST`, so players treat it as a complete, seekable asset.
 */
export function finishedPlaylist(playlist: string): string {
  let lines = playlist.split('\n').filter((line) => !line.startsWith('#EXT-X-PLAYLIST-TYPE'));
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const header = lines.findIndex((line) => line.startsWith('#EXTM3U'));
  lines = [...lines.slice(0, header + 1), '#EXT-X-PLAYLIST-TYPE:VOD', ...lines.slice(header + 1)];
  if (!lines.includes('#EXT-X-ENDLIST')) lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

/** Pure parts of the live player: quality levels, latency and playback-token URLs. */

/** What the player knows about one rendition (an hls.js level). */
export interface LevelInfo {
  height: number;
  width?: number;
  bitrate: number;
}

/** One entry of the quality menu: `value` is the hls.js level index, or -1 for automatic. */
export interface QualityOption {
  value: number;
  height: number | null;
  label: string;
}

/** Value of the "Auto" quality entry (hls.js picks the level from the bandwidth). */
export const AUTO_LEVEL = -1;

/** "720p" for a level with a height; "1200 kbps" for an audio-only or unknown-size level. */
export function levelLabel(level: LevelInfo): string {
  if (level.height > 0) return `${level.height}p`;
  return `${Math.round(level.bitrate / 1000)} kbps`;
}

/**
 * The quality menu: Auto first, then every level from the tallest down, each keeping its hls.js
 * index. `autoLabel` is the translated word for automatic.
 */
export function qualityOptions(levels: readonly LevelInfo[], autoLabel: string): QualityOption[] {
  const ranked = levels
    .map((level, index) => ({ level, index }))
    .sort((a, b) => b.level.height - a.level.height || b.level.bitrate - a.level.bitrate);
  return [
    { value: AUTO_LEVEL, height: null, label: autoLabel },
    ...ranked.map(({ level, index }) => ({
      value: index,
      height: level.height > 0 ? level.height : null,
      label: levelLabel(level),
    })),
  ];
}

/** The clocks a live player exposes, in seconds; any may be unknown. */
export interface LiveClock {
  /** hls.js's own estimate of the distance to the live edge. */
  latency?: number | null;
  /** Where the live edge is on the media timeline. */
  liveSyncPosition?: number | null;
  currentTime: number;
}

/**
 * Seconds behind the live edge: hls.js's `latency` when it has one, else `liveSyncPosition -
 * currentTime`; null when neither is known. Never negative.
 */
export function latencySeconds(clock: LiveClock): number | null {
  const { latency, liveSyncPosition, currentTime } = clock;
  if (typeof latency === 'number' && Number.isFinite(latency) && latency > 0) return latency;
  if (typeof liveSyncPosition === 'number' && Number.isFinite(liveSyncPosition)) {
    return Math.max(0, liveSyncPosition - currentTime);
  }
  return null;
}

/** "2.4 s" (one decimal under 10 s, whole seconds above); '—' when unknown. */
export function formatLatency(seconds: number | null, locale: string): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const digits = seconds < 10 ? 1 : 0;
  const number = new Intl.NumberFormat(locale, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(seconds);
  return `${number} s`;
}

/** The `token` query parameter of a playback URL, or null. */
export function playbackTokenOf(url: string): string | null {
  try {
    return new URL(url, 'http://localhost').searchParams.get('token');
  } catch {
    return null;
  }
}

/** `url` without its `token` query parameter (other parameters and the fragment kept). */
export function withoutPlaybackToken(url: string): string {
  const hashAt = url.indexOf('#');
  const base = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const hash = hashAt >= 0 ? url.slice(hashAt) : '';
  const queryAt = base.indexOf('?');
  if (queryAt < 0) return url;
  const kept = base
    .slice(queryAt + 1)
    .split('&')
    .filter((part) => part !== '' && !part.startsWith('token='));
  return `${base.slice(0, queryAt)}${kept.length ? `?${kept.join('&')}` : ''}${hash}`;
}

/**
 * `url` carrying `token` as its `token` query parameter, replacing any older one, so variant
 * playlists, segments and keys are fetched with the viewer's current token even after it was
 * refreshed. Without a token the URL is left as it is.
 */
export function withPlaybackToken(url: string, token: string | null): string {
  if (!token) return url;
  const bare = withoutPlaybackToken(url);
  const hashAt = bare.indexOf('#');
  const base = hashAt >= 0 ? bare.slice(0, hashAt) : bare;
  const hash = hashAt >= 0 ? bare.slice(hashAt) : '';
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}${hash}`;
}

/**
 * When to ask for a fresh playback token, in ms from `now`: three quarters of the way to its
 * expiry, but not sooner than 15 s (a clock far off must not make the player spin).
 */
export function tokenRefreshDelay(expiresAt: string, now: number): number {
  const expires = Date.parse(expiresAt);
  if (Number.isNaN(expires)) return 60_000;
  return Math.max(15_000, Math.floor((expires - now) * 0.75));
}

/** Where a public stream's master playlist is served, on the site's own origin. */
export function publicPlaybackUrl(streamId: string): string {
  return `/hls/${encodeURIComponent(streamId)}/master.m3u8`;
}

/**
 * How far behind the live edge the player holds, per latency mode, in seconds: low-latency
 * streams cut 1 s segments and the player sits 1.5 s behind the newest one; standard streams cut
 * 2 s segments and it sits 3 s behind. Beyond the maximum it jumps forward; in between it
 * catches up by playing up to 20 % faster. The media benchmark plays with these same settings.
 */
export function liveLatencyConfig(mode: 'low' | 'standard') {
  return mode === 'low'
    ? { lowLatencyMode: true, liveSyncDuration: 1.5, liveMaxLatencyDuration: 5, maxLiveSyncPlaybackRate: 1.2 }
    : { lowLatencyMode: false, liveSyncDuration: 3, liveMaxLatencyDuration: 9, maxLiveSyncPlaybackRate: 1.2 };
}

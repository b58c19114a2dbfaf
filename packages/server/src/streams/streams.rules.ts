/** Pure rules of live streams: keys, status transitions, ladders and who may watch. No I/O. */
import { createHash, randomBytes } from 'node:crypto';

/** Status of a stream: waiting for a publisher, receiving media, waiting for a dropped publisher, or over. */
export type StreamStatus = 'idle' | 'live' | 'reconnecting' | 'ended';
/** Who may watch a stream: see `watchAccess`; HLS requests of non-public streams need a playback token (`canWatch`). */
export type Visibility = 'public' | 'followers' | 'subscribers' | 'ticketed';
/** `low` cuts 1 s segments (≈3 s glass to glass); `standard` cuts 2 s segments. */
export type LatencyMode = 'standard' | 'low';

/** Every visibility, in display order. */
export const VISIBILITIES = ['public', 'followers', 'subscribers', 'ticketed'] as const;
/** Every latency mode. */
export const LATENCY_MODES = ['standard', 'low'] as const;

/** Prefix of stream keys, so a leaked key is recognisable in logs and secret scanners. */
export const STREAM_KEY_PREFIX = 'live_';
/** Stream keys: the prefix then 32 random bytes, base64url (RTMP stream names allow `[A-Za-z0-9_-]`). */
export const STREAM_KEY_PATTERN = /^live_[A-Za-z0-9_-]{43}$/;

/** A new random stream key. */
export function generateStreamKey(): string {
  return `${STREAM_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The value stored for a stream key: its SHA-256, hex. Keys carry 256 random bits, so no salt or slow hash is needed. */
export function hashStreamKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

const TRANSITIONS: Record<StreamStatus, readonly StreamStatus[]> = {
  idle: ['live', 'ended'],
  live: ['reconnecting', 'ended'],
  reconnecting: ['live', 'ended'],
  ended: ['live'],
};

/** Whether a stream may move from `from` to `to` (a new session after `ended` goes live again). */
export function canTransition(from: StreamStatus, to: StreamStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** One rendition of a ladder: output height in pixels and video bitrate in kbit/s. */
export interface Rung {
  height: number;
  videoKbps: number;
  audioKbps: number;
}

/** A named transcoding profile: the ladder of renditions to produce, highest first. */
export interface TranscodingProfile {
  name: string;
  rungs: readonly Rung[];
}

/** Built-in profiles. `standard` is the default 1080/720/480/360 ladder. */
export const TRANSCODING_PROFILES = {
  standard: {
    name: 'standard',
    rungs: [
      { height: 1080, videoKbps: 4500, audioKbps: 128 },
      { height: 720, videoKbps: 2500, audioKbps: 128 },
      { height: 480, videoKbps: 1200, audioKbps: 96 },
      { height: 360, videoKbps: 700, audioKbps: 96 },
    ],
  },
  compact: {
    name: 'compact',
    rungs: [
      { height: 720, videoKbps: 2500, audioKbps: 128 },
      { height: 360, videoKbps: 700, audioKbps: 96 },
    ],
  },
  mobile: {
    name: 'mobile',
    rungs: [
      { height: 480, videoKbps: 1200, audioKbps: 96 },
      { height: 240, videoKbps: 400, audioKbps: 64 },
    ],
  },
} as const satisfies Record<string, TranscodingProfile>;

/** Name of a built-in transcoding profile. */
export type ProfileName = keyof typeof TRANSCODING_PROFILES;
/** Every built-in profile name. */
export const PROFILE_NAMES = Object.keys(TRANSCODING_PROFILES) as ProfileName[];

/**
 * The rungs to produce for a source `sourceHeight` pixels tall: those at or below it, never an
 * upscale. A source smaller than every rung gets one rendition at its own (even) height, with
 * the smallest rung's bitrates.
 */
export function selectRungs(rungs: readonly Rung[], sourceHeight: number): Rung[] {
  const kept = rungs.filter((r) => r.height <= sourceHeight);
  if (kept.length > 0) return [...kept].sort((a, b) => b.height - a.height);
  const smallest = [...rungs].sort((a, b) => a.height - b.height)[0];
  if (!smallest || sourceHeight < 2) return [];
  return [{ ...smallest, height: sourceHeight - (sourceHeight % 2) }];
}

/** HLS segment length for a latency mode, seconds. */
export function segmentSeconds(mode: LatencyMode): number {
  return mode === 'low' ? 1 : 2;
}

/** What is known about a viewer when deciding whether they may watch. */
export interface ViewerFacts {
  /** A valid playback token for this very stream was presented. */
  hasPlaybackToken: boolean;
  /** The viewer is on the stream owner's app team (studio preview). */
  isTeamMember: boolean;
}

/**
 * Whether a viewer may fetch a stream's playlists and segments. Public streams are open; the
 * others need a playback token minted after the follow, subscription or ticket check, or a
 * team member's own preview.
 */
export function canWatch(visibility: Visibility, viewer: ViewerFacts): boolean {
  if (visibility === 'public') return true;
  return viewer.hasPlaybackToken || viewer.isTeamMember;
}

/**
 * The RTMP URL a publisher connects to (OBS "Server"), from the site URL's host and the RTMP port.
 * `localhost` becomes 127.0.0.1: many RTMP clients (ffmpeg among them) try only the first address
 * a name resolves to, which is often ::1, while the ingest may listen on IPv4 only.
 */
export function rtmpUrlFor(publicUrl: string, rtmpPort: number): string {
  const name = new URL(publicUrl).hostname;
  const host = name === 'localhost' ? '127.0.0.1' : name;
  return `rtmp://${host}:${rtmpPort}/live`;
}

/** Where viewers fetch a stream's master playlist. */
export function playbackUrlFor(publicUrl: string, streamId: string): string {
  return `${publicUrl}/hls/${streamId}/master.m3u8`;
}

/** Lag behind real time at which a live transcode counts as degraded, seconds. */
export const QUALITY_DROP_LAG_S = 4;

/**
 * Whether a transcode is degraded after a lag reading, and whether this reading starts a new
 * degraded episode (emit `health.quality.drop` once per episode). An episode ends when the lag
 * falls back under half the threshold, so a lag hovering at the threshold does not flap.
 */
export function qualityDrop(wasDropped: boolean, lagS: number): { dropped: boolean; started: boolean } {
  if (wasDropped) return { dropped: lagS >= QUALITY_DROP_LAG_S / 2, started: false };
  const dropped = lagS >= QUALITY_DROP_LAG_S;
  return { dropped, started: dropped };
}

/** Why a viewer may not watch a stream, as the watch page shows it. */
export type WatchDenial = 'TICKET_REQUIRED' | 'SUBSCRIBERS_ONLY' | 'FOLLOWERS_ONLY' | 'LOGIN_REQUIRED';

/** What is known about a viewer and a stream when deciding access; entitlements are asked only when needed. */
export interface WatchFacts {
  visibility: Visibility;
  /** The signed-in viewer, or null for an anonymous one. */
  viewerId: string | null;
  /** The viewer owns the stream. */
  isOwner: boolean;
  /** The viewer is an instance admin. */
  isAdmin: boolean;
  /** The viewer holds a ticket for the stream (ticketed streams). */
  hasTicket: boolean;
  /** The viewer subscribes to the stream's creator (subscribers-only streams). */
  isSubscribed: boolean;
}

/** The access decision: allowed, or the reason it is not. */
export interface WatchDecision {
  allowed: boolean;
  reason: WatchDenial | null;
}

/**
 * Who may watch: public streams are open to anyone; the owner and admins watch everything;
 * anonymous viewers must sign in for anything else; ticketed streams need a ticket,
 * subscribers-only a subscription to the creator; followers-only streams are open only to
 * the owner and admins until following exists.
 */
export function watchAccess(facts: WatchFacts): WatchDecision {
  if (facts.visibility === 'public') return { allowed: true, reason: null };
  if (facts.isOwner || facts.isAdmin) return { allowed: true, reason: null };
  if (facts.viewerId === null) return { allowed: false, reason: 'LOGIN_REQUIRED' };
  switch (facts.visibility) {
    case 'ticketed':
      return facts.hasTicket
        ? { allowed: true, reason: null }
        : { allowed: false, reason: 'TICKET_REQUIRED' };
    case 'subscribers':
      return facts.isSubscribed
        ? { allowed: true, reason: null }
        : { allowed: false, reason: 'SUBSCRIBERS_ONLY' };
    case 'followers':
      return { allowed: false, reason: 'FOLLOWERS_ONLY' };
  }
}

/** Cache key under which the ingest node publishes a live stream's ingest health for the studio. */
export function ingestHealthKey(streamId: string): string {
  return `streams:ingest:${streamId}`;
}

/** How long a published ingest health reading stays valid, ms (it is refreshed every few seconds while live). */
export const INGEST_HEALTH_TTL_MS = 15_000;

/** Ingest health of a live stream: what the publisher sends and how the transcoder keeps up. */
export interface IngestHealth {
  bitrateKbps: number;
  fps: number;
  speed: number | null;
  lagS: number;
}

/** Names of custom transcoding profiles: lowercase letters, digits, `-` and `_`. */
export const PROFILE_NAME_PATTERN = '^[a-z0-9_-]{1,32}$';
/** Most rungs in a custom ladder. */
export const MAX_LADDER_RUNGS = 6;

/** Whether `name` is one of the built-in profiles. */
export function isBuiltInProfile(name: string): name is ProfileName {
  return Object.hasOwn(TRANSCODING_PROFILES, name);
}

/**
 * A custom ladder made ready to store: rungs sorted highest first. Refused (with the reason)
 * when it is empty, too long, repeats a height or has an odd height (x264 needs even sizes).
 */
export function normaliseLadder(
  rungs: readonly Rung[],
): { ok: true; rungs: Rung[] } | { ok: false; reason: string } {
  if (rungs.length === 0 || rungs.length > MAX_LADDER_RUNGS)
    return { ok: false, reason: `a ladder has 1 to ${MAX_LADDER_RUNGS} rungs` };
  const heights = new Set(rungs.map((r) => r.height));
  if (heights.size !== rungs.length) return { ok: false, reason: 'two rungs have the same height' };
  if (rungs.some((r) => r.height % 2 !== 0)) return { ok: false, reason: 'rung heights must be even' };
  return {
    ok: true,
    rungs: [...rungs]
      .sort((a, b) => b.height - a.height)
      .map((r) => ({ height: r.height, videoKbps: r.videoKbps, audioKbps: r.audioKbps })),
  };
}

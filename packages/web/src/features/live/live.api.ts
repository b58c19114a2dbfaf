import type { ApiClient } from '../../app/api.ts';

/** Where a stream is in its life. */
export type StreamStatus = 'idle' | 'live' | 'reconnecting' | 'ended';
/** Who may watch a stream. */
export type Visibility = 'public' | 'followers' | 'subscribers' | 'ticketed';
/** Segment length and player tuning: `low` aims at a few seconds behind live. */
export type LatencyMode = 'standard' | 'low';
/** Built-in transcoding ladders. */
export type TranscodingProfile = 'standard' | 'compact' | 'mobile';

/** Every visibility, in the order the create form offers them. */
export const VISIBILITIES: Visibility[] = ['public', 'followers', 'subscribers', 'ticketed'];
/** Every latency mode. */
export const LATENCY_MODES: LatencyMode[] = ['low', 'standard'];
/** Every transcoding profile. */
export const PROFILES: TranscodingProfile[] = ['standard', 'compact', 'mobile'];

/** A stream as anyone may see it (discover grid, watch page). */
export interface PublicStream {
  id: string;
  title: string;
  category: string;
  status: StreamStatus;
  visibility: Visibility;
  ownerId: string | null;
  ownerName: string | null;
  viewers: number;
  thumbnailUrl: string | null;
  startedAt: string | null;
  latencyMode: LatencyMode;
}

/** A stream as its owner sees it in the studio. */
export interface StudioStream {
  id: string;
  title: string;
  category: string;
  visibility: Visibility;
  status: StreamStatus;
  reconnectWindowS: number;
  record: boolean;
  latencyMode: LatencyMode;
  transcodingProfile: string;
  currentSessionId: string | null;
  ownerId: string | null;
  playback: { hls: string };
  createdAt: string;
  updatedAt: string;
}

/** Where a publisher connects: the RTMP server URL and the secret stream key. */
export interface Ingest {
  rtmpUrl: string;
  streamKey: string;
}

/** Why a viewer may not watch (yet). */
export type AccessReason = 'TICKET_REQUIRED' | 'SUBSCRIBERS_ONLY' | 'FOLLOWERS_ONLY' | 'LOGIN_REQUIRED';

/** GET /watch/:streamId. */
export interface WatchInfo {
  stream: PublicStream;
  access: { allowed: boolean; reason: AccessReason | null; ticketPriceCoins: number | null };
}

/** A signed, expiring playback grant; `url` is the master playlist carrying it. */
export interface PlaybackToken {
  token: string;
  expiresAt: string;
  url: string;
}

/** GET /studio/streams/:id/health. */
export interface StreamHealth {
  status: StreamStatus;
  ingest: { bitrateKbps: number; fps: number; speed: number | null; lagS: number } | null;
  viewers: { current: number; peak: number; unique: number; watchMinutes: number; bytesServed: number };
  series: { t: string; viewers: number }[];
}

/** A recording in the video library. */
export interface Vod {
  id: string;
  streamId: string;
  title: string;
  ownerName: string | null;
  durationS: number;
  thumbnailUrl: string | null;
  createdAt: string;
  expiresAt: string | null;
}

/** Body of POST /studio/streams. */
export interface NewStream {
  title: string;
  category?: string;
  visibility?: Visibility;
  record?: boolean;
  reconnectWindowS?: number;
  latencyMode?: LatencyMode;
  transcodingProfile?: TranscodingProfile;
}

const id = (value: string) => encodeURIComponent(value);

/** Calls of the streaming pages. */
export const liveApi = {
  watch: (api: ApiClient, streamId: string) => api.get<WatchInfo>(`/watch/${id(streamId)}`),
  playbackToken: (api: ApiClient, streamId: string) =>
    api.post<PlaybackToken>(`/streams/${id(streamId)}/playback-token`, {}),
  heartbeat: (api: ApiClient, streamId: string, viewerId: string) =>
    api.post<{ viewers: number }>(`/watch/${id(streamId)}/heartbeat`, { viewerId }),
  studioStream: (api: ApiClient, streamId: string) =>
    api.get<{ stream: StudioStream }>(`/studio/streams/${id(streamId)}`),
  createStream: (api: ApiClient, body: NewStream) =>
    api.post<{ stream: StudioStream; ingest: Ingest }>('/studio/streams', body),
  updateStream: (api: ApiClient, streamId: string, body: Partial<NewStream>) =>
    api.patch<{ stream: StudioStream }>(`/studio/streams/${id(streamId)}`, body),
  deleteStream: (api: ApiClient, streamId: string) => api.delete(`/studio/streams/${id(streamId)}`),
  rotateKey: (api: ApiClient, streamId: string) =>
    api.post<{ ingest: Ingest }>(`/studio/streams/${id(streamId)}/rotate-key`, {}),
  health: (api: ApiClient, streamId: string) =>
    api.get<StreamHealth>(`/studio/streams/${id(streamId)}/health`),
  vod: (api: ApiClient, vodId: string) => api.get<{ vod: Vod; playbackUrl: string }>(`/vods/${id(vodId)}`),
};

/** Paths of the paginated lists, for useCursorList. */
export const liveLists = {
  live: '/live',
  studio: '/studio/streams',
  vods: '/vods',
};

/** Whether the stream is on air (a publisher is connected or may still come back). */
export function isOnAir(status: StreamStatus): boolean {
  return status === 'live' || status === 'reconnecting';
}

import type { ApiClient } from '../../app/api.ts';

/** Where a restream target is while the stream is live. */
export type TargetStatus = 'idle' | 'connecting' | 'live' | 'retrying' | 'failed';

/** A restream target as the studio sees it: never its key, only the key's last four characters. */
export interface RestreamTarget {
  id: string;
  streamId: string;
  name: string;
  url: string;
  keyHint: string;
  enabled: boolean;
  state: { status: TargetStatus; attempt: number; reason: string | null; nextRetryAt: string | null };
  createdAt: string;
  updatedAt: string;
}

/** Body of a new target. */
export interface NewRestreamTarget {
  name: string;
  url: string;
  streamKey: string;
}

/** Services offered as presets, with their RTMP ingest URLs; `custom` is any rtmp:// or rtmps:// server. */
export const RESTREAM_PRESETS = {
  youtube: { name: 'YouTube', url: 'rtmp://a.rtmp.youtube.com/live2' },
  twitch: { name: 'Twitch', url: 'rtmp://live.twitch.tv/app' },
  custom: { name: '', url: '' },
} as const;

/** A preset's name. */
export type RestreamPreset = keyof typeof RESTREAM_PRESETS;

/** How often the studio refreshes target states while the stream is on air, ms. */
export const RESTREAM_POLL_MS = 2_000;

const base = (streamId: string) => `/studio/streams/${encodeURIComponent(streamId)}/restream-targets`;

/** Calls of the studio's Restream panel. */
export const restreamApi = {
  list: (api: ApiClient, streamId: string) => api.get<{ items: RestreamTarget[] }>(base(streamId)),
  create: (api: ApiClient, streamId: string, body: NewRestreamTarget) =>
    api.post<{ target: RestreamTarget }>(base(streamId), body),
  setEnabled: (api: ApiClient, streamId: string, id: string, enabled: boolean) =>
    api.patch<{ target: RestreamTarget }>(`${base(streamId)}/${encodeURIComponent(id)}`, { enabled }),
  remove: (api: ApiClient, streamId: string, id: string) =>
    api.delete(`${base(streamId)}/${encodeURIComponent(id)}`),
};

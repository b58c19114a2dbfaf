import { Type } from 'typebox';
import { IsoDate } from '../platform/http/schemas.ts';
import { LATENCY_MODES, PROFILE_NAME_PATTERN, playbackUrlFor, VISIBILITIES } from './streams.rules.ts';
import type { StreamRow } from './streams.store.ts';

/** Longest stream title, characters. */
export const MAX_TITLE_LENGTH = 140;
/** Longest category, characters. */
export const MAX_CATEGORY_LENGTH = 64;
/** Longest reconnect window, seconds. */
export const MAX_RECONNECT_WINDOW_S = 600;

const Title = Type.String({ minLength: 1, maxLength: MAX_TITLE_LENGTH });
const Category = Type.String({ maxLength: MAX_CATEGORY_LENGTH });
const VisibilityField = Type.Union(VISIBILITIES.map((v) => Type.Literal(v)));
const LatencyField = Type.Union(LATENCY_MODES.map((v) => Type.Literal(v)));
/** A built-in profile (standard, compact, mobile) or one of the app's custom profiles. */
const ProfileField = Type.String({ pattern: PROFILE_NAME_PATTERN });
const ReconnectWindow = Type.Integer({ minimum: 0, maximum: MAX_RECONNECT_WINDOW_S });

/** A stream as the API shows it (never with its key). */
export const Stream = Type.Object({
  id: Type.String(),
  title: Type.String(),
  category: Type.String(),
  visibility: VisibilityField,
  status: Type.Union(['idle', 'live', 'reconnecting', 'ended'].map((s) => Type.Literal(s))),
  reconnectWindowS: Type.Integer(),
  record: Type.Boolean(),
  encrypt: Type.Boolean(),
  latencyMode: LatencyField,
  transcodingProfile: Type.String(),
  currentSessionId: Type.Union([Type.String(), Type.Null()]),
  ownerId: Type.Union([Type.String(), Type.Null()]),
  playback: Type.Object({ hls: Type.String() }),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});

/** Where to publish: the RTMP server URL and the stream key (the key is shown only on create and rotate). */
export const Ingest = Type.Object({ rtmpUrl: Type.String(), streamKey: Type.String() });

/** Body of POST /apps/:appId/streams. */
export const CreateStreamBody = Type.Object(
  {
    title: Title,
    category: Type.Optional(Category),
    visibility: Type.Optional(VisibilityField),
    reconnectWindowS: Type.Optional(ReconnectWindow),
    record: Type.Optional(Type.Boolean()),
    encrypt: Type.Optional(Type.Boolean()),
    latencyMode: Type.Optional(LatencyField),
    transcodingProfile: Type.Optional(ProfileField),
  },
  { additionalProperties: false },
);

/** Body of PATCH /apps/:appId/streams/:id; omitted fields keep their value. Latency and profile apply from the next session. */
export const UpdateStreamBody = Type.Object(
  {
    title: Type.Optional(Title),
    category: Type.Optional(Category),
    visibility: Type.Optional(VisibilityField),
    reconnectWindowS: Type.Optional(ReconnectWindow),
    record: Type.Optional(Type.Boolean()),
    encrypt: Type.Optional(Type.Boolean()),
    latencyMode: Type.Optional(LatencyField),
    transcodingProfile: Type.Optional(ProfileField),
  },
  { additionalProperties: false },
);

/** The API shape of a stream row; `publicUrl` builds the playback URL. */
export function toStream(row: StreamRow, publicUrl: string) {
  return {
    id: row.id,
    title: row.title,
    category: row.category,
    visibility: row.visibility,
    status: row.status,
    reconnectWindowS: row.reconnect_window_s,
    record: row.record,
    encrypt: row.encrypt,
    latencyMode: row.latency_mode,
    transcodingProfile: row.profile,
    currentSessionId: row.current_session_id,
    ownerId: row.owner_id,
    playback: { hls: playbackUrlFor(publicUrl, row.id) },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A stream as the API returns it. */
export type StreamView = ReturnType<typeof toStream>;

import { Type } from 'typebox';
import { IsoDate } from '../platform/http/schemas.ts';
import {
  MAX_TARGET_KEY_LENGTH,
  MAX_TARGET_NAME_LENGTH,
  MAX_TARGET_URL_LENGTH,
  type TargetState,
} from './restream.rules.ts';
import type { RestreamTargetRow } from './restream.store.ts';

const Name = Type.String({ minLength: 1, maxLength: MAX_TARGET_NAME_LENGTH });
const Url = Type.String({ minLength: 8, maxLength: MAX_TARGET_URL_LENGTH });
const Key = Type.String({ minLength: 1, maxLength: MAX_TARGET_KEY_LENGTH });

/** A restream target's live state. */
export const RestreamTargetState = Type.Object({
  status: Type.Union(['idle', 'connecting', 'live', 'retrying', 'failed'].map((s) => Type.Literal(s))),
  attempt: Type.Integer({ minimum: 0 }),
  reason: Type.Union([Type.String(), Type.Null()]),
  nextRetryAt: Type.Union([IsoDate, Type.Null()]),
});

/** A restream target as the API shows it: never its key, only the key's last four characters. */
export const RestreamTarget = Type.Object({
  id: Type.String(),
  streamId: Type.String(),
  name: Type.String(),
  url: Type.String(),
  keyHint: Type.String(),
  enabled: Type.Boolean(),
  state: RestreamTargetState,
  createdAt: IsoDate,
  updatedAt: IsoDate,
});

/** Body of a new target. */
export const CreateRestreamTargetBody = Type.Object(
  { name: Name, url: Url, streamKey: Key, enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

/** Changes to a target; a new stream key replaces the saved one. */
export const UpdateRestreamTargetBody = Type.Object(
  {
    name: Type.Optional(Name),
    url: Type.Optional(Url),
    streamKey: Type.Optional(Key),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** A target as the API shows it. */
export interface RestreamTargetView {
  id: string;
  streamId: string;
  name: string;
  url: string;
  keyHint: string;
  enabled: boolean;
  state: TargetState;
  createdAt: string;
  updatedAt: string;
}

/** The state of a target that is not being sent to. */
export const IDLE_STATE: TargetState = { status: 'idle', attempt: 0, reason: null, nextRetryAt: null };

/** The API view of a stored target with its live state. */
export function toRestreamTarget(row: RestreamTargetRow, state: TargetState | undefined): RestreamTargetView {
  return {
    id: row.id,
    streamId: row.stream_id,
    name: row.name,
    url: row.url,
    keyHint: row.key_hint,
    enabled: row.enabled,
    state: state ?? IDLE_STATE,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

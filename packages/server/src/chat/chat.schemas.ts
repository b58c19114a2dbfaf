import { CHANNEL_MAX_LENGTH } from '@pnptv/protocol';
import { Type } from 'typebox';
import { IsoDate } from '../platform/http/schemas.ts';

/** Path parameter naming a channel (`stream:<id>`, `room:<id>`, `community`, `dm:<a>:<b>`). */
export const ChannelParams = Type.Object({
  channel: Type.String({ minLength: 1, maxLength: CHANNEL_MAX_LENGTH }),
});

/** A chat message as the API shows it; `text` is plain text, never HTML. */
export const ChatMessageSchema = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  author: Type.Object({ id: Type.String(), name: Type.String() }),
  text: Type.String(),
  createdAt: IsoDate,
});

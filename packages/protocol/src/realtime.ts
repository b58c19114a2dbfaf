import { type Static, Type } from 'typebox';

/**
 * The realtime wire protocol: Socket.IO on path `/realtime`, websocket transport only.
 * Every client event is a tag plus one payload checked against the schemas below; the
 * server answers through the optional acknowledgement, and pushes channel events in
 * batches (one `batch` per channel per tick).
 */

/** Socket.IO path of the realtime gateway. */
export const REALTIME_PATH = '/realtime';
/** Longest chat message, characters (after control characters are stripped). */
export const CHAT_MAX_LENGTH = 500;
/** Longest channel name, characters. */
export const CHANNEL_MAX_LENGTH = 160;

/** A channel: `stream:<id>`, `room:<id>`, `community` or `dm:<userA>:<userB>` (user ids sorted). */
export const ChannelName = Type.String({ minLength: 1, maxLength: CHANNEL_MAX_LENGTH });

/** Payload of `join`: start receiving a channel and get its latest messages. */
export const JoinPayload = Type.Object({ channel: ChannelName }, { additionalProperties: false });
/** Payload of `leave`. */
export const LeavePayload = Type.Object({ channel: ChannelName }, { additionalProperties: false });
/** Payload of `message.send`; `text` is plain text, never HTML. */
export const SendPayload = Type.Object(
  {
    channel: ChannelName,
    text: Type.String({ minLength: 1, maxLength: CHAT_MAX_LENGTH * 2 }),
  },
  { additionalProperties: false },
);
/** Payload of `message.delete`. */
export const DeletePayload = Type.Object(
  { channel: ChannelName, messageId: Type.String({ minLength: 3, maxLength: 64 }) },
  { additionalProperties: false },
);
/** Payload of `history`: older messages before `cursor`. */
export const HistoryPayload = Type.Object(
  {
    channel: ChannelName,
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);

const TargetUser = Type.String({ minLength: 1, maxLength: 128 });
/** Payload of `moderation.ban`: keep a user out of the channel (or, for instance moderators, the whole app). */
export const BanPayload = Type.Object(
  {
    channel: ChannelName,
    userId: TargetUser,
    appWide: Type.Optional(Type.Boolean()),
    /** Seconds; omitted = permanent. */
    durationS: Type.Optional(Type.Integer({ minimum: 1, maximum: 31_536_000 })),
    reason: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
/** Payload of `moderation.unban`. */
export const UnbanPayload = Type.Object(
  { channel: ChannelName, userId: TargetUser, appWide: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
/** Payload of `moderation.timeout`: the user may read but not post for `durationS` seconds. */
export const TimeoutPayload = Type.Object(
  { channel: ChannelName, userId: TargetUser, durationS: Type.Integer({ minimum: 1, maximum: 86_400 }) },
  { additionalProperties: false },
);
/** Payload of `moderation.slowmode`: seconds between two messages of one member (0 = off). */
export const SlowModePayload = Type.Object(
  { channel: ChannelName, seconds: Type.Integer({ minimum: 0, maximum: 3_600 }) },
  { additionalProperties: false },
);

/** Schemas of every event a client may send, by tag. */
export const CLIENT_EVENT_SCHEMAS = {
  join: JoinPayload,
  leave: LeavePayload,
  'message.send': SendPayload,
  'message.delete': DeletePayload,
  history: HistoryPayload,
  'moderation.ban': BanPayload,
  'moderation.unban': UnbanPayload,
  'moderation.timeout': TimeoutPayload,
  'moderation.slowmode': SlowModePayload,
} as const;

/** Tag of a client event. */
export type ClientEventName = keyof typeof CLIENT_EVENT_SCHEMAS;

/** A chat message as clients see it. `text` must be shown as text, never parsed as HTML. */
export interface ChatMessage {
  id: string;
  channel: string;
  author: { id: string; name: string };
  text: string;
  createdAt: string;
}

/** One page of history, newest first; pass `nextCursor` back to go further. */
export interface ChatHistoryPage {
  items: ChatMessage[];
  nextCursor: string | null;
}

/** One event inside a channel batch. */
export type ChannelEvent =
  | { type: 'chat.message.new'; data: ChatMessage }
  | { type: 'chat.message.deleted'; data: { id: string; channel: string; deletedBy: string } }
  | { type: 'user.banned'; data: { channel: string; userId: string; appWide: boolean; until: string | null } }
  | { type: 'user.unbanned'; data: { channel: string; userId: string; appWide: boolean } }
  | { type: 'user.muted'; data: { channel: string; userId: string; until: string } }
  | { type: 'chat.moderation'; data: { channel: string; action: 'slowmode'; seconds: number } };

/** What the server pushes: the events of one channel gathered during one tick (50 ms). */
export interface ChannelBatch {
  channel: string;
  events: ChannelEvent[];
}

/** An error told to the client, with a stable code (CHAT_…). */
export interface RealtimeError {
  code: string;
  message: string;
  /** The client event that caused it, when known. */
  event?: string;
}

/** The answer to a client event through its acknowledgement. */
export type Ack<T> = ({ ok: true } & T) | { ok: false; error: RealtimeError };

/** Payload types of the client events. */
export type JoinInput = Static<typeof JoinPayload>;
export type LeaveInput = Static<typeof LeavePayload>;
export type SendInput = Static<typeof SendPayload>;
export type DeleteInput = Static<typeof DeletePayload>;
export type HistoryInput = Static<typeof HistoryPayload>;
export type BanInput = Static<typeof BanPayload>;
export type UnbanInput = Static<typeof UnbanPayload>;
export type TimeoutInput = Static<typeof TimeoutPayload>;
export type SlowModeInput = Static<typeof SlowModePayload>;

/** Events the server sends to clients (Socket.IO typed map). */
export interface ServerToClientEvents {
  batch: (batch: ChannelBatch) => void;
  error: (error: RealtimeError) => void;
  /** The server removed this client from a channel (ban, kick). */
  kicked: (info: { channel: string; code: string }) => void;
}

/** Events clients send to the server (Socket.IO typed map); every one takes an optional ack. */
export interface ClientToServerEvents {
  join: (input: JoinInput, ack?: (res: Ack<{ history: ChatHistoryPage }>) => void) => void;
  leave: (input: LeaveInput, ack?: (res: Ack<object>) => void) => void;
  'message.send': (input: SendInput, ack?: (res: Ack<{ message: ChatMessage }>) => void) => void;
  'message.delete': (input: DeleteInput, ack?: (res: Ack<object>) => void) => void;
  history: (input: HistoryInput, ack?: (res: Ack<{ history: ChatHistoryPage }>) => void) => void;
  'moderation.ban': (input: BanInput, ack?: (res: Ack<object>) => void) => void;
  'moderation.unban': (input: UnbanInput, ack?: (res: Ack<object>) => void) => void;
  'moderation.timeout': (input: TimeoutInput, ack?: (res: Ack<object>) => void) => void;
  'moderation.slowmode': (input: SlowModeInput, ack?: (res: Ack<object>) => void) => void;
}

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
const MessageId = Type.String({ minLength: 3, maxLength: 64 });
/** One emoji (a single grapheme, possibly several code points). */
export const Emoji = Type.String({ minLength: 1, maxLength: 16 });
/** Minutes after posting during which the author may edit a message. */
export const EDIT_WINDOW_MINUTES = 15;
/** Longest quoted excerpt of the replied message, characters. */
export const REPLY_EXCERPT_LENGTH = 80;

/** Payload of `message.send`; `text` is plain text, never HTML. `replyTo` names a message of the channel. */
export const SendPayload = Type.Object(
  {
    channel: ChannelName,
    text: Type.String({ minLength: 1, maxLength: CHAT_MAX_LENGTH * 2 }),
    replyTo: Type.Optional(MessageId),
  },
  { additionalProperties: false },
);
/** Payload of `message.edit`: the author replaces the text within EDIT_WINDOW_MINUTES. */
export const EditPayload = Type.Object(
  {
    channel: ChannelName,
    messageId: MessageId,
    text: Type.String({ minLength: 1, maxLength: CHAT_MAX_LENGTH * 2 }),
  },
  { additionalProperties: false },
);
/** Payload of `reaction.add` / `reaction.remove`: an emoji reaction on a message. */
export const ReactionPayload = Type.Object(
  { channel: ChannelName, messageId: MessageId, emoji: Emoji },
  { additionalProperties: false },
);
/** Payload of `live.react`: a floating live reaction, not stored. */
export const LiveReactPayload = Type.Object(
  { channel: ChannelName, emoji: Emoji },
  { additionalProperties: false },
);
/** Payload of `typing`. */
export const TypingPayload = Type.Object({ channel: ChannelName }, { additionalProperties: false });
/** Payload of `dm.read`: the newest message of a DM channel the reader has seen. */
export const ReadPayload = Type.Object(
  { channel: ChannelName, messageId: MessageId },
  { additionalProperties: false },
);
/** Payload of `report`: a message or a user reported to the admins. */
export const ReportPayload = Type.Object(
  {
    channel: ChannelName,
    messageId: Type.Optional(MessageId),
    userId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
/** Payload of `moderation.clear`: hide every message of the channel. */
export const ClearPayload = Type.Object({ channel: ChannelName }, { additionalProperties: false });
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

/** Payload of `moderation.shadowban` / `moderation.unshadowban`. */
export const ShadowBanPayload = Type.Object(
  { channel: ChannelName, userId: TargetUser },
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
  'message.edit': EditPayload,
  'reaction.add': ReactionPayload,
  'reaction.remove': ReactionPayload,
  'live.react': LiveReactPayload,
  typing: TypingPayload,
  'dm.read': ReadPayload,
  report: ReportPayload,
  'moderation.clear': ClearPayload,
  'moderation.shadowban': ShadowBanPayload,
  'moderation.unshadowban': ShadowBanPayload,
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
  /** When the author last edited it; null if never. */
  editedAt: string | null;
  /** The message this one answers, with a short excerpt as it read then. */
  replyTo: { id: string; authorName: string; excerpt: string } | null;
  /** Emoji reaction counts. */
  reactions: Record<string, number>;
}

/** A member's role in a channel. */
export type ChannelRole = 'owner' | 'moderator' | 'member' | 'guest';

/** Someone present in a channel. */
export interface PresenceMember {
  id: string;
  name: string;
  role: ChannelRole;
}

/** How many are present, by role. */
export interface PresenceCounts {
  total: number;
  owners: number;
  moderators: number;
  members: number;
  guests: number;
}

/** Who is in a channel when joining it (the first PRESENCE_SNAPSHOT_LIMIT members) and the counts. */
export interface PresenceSnapshot {
  members: PresenceMember[];
  counts: PresenceCounts;
}

/** Most members listed in a presence snapshot. */
export const PRESENCE_SNAPSHOT_LIMIT = 200;

/** A channel's moderation settings. */
export interface ChannelSettings {
  slowModeS: number;
  blockedWords: string[];
  linksAllowed: boolean;
  minAccountAgeS: number;
  subscribersOnly: boolean;
}

/** A member of the 24/7 community room. */
export interface CommunityMember {
  id: string;
  name: string;
  role: 'moderator' | 'member' | 'guest';
  joinedAt: string;
  muted: boolean;
}

/** Who is in the community room now. */
export interface CommunityOccupancy {
  roomId: string;
  activeUsers: number;
  maxCapacity: number;
  utilizationPercent: number;
  users: CommunityMember[];
  timestamp: string;
}

/** The community room's statistics. */
export interface CommunityStats {
  roomId: string;
  totalActiveUsers: number;
  messageCount: number;
  uptimeS: number;
  maxCapacity: number;
  utilizationPercent: number;
  stats: { moderators: number; members: number; guests: number };
}

/** One row of the community leaderboard: total time in the room, the current visit included. */
export interface LeaderboardEntry {
  rank: number;
  userId: string;
  name: string;
  seconds: number;
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
  | { type: 'chat.message.edited'; data: ChatMessage }
  | {
      type: 'chat.message.reactions';
      data: { id: string; channel: string; reactions: Record<string, number> };
    }
  | { type: 'chat.cleared'; data: { channel: string; by: string } }
  | { type: 'chat.moderation'; data: { channel: string; action: 'slowmode'; seconds: number } }
  | { type: 'chat.moderation'; data: { channel: string; action: 'settings'; settings: ChannelSettings } }
  | { type: 'reaction.sent'; data: { channel: string; counts: Record<string, number> } }
  | { type: 'typing'; data: { channel: string; users: { id: string; name: string }[] } }
  | {
      type: 'presence';
      data: { channel: string; joined: PresenceMember[]; left: string[]; counts: PresenceCounts };
    }
  | { type: 'gift'; data: Record<string, unknown> & { kind: 'gift' | 'tip'; streamId: string } }
  | { type: 'viewers'; data: { streamId: string; viewers: number } }
  | { type: 'community.stats'; data: CommunityStats }
  | { type: 'community.leaderboard'; data: { items: LeaderboardEntry[] } }
  | { type: 'community.members'; data: { joined: CommunityMember[]; left: string[] } };

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
export type EditInput = Static<typeof EditPayload>;
export type ReactionInput = Static<typeof ReactionPayload>;
export type LiveReactInput = Static<typeof LiveReactPayload>;
export type TypingInput = Static<typeof TypingPayload>;
export type ReadInput = Static<typeof ReadPayload>;
export type ReportInput = Static<typeof ReportPayload>;
export type ClearInput = Static<typeof ClearPayload>;
export type ShadowBanInput = Static<typeof ShadowBanPayload>;

/** Events the server sends to clients (Socket.IO typed map). */
export interface ServerToClientEvents {
  batch: (batch: ChannelBatch) => void;
  error: (error: RealtimeError) => void;
  /** The server removed this client from a channel (ban, kick). */
  kicked: (info: { channel: string; code: string }) => void;
}

/** Events clients send to the server (Socket.IO typed map); every one takes an optional ack. */
export interface ClientToServerEvents {
  join: (
    input: JoinInput,
    ack?: (res: Ack<{ history: ChatHistoryPage; role: ChannelRole; presence: PresenceSnapshot }>) => void,
  ) => void;
  leave: (input: LeaveInput, ack?: (res: Ack<object>) => void) => void;
  'message.send': (input: SendInput, ack?: (res: Ack<{ message: ChatMessage }>) => void) => void;
  'message.delete': (input: DeleteInput, ack?: (res: Ack<object>) => void) => void;
  history: (input: HistoryInput, ack?: (res: Ack<{ history: ChatHistoryPage }>) => void) => void;
  'moderation.ban': (input: BanInput, ack?: (res: Ack<object>) => void) => void;
  'moderation.unban': (input: UnbanInput, ack?: (res: Ack<object>) => void) => void;
  'moderation.timeout': (input: TimeoutInput, ack?: (res: Ack<object>) => void) => void;
  'moderation.slowmode': (input: SlowModeInput, ack?: (res: Ack<object>) => void) => void;
  'message.edit': (input: EditInput, ack?: (res: Ack<{ message: ChatMessage }>) => void) => void;
  'reaction.add': (
    input: ReactionInput,
    ack?: (res: Ack<{ reactions: Record<string, number> }>) => void,
  ) => void;
  'reaction.remove': (
    input: ReactionInput,
    ack?: (res: Ack<{ reactions: Record<string, number> }>) => void,
  ) => void;
  'live.react': (input: LiveReactInput, ack?: (res: Ack<object>) => void) => void;
  typing: (input: TypingInput, ack?: (res: Ack<object>) => void) => void;
  'dm.read': (input: ReadInput, ack?: (res: Ack<{ unread: number }>) => void) => void;
  report: (input: ReportInput, ack?: (res: Ack<{ reportId: string }>) => void) => void;
  'moderation.clear': (input: ClearInput, ack?: (res: Ack<object>) => void) => void;
  'moderation.shadowban': (input: ShadowBanInput, ack?: (res: Ack<object>) => void) => void;
  'moderation.unshadowban': (input: ShadowBanInput, ack?: (res: Ack<object>) => void) => void;
}

import { CHANNEL_MAX_LENGTH, CHAT_MAX_LENGTH, Emoji } from '@pnptv/protocol';
import { Type } from 'typebox';
import { IsoDate, NullableIsoDate } from '../platform/http/schemas.ts';

/** Path parameter naming a channel (`stream:<id>`, `room:<id>`, `community`, `dm:<a>:<b>`). */
export const ChannelParams = Type.Object({
  channel: Type.String({ minLength: 1, maxLength: CHANNEL_MAX_LENGTH }),
});

const MessageId = Type.String({ minLength: 3, maxLength: 64 });
const UserId = Type.String({ minLength: 1, maxLength: 128 });

/** A channel and one of its messages. */
export const MessageParams = Type.Object({ channel: ChannelParams.properties.channel, id: MessageId });
/** A channel, a message and an emoji. */
export const ReactionParams = Type.Object({
  channel: ChannelParams.properties.channel,
  id: MessageId,
  emoji: Emoji,
});
/** A channel and a user. */
export const ChannelUserParams = Type.Object({ channel: ChannelParams.properties.channel, userId: UserId });

/** A chat message as the API shows it; `text` is plain text, never HTML. */
export const ChatMessageSchema = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  author: Type.Object({ id: Type.String(), name: Type.String() }),
  text: Type.String(),
  createdAt: IsoDate,
  editedAt: NullableIsoDate,
  replyTo: Type.Union([
    Type.Object({ id: Type.String(), authorName: Type.String(), excerpt: Type.String() }),
    Type.Null(),
  ]),
  reactions: Type.Record(Type.String(), Type.Integer()),
});

const Text = Type.String({ minLength: 1, maxLength: CHAT_MAX_LENGTH * 2 });

/** Body of posting a message over REST (bots, admins). */
export const PostMessageBody = Type.Object(
  { text: Text, replyTo: Type.Optional(MessageId) },
  { additionalProperties: false },
);
/** Body of editing a message. */
export const EditMessageBody = Type.Object({ text: Text }, { additionalProperties: false });
/** Body of adding a reaction. */
export const ReactionBody = Type.Object({ emoji: Emoji }, { additionalProperties: false });
/** Reaction counts per emoji. */
export const ReactionsSchema = Type.Object({ reactions: Type.Record(Type.String(), Type.Integer()) });

/** Body of a ban. */
export const BanBody = Type.Object(
  {
    userId: UserId,
    appWide: Type.Optional(Type.Boolean()),
    durationS: Type.Optional(Type.Integer({ minimum: 1, maximum: 31_536_000 })),
    reason: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
/** Query of lifting a ban. */
export const UnbanQuery = Type.Object(
  { appWide: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
/** Body of a timeout. */
export const TimeoutBody = Type.Object(
  { userId: UserId, durationS: Type.Integer({ minimum: 1, maximum: 86_400 }) },
  { additionalProperties: false },
);
/** Body naming a user. */
export const UserBody = Type.Object({ userId: UserId }, { additionalProperties: false });

/** A channel's moderation settings. */
export const ChannelSettingsSchema = Type.Object({
  slowModeS: Type.Integer(),
  blockedWords: Type.Array(Type.String()),
  linksAllowed: Type.Boolean(),
  minAccountAgeS: Type.Integer(),
  subscribersOnly: Type.Boolean(),
});
/** Body of changing settings: any subset. */
export const SettingsPatchBody = Type.Object(
  {
    slowModeS: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600 })),
    blockedWords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 200 })),
    linksAllowed: Type.Optional(Type.Boolean()),
    minAccountAgeS: Type.Optional(Type.Integer({ minimum: 0, maximum: 31_536_000 })),
    subscribersOnly: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** Active restrictions of a channel. */
export const RestrictionsSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      userId: Type.String(),
      kind: Type.Union([Type.Literal('ban'), Type.Literal('timeout'), Type.Literal('shadow')]),
      reason: Type.String(),
      bannedBy: Type.Union([Type.String(), Type.Null()]),
      createdAt: IsoDate,
      expiresAt: NullableIsoDate,
    }),
  ),
});

/** Appointed moderators of a channel. */
export const RolesSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      userId: Type.String(),
      role: Type.Literal('moderator'),
      grantedBy: Type.String(),
      createdAt: IsoDate,
    }),
  ),
});
/** Body of appointing a moderator. */
export const RoleBody = Type.Object({ role: Type.Literal('moderator') }, { additionalProperties: false });

/** Body of a report. */
export const ReportBody = Type.Object(
  {
    messageId: Type.Optional(MessageId),
    userId: Type.Optional(UserId),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
/** A report as the admin queue shows it. */
export const ReportSchema = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  messageId: Type.Union([Type.String(), Type.Null()]),
  messageText: Type.Union([Type.String(), Type.Null()]),
  targetUserId: Type.Union([Type.String(), Type.Null()]),
  reporterId: Type.String(),
  reason: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('dismissed')]),
  createdAt: IsoDate,
  resolvedBy: Type.Union([Type.String(), Type.Null()]),
  resolvedAt: NullableIsoDate,
  resolution: Type.Union([Type.String(), Type.Null()]),
});
/** Query of the report queue. */
export const ReportsQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 64, pattern: '^[a-z]+_[0-9a-z]+$' })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    status: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('dismissed')]),
    ),
  },
  { additionalProperties: false },
);
/** Body of resolving a report. */
export const ResolveBody = Type.Object(
  {
    status: Type.Union([Type.Literal('resolved'), Type.Literal('dismissed')]),
    resolution: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

/** A moderation log entry. */
export const ModerationLogSchema = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  actorId: Type.String(),
  actorName: Type.String(),
  action: Type.String(),
  targetId: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: IsoDate,
});
/** Query of the app-wide moderation log. */
export const ModerationLogQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 64, pattern: '^[a-z]+_[0-9a-z]+$' })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    channel: Type.Optional(ChannelParams.properties.channel),
  },
  { additionalProperties: false },
);

/** A DM conversation. */
export const DmSchema = Type.Object({
  channel: Type.String(),
  otherUserId: Type.String(),
  otherName: Type.String(),
  lastMessage: Type.Union([ChatMessageSchema, Type.Null()]),
  unread: Type.Integer(),
});
/** Body of marking a DM read. */
export const ReadBody = Type.Object({ messageId: MessageId }, { additionalProperties: false });

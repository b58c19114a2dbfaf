import { Type } from 'typebox';
import { IsoDate } from '../platform/http/schemas.ts';

const Role = Type.Union([Type.Literal('moderator'), Type.Literal('member'), Type.Literal('guest')]);

/** Someone in the community room. */
export const CommunityMemberSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Role,
  joinedAt: IsoDate,
  muted: Type.Boolean(),
});

/** Who is in the room now. */
export const OccupancySchema = Type.Object({
  roomId: Type.String(),
  activeUsers: Type.Integer(),
  maxCapacity: Type.Integer(),
  utilizationPercent: Type.Number(),
  users: Type.Array(CommunityMemberSchema),
  timestamp: IsoDate,
});

/** The room's statistics. */
export const StatsSchema = Type.Object({
  roomId: Type.String(),
  totalActiveUsers: Type.Integer(),
  messageCount: Type.Integer(),
  uptimeS: Type.Integer(),
  maxCapacity: Type.Integer(),
  utilizationPercent: Type.Number(),
  stats: Type.Object({ moderators: Type.Integer(), members: Type.Integer(), guests: Type.Integer() }),
});

/** The leaderboard by time in the room. */
export const LeaderboardSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      rank: Type.Integer(),
      userId: Type.String(),
      name: Type.String(),
      seconds: Type.Integer(),
    }),
  ),
});

/** Query of the leaderboard. */
export const LeaderboardQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) },
  { additionalProperties: false },
);

/** Body of posting to the room's chat. */
export const CommunityMessageBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 1_000 }) },
  { additionalProperties: false },
);

const UserId = Type.String({ minLength: 1, maxLength: 128 });
/** Body of muting a member. */
export const MuteBody = Type.Object(
  { userId: UserId, durationS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })) },
  { additionalProperties: false },
);
/** Body of removing a member. */
export const RemoveBody = Type.Object(
  { userId: UserId, durationS: Type.Optional(Type.Integer({ minimum: 1, maximum: 31_536_000 })) },
  { additionalProperties: false },
);
/** Body of changing the capacity. */
export const CapacityBody = Type.Object(
  { capacity: Type.Integer({ minimum: 1, maximum: 100_000 }) },
  { additionalProperties: false },
);

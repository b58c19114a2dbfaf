/** Shapes of the community room REST API (`/api/v1/community-room`) and the chat moderation API. */
import type { CommunityMember, CommunityOccupancy } from '@pnptv/protocol';

export type { CommunityMember, CommunityOccupancy, CommunityStats, LeaderboardEntry } from '@pnptv/protocol';

/** What joining the room answers. */
export interface CommunityJoin {
  occupancy: CommunityOccupancy;
  me: CommunityMember;
}

/** One entry of the moderation log. */
export interface ModerationLogEntry {
  id: string;
  channel: string;
  actorId: string;
  actorName: string;
  action: string;
  targetId: string | null;
  data: Record<string, unknown> | null;
  createdAt: string;
}

/** A report of a message or user, in the admin queue. */
export interface ChatReport {
  id: string;
  channel: string;
  messageId: string | null;
  messageText: string | null;
  targetUserId: string | null;
  reporterId: string;
  reason: string;
  status: 'open' | 'resolved' | 'dismissed';
  createdAt: string;
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolution: string | null;
}

/** Actions that appear in the moderation log. */
export const MODERATION_ACTIONS = [
  'ban',
  'unban',
  'timeout',
  'shadowban',
  'unshadowban',
  'delete',
  'clear',
  'slowmode',
  'settings',
  'role.grant',
  'role.revoke',
  'report.resolve',
  'community.mute',
  'community.remove',
] as const;

/** Paths of the community room API, relative to /api/v1. */
export const communityPaths = {
  join: '/community-room/join',
  leave: '/community-room/leave',
  occupancy: '/community-room/occupancy',
  stats: '/community-room/stats',
  leaderboard: '/community-room/leaderboard',
  mute: '/community-room/moderation/mute',
  remove: '/community-room/moderation/remove',
  clearChat: '/community-room/moderation/clear-chat',
} as const;

/** Path of the app-wide moderation log (admins and moderators; `?channel=` narrows it). */
export const ADMIN_LOG_PATH = '/admin/chat/moderation-log';
/** Path of the admin reports queue. */
export const ADMIN_REPORTS_PATH = '/admin/chat/reports';

/**
 * The occupancy after a pushed seat change (`community.members`): `left` removed, then `joined`
 * added or updated by id; counts and utilisation follow the list.
 */
export function applyMembersDiff(
  occupancy: CommunityOccupancy,
  diff: { joined?: CommunityMember[]; left?: string[] },
): CommunityOccupancy {
  const byId = new Map(occupancy.users.map((user) => [user.id, user]));
  for (const id of diff.left ?? []) byId.delete(id);
  for (const member of diff.joined ?? []) byId.set(member.id, member);
  const users = [...byId.values()].sort((a, b) => a.joinedAt.localeCompare(b.joinedAt));
  const capacity = occupancy.maxCapacity;
  return {
    ...occupancy,
    users,
    activeUsers: users.length,
    utilizationPercent: capacity > 0 ? Math.min(100, Math.round((users.length / capacity) * 1000) / 10) : 0,
  };
}

/** Entries of `entries` matching the actor (id or name, case-insensitive substring) and action filters. */
export function filterLog(
  entries: readonly ModerationLogEntry[],
  filter: { actor?: string; action?: string },
): ModerationLogEntry[] {
  const actor = filter.actor?.trim().toLowerCase() ?? '';
  return entries.filter(
    (entry) =>
      (!filter.action || entry.action === filter.action) &&
      (!actor ||
        entry.actorId.toLowerCase().includes(actor) ||
        (entry.actorName ?? '').toLowerCase().includes(actor)),
  );
}

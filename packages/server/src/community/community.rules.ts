import type { CommunityMember, LeaderboardEntry } from '@pnptv/protocol';

/** Room id shown to clients: one room per app. */
export function communityRoomId(appId: string): string {
  return `community:${appId}`;
}

/** Default number of people the room holds at once. */
export const DEFAULT_COMMUNITY_CAPACITY = 1000;

/** Share of the capacity in use, percent with one decimal. */
export function utilizationPercent(active: number, capacity: number): number {
  if (capacity <= 0) return 0;
  return Math.round((active / capacity) * 1000) / 10;
}

/** Whether one more person fits. */
export function hasRoom(active: number, capacity: number): boolean {
  return active < capacity;
}

/** Members by role, as the stats tab shows them. */
export function roleCounts(members: Iterable<Pick<CommunityMember, 'role'>>): {
  moderators: number;
  members: number;
  guests: number;
} {
  const out = { moderators: 0, members: 0, guests: 0 };
  for (const m of members) {
    if (m.role === 'moderator') out.moderators++;
    else if (m.role === 'member') out.members++;
    else out.guests++;
  }
  return out;
}

/** Total seconds in the room: past visits plus the current one (if present). */
export function secondsInRoom(totalSeconds: number, presentSince: Date | null, nowMs: number): number {
  const current = presentSince ? Math.max(0, Math.floor((nowMs - presentSince.getTime()) / 1000)) : 0;
  return totalSeconds + current;
}

/**
 * The leaderboard: most time in the room first; ties go to who came first, then by id, so the
 * order is stable. Ranks are 1-based.
 */
export function rankLeaderboard(
  rows: readonly { userId: string; name: string; seconds: number; firstJoinedAt: Date }[],
  limit: number,
): LeaderboardEntry[] {
  return [...rows]
    .sort(
      (a, b) =>
        b.seconds - a.seconds ||
        a.firstJoinedAt.getTime() - b.firstJoinedAt.getTime() ||
        (a.userId < b.userId ? -1 : 1),
    )
    .slice(0, limit)
    .map((r, i) => ({ rank: i + 1, userId: r.userId, name: r.name, seconds: r.seconds }));
}

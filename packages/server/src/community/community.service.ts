import type {
  ChatHistoryPage,
  ChatMessage,
  CommunityMember,
  CommunityOccupancy,
  CommunityStats,
  LeaderboardEntry,
} from '@pnptv/protocol';
import type { Logger } from 'pino';
import type { ChatActor, ChatService } from '../chat/index.ts';
import { AppError } from '../platform/errors.ts';
import type { Platform } from '../platform/platform.ts';
import { communityErrors } from './community.errors.ts';
import {
  communityRoomId,
  DEFAULT_COMMUNITY_CAPACITY,
  hasRoom,
  rankLeaderboard,
  roleCounts,
  secondsInRoom,
  utilizationPercent,
} from './community.rules.ts';
import type { CommunityMemberRow, CommunityStore } from './community.store.ts';

/** The chat channel of the community room. */
export const COMMUNITY_CHANNEL = 'community';
/** How often pending stats and member changes are pushed, ms. */
const PUSH_MS = 1_000;
/** How often the leaderboard is pushed while someone is in the room, ms. */
const LEADERBOARD_MS = 10_000;
/** Default length of a mute, seconds. */
const DEFAULT_MUTE_S = 600;

function toMember(row: CommunityMemberRow, nowMs: number): CommunityMember {
  return {
    id: row.user_id,
    name: row.name,
    role: row.role,
    joinedAt: (row.present_since ?? row.first_joined_at).toISOString(),
    muted: row.muted_until !== null && row.muted_until.getTime() > nowMs,
  };
}

/**
 * The 24/7 community room: one persistent room per app whose seats, visits and restrictions live
 * in the database (so it survives restarts). Its chat is the chat channel `community`; muting is
 * a chat timeout there and removing is a timed chat ban, so they hold on every node. Changes are
 * pushed to the channel: `community.members` and `community.stats` at most once a second,
 * `community.leaderboard` every 10 s while anyone is in the room.
 */
export class CommunityService {
  #pushTimer: NodeJS.Timeout | null = null;
  #leaderboardTimer: NodeJS.Timeout | null = null;
  readonly #dirty = new Set<string>();
  readonly #active = new Set<string>();
  readonly #memberDiffs = new Map<string, { joined: Map<string, CommunityMember>; left: Set<string> }>();
  #unsubscribe: (() => void)[] = [];

  constructor(
    private readonly deps: {
      platform: Pick<Platform, 'db' | 'clock' | 'cache'> & { log: Logger };
      chat: ChatService;
      store: CommunityStore;
      capacity?: number;
    },
  ) {
    this.#unsubscribe.push(
      deps.chat.onPresenceLeft((appId, channel, userId) => {
        if (channel === COMMUNITY_CHANNEL) void this.leave(appId, userId).catch(() => {});
      }),
      deps.chat.onEvent((appId, channel, event) => {
        if (
          channel === COMMUNITY_CHANNEL &&
          (event.type === 'chat.message.new' || event.type === 'chat.cleared')
        )
          this.#touch(appId);
      }),
    );
  }

  /** Stops the periodic pushes. */
  stop(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    if (this.#pushTimer) clearInterval(this.#pushTimer);
    if (this.#leaderboardTimer) clearInterval(this.#leaderboardTimer);
    this.#pushTimer = null;
    this.#leaderboardTimer = null;
  }

  async #room(appId: string) {
    const room = await this.deps.store.room(this.deps.platform.db, appId);
    return { ...room, capacity: this.deps.capacity ?? room.capacity ?? DEFAULT_COMMUNITY_CAPACITY };
  }

  /** The actor's role in the room, or COMMUNITY_REMOVED while they are removed. */
  async #role(actor: ChatActor): Promise<CommunityMember['role']> {
    try {
      const { role } = await this.deps.chat.access(actor, COMMUNITY_CHANNEL);
      return role === 'owner' || role === 'moderator' ? 'moderator' : role;
    } catch (error) {
      if (error instanceof AppError && error.code === 'CHAT_BANNED')
        throw communityErrors.COMMUNITY_REMOVED();
      throw error;
    }
  }

  /** Takes a seat in the room (idempotent); COMMUNITY_FULL at capacity. */
  async join(actor: ChatActor): Promise<{ occupancy: CommunityOccupancy; me: CommunityMember }> {
    const role = await this.#role(actor);
    const { db, clock } = this.deps.platform;
    const now = clock.now();
    const row = await db.transaction().execute(async (tx) => {
      const room = await this.deps.store.room(tx, actor.appId, true);
      const capacity = this.deps.capacity ?? room.capacity;
      const existing = await this.deps.store.member(tx, actor.appId, actor.userId);
      if (existing?.present_since) return existing;
      if (!hasRoom(await this.deps.store.presentCount(tx, actor.appId), capacity) && role !== 'moderator')
        throw communityErrors.COMMUNITY_FULL();
      return this.deps.store.enter(tx, {
        app_id: actor.appId,
        user_id: actor.userId,
        name: actor.name.slice(0, 80),
        role,
        now: new Date(now),
      });
    });
    const me = toMember(row, now);
    this.#diff(actor.appId).joined.set(me.id, me);
    this.#diff(actor.appId).left.delete(me.id);
    this.#touch(actor.appId);
    return { occupancy: await this.occupancy(actor.appId), me };
  }

  /** Leaves the room (the page closing, the last connection going away, or a removal). */
  async leave(appId: string, userId: string): Promise<void> {
    const { db, clock } = this.deps.platform;
    const left = await db
      .transaction()
      .execute((tx) => this.deps.store.exit(tx, appId, userId, new Date(clock.now())));
    if (!left) return;
    this.#diff(appId).joined.delete(userId);
    this.#diff(appId).left.add(userId);
    this.#touch(appId);
  }

  /** Who is in the room now. */
  async occupancy(appId: string): Promise<CommunityOccupancy> {
    const now = this.deps.platform.clock.now();
    const [room, present] = await Promise.all([
      this.#room(appId),
      this.deps.store.present(this.deps.platform.db, appId),
    ]);
    return {
      roomId: communityRoomId(appId),
      activeUsers: present.length,
      maxCapacity: room.capacity,
      utilizationPercent: utilizationPercent(present.length, room.capacity),
      users: present.map((r) => toMember(r, now)),
      timestamp: new Date(now).toISOString(),
    };
  }

  /** Active users, messages, roles, uptime (since the room was created) and utilisation. */
  async stats(appId: string): Promise<CommunityStats> {
    const { db, clock } = this.deps.platform;
    const now = clock.now();
    const [room, present, messageCount] = await Promise.all([
      this.#room(appId),
      this.deps.store.present(db, appId),
      this.deps.chat.messageCount(appId, COMMUNITY_CHANNEL),
    ]);
    return {
      roomId: communityRoomId(appId),
      totalActiveUsers: present.length,
      messageCount,
      uptimeS: Math.max(0, Math.floor((now - room.created_at.getTime()) / 1000)),
      maxCapacity: room.capacity,
      utilizationPercent: utilizationPercent(present.length, room.capacity),
      stats: roleCounts(present),
    };
  }

  /** The members with the most time in the room, current visits included. */
  async leaderboard(appId: string, limit = 20): Promise<LeaderboardEntry[]> {
    const now = this.deps.platform.clock.now();
    const rows = await this.deps.store.leaderboardRows(this.deps.platform.db, appId, limit);
    return rankLeaderboard(
      rows.map((r) => ({
        userId: r.user_id,
        name: r.name,
        seconds: secondsInRoom(r.total_seconds, r.present_since, now),
        firstJoinedAt: r.first_joined_at,
      })),
      limit,
    );
  }

  /** Posts to the room's chat (the same rules as the chat channel: mutes, slow mode, filters). */
  async message(actor: ChatActor, text: string): Promise<ChatMessage> {
    const role = await this.#role(actor);
    return this.deps.chat.post(actor, COMMUNITY_CHANNEL, text, role === 'moderator');
  }

  /** The room's chat history, newest first. */
  async history(actor: ChatActor, page: { limit: number; cursor?: string }): Promise<ChatHistoryPage> {
    await this.#role(actor);
    return this.deps.chat.history(actor, COMMUNITY_CHANNEL, page);
  }

  async #moderator(actor: ChatActor, targetUserId?: string): Promise<void> {
    if ((await this.#role(actor)) !== 'moderator') throw communityErrors.COMMUNITY_FORBIDDEN();
    if (targetUserId === actor.userId) throw communityErrors.COMMUNITY_SELF();
  }

  /** Mutes a member: they stay in the room and keep reading, but cannot post for `durationS`. */
  async mute(actor: ChatActor, userId: string, durationS = DEFAULT_MUTE_S, ip: string | null): Promise<void> {
    await this.#moderator(actor, userId);
    await this.deps.chat.moderation.timeout(actor, { channel: COMMUNITY_CHANNEL, userId, durationS }, ip);
    const until = new Date(this.deps.platform.clock.now() + durationS * 1000);
    await this.deps.store.restrict(this.deps.platform.db, actor.appId, userId, { muted_until: until });
    this.#touchMember(actor.appId, userId);
  }

  /** Removes a member from the room (and its chat) for `durationS`, or for good when omitted. */
  async remove(
    actor: ChatActor,
    userId: string,
    durationS: number | undefined,
    ip: string | null,
  ): Promise<void> {
    await this.#moderator(actor, userId);
    await this.deps.chat.moderation.ban(
      actor,
      { channel: COMMUNITY_CHANNEL, userId, durationS, reason: 'removed from the community room' },
      ip,
    );
    const until = durationS ? new Date(this.deps.platform.clock.now() + durationS * 1000) : null;
    await this.deps.store.restrict(this.deps.platform.db, actor.appId, userId, { removed_until: until });
    await this.leave(actor.appId, userId);
  }

  /** Clears the room's chat. */
  async clearChat(actor: ChatActor, ip: string | null): Promise<void> {
    await this.#moderator(actor);
    await this.deps.chat.moderation.clear(actor, COMMUNITY_CHANNEL, ip);
  }

  /** Changes the room's capacity (admins). */
  async setCapacity(appId: string, capacity: number): Promise<void> {
    await this.deps.store.room(this.deps.platform.db, appId);
    await this.deps.store.setCapacity(this.deps.platform.db, appId, capacity);
    this.#touch(appId);
  }

  #touchMember(appId: string, userId: string): void {
    void this.deps.store.member(this.deps.platform.db, appId, userId).then(
      (row) => {
        if (row?.present_since)
          this.#diff(appId).joined.set(userId, toMember(row, this.deps.platform.clock.now()));
        this.#touch(appId);
      },
      () => {},
    );
  }

  #diff(appId: string) {
    let diff = this.#memberDiffs.get(appId);
    if (!diff) {
      diff = { joined: new Map(), left: new Set() };
      this.#memberDiffs.set(appId, diff);
    }
    return diff;
  }

  #touch(appId: string): void {
    this.#dirty.add(appId);
    this.#active.add(appId);
    if (!this.#pushTimer) {
      this.#pushTimer = setInterval(() => void this.#push(), PUSH_MS);
      this.#pushTimer.unref();
      this.#leaderboardTimer = setInterval(() => void this.#pushLeaderboards(), LEADERBOARD_MS);
      this.#leaderboardTimer.unref();
    }
  }

  /** Pushes member diffs and stats of the apps that changed. */
  async #push(): Promise<void> {
    const apps = [...this.#dirty];
    this.#dirty.clear();
    for (const appId of apps) {
      try {
        const diff = this.#memberDiffs.get(appId);
        this.#memberDiffs.delete(appId);
        if (diff && (diff.joined.size > 0 || diff.left.size > 0))
          this.deps.chat.publish(appId, COMMUNITY_CHANNEL, {
            type: 'community.members',
            data: { joined: [...diff.joined.values()], left: [...diff.left] },
          });
        this.deps.chat.publish(appId, COMMUNITY_CHANNEL, {
          type: 'community.stats',
          data: await this.stats(appId),
        });
      } catch (err) {
        this.deps.platform.log.debug({ err, appId }, 'community push failed');
      }
    }
  }

  /** Pushes the leaderboard of rooms with someone in them; one node per app per period does it. */
  async #pushLeaderboards(): Promise<void> {
    for (const appId of [...this.#active]) {
      try {
        const { db, cache } = this.deps.platform;
        if ((await this.deps.store.presentCount(db, appId)) === 0) {
          this.#active.delete(appId);
          continue;
        }
        if (!(await cache.setIfAbsent(`community:leaderboard:${appId}`, '1', LEADERBOARD_MS - 500))) continue;
        this.deps.chat.publish(appId, COMMUNITY_CHANNEL, {
          type: 'community.leaderboard',
          data: { items: await this.leaderboard(appId) },
        });
      } catch (err) {
        this.deps.platform.log.debug({ err, appId }, 'community leaderboard push failed');
      }
    }
  }

  /** Pushes everything now (tests and shutdown). */
  async flush(): Promise<void> {
    await this.#push();
  }
}

import type {
  BanInput,
  ChannelEvent,
  ChannelSettings,
  ReportInput,
  SlowModeInput,
  TimeoutInput,
  UnbanInput,
} from '@pnptv/protocol';
import type { AuditStore } from '../audit/index.ts';
import type { Executor } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import type { Platform } from '../platform/platform.ts';
import { chatErrors } from './chat.errors.ts';
import {
  type ChatActor,
  DEFAULT_CHANNEL_SETTINGS,
  mayModerate,
  normalizeBlockedWords,
  restrictionUntil,
  slowModeRule,
} from './chat.rules.ts';
import {
  APP_WIDE,
  type BanRow,
  type ChatStore,
  type ModerationLogRow,
  type ReportRow,
} from './chat.store.ts';

/** A moderation log entry as the API shows it. */
export interface ModerationLogEntry {
  id: string;
  channel: string;
  actorId: string;
  actorName: string;
  action: string;
  targetId: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}

/** A report as the admin queue shows it. */
export interface ChatReport {
  id: string;
  channel: string;
  messageId: string | null;
  messageText: string | null;
  targetUserId: string | null;
  reporterId: string;
  reason: string;
  status: ReportRow['status'];
  createdAt: string;
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolution: string | null;
}

/** A restriction as the API shows it. */
export interface ChannelRestriction {
  userId: string;
  kind: BanRow['kind'];
  reason: string;
  bannedBy: string | null;
  createdAt: string;
  expiresAt: string | null;
}

function toLogEntry(row: ModerationLogRow): ModerationLogEntry {
  return {
    id: row.id,
    channel: row.channel,
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    targetId: row.target_id,
    data: JSON.parse(row.data) as Record<string, unknown>,
    createdAt: row.created_at.toISOString(),
  };
}

function toReport(row: ReportRow, messageText: string | null): ChatReport {
  return {
    id: row.id,
    channel: row.channel,
    messageId: row.message_id,
    messageText,
    targetUserId: row.target_user_id,
    reporterId: row.reporter_id,
    reason: row.reason,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    resolvedBy: row.resolved_by,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    resolution: row.resolution,
  };
}

/** What the gateways of every node must enforce at once: remove a banned user's connections. */
export type Enforcement = { kind: 'ban'; appId: string; channel: string; userId: string; appWide: boolean };

/** Seconds a channel's slow-mode setting is cached before it is read again from the database. */
const SLOW_MODE_CACHE_S = 30;

/** Moderation use cases: bans, timeouts and slow mode, and the checks every post goes through. */
export class ChatModeration {
  constructor(
    private readonly deps: {
      platform: Pick<Platform, 'db' | 'clock' | 'cache' | 'rateLimiter'>;
      audit: AuditStore;
      store: ChatStore;
      /** The channel access check; resolves whether the actor moderates the channel. */
      access: (actor: ChatActor, channel: string) => Promise<{ moderator: boolean; role: string }>;
      emit: (appId: string, channel: string, event: ChannelEvent, onlyUserId?: string) => void;
      enforce: (action: Enforcement) => void;
    },
  ) {}

  /** Throws CHAT_TIMED_OUT while the user is timed out in the channel or app-wide. */
  async checkNotTimedOut(actor: ChatActor, channel: string): Promise<void> {
    const { cache } = this.deps.platform;
    const [here, everywhere] = await Promise.all([
      cache.get(timeoutKey(actor.appId, channel, actor.userId)),
      cache.get(timeoutKey(actor.appId, APP_WIDE, actor.userId)),
    ]);
    if (here || everywhere) throw chatErrors.CHAT_TIMED_OUT();
  }

  /** Refuses a post while the author is timed out (channel or app-wide) or inside the channel's slow mode. */
  async checkCanPost(actor: ChatActor, channel: string, moderator: boolean): Promise<void> {
    const { rateLimiter } = this.deps.platform;
    await this.checkNotTimedOut(actor, channel);
    const rule = slowModeRule((await this.settings(actor.appId, channel)).slowModeS, moderator);
    if (!rule) return;
    const hit = await rateLimiter.hit(
      `chat:slow:${actor.appId}:${channel}:${actor.userId}`,
      rule.limit,
      rule.windowMs,
    );
    if (!hit.allowed) throw chatErrors.CHAT_SLOW_MODE();
  }

  /** Bans a user from the channel (or the app); their connections are cut on every node. */
  async ban(actor: ChatActor, input: BanInput, ip: string | null): Promise<void> {
    const appWide = input.appWide === true;
    await this.#authorize(actor, input.channel, input.userId, appWide);
    const now = this.deps.platform.clock.now();
    const until = restrictionUntil(now, input.durationS);
    const channel = appWide ? APP_WIDE : input.channel;
    await this.deps.platform.db.transaction().execute(async (tx) => {
      await this.deps.store.upsertBan(tx, {
        app_id: actor.appId,
        channel,
        user_id: input.userId,
        kind: 'ban',
        reason: input.reason ?? '',
        banned_by: actor.userId,
        created_at: new Date(now),
        expires_at: until,
      });
      await this.#audit(
        tx,
        actor,
        ip,
        'chat.ban',
        input.userId,
        { channel, until: until?.toISOString() ?? null, reason: input.reason ?? '' },
        now,
        input.channel,
      );
    });
    this.deps.enforce({
      kind: 'ban',
      appId: actor.appId,
      channel: input.channel,
      userId: input.userId,
      appWide,
    });
    this.deps.emit(actor.appId, input.channel, {
      type: 'user.banned',
      data: { channel: input.channel, userId: input.userId, appWide, until: until?.toISOString() ?? null },
    });
  }

  /** Lifts a ban. */
  async unban(actor: ChatActor, input: UnbanInput, ip: string | null): Promise<void> {
    const appWide = input.appWide === true;
    await this.#authorize(actor, input.channel, input.userId, appWide);
    const now = this.deps.platform.clock.now();
    const channel = appWide ? APP_WIDE : input.channel;
    await this.deps.platform.db.transaction().execute(async (tx) => {
      if (!(await this.deps.store.deleteBan(tx, actor.appId, channel, input.userId)))
        throw chatErrors.CHAT_NOT_BANNED();
      await this.#audit(tx, actor, ip, 'chat.unban', input.userId, { channel }, now, input.channel);
    });
    this.deps.emit(actor.appId, input.channel, {
      type: 'user.unbanned',
      data: { channel: input.channel, userId: input.userId, appWide },
    });
  }

  /** Times a user out of posting in the channel for `durationS` seconds; they keep reading. */
  async timeout(actor: ChatActor, input: TimeoutInput, ip: string | null): Promise<void> {
    await this.#authorize(actor, input.channel, input.userId, false);
    const now = this.deps.platform.clock.now();
    const until = restrictionUntil(now, input.durationS)!;
    await this.deps.platform.db.transaction().execute(async (tx) => {
      await this.deps.store.upsertBan(tx, {
        app_id: actor.appId,
        channel: input.channel,
        user_id: input.userId,
        kind: 'timeout',
        banned_by: actor.userId,
        created_at: new Date(now),
        expires_at: until,
      });
      await this.#audit(
        tx,
        actor,
        ip,
        'chat.timeout',
        input.userId,
        { channel: input.channel, until },
        now,
        input.channel,
      );
    });
    // The shared cache is what posts check, on every node; the row is the record.
    await this.deps.platform.cache.set(
      timeoutKey(actor.appId, input.channel, input.userId),
      until.toISOString(),
      input.durationS * 1000,
    );
    this.deps.emit(actor.appId, input.channel, {
      type: 'user.muted',
      data: { channel: input.channel, userId: input.userId, until: until.toISOString() },
    });
  }

  /** Sets the channel's slow mode (0 turns it off). */
  async setSlowMode(actor: ChatActor, input: SlowModeInput, ip: string | null): Promise<void> {
    const { moderator } = await this.deps.access(actor, input.channel);
    if (!moderator) throw chatErrors.CHAT_FORBIDDEN();
    const now = this.deps.platform.clock.now();
    await this.deps.platform.db.transaction().execute(async (tx) => {
      await this.deps.store.setSlowMode(tx, actor.appId, input.channel, input.seconds, new Date(now));
      await this.#audit(
        tx,
        actor,
        ip,
        'chat.slowmode',
        input.channel,
        { seconds: input.seconds },
        now,
        input.channel,
      );
    });
    await this.deps.platform.cache.delete(settingsKey(actor.appId, input.channel));
    this.deps.emit(actor.appId, input.channel, {
      type: 'chat.moderation',
      data: { channel: input.channel, action: 'slowmode', seconds: input.seconds },
    });
  }

  /** A channel's settings, cached briefly in the shared cache (every node sees a change within seconds). */
  async settings(appId: string, channel: string): Promise<ChannelSettings> {
    const { cache, db } = this.deps.platform;
    const cached = await cache.get(settingsKey(appId, channel));
    if (cached !== null) return JSON.parse(cached) as ChannelSettings;
    const settings = await this.deps.store.settings(db, appId, channel);
    await cache.set(settingsKey(appId, channel), JSON.stringify(settings), SLOW_MODE_CACHE_S * 1000);
    return settings;
  }

  /**
   * Whether the user is shadow banned in the channel (or app-wide). The channel's list is kept
   * in the shared cache, so posting costs no database query; changes replace it at once.
   */
  async isShadowBanned(appId: string, channel: string, userId: string): Promise<boolean> {
    const { cache, db, clock } = this.deps.platform;
    const key = shadowKey(appId, channel);
    const cached = await cache.get(key);
    if (cached !== null) return cached.length > 2 && (JSON.parse(cached) as string[]).includes(userId);
    const users = await this.deps.store.shadowBanned(db, appId, channel, new Date(clock.now()));
    await cache.set(key, JSON.stringify(users), SLOW_MODE_CACHE_S * 1000);
    return users.includes(userId);
  }

  /** Changes a channel's settings (moderators); returns them. */
  async updateSettings(
    actor: ChatActor,
    channel: string,
    patch: Partial<ChannelSettings>,
    ip: string | null,
  ): Promise<ChannelSettings> {
    const { moderator } = await this.deps.access(actor, channel);
    if (!moderator) throw chatErrors.CHAT_FORBIDDEN();
    const now = this.deps.platform.clock.now();
    const settings = await this.deps.platform.db.transaction().execute(async (tx) => {
      const current = await this.deps.store.settings(tx, actor.appId, channel);
      const next: ChannelSettings = { ...DEFAULT_CHANNEL_SETTINGS, ...current };
      if (patch.slowModeS !== undefined) next.slowModeS = patch.slowModeS;
      if (patch.blockedWords !== undefined) next.blockedWords = normalizeBlockedWords(patch.blockedWords);
      if (patch.linksAllowed !== undefined) next.linksAllowed = patch.linksAllowed;
      if (patch.minAccountAgeS !== undefined) next.minAccountAgeS = patch.minAccountAgeS;
      if (patch.subscribersOnly !== undefined) next.subscribersOnly = patch.subscribersOnly;
      await this.deps.store.saveSettings(tx, actor.appId, channel, next, new Date(now));
      await this.#audit(tx, actor, ip, 'chat.settings', channel, { channel, ...next }, now, channel);
      return next;
    });
    await this.deps.platform.cache.set(
      settingsKey(actor.appId, channel),
      JSON.stringify(settings),
      SLOW_MODE_CACHE_S * 1000,
    );
    this.deps.emit(actor.appId, channel, {
      type: 'chat.moderation',
      data: { channel, action: 'settings', settings },
    });
    return settings;
  }

  /** Hides every message of the channel (moderators); clients drop what they show. */
  async clear(actor: ChatActor, channel: string, ip: string | null): Promise<void> {
    const { moderator } = await this.deps.access(actor, channel);
    if (!moderator) throw chatErrors.CHAT_FORBIDDEN();
    const now = this.deps.platform.clock.now();
    await this.deps.platform.db.transaction().execute(async (tx) => {
      const count = await this.deps.store.clearChannel(tx, actor.appId, channel, actor.userId, new Date(now));
      await this.#audit(tx, actor, ip, 'chat.clear', channel, { channel, messages: count }, now, channel);
    });
    this.deps.emit(actor.appId, channel, { type: 'chat.cleared', data: { channel, by: actor.userId } });
  }

  /**
   * Shadow bans a user in the channel: they keep chatting and see their own messages, nobody
   * else does. Nothing is announced to the channel.
   */
  async shadowBan(actor: ChatActor, channel: string, userId: string, ip: string | null): Promise<void> {
    await this.#authorize(actor, channel, userId, false);
    const now = this.deps.platform.clock.now();
    await this.deps.platform.db.transaction().execute(async (tx) => {
      await this.deps.store.upsertBan(tx, {
        app_id: actor.appId,
        channel,
        user_id: userId,
        kind: 'shadow',
        banned_by: actor.userId,
        created_at: new Date(now),
        expires_at: null,
      });
      await this.#audit(tx, actor, ip, 'chat.shadowban', userId, { channel }, now, channel);
    });
    await this.deps.platform.cache.delete(shadowKey(actor.appId, channel));
  }

  /** Lifts a shadow ban. */
  async unshadowBan(actor: ChatActor, channel: string, userId: string, ip: string | null): Promise<void> {
    await this.#authorize(actor, channel, userId, false);
    const now = this.deps.platform.clock.now();
    await this.deps.platform.db.transaction().execute(async (tx) => {
      if (!(await this.deps.store.deleteRestriction(tx, actor.appId, channel, userId, 'shadow')))
        throw chatErrors.CHAT_NOT_BANNED();
      await this.#audit(tx, actor, ip, 'chat.unshadowban', userId, { channel }, now, channel);
    });
    await this.deps.platform.cache.delete(shadowKey(actor.appId, channel));
  }

  /** Active bans, timeouts and shadow bans of a channel (moderators). */
  async restrictions(actor: ChatActor, channel: string): Promise<ChannelRestriction[]> {
    const { moderator } = await this.deps.access(actor, channel);
    if (!moderator) throw chatErrors.CHAT_FORBIDDEN();
    const now = new Date(this.deps.platform.clock.now());
    const rows = await this.deps.store.listBans(this.deps.platform.db, actor.appId, channel, now);
    return rows.map((r) => ({
      userId: r.user_id,
      kind: r.kind,
      reason: r.reason,
      bannedBy: r.banned_by,
      createdAt: r.created_at.toISOString(),
      expiresAt: r.expires_at?.toISOString() ?? null,
    }));
  }

  /** Appointed moderators of a channel (moderators see them). */
  async roles(actor: ChatActor, channel: string) {
    const { moderator } = await this.deps.access(actor, channel);
    if (!moderator) throw chatErrors.CHAT_FORBIDDEN();
    const rows = await this.deps.store.listRoles(this.deps.platform.db, actor.appId, channel);
    return rows.map((r) => ({
      userId: r.user_id,
      role: r.role,
      grantedBy: r.granted_by,
      createdAt: r.created_at.toISOString(),
    }));
  }

  /**
   * Appoints or removes a channel moderator: the channel owner (stream owner) or an app
   * moderator/admin decides; appointed moderators cannot appoint others.
   */
  async setRole(
    actor: ChatActor,
    channel: string,
    userId: string,
    role: 'moderator' | null,
    ip: string | null,
  ): Promise<void> {
    const access = await this.deps.access(actor, channel);
    if (!(access.role === 'owner' || actor.moderator)) throw chatErrors.CHAT_FORBIDDEN();
    if (userId === actor.userId) throw chatErrors.CHAT_FORBIDDEN();
    const now = this.deps.platform.clock.now();
    await this.deps.platform.db.transaction().execute(async (tx) => {
      if (role) {
        await this.deps.store.grantRole(tx, {
          app_id: actor.appId,
          channel,
          user_id: userId,
          role,
          granted_by: actor.userId,
          created_at: new Date(now),
        });
      } else if (!(await this.deps.store.revokeRole(tx, actor.appId, channel, userId))) {
        throw chatErrors.CHAT_NOT_BANNED('That user is not a moderator here');
      }
      await this.#audit(
        tx,
        actor,
        ip,
        role ? 'chat.role.grant' : 'chat.role.revoke',
        userId,
        { channel },
        now,
        channel,
      );
    });
  }

  /** Files a report about a message or a user of a channel the reporter can read. */
  async report(actor: ChatActor, input: ReportInput): Promise<ChatReport> {
    await this.deps.access(actor, input.channel);
    if (!input.messageId && !input.userId) throw chatErrors.CHAT_REPORT_TARGET_REQUIRED();
    const { db, clock } = this.deps.platform;
    let target = input.userId ?? null;
    let text: string | null = null;
    if (input.messageId) {
      const message = await this.deps.store.findMessage(db, actor.appId, input.channel, input.messageId);
      if (!message) throw chatErrors.CHAT_MESSAGE_NOT_FOUND();
      target = message.author_id;
      text = message.body;
    }
    const now = clock.now();
    const row = await this.deps.store.insertReport(db, {
      id: newId('rpt', now),
      app_id: actor.appId,
      channel: input.channel,
      message_id: input.messageId ?? null,
      target_user_id: target,
      reporter_id: actor.userId,
      reason: input.reason.trim().slice(0, 500),
      created_at: new Date(now),
    });
    return toReport(row, text);
  }

  /** The report queue of the app (admins). */
  async reports(
    appId: string,
    page: { limit: number; cursor?: string; status?: ReportRow['status'] },
  ): Promise<{ items: ChatReport[]; nextCursor: string | null }> {
    const { db } = this.deps.platform;
    const rows = await this.deps.store.listReports(db, appId, page);
    const bodies = await this.deps.store.messageBodies(
      db,
      appId,
      rows.flatMap((r) => (r.message_id ? [r.message_id] : [])),
    );
    return {
      items: rows.map((r) => toReport(r, r.message_id ? (bodies.get(r.message_id) ?? null) : null)),
      nextCursor: rows.length === page.limit ? rows[rows.length - 1]!.id : null,
    };
  }

  /** Closes an open report (admins), logged. */
  async resolveReport(
    actor: ChatActor,
    id: string,
    status: 'resolved' | 'dismissed',
    resolution: string | null,
    ip: string | null,
  ): Promise<ChatReport> {
    const now = this.deps.platform.clock.now();
    const row = await this.deps.platform.db.transaction().execute(async (tx) => {
      const row = await this.deps.store.resolveReport(tx, actor.appId, id, {
        status,
        resolution,
        resolved_by: actor.userId,
        resolved_at: new Date(now),
      });
      if (!row) throw chatErrors.CHAT_REPORT_NOT_FOUND();
      await this.#audit(
        tx,
        actor,
        ip,
        'chat.report.resolve',
        row.target_user_id ?? id,
        { reportId: id, status },
        now,
        row.channel,
      );
      return row;
    });
    const bodies = row.message_id
      ? await this.deps.store.messageBodies(this.deps.platform.db, actor.appId, [row.message_id])
      : new Map<string, string>();
    return toReport(row, row.message_id ? (bodies.get(row.message_id) ?? null) : null);
  }

  /** A channel's moderation log (its moderators), or with `channel` undefined the app's (admins). */
  async moderationLog(
    actor: ChatActor,
    page: { limit: number; cursor?: string; channel?: string },
    checkChannel: boolean,
  ): Promise<{ items: ModerationLogEntry[]; nextCursor: string | null }> {
    if (checkChannel && page.channel) {
      const { moderator } = await this.deps.access(actor, page.channel);
      if (!moderator) throw chatErrors.CHAT_FORBIDDEN();
    }
    const rows = await this.deps.store.moderationLog(this.deps.platform.db, actor.appId, page);
    return {
      items: rows.map(toLogEntry),
      nextCursor: rows.length === page.limit ? rows[rows.length - 1]!.id : null,
    };
  }

  /** Writes one moderation log entry (inside the caller's transaction). */
  async log(
    tx: Executor,
    actor: ChatActor,
    channel: string,
    action: string,
    targetId: string | null,
    data: Record<string, unknown>,
    now: Date,
  ): Promise<void> {
    await this.deps.store.logModeration(tx, {
      id: newId('mlg', now.getTime()),
      app_id: actor.appId,
      channel,
      actor_id: actor.userId,
      actor_name: actor.name.slice(0, 80),
      action,
      target_id: targetId,
      data: JSON.stringify(data),
      created_at: now,
    });
  }

  async #authorize(actor: ChatActor, channel: string, targetUserId: string, appWide: boolean): Promise<void> {
    const { moderator } = await this.deps.access(actor, channel);
    if (!mayModerate({ actor, channelModerator: moderator, targetUserId, appWide }))
      throw chatErrors.CHAT_FORBIDDEN();
  }

  async #audit(
    tx: Parameters<AuditStore['record']>[0],
    actor: ChatActor,
    ip: string | null,
    action: string,
    targetId: string,
    data: Record<string, unknown>,
    now: number,
    channel: string,
  ): Promise<void> {
    await this.log(tx, actor, channel, action.replace(/^chat\./, ''), targetId, data, new Date(now));
    await this.deps.audit.record(
      tx,
      {
        appId: actor.appId,
        actorType: 'user',
        actorId: actor.userId,
        ip,
        action,
        targetType: 'user',
        targetId,
        data,
      },
      new Date(now),
    );
  }
}

function timeoutKey(appId: string, channel: string, userId: string): string {
  return `chat:timeout:${appId}:${channel}:${userId}`;
}

function shadowKey(appId: string, channel: string): string {
  return `chat:shadow:${appId}:${channel}`;
}

function settingsKey(appId: string, channel: string): string {
  return `chat:settings:${appId}:${channel}`;
}

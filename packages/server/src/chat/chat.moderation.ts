import type { BanInput, ChannelEvent, SlowModeInput, TimeoutInput, UnbanInput } from '@pnptv/protocol';
import type { AuditStore } from '../audit/index.ts';
import type { Platform } from '../platform/platform.ts';
import { chatErrors } from './chat.errors.ts';
import { type ChatActor, mayModerate, restrictionUntil, slowModeRule } from './chat.rules.ts';
import { APP_WIDE, type ChatStore } from './chat.store.ts';

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
      access: (actor: ChatActor, channel: string) => Promise<{ moderator: boolean }>;
      emit: (appId: string, channel: string, event: ChannelEvent) => void;
      enforce: (action: Enforcement) => void;
    },
  ) {}

  /** Refuses a post while the author is timed out (channel or app-wide) or inside the channel's slow mode. */
  async checkCanPost(actor: ChatActor, channel: string, moderator: boolean): Promise<void> {
    const { cache, rateLimiter } = this.deps.platform;
    const [here, everywhere] = await Promise.all([
      cache.get(timeoutKey(actor.appId, channel, actor.userId)),
      cache.get(timeoutKey(actor.appId, APP_WIDE, actor.userId)),
    ]);
    if (here || everywhere) throw chatErrors.CHAT_TIMED_OUT();
    const rule = slowModeRule(await this.#slowMode(actor.appId, channel), moderator);
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
        { channel, until: until?.toISOString() ?? null },
        now,
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
      await this.#audit(tx, actor, ip, 'chat.unban', input.userId, { channel }, now);
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
      await this.#audit(tx, actor, ip, 'chat.timeout', input.userId, { channel: input.channel, until }, now);
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
      await this.#audit(tx, actor, ip, 'chat.slowmode', input.channel, { seconds: input.seconds }, now);
    });
    await this.deps.platform.cache.set(
      slowModeKey(actor.appId, input.channel),
      String(input.seconds),
      SLOW_MODE_CACHE_S * 1000,
    );
    this.deps.emit(actor.appId, input.channel, {
      type: 'chat.moderation',
      data: { channel: input.channel, action: 'slowmode', seconds: input.seconds },
    });
  }

  async #slowMode(appId: string, channel: string): Promise<number> {
    const { cache, db } = this.deps.platform;
    const cached = await cache.get(slowModeKey(appId, channel));
    if (cached !== null) return Number(cached);
    const seconds = await this.deps.store.slowMode(db, appId, channel);
    await cache.set(slowModeKey(appId, channel), String(seconds), SLOW_MODE_CACHE_S * 1000);
    return seconds;
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
  ): Promise<void> {
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

function slowModeKey(appId: string, channel: string): string {
  return `chat:slowmode:${appId}:${channel}`;
}

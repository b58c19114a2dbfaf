import type {
  ChannelEvent,
  ChannelRole,
  ChannelSettings,
  ChatHistoryPage,
  ChatMessage,
} from '@pnptv/protocol';
import type { AuditStore } from '../audit/index.ts';
import { type Entitlements, noEntitlements } from '../platform/entitlements.ts';
import { newId } from '../platform/ids.ts';
import type { Platform } from '../platform/platform.ts';
import { chatErrors } from './chat.errors.ts';
import { ChatModeration, type Enforcement } from './chat.moderation.ts';
import {
  accountOldEnough,
  type Channel,
  type ChatActor,
  canDelete,
  checkFilters,
  decideAccess,
  dmChannel,
  isEmoji,
  parseChannel,
  reactionCounts,
  replyExcerpt,
  type StreamFacts,
  sanitizeText,
  textFits,
  visibleTo,
  withinEditWindow,
} from './chat.rules.ts';
import type { ChatStore, MessageRow } from './chat.store.ts';

/** Looks up the stream behind a `stream:<id>` channel; undefined when it does not exist in the app. */
export type StreamLookup = (
  appId: string,
  id: string,
) => Promise<{ owner_id: string | null; visibility: StreamFacts['visibility'] } | undefined>;

/**
 * Where a channel's events go once they happened (the realtime fan-out). With `onlyUserId` the
 * event goes to that user's connections only (shadow-banned authors see their own messages).
 */
export type ChannelSink = (appId: string, channel: string, event: ChannelEvent, onlyUserId?: string) => void;

/** The outcome of a successful access check. */
export interface ChannelAccess {
  channel: Channel;
  /** Whether the actor moderates this channel. */
  moderator: boolean;
  /** The actor's role in the channel. */
  role: ChannelRole;
}

/** A DM conversation of a user. */
export interface DmSummary {
  channel: string;
  otherUserId: string;
  otherName: string;
  lastMessage: ChatMessage | null;
  unread: number;
}

/** A message row as clients see it. */
export function toMessage(row: MessageRow, reactions: Record<string, number> = {}): ChatMessage {
  return {
    id: row.id,
    channel: row.channel,
    author: { id: row.author_id, name: row.author_name },
    text: row.body,
    createdAt: row.created_at.toISOString(),
    editedAt: row.edited_at ? row.edited_at.toISOString() : null,
    replyTo: row.reply_to
      ? { id: row.reply_to, authorName: row.reply_author ?? '', excerpt: row.reply_excerpt ?? '' }
      : null,
    reactions,
  };
}

/** Chat use cases: the one access check, posting, editing, reactions, history, DMs and deletion. */
export class ChatService {
  /** Bans, timeouts, shadow bans, slow mode, settings, roles, reports and the moderation log. */
  readonly moderation: ChatModeration;
  #sinks: ChannelSink[] = [];
  #enforcers: ((action: Enforcement) => void)[] = [];
  #leaveListeners: ((appId: string, channel: string, userId: string) => void)[] = [];
  readonly #entitlementsOf: () => Entitlements;

  constructor(
    private readonly deps: {
      platform: Pick<Platform, 'db' | 'clock' | 'cache' | 'rateLimiter' | 'metrics'>;
      audit: AuditStore;
      store: ChatStore;
      streams: StreamLookup;
      /**
       * Tickets, subscriptions and PRIME: what opens gated channels. A function is asked on
       * each use, so the composition can hand over a port built after chat.
       */
      entitlements?: Entitlements | (() => Entitlements);
    },
  ) {
    const port = deps.entitlements ?? noEntitlements;
    this.#entitlementsOf = typeof port === 'function' ? port : () => port;
    this.moderation = new ChatModeration({
      platform: deps.platform,
      audit: deps.audit,
      store: deps.store,
      access: (actor, channel) => this.access(actor, channel),
      emit: (appId, channel, event, onlyUserId) => this.#emit(appId, channel, event, onlyUserId),
      enforce: (action) => {
        for (const enforce of this.#enforcers) enforce(action);
      },
    });
  }

  /** Adds a receiver of enforcement actions (the gateway, which applies them on every node). */
  onEnforce(enforcer: (action: Enforcement) => void): () => void {
    this.#enforcers.push(enforcer);
    return () => {
      this.#enforcers = this.#enforcers.filter((e) => e !== enforcer);
    };
  }

  /** Adds a receiver of channel events (the gateway of this node). Returns a function that removes it. */
  onEvent(sink: ChannelSink): () => void {
    this.#sinks.push(sink);
    return () => {
      this.#sinks = this.#sinks.filter((s) => s !== sink);
    };
  }

  /** Adds a listener told when a user is no longer connected to a channel anywhere in the cluster. */
  onPresenceLeft(listener: (appId: string, channel: string, userId: string) => void): () => void {
    this.#leaveListeners.push(listener);
    return () => {
      this.#leaveListeners = this.#leaveListeners.filter((l) => l !== listener);
    };
  }

  /** Called by the gateway of the node where a user's last connection to a channel went away. */
  presenceLeft(appId: string, channel: string, userId: string): void {
    for (const listener of this.#leaveListeners) listener(appId, channel, userId);
  }

  /** Hands an event to the fan-out (other capabilities, e.g. the community room, publish through it). */
  publish(appId: string, channel: string, event: ChannelEvent, onlyUserId?: string): void {
    this.#emit(appId, channel, event, onlyUserId);
  }

  /**
   * The one access function: whether `actor` may use `channelName` — visibility, bans, channel
   * roles, tickets and subscriptions (through the Entitlements port), subscribers-only channels
   * and the minimum account age. Throws the CHAT_… error to refuse with.
   */
  async access(actor: ChatActor, channelName: string): Promise<ChannelAccess> {
    const channel = parseChannel(channelName);
    if (!channel) throw chatErrors.CHAT_CHANNEL_INVALID();
    const { db, clock } = this.deps.platform;
    const now = clock.now();
    const [ban, stream, settings, channelModerator] = await Promise.all([
      this.deps.store.activeBan(db, actor.appId, channelName, actor.userId, new Date(now)),
      channel.kind === 'stream' ? this.deps.streams(actor.appId, channel.id) : Promise.resolve(undefined),
      this.moderation.settings(actor.appId, channelName),
      this.deps.store.isChannelModerator(db, actor.appId, channelName, actor.userId),
    ]);
    const facts = stream ? { ownerId: stream.owner_id, visibility: stream.visibility } : null;
    const gate = { actor, channel, banned: ban !== undefined, stream: facts, channelModerator };
    let decision = decideAccess({ ...gate, subscribersOnly: settings.subscribersOnly, entitled: false });
    const needsEntitlement =
      !decision.allowed &&
      (decision.code === 'CHAT_SUBSCRIBERS_ONLY' || decision.code === 'CHAT_FORBIDDEN') &&
      facts !== null;
    if (needsEntitlement) {
      const entitled = await this.#entitled(actor, channel, facts, settings.subscribersOnly);
      decision = decideAccess({ ...gate, subscribersOnly: settings.subscribersOnly, entitled });
    }
    if (decision.allowed && !decision.moderator && settings.minAccountAgeS > 0) {
      const created = actor.account
        ? await this.deps.store.accountCreatedAt(db, actor.appId, actor.userId)
        : undefined;
      const accountAgeOk =
        created !== undefined && accountOldEnough(created.getTime(), now, settings.minAccountAgeS);
      if (!accountAgeOk) decision = { allowed: false, code: 'CHAT_ACCOUNT_TOO_NEW' };
    }
    if (!decision.allowed) throw chatErrors[decision.code]();
    return { channel, moderator: decision.moderator, role: decision.role };
  }

  async #entitled(
    actor: ChatActor,
    channel: Channel,
    stream: StreamFacts,
    subscribersOnly: boolean,
  ): Promise<boolean> {
    if (channel.kind !== 'stream') return false;
    const e = this.#entitlementsOf();
    const subscribed = async () =>
      stream.ownerId !== null && (await e.isSubscribed(actor.appId, actor.userId, stream.ownerId));
    if (stream.visibility === 'ticketed') {
      const ticket = await e.hasTicket(actor.appId, actor.userId, { kind: 'stream', id: channel.id });
      return ticket && (!subscribersOnly || (await subscribed()));
    }
    if (stream.visibility === 'subscribers' || subscribersOnly) return subscribed();
    return false;
  }

  /** Visible messages of a channel (statistics). */
  messageCount(appId: string, channel: string): Promise<number> {
    return this.deps.store.countMessages(this.deps.platform.db, appId, channel);
  }

  /** Older messages of a channel the actor may read, newest first, with reaction counts. */
  async history(
    actor: ChatActor,
    channelName: string,
    page: { limit: number; cursor?: string },
    /** The caller has just passed `access` for this channel (the gateway's join). */
    accessChecked = false,
  ): Promise<ChatHistoryPage> {
    if (!accessChecked) await this.access(actor, channelName);
    const { db } = this.deps.platform;
    const rows = await this.deps.store.listMessages(db, actor.appId, channelName, {
      ...page,
      viewerId: actor.userId,
    });
    const reactions = await this.#reactionsOf(
      actor.appId,
      rows.map((r) => r.id),
    );
    const nextCursor = rows.length === page.limit ? rows[rows.length - 1]!.id : null;
    return { items: rows.map((r) => toMessage(r, reactions.get(r.id))), nextCursor };
  }

  async #reactionsOf(appId: string, ids: string[]): Promise<Map<string, Record<string, number>>> {
    const rows = await this.deps.store.reactionRows(this.deps.platform.db, appId, ids);
    const out = new Map<string, Record<string, number>>();
    for (const row of rows) {
      const counts = out.get(row.message_id) ?? {};
      counts[row.emoji] = Number(row.count);
      out.set(row.message_id, counts);
    }
    return out;
  }

  /**
   * Stores a message from an actor who has passed `access` for the channel (the gateway checks
   * on join; `moderator` is what it found) and hands it to the fan-out. Text is sanitised; empty,
   * too long, filtered words or links are refused, and so are posts during a timeout or inside
   * slow mode. A shadow-banned author's message is stored and shown to them alone.
   */
  async post(
    actor: ChatActor,
    channelName: string,
    raw: string,
    moderator = false,
    replyTo?: string,
  ): Promise<ChatMessage> {
    if (!actor.canWrite) throw chatErrors.CHAT_FORBIDDEN();
    const text = sanitizeText(raw);
    const fit = textFits(text);
    if (fit === 'empty') throw chatErrors.CHAT_EMPTY();
    if (fit === 'too_long') throw chatErrors.CHAT_TOO_LONG();
    const { db, clock } = this.deps.platform;
    const now = clock.now();
    const [, settings, shadow, replied] = await Promise.all([
      this.moderation.checkCanPost(actor, channelName, moderator),
      this.moderation.settings(actor.appId, channelName),
      this.moderation.isShadowBanned(actor.appId, channelName, actor.userId),
      replyTo
        ? this.deps.store.findMessage(db, actor.appId, channelName, replyTo)
        : Promise.resolve(undefined),
    ]);
    if (!moderator) this.#checkFilters(text, settings);
    if (
      replyTo &&
      (!replied || !visibleTo({ authorId: replied.author_id, shadow: replied.shadow }, actor.userId))
    )
      throw chatErrors.CHAT_REPLY_NOT_FOUND();
    const row = await this.deps.store.insertMessage(db, {
      id: newId('msg', now),
      app_id: actor.appId,
      channel: channelName,
      author_id: actor.userId,
      author_name: actor.name.slice(0, 80),
      body: text,
      created_at: new Date(now),
      reply_to: replied?.id ?? null,
      reply_author: replied?.author_name ?? null,
      reply_excerpt: replied ? replyExcerpt(replied.body) : null,
      shadow,
    });
    const message = toMessage(row);
    this.deps.platform.metrics.chatMessages.inc({ channel_kind: parseChannel(channelName)?.kind ?? 'other' });
    this.#emit(
      actor.appId,
      channelName,
      { type: 'chat.message.new', data: message },
      shadow ? actor.userId : undefined,
    );
    return message;
  }

  #checkFilters(text: string, settings: ChannelSettings): void {
    const verdict = checkFilters(text, settings);
    if (verdict === 'blocked_word') throw chatErrors.CHAT_BLOCKED_WORD();
    if (verdict === 'link') throw chatErrors.CHAT_LINKS_NOT_ALLOWED();
  }

  /** Replaces the text of the actor's own message within the edit window. */
  async edit(actor: ChatActor, channelName: string, messageId: string, raw: string): Promise<ChatMessage> {
    const { moderator } = await this.access(actor, channelName);
    if (!actor.canWrite) throw chatErrors.CHAT_FORBIDDEN();
    const text = sanitizeText(raw);
    const fit = textFits(text);
    if (fit === 'empty') throw chatErrors.CHAT_EMPTY();
    if (fit === 'too_long') throw chatErrors.CHAT_TOO_LONG();
    const { db, clock } = this.deps.platform;
    const now = clock.now();
    const row = await this.deps.store.findMessage(db, actor.appId, channelName, messageId);
    if (!row || !visibleTo({ authorId: row.author_id, shadow: row.shadow }, actor.userId))
      throw chatErrors.CHAT_MESSAGE_NOT_FOUND();
    if (row.author_id !== actor.userId) throw chatErrors.CHAT_FORBIDDEN();
    if (!withinEditWindow(row.created_at.getTime(), now)) throw chatErrors.CHAT_EDIT_WINDOW_CLOSED();
    if (!moderator) this.#checkFilters(text, await this.moderation.settings(actor.appId, channelName));
    const updated = await this.deps.store.editMessage(db, actor.appId, messageId, text, new Date(now));
    const reactions = await this.#reactionsOf(actor.appId, [messageId]);
    const message = toMessage(updated, reactions.get(messageId));
    this.#emit(
      actor.appId,
      channelName,
      { type: 'chat.message.edited', data: message },
      updated.shadow ? actor.userId : undefined,
    );
    return message;
  }

  /** Adds or removes the actor's emoji reaction on a message; returns the message's counts. */
  async react(
    actor: ChatActor,
    channelName: string,
    messageId: string,
    emoji: string,
    add: boolean,
  ): Promise<Record<string, number>> {
    if (!isEmoji(emoji)) throw chatErrors.CHAT_INVALID_EMOJI();
    await this.access(actor, channelName);
    if (!actor.canWrite) throw chatErrors.CHAT_FORBIDDEN();
    const { db, clock } = this.deps.platform;
    const row = await this.deps.store.findMessage(db, actor.appId, channelName, messageId);
    if (!row || !visibleTo({ authorId: row.author_id, shadow: row.shadow }, actor.userId))
      throw chatErrors.CHAT_MESSAGE_NOT_FOUND();
    const changed = add
      ? await this.deps.store.addReaction(db, {
          app_id: actor.appId,
          message_id: messageId,
          emoji,
          user_id: actor.userId,
          created_at: new Date(clock.now()),
        })
      : await this.deps.store.removeReaction(db, actor.appId, messageId, emoji, actor.userId);
    const reactions = reactionCounts(
      (await this.deps.store.reactionRows(db, actor.appId, [messageId])).map((r) => ({
        emoji: r.emoji,
        count: r.count,
      })),
    );
    if (changed)
      this.#emit(
        actor.appId,
        channelName,
        { type: 'chat.message.reactions', data: { id: messageId, channel: channelName, reactions } },
        row.shadow ? row.author_id : undefined,
      );
    return reactions;
  }

  /** Deletes a message: its author, or a moderator of the channel (audited and logged). */
  async delete(actor: ChatActor, channelName: string, messageId: string, ip: string | null): Promise<void> {
    const { moderator } = await this.access(actor, channelName);
    const { db, clock } = this.deps.platform;
    const now = new Date(clock.now());
    const row = await db.transaction().execute(async (tx) => {
      const row = await this.deps.store.findMessage(tx, actor.appId, channelName, messageId);
      if (!row || !visibleTo({ authorId: row.author_id, shadow: row.shadow }, actor.userId))
        throw chatErrors.CHAT_MESSAGE_NOT_FOUND();
      if (!canDelete(actor, row.author_id, moderator)) throw chatErrors.CHAT_FORBIDDEN();
      if (!(await this.deps.store.markDeleted(tx, actor.appId, messageId, actor.userId, now)))
        throw chatErrors.CHAT_MESSAGE_NOT_FOUND();
      await this.deps.audit.record(
        tx,
        {
          appId: actor.appId,
          actorType: 'user',
          actorId: actor.userId,
          ip,
          action: 'chat.message.delete',
          targetType: 'chat_message',
          targetId: messageId,
          data: { channel: channelName, authorId: row.author_id },
        },
        now,
      );
      if (row.author_id !== actor.userId)
        await this.moderation.log(tx, actor, channelName, 'delete', row.author_id, { messageId }, now);
      return row;
    });
    this.#emit(
      actor.appId,
      channelName,
      {
        type: 'chat.message.deleted',
        data: { id: messageId, channel: channelName, deletedBy: actor.userId },
      },
      row.shadow ? row.author_id : undefined,
    );
  }

  /** Records that the actor has read a DM channel up to `messageId`; returns what is still unread. */
  async markRead(actor: ChatActor, channelName: string, messageId: string): Promise<number> {
    const { channel } = await this.access(actor, channelName);
    if (channel.kind !== 'dm') throw chatErrors.CHAT_NOT_DM();
    const { db, clock } = this.deps.platform;
    const row = await this.deps.store.findMessage(db, actor.appId, channelName, messageId);
    if (!row) throw chatErrors.CHAT_MESSAGE_NOT_FOUND();
    await this.deps.store.markRead(
      db,
      actor.appId,
      channelName,
      actor.userId,
      messageId,
      new Date(clock.now()),
    );
    return this.deps.store.unreadCount(db, actor.appId, channelName, actor.userId);
  }

  /** The actor's DM conversations, newest first, with unread counts. */
  async dms(actor: ChatActor, limit = 50): Promise<DmSummary[]> {
    const { db } = this.deps.platform;
    const rows = await this.deps.store.dmChannels(db, actor.appId, actor.userId, limit);
    return Promise.all(
      rows.map(async (row) => {
        const channel = parseChannel(row.channel);
        const users: [string, string] = channel?.kind === 'dm' ? channel.users : [actor.userId, actor.userId];
        const other = users[0] === actor.userId ? users[1] : users[0];
        const [name, unread] = await Promise.all([
          this.deps.store.accountName(db, actor.appId, other),
          this.deps.store.unreadCount(db, actor.appId, row.channel, actor.userId),
        ]);
        return {
          channel: dmChannel(users[0], users[1]),
          otherUserId: other,
          otherName: name ?? other,
          lastMessage: toMessage(row),
          unread,
        };
      }),
    );
  }

  #emit(appId: string, channel: string, event: ChannelEvent, onlyUserId?: string): void {
    for (const sink of this.#sinks) sink(appId, channel, event, onlyUserId);
  }
}

import type { ChannelEvent, ChatHistoryPage, ChatMessage } from '@pnptv/protocol';
import type { AuditStore } from '../audit/index.ts';
import { newId } from '../platform/ids.ts';
import type { Platform } from '../platform/platform.ts';
import { chatErrors } from './chat.errors.ts';
import { ChatModeration, type Enforcement } from './chat.moderation.ts';
import {
  type Channel,
  type ChatActor,
  canDelete,
  decideAccess,
  parseChannel,
  type StreamFacts,
  sanitizeText,
  textFits,
} from './chat.rules.ts';
import type { ChatStore, MessageRow } from './chat.store.ts';

/** Looks up the stream behind a `stream:<id>` channel; undefined when it does not exist in the app. */
export type StreamLookup = (
  appId: string,
  id: string,
) => Promise<{ owner_id: string | null; visibility: StreamFacts['visibility'] } | undefined>;

/** Where a channel's events go once they happened (the realtime fan-out). */
export type ChannelSink = (appId: string, channel: string, event: ChannelEvent) => void;

/** The outcome of a successful access check. */
export interface ChannelAccess {
  channel: Channel;
  /** Whether the actor moderates this channel. */
  moderator: boolean;
}

/** A message row as clients see it. */
export function toMessage(row: MessageRow): ChatMessage {
  return {
    id: row.id,
    channel: row.channel,
    author: { id: row.author_id, name: row.author_name },
    text: row.body,
    createdAt: row.created_at.toISOString(),
  };
}

/** Chat use cases: the one access check, posting, history and deletion. */
export class ChatService {
  /** Bans, timeouts and slow mode. */
  readonly moderation: ChatModeration;
  #sinks: ChannelSink[] = [];
  #enforcers: ((action: Enforcement) => void)[] = [];

  constructor(
    private readonly deps: {
      platform: Pick<Platform, 'db' | 'clock' | 'cache' | 'rateLimiter'>;
      audit: AuditStore;
      store: ChatStore;
      streams: StreamLookup;
    },
  ) {
    this.moderation = new ChatModeration({
      platform: deps.platform,
      audit: deps.audit,
      store: deps.store,
      access: (actor, channel) => this.access(actor, channel),
      emit: (appId, channel, event) => this.#emit(appId, channel, event),
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

  /**
   * The one access function: whether `actor` may use `channelName` (visibility and bans now;
   * tickets and subscriptions later). Throws the CHAT_… error to refuse with.
   */
  async access(actor: ChatActor, channelName: string): Promise<ChannelAccess> {
    const channel = parseChannel(channelName);
    if (!channel) throw chatErrors.CHAT_CHANNEL_INVALID();
    const { db, clock } = this.deps.platform;
    const [ban, stream] = await Promise.all([
      this.deps.store.activeBan(db, actor.appId, channelName, actor.userId, new Date(clock.now())),
      channel.kind === 'stream' ? this.deps.streams(actor.appId, channel.id) : Promise.resolve(undefined),
    ]);
    const decision = decideAccess({
      actor,
      channel,
      banned: ban !== undefined,
      stream: stream ? { ownerId: stream.owner_id, visibility: stream.visibility } : null,
    });
    if (!decision.allowed) throw chatErrors[decision.code]();
    return { channel, moderator: decision.moderator };
  }

  /** Older messages of a channel the actor may read, newest first. */
  async history(
    actor: ChatActor,
    channelName: string,
    page: { limit: number; cursor?: string },
  ): Promise<ChatHistoryPage> {
    await this.access(actor, channelName);
    const rows = await this.deps.store.listMessages(this.deps.platform.db, actor.appId, channelName, page);
    const nextCursor = rows.length === page.limit ? rows[rows.length - 1]!.id : null;
    return { items: rows.map(toMessage), nextCursor };
  }

  /**
   * Stores a message from an actor who has passed `access` for the channel (the gateway checks
   * on join; `moderator` is what it found) and hands it to the fan-out. Text is sanitised; empty
   * or too long is refused, and so are posts during a timeout or inside slow mode.
   */
  async post(actor: ChatActor, channelName: string, raw: string, moderator = false): Promise<ChatMessage> {
    if (!actor.canWrite) throw chatErrors.CHAT_FORBIDDEN();
    const text = sanitizeText(raw);
    const fit = textFits(text);
    if (fit === 'empty') throw chatErrors.CHAT_EMPTY();
    if (fit === 'too_long') throw chatErrors.CHAT_TOO_LONG();
    await this.moderation.checkCanPost(actor, channelName, moderator);
    const now = this.deps.platform.clock.now();
    const row = await this.deps.store.insertMessage(this.deps.platform.db, {
      id: newId('msg', now),
      app_id: actor.appId,
      channel: channelName,
      author_id: actor.userId,
      author_name: actor.name.slice(0, 80),
      body: text,
      created_at: new Date(now),
    });
    const message = toMessage(row);
    this.#emit(actor.appId, channelName, { type: 'chat.message.new', data: message });
    return message;
  }

  /** Deletes a message: its author, or a moderator of the channel (audited). */
  async delete(actor: ChatActor, channelName: string, messageId: string, ip: string | null): Promise<void> {
    const { moderator } = await this.access(actor, channelName);
    const { db, clock } = this.deps.platform;
    const now = new Date(clock.now());
    await db.transaction().execute(async (tx) => {
      const row = await this.deps.store.findMessage(tx, actor.appId, channelName, messageId);
      if (!row) throw chatErrors.CHAT_MESSAGE_NOT_FOUND();
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
    });
    this.#emit(actor.appId, channelName, {
      type: 'chat.message.deleted',
      data: { id: messageId, channel: channelName, deletedBy: actor.userId },
    });
  }

  #emit(appId: string, channel: string, event: ChannelEvent): void {
    for (const sink of this.#sinks) sink(appId, channel, event);
  }
}

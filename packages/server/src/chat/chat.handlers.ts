import type { Socket as NetSocket } from 'node:net';
import type {
  BanInput,
  ChannelRole,
  ClientEventName,
  ClientToServerEvents,
  ReportInput,
  ServerToClientEvents,
  SlowModeInput,
  TimeoutInput,
  UnbanInput,
} from '@pnptv/protocol';
import type { Socket as IoSocket } from 'socket.io';
import type { RateLimiter } from '../platform/ratelimit/index.ts';
import { chatErrors } from './chat.errors.ts';
import type { PresenceRegistry } from './chat.presence.ts';
import { type ChatActor, type ChatLimits, isEmoji, messageRateKeys, typingPasses } from './chat.rules.ts';
import type { ChatService } from './chat.service.ts';

/** Per-connection state. */
export interface SocketData {
  actor: ChatActor;
  ip: string;
  /** Channels joined on this connection, with whether the actor moderates them and their role. */
  channels: Map<string, { moderator: boolean; role: ChannelRole }>;
  /** When this connection last passed a typing signal on, per channel. */
  typing: Map<string, number>;
  /** Fixed one-second window of the per-socket event limit. */
  window: { start: number; count: number };
  /** The TCP socket under the websocket, to which batches are written as prepared frames. */
  wire: NetSocket | null;
}

/** A gateway connection with its state. */
export type GatewaySocket = IoSocket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/** Room of a channel inside one app. */
export function roomOf(appId: string, channel: string): string {
  return `${appId}|${channel}`;
}

/** Room of every connection of one user, on every node (bans reach them through it). */
export function userRoomOf(appId: string, userId: string): string {
  return `#user|${appId}|${userId}`;
}

/** What the event handlers use. */
export interface HandlerDeps {
  chat: ChatService;
  limits: ChatLimits;
  rateLimiter: RateLimiter;
  presence: PresenceRegistry;
  now: () => number;
  /** Counts a floating reaction into this tick's tally. */
  liveReact: (appId: string, channel: string, emoji: string) => void;
  /** Adds a typer to this tick's typing event. */
  typing: (appId: string, channel: string, user: { id: string; name: string }) => void;
}

/**
 * Runs one validated client event and returns what its acknowledgement carries. Throws the
 * CHAT_… error to answer with. Membership is read from the socket's rooms, so a ban applied
 * from another node (which removes the socket from the room there) is seen here at once.
 */
export async function handleEvent(
  deps: HandlerDeps,
  socket: GatewaySocket,
  event: ClientEventName,
  payload: { channel: string } & Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { chat, presence } = deps;
  const { actor, channels } = socket.data;
  const { channel } = payload;
  const ip = socket.data.ip;
  // Membership is read from the socket's rooms: a ban on another node removes it there.
  const joined = () => socket.rooms.has(roomOf(actor.appId, channel));
  switch (event) {
    case 'join': {
      for (const name of channels.keys())
        if (!socket.rooms.has(roomOf(actor.appId, name))) {
          channels.delete(name);
          presence.disconnect(roomOf(actor.appId, name), actor.userId);
        }
      if (!channels.has(channel) && channels.size >= deps.limits.maxChannelsPerSocket)
        throw chatErrors.CHAT_TOO_MANY_CHANNELS();
      const access = await chat.access(actor, channel);
      const history = await chat.history(actor, channel, { limit: 50 }, true);
      const room = roomOf(actor.appId, channel);
      const already = channels.has(channel) && socket.rooms.has(room);
      channels.set(channel, { moderator: access.moderator, role: access.role });
      await socket.join(room);
      if (!already)
        presence.connect(room, { id: actor.userId, name: actor.name.slice(0, 80), role: access.role });
      return { history, role: access.role, presence: presence.snapshot(room) };
    }
    case 'leave': {
      const room = roomOf(actor.appId, channel);
      await socket.leave(room);
      if (channels.delete(channel)) {
        presence.disconnect(room, actor.userId);
        if (!presence.isPresent(room, actor.userId)) chat.presenceLeft(actor.appId, channel, actor.userId);
      }
      return {};
    }
    case 'message.send': {
      if (!joined()) throw chatErrors.CHAT_NOT_JOINED();
      await limitMessage(deps, socket);
      const moderator = channels.get(channel)?.moderator ?? false;
      const replyTo = payload.replyTo as string | undefined;
      const message = await chat.post(actor, channel, payload.text as string, moderator, replyTo);
      return { message };
    }
    case 'message.edit': {
      if (!joined()) throw chatErrors.CHAT_NOT_JOINED();
      await limitMessage(deps, socket);
      const message = await chat.edit(actor, channel, payload.messageId as string, payload.text as string);
      return { message };
    }
    case 'reaction.add':
    case 'reaction.remove': {
      if (!joined()) throw chatErrors.CHAT_NOT_JOINED();
      const add = event === 'reaction.add';
      const reactions = await chat.react(
        actor,
        channel,
        payload.messageId as string,
        payload.emoji as string,
        add,
      );
      return { reactions };
    }
    case 'live.react': {
      if (!joined()) throw chatErrors.CHAT_NOT_JOINED();
      const emoji = payload.emoji as string;
      if (!isEmoji(emoji)) throw chatErrors.CHAT_INVALID_EMOJI();
      deps.liveReact(actor.appId, channel, emoji);
      return {};
    }
    case 'typing': {
      if (!joined()) throw chatErrors.CHAT_NOT_JOINED();
      if (!actor.canWrite) throw chatErrors.CHAT_FORBIDDEN();
      await chat.moderation.checkNotTimedOut(actor, channel);
      const now = deps.now();
      if (typingPasses(socket.data.typing.get(channel), now)) {
        socket.data.typing.set(channel, now);
        deps.typing(actor.appId, channel, { id: actor.userId, name: actor.name.slice(0, 80) });
      }
      return {};
    }
    case 'dm.read':
      return { unread: await chat.markRead(actor, channel, payload.messageId as string) };
    case 'report': {
      const report = await chat.moderation.report(actor, payload as unknown as ReportInput);
      return { reportId: report.id };
    }
    case 'moderation.clear':
      await chat.moderation.clear(actor, channel, ip);
      return {};
    case 'moderation.shadowban':
      await chat.moderation.shadowBan(actor, channel, payload.userId as string, ip);
      return {};
    case 'moderation.unshadowban':
      await chat.moderation.unshadowBan(actor, channel, payload.userId as string, ip);
      return {};
    case 'message.delete':
      if (!joined()) throw chatErrors.CHAT_NOT_JOINED();
      await chat.delete(actor, channel, payload.messageId as string, ip);
      return {};
    case 'history': {
      const limit = (payload.limit as number | undefined) ?? 50;
      const cursor = payload.cursor as string | undefined;
      return { history: await chat.history(actor, channel, { limit, cursor }) };
    }
    case 'moderation.ban':
      await chat.moderation.ban(actor, payload as unknown as BanInput, ip);
      return {};
    case 'moderation.unban':
      await chat.moderation.unban(actor, payload as unknown as UnbanInput, ip);
      return {};
    case 'moderation.timeout':
      await chat.moderation.timeout(actor, payload as unknown as TimeoutInput, ip);
      return {};
    case 'moderation.slowmode':
      await chat.moderation.setSlowMode(actor, payload as unknown as SlowModeInput, ip);
      return {};
  }
}

async function limitMessage(deps: HandlerDeps, socket: GatewaySocket): Promise<void> {
  const { actor, ip } = socket.data;
  const keys = messageRateKeys(actor.appId, actor.userId, ip);
  const { messagesPerUser: perUser, messagesPerIp: perIp } = deps.limits;
  const limiter = deps.rateLimiter;
  const [user, byIp] = await Promise.all([
    limiter.hit(keys.user, perUser.limit, perUser.windowMs),
    limiter.hit(keys.ip, perIp.limit, perIp.windowMs),
  ]);
  if (!user.allowed || !byIp.allowed) throw chatErrors.CHAT_RATE_LIMITED();
}

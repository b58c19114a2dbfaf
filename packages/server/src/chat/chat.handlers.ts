import type {
  BanInput,
  ClientEventName,
  ClientToServerEvents,
  ServerToClientEvents,
  SlowModeInput,
  TimeoutInput,
  UnbanInput,
} from '@pnptv/protocol';
import type { Socket as IoSocket } from 'socket.io';
import type { RateLimiter } from '../platform/ratelimit/index.ts';
import { chatErrors } from './chat.errors.ts';
import { type ChatActor, type ChatLimits, messageRateKeys } from './chat.rules.ts';
import type { ChatService } from './chat.service.ts';

/** Per-connection state. */
export interface SocketData {
  actor: ChatActor;
  ip: string;
  /** Channels joined on this connection, with whether the actor moderates them. */
  channels: Map<string, { moderator: boolean }>;
  /** Fixed one-second window of the per-socket event limit. */
  window: { start: number; count: number };
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
  const { chat } = deps;
  const { actor, channels } = socket.data;
  const { channel } = payload;
  const ip = socket.data.ip;
  // Membership is read from the socket's rooms: a ban on another node removes it there.
  const joined = () => socket.rooms.has(roomOf(actor.appId, channel));
  switch (event) {
    case 'join': {
      for (const name of channels.keys())
        if (!socket.rooms.has(roomOf(actor.appId, name))) channels.delete(name);
      if (!channels.has(channel) && channels.size >= deps.limits.maxChannelsPerSocket)
        throw chatErrors.CHAT_TOO_MANY_CHANNELS();
      const access = await chat.access(actor, channel);
      const history = await chat.history(actor, channel, { limit: 50 });
      channels.set(channel, { moderator: access.moderator });
      await socket.join(roomOf(actor.appId, channel));
      return { history };
    }
    case 'leave':
      channels.delete(channel);
      await socket.leave(roomOf(actor.appId, channel));
      return {};
    case 'message.send': {
      if (!joined()) throw chatErrors.CHAT_NOT_JOINED();
      await limitMessage(deps, socket);
      const moderator = channels.get(channel)?.moderator ?? false;
      const message = await chat.post(actor, channel, payload.text as string, moderator);
      return { message };
    }
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

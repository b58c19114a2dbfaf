import { CHAT_MAX_LENGTH } from '@pnptv/protocol';

/** A parsed channel name. */
export type Channel =
  | { kind: 'stream'; id: string }
  | { kind: 'room'; id: string }
  | { kind: 'community' }
  | { kind: 'dm'; users: [string, string] };

/** Longest id inside a channel name, characters. */
const MAX_ID_LENGTH = 128;
const ID_PATTERN = /^[A-Za-z0-9_.@-]+$/;

function validId(id: string | undefined): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH && ID_PATTERN.test(id);
}

/**
 * Parses `stream:<id>`, `room:<id>`, `community` or `dm:<userA>:<userB>`. DM names must list
 * the two distinct user ids in sorted order, so one pair has exactly one channel. Null if invalid.
 */
export function parseChannel(name: string): Channel | null {
  if (name === 'community') return { kind: 'community' };
  const parts = name.split(':');
  if ((parts[0] === 'stream' || parts[0] === 'room') && parts.length === 2 && validId(parts[1]))
    return { kind: parts[0], id: parts[1] };
  if (parts[0] === 'dm' && parts.length === 3 && validId(parts[1]) && validId(parts[2])) {
    const [a, b] = [parts[1], parts[2]];
    if (a < b) return { kind: 'dm', users: [a, b] };
  }
  return null;
}

/** The canonical channel of the direct messages between two users. */
export function dmChannel(userA: string, userB: string): string {
  return userA < userB ? `dm:${userA}:${userB}` : `dm:${userB}:${userA}`;
}

/**
 * Control characters removed from chat text: C0 except tab and newline, DEL, C1, the bidi
 * overrides and isolates (used to disguise text), zero-width joiners at the edges are kept.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Plain chat text as stored and sent: control characters stripped, line breaks normalised,
 * at most 3 consecutive newlines, trimmed. Nothing is escaped here because nothing is ever
 * rendered as HTML: clients insert it as text. Returns '' when nothing is left.
 */
export function sanitizeText(raw: string): string {
  return raw
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(/\n{4,}/g, '\n\n\n')
    .trim();
}

/** Whether sanitised text fits a message: non-empty and at most CHAT_MAX_LENGTH code points. */
export function textFits(text: string): 'ok' | 'empty' | 'too_long' {
  if (text.length === 0) return 'empty';
  // Count code points, not UTF-16 units, so an emoji counts once.
  let count = 0;
  for (const _ of text) if (++count > CHAT_MAX_LENGTH) return 'too_long';
  return 'ok';
}

/** A rate rule: at most `limit` hits per `windowMs` milliseconds. */
export interface RateRule {
  limit: number;
  windowMs: number;
}

/** Rate limits of the gateway. */
export interface ChatLimits {
  /** Messages per user across all their connections and nodes. */
  messagesPerUser: RateRule;
  /** Messages per client IP (many users may share one address behind NAT). */
  messagesPerIp: RateRule;
  /** Any event per connection, to stop floods of cheap or malformed events. */
  eventsPerSocket: RateRule;
  /** Channels one connection may be in at once. */
  maxChannelsPerSocket: number;
  /** Largest serialised payload of one client event, bytes. */
  maxPayloadBytes: number;
}

/** Default limits: 10 messages per 10 s per user, 600 per 10 s per IP, 50 events per second per socket. */
export const DEFAULT_CHAT_LIMITS: ChatLimits = {
  messagesPerUser: { limit: 10, windowMs: 10_000 },
  messagesPerIp: { limit: 600, windowMs: 10_000 },
  eventsPerSocket: { limit: 50, windowMs: 1_000 },
  maxChannelsPerSocket: 20,
  maxPayloadBytes: 4_096,
};

/** The rate-limiter keys of one message: per user (scoped by app) and per IP. */
export function messageRateKeys(appId: string, userId: string, ip: string): { user: string; ip: string } {
  return { user: `chat:msg:user:${appId}:${userId}`, ip: `chat:msg:ip:${ip}` };
}

/** Who is acting in chat. */
export interface ChatActor {
  appId: string;
  userId: string;
  name: string;
  /** Instance moderators and admins moderate every channel of their app. */
  moderator: boolean;
  /** User tokens carry scopes; sessions can do everything a member can. */
  canRead: boolean;
  canWrite: boolean;
}

/** What the access decision needs to know about a stream channel. */
export interface StreamFacts {
  ownerId: string | null;
  visibility: 'public' | 'followers' | 'subscribers' | 'ticketed';
}

/** The outcome of an access check: allowed, or the error code to refuse with. */
export type AccessDecision =
  | { allowed: true; moderator: boolean }
  | { allowed: false; code: 'CHAT_FORBIDDEN' | 'CHAT_BANNED' | 'CHAT_CHANNEL_NOT_FOUND' };

/**
 * Whether `actor` may join `channel`. `banned` is whether an active ban (channel or app-wide)
 * holds; `stream` is the stream behind a stream channel (null if none). Followers-,
 * subscribers- and ticket-only streams admit only their owner and moderators until those
 * capabilities exist. Rooms are refused until the rooms capability provides them.
 */
export function decideAccess(input: {
  actor: ChatActor;
  channel: Channel;
  banned: boolean;
  stream: StreamFacts | null;
}): AccessDecision {
  const { actor, channel, banned, stream } = input;
  if (!actor.canRead) return { allowed: false, code: 'CHAT_FORBIDDEN' };
  switch (channel.kind) {
    case 'community':
      break;
    case 'dm':
      if (!channel.users.includes(actor.userId)) return { allowed: false, code: 'CHAT_FORBIDDEN' };
      break;
    case 'stream': {
      if (!stream) return { allowed: false, code: 'CHAT_CHANNEL_NOT_FOUND' };
      const owner = stream.ownerId !== null && stream.ownerId === actor.userId;
      if (owner) return { allowed: true, moderator: true };
      if (stream.visibility !== 'public' && !actor.moderator)
        return { allowed: false, code: 'CHAT_FORBIDDEN' };
      break;
    }
    case 'room':
      return { allowed: false, code: 'CHAT_CHANNEL_NOT_FOUND' };
  }
  if (banned && !actor.moderator) return { allowed: false, code: 'CHAT_BANNED' };
  return { allowed: true, moderator: actor.moderator };
}

/** Whether `actor` may delete a message written by `authorId` in a channel where they hold `moderator`. */
export function canDelete(actor: ChatActor, authorId: string, moderator: boolean): boolean {
  return moderator || actor.userId === authorId;
}

/** When a ban or timeout of `durationS` seconds from `now` (epoch ms) ends; null = permanent. */
export function restrictionUntil(now: number, durationS: number | undefined): Date | null {
  return durationS === undefined ? null : new Date(now + durationS * 1000);
}

/** The slow-mode rule of a channel for one poster: none when off or for moderators. */
export function slowModeRule(seconds: number, moderator: boolean): RateRule | null {
  if (seconds <= 0 || moderator) return null;
  return { limit: 1, windowMs: seconds * 1000 };
}

/**
 * Whether a moderation action is allowed: only moderators of the channel act, nobody acts
 * on themselves, and only instance moderators (or the app's bot) ban app-wide.
 */
export function mayModerate(input: {
  actor: ChatActor;
  channelModerator: boolean;
  targetUserId: string;
  appWide: boolean;
}): boolean {
  const { actor, channelModerator, targetUserId, appWide } = input;
  if (targetUserId === actor.userId) return false;
  if (appWide) return actor.moderator;
  return channelModerator;
}

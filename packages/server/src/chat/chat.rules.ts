import {
  CHAT_MAX_LENGTH,
  type ChannelRole,
  type ChannelSettings,
  EDIT_WINDOW_MINUTES,
  type PresenceCounts,
  type PresenceMember,
  REPLY_EXCERPT_LENGTH,
} from '@pnptv/protocol';

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
  /** Whether `userId` is an account of the app (site sessions); token users and bots are guests. */
  account: boolean;
}

/** What the access decision needs to know about a stream channel. */
export interface StreamFacts {
  ownerId: string | null;
  visibility: 'public' | 'followers' | 'subscribers' | 'ticketed';
}

/** The outcome of an access check: allowed, or the error code to refuse with. */
export type AccessDecision =
  | { allowed: true; moderator: boolean; role: ChannelRole }
  | {
      allowed: false;
      code:
        | 'CHAT_FORBIDDEN'
        | 'CHAT_BANNED'
        | 'CHAT_CHANNEL_NOT_FOUND'
        | 'CHAT_SUBSCRIBERS_ONLY'
        | 'CHAT_ACCOUNT_TOO_NEW';
    };

/**
 * Whether `actor` may join `channel`. `banned` is whether an active ban (channel or app-wide)
 * holds; `stream` is the stream behind a stream channel (null if none). `channelModerator`: the
 * actor was appointed moderator of this channel. `entitled`: the actor holds what a gated stream
 * asks (ticket for ticketed, subscription to the owner for subscribers-only streams and for
 * channels set to subscribers-only). `accountAgeOk`: the account is at least the channel's
 * minimum age. Owners and moderators pass every gate. Rooms are refused until the rooms
 * capability provides them.
 */
export function decideAccess(input: {
  actor: ChatActor;
  channel: Channel;
  banned: boolean;
  stream: StreamFacts | null;
  channelModerator?: boolean;
  entitled?: boolean;
  subscribersOnly?: boolean;
  accountAgeOk?: boolean;
}): AccessDecision {
  const { actor, channel, banned, stream } = input;
  if (!actor.canRead) return { allowed: false, code: 'CHAT_FORBIDDEN' };
  const moderator = actor.moderator || input.channelModerator === true;
  const plainRole: ChannelRole = moderator ? 'moderator' : actor.account ? 'member' : 'guest';
  switch (channel.kind) {
    case 'community':
      break;
    case 'dm':
      if (!channel.users.includes(actor.userId)) return { allowed: false, code: 'CHAT_FORBIDDEN' };
      break;
    case 'stream': {
      if (!stream) return { allowed: false, code: 'CHAT_CHANNEL_NOT_FOUND' };
      const owner = stream.ownerId !== null && stream.ownerId === actor.userId;
      if (owner) return { allowed: true, moderator: true, role: 'owner' };
      if (moderator) break;
      if (stream.visibility === 'followers') return { allowed: false, code: 'CHAT_FORBIDDEN' };
      if (stream.visibility !== 'public' && input.entitled !== true)
        return {
          allowed: false,
          code: stream.visibility === 'subscribers' ? 'CHAT_SUBSCRIBERS_ONLY' : 'CHAT_FORBIDDEN',
        };
      break;
    }
    case 'room':
      return { allowed: false, code: 'CHAT_CHANNEL_NOT_FOUND' };
  }
  if (moderator) return { allowed: true, moderator: true, role: plainRole };
  if (banned) return { allowed: false, code: 'CHAT_BANNED' };
  if (input.subscribersOnly && input.entitled !== true)
    return { allowed: false, code: 'CHAT_SUBSCRIBERS_ONLY' };
  if (input.accountAgeOk === false) return { allowed: false, code: 'CHAT_ACCOUNT_TOO_NEW' };
  return { allowed: true, moderator: false, role: plainRole };
}

/** Whether an account created at `createdAtMs` is at least `minAgeS` old at `nowMs`. */
export function accountOldEnough(createdAtMs: number, nowMs: number, minAgeS: number): boolean {
  return minAgeS <= 0 || nowMs - createdAtMs >= minAgeS * 1000;
}

/** Whether the author may still edit a message posted at `createdAtMs`. */
export function withinEditWindow(createdAtMs: number, nowMs: number): boolean {
  return nowMs - createdAtMs <= EDIT_WINDOW_MINUTES * 60_000;
}

/** Default channel settings: no slow mode, no filters, links allowed, no minimum age, open to all. */
export const DEFAULT_CHANNEL_SETTINGS: ChannelSettings = {
  slowModeS: 0,
  blockedWords: [],
  linksAllowed: true,
  minAccountAgeS: 0,
  subscribersOnly: false,
};

const LINK =
  /\b(?:https?:\/\/|www\.)\S|\b[a-z0-9-]{2,}\.(?:com|net|org|io|gg|tv|me|co|app|xyz|ly|info|ru|link)\b/i;

/** Whether text carries a web link (a URL, `www.` or a bare domain of a common top-level domain). */
export function containsLink(text: string): boolean {
  return LINK.test(text);
}

/** Folds text for word matching: lower case, accents removed, runs of non-letters to one space. */
function fold(text: string): string {
  return ` ${text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
}

/**
 * Normalises a channel's blocked-word list: folded, trimmed, deduplicated, empty entries dropped.
 * Each entry is a word or a phrase matched on word boundaries, case- and accent-insensitively.
 */
export function normalizeBlockedWords(words: readonly string[]): string[] {
  const out = new Set<string>();
  for (const word of words) {
    const folded = fold(word).trim();
    if (folded) out.add(folded);
  }
  return [...out];
}

/** Why text breaks a channel's filters, or 'ok'. */
export function checkFilters(
  text: string,
  settings: Pick<ChannelSettings, 'blockedWords' | 'linksAllowed'>,
): 'ok' | 'blocked_word' | 'link' {
  if (settings.blockedWords.length > 0) {
    const folded = fold(text);
    for (const word of settings.blockedWords) if (folded.includes(` ${word} `)) return 'blocked_word';
  }
  if (!settings.linksAllowed && containsLink(text)) return 'link';
  return 'ok';
}

/**
 * Whether a message is visible to a viewer: messages of shadow-banned authors are seen by
 * their author only.
 */
export function visibleTo(message: { authorId: string; shadow: boolean }, viewerId: string): boolean {
  return !message.shadow || message.authorId === viewerId;
}

/** The quoted excerpt of a replied message: its first REPLY_EXCERPT_LENGTH code points, one line. */
export function replyExcerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const points = [...flat];
  return points.length <= REPLY_EXCERPT_LENGTH
    ? flat
    : `${points.slice(0, REPLY_EXCERPT_LENGTH - 1).join('')}…`;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

/** Whether `emoji` is exactly one emoji grapheme (what reactions accept). */
export function isEmoji(emoji: string): boolean {
  if (emoji.length === 0 || emoji.length > 16 || !PICTOGRAPH.test(emoji)) return false;
  let count = 0;
  for (const _ of segmenter.segment(emoji)) if (++count > 1) return false;
  return true;
}

/** Reaction counts per emoji from (emoji, count) rows, omitting zeros. */
export function reactionCounts(
  rows: readonly { emoji: string; count: number | string | bigint }[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) {
    const n = Number(row.count);
    if (n > 0) out[row.emoji] = (out[row.emoji] ?? 0) + n;
  }
  return out;
}

/**
 * Floating live reactions of one tick: counts per emoji per channel key, drained once a tick so
 * a burst of thousands becomes one small event per channel.
 */
export class LiveReactionTally {
  #counts = new Map<string, { channel: string; counts: Record<string, number> }>();

  add(key: string, channel: string, emoji: string, by = 1): void {
    let entry = this.#counts.get(key);
    if (!entry) {
      entry = { channel, counts: {} };
      this.#counts.set(key, entry);
    }
    entry.counts[emoji] = (entry.counts[emoji] ?? 0) + by;
  }

  /** The tallies since the last drain, by key; empties the tally. */
  drain(): Map<string, { channel: string; counts: Record<string, number> }> {
    const out = this.#counts;
    this.#counts = new Map();
    return out;
  }
}

/** Seconds between two typing signals of one user in one channel that are passed on. */
export const TYPING_THROTTLE_MS = 2_000;

/** Whether a typing signal at `nowMs` passes the throttle given the last one passed on. */
export function typingPasses(lastMs: number | undefined, nowMs: number): boolean {
  return lastMs === undefined || nowMs - lastMs >= TYPING_THROTTLE_MS;
}

/** Presence counts of a list of members. */
export function presenceCounts(members: Iterable<Pick<PresenceMember, 'role'>>): PresenceCounts {
  const counts: PresenceCounts = { total: 0, owners: 0, moderators: 0, members: 0, guests: 0 };
  for (const m of members) {
    counts.total++;
    if (m.role === 'owner') counts.owners++;
    else if (m.role === 'moderator') counts.moderators++;
    else if (m.role === 'member') counts.members++;
    else counts.guests++;
  }
  return counts;
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

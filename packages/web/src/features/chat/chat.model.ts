import { CHAT_MAX_LENGTH } from '@pnptv/protocol';

/** A platform or channel role shown as a badge next to a name. */
export type ChatRole = 'owner' | 'admin' | 'moderator' | 'creator' | 'member' | 'guest';

/** One emoji's reactions on a message; `mine` when the viewer is among them. */
export interface ReactionCount {
  emoji: string;
  count: number;
  mine: boolean;
}

/** What a reply shows of the message it answers. */
export interface ReplyPreview {
  id: string;
  authorName: string;
  excerpt: string;
}

/** A chat message as the panel keeps it. Text is plain text and is only ever rendered as text. */
export interface ChatItem {
  id: string;
  channel: string;
  author: { id: string; name: string };
  text: string;
  createdAt: string;
  editedAt?: string | null;
  replyTo?: ReplyPreview | null;
  /** Reaction counts per emoji. */
  reactions?: Record<string, number>;
}

/** Consecutive messages of one author, shown under one name. */
export interface MessageGroup {
  key: string;
  author: ChatItem['author'];
  items: ChatItem[];
}

/** Longest pause inside one group of messages by the same author, ms. */
export const GROUP_GAP_MS = 5 * 60_000;

function byTime(a: ChatItem, b: ChatItem): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Adds `incoming` messages to `current` (oldest first): a message already present is
 * replaced by the incoming version (edits), and the result is sorted by time.
 */
export function mergeMessages(current: readonly ChatItem[], incoming: readonly ChatItem[]): ChatItem[] {
  if (incoming.length === 0) return current as ChatItem[];
  const byId = new Map(current.map((item) => [item.id, item]));
  for (const item of incoming) {
    const old = byId.get(item.id);
    byId.set(item.id, old ? { ...old, ...item, reactions: item.reactions ?? old.reactions } : item);
  }
  return [...byId.values()].sort(byTime);
}

/** Drops at most `max` of the oldest messages beyond `max` kept in memory. */
export function keepNewest(items: ChatItem[], max: number): ChatItem[] {
  return items.length > max ? items.slice(items.length - max) : items;
}

/**
 * Groups messages (oldest first) into runs by the same author with no pause longer than
 * `gapMs`; a reply always starts a new group so its context is shown under a name.
 */
export function groupMessages(items: readonly ChatItem[], gapMs = GROUP_GAP_MS): MessageGroup[] {
  const groups: MessageGroup[] = [];
  let last: ChatItem | null = null;
  for (const item of items) {
    const current = groups[groups.length - 1];
    const continues =
      current &&
      last &&
      last.author.id === item.author.id &&
      !item.replyTo &&
      Date.parse(item.createdAt) - Date.parse(last.createdAt) <= gapMs;
    if (continues) current.items.push(item);
    else groups.push({ key: item.id, author: item.author, items: [item] });
    last = item;
  }
  return groups;
}

/**
 * The reactions of a message to show: emoji with a positive count, most used first (ties keep
 * the server's order), each marked when the viewer reacted with it.
 */
export function reactionList(
  counts: Readonly<Record<string, number>> | undefined,
  mine: ReadonlySet<string>,
): ReactionCount[] {
  return Object.entries(counts ?? {})
    .filter(([, count]) => Number.isFinite(count) && count > 0)
    .map(([emoji, count], index) => ({ r: { emoji, count, mine: mine.has(emoji) }, index }))
    .sort((a, b) => b.r.count - a.r.count || a.index - b.index)
    .map(({ r }) => r);
}

/** `items` with the reaction counts of message `id` replaced. */
export function setReactions(
  items: readonly ChatItem[],
  id: string,
  reactions: Record<string, number>,
): ChatItem[] {
  return items.map((item) => (item.id === id ? { ...item, reactions } : item));
}

/** Floating reactions of one tick, `{ emoji: count }`, added to the running totals. */
export function addFloatingCounts(
  totals: Readonly<Record<string, number>>,
  tick: Readonly<Record<string, number>>,
): Record<string, number> {
  const next = { ...totals };
  for (const [emoji, count] of Object.entries(tick)) {
    if (Number.isFinite(count) && count > 0) next[emoji] = (next[emoji] ?? 0) + Math.floor(count);
  }
  return next;
}

/**
 * How many floating bubbles to draw for one tick's counts: one per reaction up to `cap` per
 * emoji, so a burst of thousands stays light.
 */
export function bubblesFor(tick: Readonly<Record<string, number>>, cap = 6): string[] {
  const bubbles: string[] = [];
  for (const [emoji, count] of Object.entries(tick)) {
    const n = Math.min(cap, Math.max(0, Math.floor(count)));
    for (let i = 0; i < n; i++) bubbles.push(emoji);
  }
  return bubbles;
}

/** Length of text as the server counts it (code points, so an emoji counts once). */
export function textLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Characters left in the composer; negative when over the limit. */
export function charactersLeft(text: string, max = CHAT_MAX_LENGTH): number {
  return max - textLength(text.trim());
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/**
 * "now", "3 min ago", "yesterday"… in `locale`, for `iso` seen at `now` (epoch ms). Under a
 * minute counts as now; future times (clock skew) too.
 */
export function relativeTime(iso: string, now: number, locale: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  const diff = Date.parse(iso) - now;
  if (!Number.isFinite(diff) || diff > -60_000) return format.format(0, 'second');
  for (const [unit, ms] of UNITS) {
    if (-diff >= ms) return format.format(Math.round(diff / ms), unit);
  }
  return format.format(0, 'second');
}

/** Whether a platform role may moderate chat everywhere. */
export function isPlatformModerator(role: string | null | undefined): boolean {
  return role === 'moderator' || role === 'admin';
}

/** The names shown as typing: others only, still fresh at `now`, at most `max`. */
export function typingNames(
  typing: ReadonlyMap<string, { name: string; until: number }>,
  selfId: string | null,
  now: number,
  max = 3,
): string[] {
  const names: string[] = [];
  for (const [userId, entry] of typing) {
    if (userId === selfId || entry.until <= now) continue;
    names.push(entry.name);
  }
  return names.slice(0, max);
}

/** One person in a channel's presence list. */
export interface PresenceMember {
  id: string;
  name: string;
  role: ChatRole;
}

/** The presence list after a diff: `left` removed, `joined` added or updated, sorted by role then name. */
export function applyPresenceDiff(
  current: readonly PresenceMember[],
  diff: { joined?: PresenceMember[]; left?: string[] },
): PresenceMember[] {
  const map = new Map(current.map((m) => [m.id, m]));
  for (const userId of diff.left ?? []) map.delete(userId);
  for (const member of diff.joined ?? []) map.set(member.id, member);
  return sortMembers([...map.values()]);
}

const ROLE_ORDER: Record<string, number> = {
  owner: 0,
  admin: 1,
  moderator: 2,
  creator: 3,
  member: 4,
  guest: 5,
};

/** Members sorted: staff first, then by name. */
export function sortMembers(members: PresenceMember[]): PresenceMember[] {
  return members.sort(
    (a, b) => (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9) || a.name.localeCompare(b.name),
  );
}

/** Counts of a presence list by role group. */
export function presenceCounts(members: readonly PresenceMember[]): {
  total: number;
  moderators: number;
  members: number;
  guests: number;
} {
  let moderators = 0;
  let guests = 0;
  for (const m of members) {
    if (m.role === 'owner' || m.role === 'admin' || m.role === 'moderator') moderators++;
    else if (m.role === 'guest') guests++;
  }
  return { total: members.length, moderators, members: members.length - moderators - guests, guests };
}

/** Share of `capacity` in use, 0–100, one decimal. */
export function utilisation(active: number, capacity: number): number {
  if (capacity <= 0) return 0;
  return Math.min(100, Math.round((active / capacity) * 1000) / 10);
}

/** "1 h 05 min", "12 min", "40 s" from seconds. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min`;
  return `${s % 60} s`;
}

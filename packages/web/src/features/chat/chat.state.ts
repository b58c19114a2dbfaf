import {
  applyPresenceDiff,
  type ChatItem,
  type ChatRole,
  keepNewest,
  mergeMessages,
  type PresenceMember,
  setReactions,
  sortMembers,
} from './chat.model.ts';
import type { JoinResult, PresenceCountsWire, WireEvent } from './chat.realtime.ts';

/** Most messages one panel keeps in memory. */
export const MAX_MESSAGES = 600;
/** How long a typing notice lasts without a new one, ms. */
export const TYPING_TTL_MS = 3_500;

/** Everything one chat panel shows, driven by the channel's events. */
export interface ChatState {
  phase: 'connecting' | 'joined' | 'refused';
  refusal: string | null;
  messages: ChatItem[];
  /** Cursor of the next older page; null when the start of the channel is loaded. */
  olderCursor: string | null;
  role: ChatRole | null;
  members: PresenceMember[];
  counts: PresenceCountsWire | null;
  typing: Map<string, { name: string; until: number }>;
  /** Emoji the viewer reacted with, per message id. */
  mine: Map<string, Set<string>>;
  /** When the viewer's timeout ends (ISO), if timed out. */
  mutedUntil: string | null;
  slowModeS: number;
  /** Floating reactions received in one tick, to animate; `seq` changes with every tick. */
  floating: { seq: number; counts: Record<string, number> };
  /** Running totals of floating reactions since the panel opened. */
  floatingTotals: Record<string, number>;
}

/** What changes the state. */
export type ChatAction =
  | { type: 'joined'; result: JoinResult | null }
  | { type: 'refused'; code: string }
  | { type: 'older'; items: ChatItem[]; nextCursor: string | null }
  | { type: 'history'; items: ChatItem[]; nextCursor: string | null }
  | { type: 'events'; events: WireEvent[]; selfId: string | null; now: number }
  | { type: 'sent'; message: ChatItem }
  | { type: 'reacted'; messageId: string; emoji: string; on: boolean; reactions?: Record<string, number> }
  | { type: 'removed'; messageId: string }
  | { type: 'muted'; until: string | null }
  | { type: 'tick'; now: number };

/** The state of a panel before its channel is joined. */
export function initialChatState(): ChatState {
  return {
    phase: 'connecting',
    refusal: null,
    messages: [],
    olderCursor: null,
    role: null,
    members: [],
    counts: null,
    typing: new Map(),
    mine: new Map(),
    mutedUntil: null,
    slowModeS: 0,
    floating: { seq: 0, counts: {} },
    floatingTotals: {},
  };
}

function asItems(items: unknown): ChatItem[] {
  return Array.isArray(items) ? (items as ChatItem[]) : [];
}

function oldestFirst(items: ChatItem[]): ChatItem[] {
  return [...items].reverse();
}

function applyEvent(state: ChatState, event: WireEvent, selfId: string | null, now: number): ChatState {
  const data = (event.data ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case 'chat.message.new':
    case 'chat.message.edited':
      return {
        ...state,
        messages: keepNewest(mergeMessages(state.messages, [data as unknown as ChatItem]), MAX_MESSAGES),
      };
    case 'chat.message.deleted':
      return { ...state, messages: state.messages.filter((m) => m.id !== data.id) };
    case 'chat.message.reactions':
      return {
        ...state,
        messages: setReactions(
          state.messages,
          String(data.id),
          (data.reactions ?? {}) as Record<string, number>,
        ),
      };
    case 'chat.cleared':
      return { ...state, messages: [], olderCursor: null };
    case 'user.banned':
      if (data.userId !== selfId) return state;
      return { ...state, phase: 'refused', refusal: 'CHAT_BANNED' };
    case 'user.muted':
      if (data.userId !== selfId) return state;
      return { ...state, mutedUntil: typeof data.until === 'string' ? data.until : null };
    case 'chat.moderation': {
      if (data.action === 'slowmode') return { ...state, slowModeS: Number(data.seconds) || 0 };
      const settings = data.settings as { slowModeS?: number } | undefined;
      if (data.action === 'settings' && settings)
        return { ...state, slowModeS: Number(settings.slowModeS) || 0 };
      return state;
    }
    case 'reaction.sent': {
      const counts = (data.counts ?? {}) as Record<string, number>;
      const totals = { ...state.floatingTotals };
      for (const [emoji, n] of Object.entries(counts))
        if (Number.isFinite(n) && n > 0) totals[emoji] = (totals[emoji] ?? 0) + Math.floor(n);
      return { ...state, floating: { seq: state.floating.seq + 1, counts }, floatingTotals: totals };
    }
    case 'typing': {
      const typing = new Map(state.typing);
      for (const user of (data.users ?? []) as { id: string; name: string }[]) {
        if (user.id !== selfId) typing.set(user.id, { name: user.name, until: now + TYPING_TTL_MS });
      }
      return { ...state, typing };
    }
    case 'presence': {
      const typing = new Map(state.typing);
      for (const id of (data.left ?? []) as string[]) typing.delete(id);
      return {
        ...state,
        typing,
        members: applyPresenceDiff(state.members, {
          joined: (data.joined ?? []) as PresenceMember[],
          left: (data.left ?? []) as string[],
        }),
        counts: (data.counts as PresenceCountsWire | undefined) ?? state.counts,
      };
    }
    default:
      return state;
  }
}

/** The chat panel's reducer. */
export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'joined': {
      const result = action.result;
      const next: ChatState = { ...state, phase: 'joined', refusal: null };
      if (!result) return next;
      next.messages = keepNewest(
        mergeMessages(state.messages, oldestFirst(asItems(result.history?.items))),
        MAX_MESSAGES,
      );
      if (state.messages.length === 0) next.olderCursor = result.history?.nextCursor ?? null;
      if (result.role) next.role = result.role;
      if (result.presence) {
        next.members = sortMembers([...result.presence.members]);
        next.counts = result.presence.counts;
      }
      return next;
    }
    case 'history':
      return {
        ...state,
        messages: keepNewest(mergeMessages(state.messages, oldestFirst(action.items)), MAX_MESSAGES),
        olderCursor: state.messages.length === 0 ? action.nextCursor : state.olderCursor,
      };
    case 'refused':
      return { ...state, phase: 'refused', refusal: action.code };
    case 'older':
      return {
        ...state,
        messages: mergeMessages(state.messages, oldestFirst(action.items)),
        olderCursor: action.nextCursor,
      };
    case 'events': {
      let next = state;
      for (const event of action.events) next = applyEvent(next, event, action.selfId, action.now);
      return next;
    }
    case 'sent':
      return {
        ...state,
        messages: keepNewest(mergeMessages(state.messages, [action.message]), MAX_MESSAGES),
      };
    case 'reacted': {
      const mine = new Map(state.mine);
      const set = new Set(mine.get(action.messageId) ?? []);
      if (action.on) set.add(action.emoji);
      else set.delete(action.emoji);
      mine.set(action.messageId, set);
      const messages = action.reactions
        ? setReactions(state.messages, action.messageId, action.reactions)
        : state.messages;
      return { ...state, mine, messages };
    }
    case 'removed':
      return { ...state, messages: state.messages.filter((m) => m.id !== action.messageId) };
    case 'muted':
      return { ...state, mutedUntil: action.until };
    case 'tick': {
      let changed = false;
      const typing = new Map(state.typing);
      for (const [id, entry] of typing)
        if (entry.until <= action.now) {
          typing.delete(id);
          changed = true;
        }
      const mutedOver = state.mutedUntil !== null && Date.parse(state.mutedUntil) <= action.now;
      if (!changed && !mutedOver) return state;
      return { ...state, typing, mutedUntil: mutedOver ? null : state.mutedUntil };
    }
  }
}

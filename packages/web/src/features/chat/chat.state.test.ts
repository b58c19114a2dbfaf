import type { ChatMessage } from '@pnptv/protocol';
import { describe, expect, it } from 'vitest';
import { chatReducer, initialChatState, TYPING_TTL_MS } from './chat.state.ts';
import { applyMembersDiff, filterLog, type ModerationLogEntry } from './community.api.ts';

const T0 = Date.parse('2026-11-23T20:00:00.000Z');

function msg(id: string, offsetS: number, authorId = 'u1'): ChatMessage {
  return {
    id,
    channel: 'community',
    author: { id: authorId, name: authorId },
    text: id,
    createdAt: new Date(T0 + offsetS * 1000).toISOString(),
    editedAt: null,
    replyTo: null,
    reactions: {},
  };
}

describe('chatReducer', () => {
  it('takes history (newest first) on join with role and presence, then live events', () => {
    let state = chatReducer(initialChatState(), {
      type: 'joined',
      result: {
        history: { items: [msg('m2', 2), msg('m1', 1)], nextCursor: 'm1' },
        role: 'moderator',
        presence: {
          members: [{ id: 'u1', name: 'Ana', role: 'member' }],
          counts: { total: 1, owners: 0, moderators: 0, members: 1, guests: 0 },
        },
      },
    });
    expect(state.phase).toBe('joined');
    expect(state.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(state.olderCursor).toBe('m1');
    expect(state.role).toBe('moderator');

    state = chatReducer(state, {
      type: 'events',
      selfId: 'me',
      now: T0,
      events: [
        { type: 'chat.message.new', data: msg('m3', 3) },
        { type: 'chat.message.reactions', data: { id: 'm3', channel: 'community', reactions: { '🔥': 2 } } },
        { type: 'chat.message.deleted', data: { id: 'm1', channel: 'community', deletedBy: 'x' } },
        {
          type: 'presence',
          data: {
            channel: 'community',
            joined: [{ id: 'u2', name: 'Bo', role: 'guest' }],
            left: [],
            counts: null,
          },
        },
        {
          type: 'typing',
          data: {
            channel: 'community',
            users: [
              { id: 'u2', name: 'Bo' },
              { id: 'me', name: 'Me' },
            ],
          },
        },
        { type: 'reaction.sent', data: { channel: 'community', counts: { '❤️': 3 } } },
        { type: 'something.new', data: {} },
      ],
    });
    expect(state.messages.map((m) => m.id)).toEqual(['m2', 'm3']);
    expect(state.messages[1]?.reactions).toEqual({ '🔥': 2 });
    expect(state.members.map((m) => m.id)).toEqual(['u1', 'u2']);
    expect([...state.typing.keys()]).toEqual(['u2']);
    expect(state.floatingTotals).toEqual({ '❤️': 3 });
    expect(state.floating.seq).toBe(1);

    state = chatReducer(state, { type: 'tick', now: T0 + TYPING_TTL_MS + 1 });
    expect(state.typing.size).toBe(0);
  });

  it('applies a timeout of the viewer until it ends, and a ban as a refusal', () => {
    const until = new Date(T0 + 300_000).toISOString();
    let state = chatReducer(initialChatState(), {
      type: 'events',
      selfId: 'me',
      now: T0,
      events: [
        { type: 'user.muted', data: { channel: 'community', userId: 'other', until } },
        { type: 'user.muted', data: { channel: 'community', userId: 'me', until } },
      ],
    });
    expect(state.mutedUntil).toBe(until);
    state = chatReducer(state, { type: 'tick', now: T0 + 300_001 });
    expect(state.mutedUntil).toBeNull();
    state = chatReducer(state, {
      type: 'events',
      selfId: 'me',
      now: T0,
      events: [
        { type: 'user.banned', data: { channel: 'community', userId: 'me', appWide: false, until: null } },
      ],
    });
    expect(state).toMatchObject({ phase: 'refused', refusal: 'CHAT_BANNED' });
  });

  it('empties the list when the chat is cleared and follows slow mode', () => {
    let state = chatReducer(initialChatState(), { type: 'history', items: [msg('m1', 1)], nextCursor: null });
    state = chatReducer(state, {
      type: 'events',
      selfId: 'me',
      now: T0,
      events: [
        { type: 'chat.cleared', data: { channel: 'community', by: 'mod' } },
        { type: 'chat.moderation', data: { channel: 'community', action: 'slowmode', seconds: 30 } },
      ],
    });
    expect(state.messages).toEqual([]);
    expect(state.slowModeS).toBe(30);
  });

  it('tracks the viewer’s own reactions and rolls them back', () => {
    let state = chatReducer(initialChatState(), { type: 'reacted', messageId: 'm1', emoji: '👍', on: true });
    expect(state.mine.get('m1')?.has('👍')).toBe(true);
    state = chatReducer(state, { type: 'reacted', messageId: 'm1', emoji: '👍', on: false });
    expect(state.mine.get('m1')?.has('👍')).toBe(false);
  });
});

describe('filterLog', () => {
  const entry = (id: string, action: string, actorName: string): ModerationLogEntry => ({
    id,
    channel: 'community',
    actorId: `usr_${actorName.toLowerCase()}`,
    actorName,
    action,
    targetId: null,
    data: {},
    createdAt: new Date(T0).toISOString(),
  });
  const entries = [entry('1', 'ban', 'Mona'), entry('2', 'timeout', 'Mona'), entry('3', 'timeout', 'Rick')];

  it('filters by action and by actor name or id', () => {
    expect(filterLog(entries, { action: 'timeout' }).map((e) => e.id)).toEqual(['2', '3']);
    expect(filterLog(entries, { actor: 'mo' }).map((e) => e.id)).toEqual(['1', '2']);
    expect(filterLog(entries, { actor: 'usr_rick', action: 'timeout' }).map((e) => e.id)).toEqual(['3']);
    expect(filterLog(entries, {})).toHaveLength(3);
  });
});

describe('applyMembersDiff', () => {
  it('removes who left, upserts who joined and recounts', () => {
    const member = (id: string, joinedAt: string, muted = false) => ({
      id,
      name: id,
      role: 'member' as const,
      joinedAt,
      muted,
    });
    const occupancy = {
      roomId: 'community:app_site',
      activeUsers: 2,
      maxCapacity: 4,
      utilizationPercent: 50,
      users: [member('a', '2026-11-23T20:00:00Z'), member('b', '2026-11-23T20:01:00Z')],
      timestamp: '2026-11-23T20:02:00Z',
    };
    const next = applyMembersDiff(occupancy, {
      left: ['b'],
      joined: [member('c', '2026-11-23T20:03:00Z'), member('a', '2026-11-23T20:00:00Z', true)],
    });
    expect(next.users.map((u) => [u.id, u.muted])).toEqual([
      ['a', true],
      ['c', false],
    ]);
    expect(next).toMatchObject({ activeUsers: 2, utilizationPercent: 50 });
    expect(applyMembersDiff(occupancy, { left: ['a', 'b'] })).toMatchObject({
      activeUsers: 0,
      utilizationPercent: 0,
    });
  });
});

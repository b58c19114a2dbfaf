import { describe, expect, it } from 'vitest';
import {
  addFloatingCounts,
  applyPresenceDiff,
  bubblesFor,
  type ChatItem,
  charactersLeft,
  formatDuration,
  groupMessages,
  mergeMessages,
  presenceCounts,
  reactionList,
  relativeTime,
  setReactions,
  textLength,
  typingNames,
  utilisation,
} from './chat.model.ts';

const T0 = Date.parse('2026-11-23T20:00:00.000Z');

function msg(id: string, authorId: string, offsetS: number, extra: Partial<ChatItem> = {}): ChatItem {
  return {
    id,
    channel: 'community',
    author: { id: authorId, name: authorId.toUpperCase() },
    text: `text ${id}`,
    createdAt: new Date(T0 + offsetS * 1000).toISOString(),
    ...extra,
  };
}

describe('mergeMessages', () => {
  it('adds new messages in time order and replaces edited ones without losing reactions', () => {
    const current = [msg('m1', 'a', 0, { reactions: { '🔥': 2 } }), msg('m3', 'b', 20)];
    const merged = mergeMessages(current, [
      msg('m2', 'a', 10),
      msg('m1', 'a', 0, { text: 'edited', editedAt: new Date(T0 + 30_000).toISOString() }),
    ]);
    expect(merged.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(merged[0]).toMatchObject({ text: 'edited', reactions: { '🔥': 2 } });
  });

  it('ignores duplicates of the same message', () => {
    const current = [msg('m1', 'a', 0)];
    expect(mergeMessages(current, [msg('m1', 'a', 0)])).toHaveLength(1);
    expect(mergeMessages(current, [])).toBe(current);
  });
});

describe('groupMessages', () => {
  it('groups consecutive messages of one author within five minutes', () => {
    const groups = groupMessages([
      msg('1', 'a', 0),
      msg('2', 'a', 60),
      msg('3', 'b', 90),
      msg('4', 'a', 100),
      msg('5', 'a', 100 + 6 * 60),
    ]);
    expect(groups.map((g) => [g.author.id, g.items.map((m) => m.id)])).toEqual([
      ['a', ['1', '2']],
      ['b', ['3']],
      ['a', ['4']],
      ['a', ['5']],
    ]);
  });

  it('starts a new group for a reply', () => {
    const groups = groupMessages([
      msg('1', 'a', 0),
      msg('2', 'a', 5, { replyTo: { id: 'x', authorName: 'B', excerpt: 'hi' } }),
    ]);
    expect(groups).toHaveLength(2);
  });
});

describe('reactions', () => {
  it('lists positive counts, most used first, marking the viewer’s own', () => {
    expect(reactionList({ '👍': 1, '🔥': 3, '😂': 0, '❤️': 1 }, new Set(['👍']))).toEqual([
      { emoji: '🔥', count: 3, mine: false },
      { emoji: '👍', count: 1, mine: true },
      { emoji: '❤️', count: 1, mine: false },
    ]);
    expect(reactionList(undefined, new Set())).toEqual([]);
  });

  it('replaces the counts of one message', () => {
    const items = [msg('m1', 'a', 0, { reactions: { '👍': 1 } }), msg('m2', 'a', 1)];
    const next = setReactions(items, 'm1', { '👍': 2, '🔥': 1 });
    expect(next[0]?.reactions).toEqual({ '👍': 2, '🔥': 1 });
    expect(next[1]).toBe(items[1]);
  });

  it('adds floating counts per tick and caps bubbles per emoji', () => {
    expect(addFloatingCounts({ '🔥': 2 }, { '🔥': 3, '❤️': 1, bad: -4 })).toEqual({ '🔥': 5, '❤️': 1 });
    expect(bubblesFor({ '🔥': 1000, '❤️': 2 }, 4)).toEqual(['🔥', '🔥', '🔥', '🔥', '❤️', '❤️']);
  });
});

describe('relativeTime', () => {
  it('says now under a minute and uses the locale', () => {
    expect(relativeTime(new Date(T0 - 10_000).toISOString(), T0, 'en')).toBe('now');
    expect(relativeTime(new Date(T0 + 5_000).toISOString(), T0, 'en')).toBe('now');
    expect(relativeTime(new Date(T0 - 3 * 60_000).toISOString(), T0, 'en')).toBe('3 min. ago');
    expect(relativeTime(new Date(T0 - 2 * 3_600_000).toISOString(), T0, 'en')).toBe('2 hr. ago');
    expect(relativeTime(new Date(T0 - 86_400_000).toISOString(), T0, 'en')).toBe('yesterday');
    expect(relativeTime(new Date(T0 - 86_400_000).toISOString(), T0, 'es')).toBe('ayer');
  });
});

describe('composer length', () => {
  it('counts code points of the trimmed text', () => {
    expect(textLength('👍🏽a')).toBe(3);
    expect(charactersLeft('  hi  ', 10)).toBe(8);
    expect(charactersLeft('x'.repeat(12), 10)).toBe(-2);
  });
});

describe('typing and presence', () => {
  it('lists fresh typers other than the viewer', () => {
    const typing = new Map([
      ['me', { name: 'Me', until: T0 + 1000 }],
      ['a', { name: 'Ana', until: T0 + 1000 }],
      ['b', { name: 'Bo', until: T0 - 1 }],
    ]);
    expect(typingNames(typing, 'me', T0)).toEqual(['Ana']);
  });

  it('applies presence diffs and counts roles', () => {
    const list = applyPresenceDiff(
      [
        { id: 'a', name: 'Zed', role: 'member' },
        { id: 'b', name: 'Bo', role: 'guest' },
      ],
      { joined: [{ id: 'm', name: 'Mod', role: 'moderator' }], left: ['b'] },
    );
    expect(list.map((m) => m.id)).toEqual(['m', 'a']);
    expect(presenceCounts(list)).toEqual({ total: 2, moderators: 1, members: 1, guests: 0 });
  });

  it('computes utilisation and durations', () => {
    expect(utilisation(250, 1000)).toBe(25);
    expect(utilisation(1, 3)).toBe(33.3);
    expect(utilisation(5, 0)).toBe(0);
    expect(formatDuration(40)).toBe('40 s');
    expect(formatDuration(3900)).toBe('1 h 05 min');
    expect(formatDuration(90_000)).toBe('1 d 1 h');
  });
});

import type { ChannelEvent } from '@pnptv/protocol';
import { describe, expect, it } from 'vitest';
import { ChannelBatcher, forwardBusEvent, isEphemeral } from './chat.fanout.ts';
import { PresenceRegistry } from './chat.presence.ts';
import {
  accountOldEnough,
  type ChatActor,
  checkFilters,
  containsLink,
  decideAccess,
  isEmoji,
  LiveReactionTally,
  normalizeBlockedWords,
  parseChannel,
  presenceCounts,
  reactionCounts,
  replyExcerpt,
  typingPasses,
  visibleTo,
  withinEditWindow,
} from './chat.rules.ts';

const member: ChatActor = {
  appId: 'app_site',
  userId: 'usr_a',
  name: 'A',
  moderator: false,
  canRead: true,
  canWrite: true,
  account: true,
};

describe('filters', () => {
  const words = normalizeBlockedWords(['Spam', '  bad WORD ', 'spam', '', 'Café']);

  it('normalises blocked words: folded, deduplicated, empty dropped', () => {
    expect(words).toEqual(['spam', 'bad word', 'cafe']);
  });

  it('matches whole words and phrases, case- and accent-insensitively, not inside other words', () => {
    const settings = { blockedWords: words, linksAllowed: true };
    expect(checkFilters('this is SPAM!', settings)).toBe('blocked_word');
    expect(checkFilters('a Bad   word here', settings)).toBe('blocked_word');
    expect(checkFilters('un CAFÉ por favor', settings)).toBe('blocked_word');
    expect(checkFilters('spammer and badword', settings)).toBe('ok');
  });

  it('refuses links only where links are off', () => {
    for (const text of ['see https://x.y/z', 'www.example', 'go to evil.com now', 'EVIL.TV'])
      expect(containsLink(text)).toBe(true);
    for (const text of ['hello there', 'version 1.2.3', 'e.g. this']) expect(containsLink(text)).toBe(false);
    expect(checkFilters('visit evil.com', { blockedWords: [], linksAllowed: false })).toBe('link');
    expect(checkFilters('visit evil.com', { blockedWords: [], linksAllowed: true })).toBe('ok');
  });
});

describe('shadow ban visibility, edit window, replies, account age', () => {
  it('shows a shadow message to its author only', () => {
    expect(visibleTo({ authorId: 'usr_a', shadow: true }, 'usr_a')).toBe(true);
    expect(visibleTo({ authorId: 'usr_a', shadow: true }, 'usr_b')).toBe(false);
    expect(visibleTo({ authorId: 'usr_a', shadow: false }, 'usr_b')).toBe(true);
  });

  it('lets authors edit for 15 minutes', () => {
    const t = Date.UTC(2030, 0, 1);
    expect(withinEditWindow(t, t + 15 * 60_000)).toBe(true);
    expect(withinEditWindow(t, t + 15 * 60_000 + 1)).toBe(false);
  });

  it('quotes a short one-line excerpt of the replied message', () => {
    expect(replyExcerpt('hello\n  world')).toBe('hello world');
    const long = replyExcerpt('😀'.repeat(200));
    expect([...long]).toHaveLength(80);
    expect(long.endsWith('…')).toBe(true);
  });

  it('checks the minimum account age', () => {
    expect(accountOldEnough(0, 10_000, 10)).toBe(true);
    expect(accountOldEnough(0, 9_999, 10)).toBe(false);
    expect(accountOldEnough(0, 0, 0)).toBe(true);
  });
});

describe('access with roles, subscriptions and account age', () => {
  const subscribers = { ownerId: 'usr_owner', visibility: 'subscribers' as const };
  const channel = parseChannel('stream:s')!;

  it('admits subscribers to subscribers-only streams and refuses others with a clear code', () => {
    expect(decideAccess({ actor: member, channel, banned: false, stream: subscribers })).toEqual({
      allowed: false,
      code: 'CHAT_SUBSCRIBERS_ONLY',
    });
    expect(
      decideAccess({ actor: member, channel, banned: false, stream: subscribers, entitled: true }),
    ).toEqual({
      allowed: true,
      moderator: false,
      role: 'member',
    });
  });

  it('makes appointed channel moderators moderators, and guests of token users', () => {
    const community = parseChannel('community')!;
    expect(
      decideAccess({ actor: member, channel: community, banned: true, stream: null, channelModerator: true }),
    ).toEqual({ allowed: true, moderator: true, role: 'moderator' });
    expect(
      decideAccess({ actor: { ...member, account: false }, channel: community, banned: false, stream: null }),
    ).toMatchObject({ role: 'guest' });
    expect(
      decideAccess({ actor: member, channel: community, banned: false, stream: null, accountAgeOk: false }),
    ).toEqual({ allowed: false, code: 'CHAT_ACCOUNT_TOO_NEW' });
    expect(
      decideAccess({ actor: member, channel: community, banned: false, stream: null, subscribersOnly: true }),
    ).toEqual({ allowed: false, code: 'CHAT_SUBSCRIBERS_ONLY' });
  });
});

describe('reactions', () => {
  it('accepts exactly one emoji', () => {
    for (const e of ['👍', '❤️', '👩‍👩‍👧', '🇨🇴', '👍🏽']) expect(isEmoji(e)).toBe(true);
    for (const e of ['', 'a', '👍👍', '<b>', ':)', '👍a']) expect(isEmoji(e)).toBe(false);
  });

  it('counts reactions per emoji', () => {
    expect(
      reactionCounts([
        { emoji: '👍', count: '2' },
        { emoji: '❤️', count: 1 },
        { emoji: '😂', count: 0 },
      ]),
    ).toEqual({ '👍': 2, '❤️': 1 });
  });

  it('aggregates floating reactions per channel per tick', () => {
    const tally = new LiveReactionTally();
    for (let i = 0; i < 1000; i++) tally.add('app|stream:s', 'stream:s', i % 4 ? '🔥' : '❤️');
    tally.add('app|community', 'community', '👏');
    const drained = tally.drain();
    expect(drained.get('app|stream:s')).toEqual({ channel: 'stream:s', counts: { '🔥': 750, '❤️': 250 } });
    expect(drained.get('app|community')?.counts).toEqual({ '👏': 1 });
    expect(tally.drain().size).toBe(0);
  });

  it('throttles typing signals to one per 2 s per user and channel', () => {
    expect(typingPasses(undefined, 0)).toBe(true);
    expect(typingPasses(0, 1_999)).toBe(false);
    expect(typingPasses(0, 2_000)).toBe(true);
  });
});

describe('bus events to channels', () => {
  it('forwards gifts and tips as `gift` and viewer counts as `viewers` to the stream channel', () => {
    const gift = { id: 'gft_1', streamId: 'str_1', giftName: 'Rose', coins: 5 };
    expect(forwardBusEvent({ type: 'gift.sent', data: gift })).toEqual({
      channel: 'stream:str_1',
      event: { type: 'gift', data: { ...gift, kind: 'gift' } },
    });
    expect(forwardBusEvent({ type: 'tip.sent', data: { streamId: 'str_1', coins: 9 } })?.event).toEqual({
      type: 'gift',
      data: { streamId: 'str_1', coins: 9, kind: 'tip' },
    });
    expect(
      forwardBusEvent({ type: 'viewer.count.update', data: { streamId: 'str_1', viewers: 12 } }),
    ).toEqual({
      channel: 'stream:str_1',
      event: { type: 'viewers', data: { streamId: 'str_1', viewers: 12 } },
    });
  });

  it('ignores other events and events without a stream id', () => {
    expect(forwardBusEvent({ type: 'stream.live', data: { streamId: 'str_1' } })).toBeNull();
    expect(forwardBusEvent({ type: 'gift.sent', data: {} })).toBeNull();
    expect(
      forwardBusEvent({ type: 'viewer.count.update', data: { streamId: 'str_1', viewers: 'x' } }),
    ).toBeNull();
  });

  it('coalesces viewer counts to the latest per tick and treats them as ephemeral', () => {
    const sent: ChannelEvent[][] = [];
    const batcher = new ChannelBatcher({ tickMs: 50, maxEvents: 100, flush: (_r, b) => sent.push(b.events) });
    const viewers = (n: number): ChannelEvent => ({ type: 'viewers', data: { streamId: 's', viewers: n } });
    batcher.add('r', 'stream:s', viewers(1));
    batcher.add('r', 'stream:s', { type: 'gift', data: { kind: 'gift', streamId: 's' } });
    batcher.add('r', 'stream:s', viewers(2));
    batcher.add('r', 'stream:s', viewers(3));
    batcher.flush();
    expect(sent).toEqual([[viewers(3), { type: 'gift', data: { kind: 'gift', streamId: 's' } }]]);
    expect(isEphemeral(viewers(1))).toBe(true);
  });
});

describe('presence registry', () => {
  const m = (id: string, role: 'member' | 'moderator' = 'member') => ({ id, name: id, role });

  it('reports joins and leaves as diffs per tick, counting connections per user', () => {
    const node = new PresenceRegistry('a');
    node.connect('k', m('u1'));
    node.connect('k', m('u1'));
    node.connect('k', m('u2', 'moderator'));
    expect(node.takeDiffs()).toEqual([
      {
        key: 'k',
        joined: [m('u1'), m('u2', 'moderator')],
        left: [],
        counts: { total: 2, owners: 0, moderators: 1, members: 1, guests: 0 },
      },
    ]);
    node.disconnect('k', 'u1');
    expect(node.takeDiffs()).toEqual([]);
    node.disconnect('k', 'u1');
    expect(node.takeDiffs()).toMatchObject([{ joined: [], left: ['u1'], counts: { total: 1 } }]);
    expect(node.snapshot('k')).toEqual({
      members: [m('u2', 'moderator')],
      counts: presenceCounts([m('u2', 'moderator')]),
    });
  });

  it('keeps a replica of other nodes through the messages they publish', () => {
    const a = new PresenceRegistry('a');
    const b = new PresenceRegistry('b');
    a.connect('k', m('u1'));
    b.connect('k', m('u1'));
    b.connect('k', m('u2'));
    const fromA = a.takeOutgoing()!;
    const fromB = b.takeOutgoing()!;
    b.receive('a', fromA);
    a.receive('b', fromB);
    expect(a.snapshot('k').counts.total).toBe(2);
    expect(b.snapshot('k').counts.total).toBe(2);
    // u1 leaves node a but is still on node b: present.
    a.disconnect('k', 'u1');
    b.receive('a', a.takeOutgoing()!);
    expect(b.isPresent('k', 'u1')).toBe(true);
    // A node that joins late asks for the state; a node that goes away is dropped.
    const c = new PresenceRegistry('c');
    c.receive('b', b.receive('c', { kind: 'sync' })!);
    expect(c.snapshot('k').counts.total).toBe(2);
    c.receive('b', { kind: 'drop' });
    expect(c.snapshot('k').counts.total).toBe(0);
    expect(a.receive('a', { kind: 'sync' })).toBeNull();
  });
});

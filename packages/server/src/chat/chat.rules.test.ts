import { CHAT_MAX_LENGTH, type ChannelEvent } from '@pnptv/protocol';
import { describe, expect, it, vi } from 'vitest';
import { ChannelBatcher, groupOf, nextSlotDue, slowConsumerAction } from './chat.fanout.ts';
import {
  type ChatActor,
  canDelete,
  decideAccess,
  dmChannel,
  mayModerate,
  messageRateKeys,
  parseChannel,
  restrictionUntil,
  type StreamFacts,
  sanitizeText,
  slowModeRule,
  textFits,
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
const moderator: ChatActor = { ...member, userId: 'usr_m', moderator: true };

describe('channel names', () => {
  it('parses the four kinds of channel', () => {
    expect(parseChannel('community')).toEqual({ kind: 'community' });
    expect(parseChannel('stream:str_1')).toEqual({ kind: 'stream', id: 'str_1' });
    expect(parseChannel('room:rm_1')).toEqual({ kind: 'room', id: 'rm_1' });
    expect(parseChannel('dm:usr_a:usr_b')).toEqual({ kind: 'dm', users: ['usr_a', 'usr_b'] });
  });

  it('refuses unknown kinds, extra parts, odd characters and unsorted or self DMs', () => {
    for (const bad of [
      '',
      'lobby',
      'stream:',
      'stream:a:b',
      'stream:<script>',
      'room:a b',
      'dm:usr_b:usr_a',
      'dm:usr_a:usr_a',
      'dm:usr_a',
      `stream:${'x'.repeat(129)}`,
      'Community',
    ])
      expect(parseChannel(bad), bad).toBeNull();
  });

  it('names one DM channel per pair whichever user starts it', () => {
    expect(dmChannel('usr_b', 'usr_a')).toBe('dm:usr_a:usr_b');
    expect(dmChannel('usr_a', 'usr_b')).toBe('dm:usr_a:usr_b');
    expect(parseChannel(dmChannel('usr_z', 'usr_c'))).not.toBeNull();
  });
});

describe('message text', () => {
  it('strips control and bidi-override characters and keeps line breaks', () => {
    expect(sanitizeText('a\u0000b\u0007c\u202Ed\u2066e')).toBe('abcde');
    expect(sanitizeText('line1\r\nline2\rline3')).toBe('line1\nline2\nline3');
    expect(sanitizeText('a\n\n\n\n\n\nb')).toBe('a\n\n\nb');
  });

  it('keeps markup as literal text: nothing is escaped or removed because nothing renders HTML', () => {
    const xss = '<img src=x onerror=alert(1)> & <script>alert("x")</script>';
    expect(sanitizeText(xss)).toBe(xss);
  });

  it('trims and reports empty text', () => {
    expect(sanitizeText('  \u0000 \n ')).toBe('');
    expect(textFits(sanitizeText(' \u0001 '))).toBe('empty');
  });

  it('counts emoji as one character against the length limit', () => {
    expect(textFits('😀'.repeat(CHAT_MAX_LENGTH))).toBe('ok');
    expect(textFits('a'.repeat(CHAT_MAX_LENGTH + 1))).toBe('too_long');
  });
});

describe('access decision', () => {
  const publicStream: StreamFacts = { ownerId: 'usr_owner', visibility: 'public' };

  it('lets members into the community, public streams and their own DMs', () => {
    const channel = parseChannel('community')!;
    expect(decideAccess({ actor: member, channel, banned: false, stream: null })).toEqual({
      allowed: true,
      moderator: false,
      role: 'member',
    });
    expect(
      decideAccess({
        actor: member,
        channel: parseChannel('stream:s')!,
        banned: false,
        stream: publicStream,
      }),
    ).toMatchObject({ allowed: true });
    expect(
      decideAccess({ actor: member, channel: parseChannel('dm:usr_a:usr_b')!, banned: false, stream: null }),
    ).toMatchObject({ allowed: true });
  });

  it("refuses other people's DMs, missing streams, rooms and non-public streams", () => {
    const refuse = (channel: string, stream: StreamFacts | null = publicStream) =>
      decideAccess({ actor: member, channel: parseChannel(channel)!, banned: false, stream });
    expect(refuse('dm:usr_b:usr_c')).toEqual({ allowed: false, code: 'CHAT_FORBIDDEN' });
    expect(refuse('stream:s', null)).toEqual({ allowed: false, code: 'CHAT_CHANNEL_NOT_FOUND' });
    expect(refuse('room:r')).toEqual({ allowed: false, code: 'CHAT_CHANNEL_NOT_FOUND' });
    expect(refuse('stream:s', { ownerId: 'usr_owner', visibility: 'ticketed' })).toEqual({
      allowed: false,
      code: 'CHAT_FORBIDDEN',
    });
  });

  it('refuses banned users but not moderators, and makes stream owners moderators', () => {
    const channel = parseChannel('stream:s')!;
    expect(decideAccess({ actor: member, channel, banned: true, stream: publicStream })).toEqual({
      allowed: false,
      code: 'CHAT_BANNED',
    });
    expect(decideAccess({ actor: moderator, channel, banned: true, stream: publicStream })).toMatchObject({
      allowed: true,
    });
    const owner = { ...member, userId: 'usr_owner' };
    expect(decideAccess({ actor: owner, channel, banned: false, stream: publicStream })).toEqual({
      allowed: true,
      moderator: true,
      role: 'owner',
    });
  });

  it('refuses tokens without chat:read everywhere', () => {
    const reader = { ...member, canRead: false };
    expect(
      decideAccess({ actor: reader, channel: parseChannel('community')!, banned: false, stream: null }),
    ).toEqual({ allowed: false, code: 'CHAT_FORBIDDEN' });
  });

  it('lets authors and moderators delete, nobody else', () => {
    expect(canDelete(member, 'usr_a', false)).toBe(true);
    expect(canDelete(member, 'usr_b', false)).toBe(false);
    expect(canDelete(member, 'usr_b', true)).toBe(true);
  });
});

describe('rate and queue rules', () => {
  it('keys message limits per user within an app and per IP', () => {
    const a = messageRateKeys('app_1', 'usr_a', '10.0.0.1');
    const b = messageRateKeys('app_2', 'usr_a', '10.0.0.1');
    expect(a.user).not.toBe(b.user);
    expect(a.ip).toBe(b.ip);
  });

  it('marks clients lagging, then disconnects them, as their send queue grows', () => {
    const limits = { lagging: 10, disconnect: 50 };
    expect(slowConsumerAction(0, limits)).toBe('ok');
    expect(slowConsumerAction(10, limits)).toBe('ok');
    expect(slowConsumerAction(11, limits)).toBe('lagging');
    expect(slowConsumerAction(51, limits)).toBe('disconnect');
  });
});

describe('channel batcher', () => {
  const message = (id: string) =>
    ({
      type: 'chat.message.new',
      data: {
        id,
        channel: 'community',
        author: { id: 'u', name: 'u' },
        text: id,
        createdAt: '',
        editedAt: null,
        replyTo: null,
        reactions: {},
      },
    }) as const;

  it('sends one batch per channel per flush with every event in order', () => {
    const sent: { room: string; ids: string[] }[] = [];
    const batcher = new ChannelBatcher({
      tickMs: 50,
      maxEvents: 100,
      flush: (room, batch) =>
        sent.push({ room, ids: batch.events.map((e) => (e.data as { id: string }).id) }),
    });
    batcher.add('r1', 'community', message('1'));
    batcher.add('r2', 'community', message('2'));
    batcher.add('r1', 'community', message('3'));
    batcher.flush();
    batcher.flush();
    expect(sent).toEqual([
      { room: 'r1', ids: ['1', '3'] },
      { room: 'r2', ids: ['2'] },
    ]);
  });

  it('keeps at most maxEvents per channel, dropping the oldest', () => {
    const sent: string[][] = [];
    const batcher = new ChannelBatcher({
      tickMs: 50,
      maxEvents: 2,
      flush: (_room, batch) => sent.push(batch.events.map((e) => (e.data as { id: string }).id)),
    });
    for (const id of ['1', '2', '3']) batcher.add('r', 'community', message(id));
    batcher.flush();
    expect(sent).toEqual([['2', '3']]);
  });

  it('on a tick, lets what beforeFlush queued with setImmediate go out before writing the batches', async () => {
    const order: string[] = [];
    const batcher = new ChannelBatcher({
      tickMs: 5,
      maxEvents: 100,
      beforeFlush: () => {
        order.push('before');
        setImmediate(() => order.push('forwarded'));
      },
      flush: (room) => order.push(`write ${room}`),
    });
    batcher.add('r1', 'community', message('1'));
    batcher.start();
    await vi.waitFor(() => expect(order).toContain('write r1'));
    batcher.stop();
    expect(order.slice(0, 3)).toEqual(['before', 'forwarded', 'write r1']);
  });

  it('keeps slots to their schedule, stretches them while writes are long, and restarts when far behind', () => {
    // Short writes: one slot after the last one was due, even if that slot ran late.
    expect(nextSlotDue(100, 103, 10, 2, 0.75)).toBe(110);
    expect(nextSlotDue(100, 112, 10, 2, 0.75)).toBe(110);
    // A 15 ms write: the period becomes 20 ms, so writing takes three quarters of the time.
    expect(nextSlotDue(100, 115, 10, 15, 0.75)).toBe(120);
    // More than a slot behind: start again from now.
    expect(nextSlotDue(100, 125, 10, 2, 0.75)).toBe(125);
  });

  /** Four slots of 10 ms; 'big' has enough members to be written in groups, other rooms not. */
  const bigAndSmall = {
    tickMs: 40,
    maxEvents: 100,
    groups: 4,
    groupMinMembers: 100,
    members: (room: string) => (room === 'big' ? 1000 : 3),
  };

  it('writes a large channel in member groups at staggered slots, each group once per tick', async () => {
    const sent: { group: number | undefined; ids: string[]; at: number }[] = [];
    let slot = 0;
    const batcher = new ChannelBatcher({
      ...bigAndSmall,
      beforeFlush: () => slot++,
      flush: (room, batch, _ephemeral, group) =>
        sent.push({
          group: room === 'big' ? group?.index : undefined,
          ids: batch.events.map((e) => (e.data as { id: string }).id),
          at: slot,
        }),
    });
    batcher.add('big', 'community', message('1'));
    batcher.add('small', 'community', message('s'));
    batcher.start();
    await vi.waitFor(() => expect(sent.filter((s) => s.group !== undefined)).toHaveLength(4));
    batcher.add('big', 'community', message('2'));
    await vi.waitFor(() => expect(sent.filter((s) => s.group !== undefined)).toHaveLength(8));
    batcher.stop();
    const big = sent.filter((s) => s.group !== undefined);
    // Every group gets every message, in order, in one batch per tick.
    for (let g = 0; g < 4; g++)
      expect(big.filter((s) => s.group === g).flatMap((s) => s.ids)).toEqual(['1', '2']);
    expect(new Set(big.slice(0, 4).map((s) => s.group)).size).toBe(4);
    // The small channel is written whole, once.
    expect(sent.filter((s) => s.group === undefined)).toEqual([{ group: undefined, ids: ['s'], at: 1 }]);
  });

  it('wakes once a tick while idle, and writes what arrives then within one tick, at its slots', () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'],
    });
    try {
      const ticks: number[] = [];
      const writes: { at: number; room: string; group?: number }[] = [];
      const batcher = new ChannelBatcher({
        ...bigAndSmall,
        beforeFlush: () => ticks.push(performance.now()),
        flush: (room, _batch, _ephemeral, group) =>
          writes.push({ at: performance.now(), room, group: group?.index }),
      });
      const timers = vi.spyOn(globalThis, 'setTimeout');
      batcher.start();
      // Just after a tick's first slot, with the rest of the tick asleep.
      vi.advanceTimersByTime(175);
      // One wake-up per tick while nothing waits, each at the tick's first slot.
      expect(timers.mock.calls.length).toBeLessThanOrEqual(6);
      timers.mockRestore();
      expect(ticks.map((t) => Math.round(t - ticks[0]!))).toEqual([0, 40, 80, 120, 160]);
      // A small channel whose slot is the last one, and a large one, arrive while idle.
      const small = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].find((k) => groupOf(k, 4) === 3)!;
      const added = performance.now();
      batcher.add(small, 'community', message('1'));
      batcher.add('big', 'community', message('2'));
      vi.advanceTimersByTime(41);
      // Each is written within one tick: the small one whole at its slot, the large one to each group once.
      expect(writes.filter((w) => w.room === small)).toHaveLength(1);
      expect(
        writes
          .filter((w) => w.room === 'big')
          .map((w) => w.group)
          .sort(),
      ).toEqual([0, 1, 2, 3]);
      for (const w of writes) expect(w.at - added).toBeLessThan(40);
      batcher.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives each member group what it has not had, replacing a coalesced event only if no group had it', async () => {
    const sent: { group: number; viewers: number[] }[] = [];
    const viewers = (n: number): ChannelEvent => ({ type: 'viewers', data: { streamId: 's', viewers: n } });
    const batcher = new ChannelBatcher({
      tickMs: 20,
      maxEvents: 100,
      groups: 2,
      groupMinMembers: 1,
      members: () => 10,
      flush: (_room, batch, _ephemeral, group) => {
        sent.push({
          group: group!.index,
          viewers: batch.events.map((e) => (e.data as { viewers: number }).viewers),
        });
        // Group 0 has had 1; 2 may not replace it, 3 replaces 2, which nobody has had.
        if (sent.length === 1) {
          batcher.add('r', 'stream:s', viewers(2));
          batcher.add('r', 'stream:s', viewers(3));
        }
      },
    });
    batcher.add('r', 'stream:s', viewers(1));
    batcher.start();
    await vi.waitFor(() => expect(sent).toHaveLength(3));
    batcher.stop();
    expect(sent).toEqual([
      { group: 0, viewers: [1] },
      { group: 1, viewers: [1, 3] },
      { group: 0, viewers: [3] },
    ]);
  });
});

describe('moderation rules', () => {
  it('ends a restriction after its duration, or never without one', () => {
    expect(restrictionUntil(1_000, 60)?.getTime()).toBe(61_000);
    expect(restrictionUntil(1_000, undefined)).toBeNull();
  });

  it('applies slow mode to members only, and not when it is off', () => {
    expect(slowModeRule(30, false)).toEqual({ limit: 1, windowMs: 30_000 });
    expect(slowModeRule(30, true)).toBeNull();
    expect(slowModeRule(0, false)).toBeNull();
  });

  it('lets channel moderators act on others, never on themselves, and app-wide only as instance moderators', () => {
    const owner = { ...member, userId: 'usr_owner' };
    expect(mayModerate({ actor: owner, channelModerator: true, targetUserId: 'usr_x', appWide: false })).toBe(
      true,
    );
    expect(mayModerate({ actor: owner, channelModerator: true, targetUserId: 'usr_x', appWide: true })).toBe(
      false,
    );
    expect(
      mayModerate({ actor: member, channelModerator: false, targetUserId: 'usr_x', appWide: false }),
    ).toBe(false);
    expect(
      mayModerate({ actor: moderator, channelModerator: true, targetUserId: 'usr_x', appWide: true }),
    ).toBe(true);
    expect(
      mayModerate({
        actor: moderator,
        channelModerator: true,
        targetUserId: moderator.userId,
        appWide: false,
      }),
    ).toBe(false);
  });
});

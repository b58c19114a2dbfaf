import type {
  ChatHistoryPage,
  ChatMessage,
  EventName,
  PresenceSnapshot,
  RealtimeError,
} from '@pnptv/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, logIn, signUp, type TestSession } from '../../test/factories.ts';
import { publishEvent } from '../platform/bus/events.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { StreamStore } from '../streams/index.ts';
import {
  collectEvents,
  connectClient,
  type RealtimeNode,
  request,
  startRealtimeNode,
  type TestClient,
} from './chat.fixtures.ts';

type Res<T = object> = ({ ok: true } & T) | { ok: false; error: RealtimeError };
const codeOf = (res: Res) => (res.ok ? 'OK' : res.error.code);
const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)> &amp; "q"';

describe.each(testDatabases().map((f) => [f.name, f]))('realtime features on %s', (_name, factory) => {
  let handle: DatabaseHandle;
  let node: RealtimeNode;
  let mod: TestSession;
  const clients: TestClient[] = [];
  const connect = async (session: TestSession) => {
    const socket = await connectClient(node.url, { cookie: session.cookie });
    clients.push(socket);
    return socket;
  };
  const joinAs = async (session: TestSession, channel: string) => {
    const socket = await connect(session);
    const joined = await request<Res<{ history: ChatHistoryPage; role: string; presence: PresenceSnapshot }>>(
      socket,
      'join',
      { channel },
    );
    if (!joined.ok) throw new Error(joined.error.code);
    return { socket, joined };
  };
  const send = async (socket: TestClient, channel: string, text: string, replyTo?: string) => {
    const res = await request<Res<{ message: ChatMessage }>>(socket, 'message.send', {
      channel,
      text,
      ...(replyTo ? { replyTo } : {}),
    });
    if (!res.ok) throw new Error(res.error.code);
    return res.message;
  };
  const stream = async (ownerId: string) =>
    `stream:${
      (
        await new StreamStore().insert(handle.db, {
          id: newId('str'),
          app_id: SITE_APP_ID,
          owner_id: ownerId,
          title: 'Show',
          visibility: 'public',
          key_hash: newId('key'),
        })
      ).id
    }`;
  const rest = (
    session: TestSession,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
  ) =>
    node.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: authHeaders(session),
      ...(payload ? { payload } : {}),
    });
  const enc = encodeURIComponent;

  beforeAll(async () => {
    handle = await factory.open();
    node = await startRealtimeNode(handle);
    const email = `mod-${newId('usr')}@example.com`;
    await node.services.identity.createAdmin({ email, password: 'moderator-password-1', displayName: 'Mod' });
    mod = await logIn(node.app, email, 'moderator-password-1');
  });
  afterAll(async () => {
    for (const socket of clients) socket.close();
    await node?.close();
    await handle?.close();
  });

  it('writes a channel in member groups at staggered slots: every member gets every message once, in the same order', async () => {
    const grouped = await startRealtimeNode(handle, { memberGroups: { groups: 4, minMembers: 1 } });
    try {
      const channel = 'community';
      const members = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const socket = await connectClient(grouped.url, { cookie: (await signUp(grouped.app)).cookie });
          clients.push(socket);
          const seen = collectEvents(socket);
          const joined = await request<Res>(socket, 'join', { channel });
          expect(codeOf(joined)).toBe('OK');
          return { socket, seen };
        }),
      );
      const sent: string[] = [];
      for (let round = 0; round < 10; round++)
        await Promise.all(
          members.slice(0, 3).map(async ({ socket }, i) => {
            const res = await request<Res<{ message: ChatMessage }>>(socket, 'message.send', {
              channel,
              text: `round ${round} from ${i}`,
            });
            if (!res.ok) throw new Error(res.error.code);
            sent.push(res.message.id);
          }),
        );
      const idsOf = (seen: (typeof members)[number]['seen']) =>
        seen.events
          .filter((e) => e.type === 'chat.message.new' && sent.includes((e.data as ChatMessage).id))
          .map((e) => (e.data as ChatMessage).id);
      for (const { seen } of members)
        await seen.waitFor(() => idsOf(seen).length >= sent.length, 10_000).catch(() => {});
      const first = idsOf(members[0]!.seen);
      expect([...first].sort()).toEqual([...sent].sort());
      for (const { seen } of members) expect(idsOf(seen)).toEqual(first);
    } finally {
      await grouped.close();
    }
  });

  it('forwards gifts, tips and coalesced viewer counts published on the bus to the stream channel', async () => {
    const owner = await signUp(node.app);
    const channel = await stream(owner.user.id);
    const streamId = channel.slice('stream:'.length);
    const { socket } = await joinAs(await signUp(node.app), channel);
    const seen = collectEvents(socket);
    const bus = node.platform.bus;
    const gift = {
      id: newId('gft'),
      streamId,
      fromName: XSS,
      giftName: 'Rose',
      icon: '🌹',
      quantity: 2,
      coins: 10,
    };
    await publishEvent(bus, { type: 'gift.sent', appId: SITE_APP_ID, data: gift });
    await publishEvent(bus, {
      type: 'tip.sent' as EventName,
      appId: SITE_APP_ID,
      data: { streamId, coins: 7 },
    });
    // Another stream's gift and another app's gift stay away.
    await publishEvent(bus, {
      type: 'gift.sent',
      appId: SITE_APP_ID,
      data: { ...gift, streamId: 'str_other' },
    });
    await publishEvent(bus, { type: 'gift.sent', appId: 'app_other', data: gift });
    for (const viewers of [1, 2, 3, 4, 5])
      await publishEvent(bus, {
        type: 'viewer.count.update',
        appId: SITE_APP_ID,
        data: { streamId, viewers },
      });
    await seen.waitFor((e) => e.type === 'viewers' && (e.data as { viewers: number }).viewers === 5);
    await seen.waitFor((e) => e.type === 'gift' && (e.data as { kind: string }).kind === 'tip');
    const gifts = seen.events.filter((e) => e.type === 'gift');
    expect(gifts.map((e) => e.data)).toEqual([
      { ...gift, kind: 'gift' },
      { streamId, coins: 7, kind: 'tip' },
    ]);
    // The name travels as the same plain text.
    expect((gifts[0]!.data as { fromName: string }).fromName).toBe(XSS);
    const counts = seen.events.filter((e) => e.type === 'viewers');
    expect(counts.length).toBeLessThan(5);
    expect(counts.every((e) => e.channel === channel)).toBe(true);
  });

  it('edits within the window, quotes replies, and stores and sends XSS as the same plain text', async () => {
    const alice = await signUp(node.app, { displayName: 'Alice' });
    const bob = await signUp(node.app);
    const channel = await stream(alice.user.id);
    const a = await joinAs(alice, channel);
    const b = await joinAs(bob, channel);
    const seen = collectEvents(b.socket);
    const first = await send(a.socket, channel, 'hello world');
    const reply = await send(b.socket, channel, XSS, first.id);
    expect(reply.text).toBe(XSS);
    expect(reply.replyTo).toEqual({ id: first.id, authorName: 'Alice', excerpt: 'hello world' });
    const edited = await request<Res<{ message: ChatMessage }>>(a.socket, 'message.edit', {
      channel,
      messageId: first.id,
      text: XSS,
    });
    if (!edited.ok) throw new Error(edited.error.code);
    expect(edited.message).toMatchObject({ id: first.id, text: XSS });
    expect(edited.message.editedAt).not.toBeNull();
    await seen.waitFor((e) => e.type === 'chat.message.edited' && (e.data as ChatMessage).text === XSS);
    const row = await handle.db
      .selectFrom('chat_messages')
      .selectAll()
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow();
    expect(row.body).toBe(XSS);
    // Only the author edits, and only for 15 minutes.
    expect(codeOf(await request(b.socket, 'message.edit', { channel, messageId: first.id, text: 'x' }))).toBe(
      'CHAT_FORBIDDEN',
    );
    await handle.db
      .updateTable('chat_messages')
      .set({ created_at: new Date(Date.now() - 16 * 60_000) })
      .where('id', '=', first.id)
      .execute();
    expect(codeOf(await request(a.socket, 'message.edit', { channel, messageId: first.id, text: 'x' }))).toBe(
      'CHAT_EDIT_WINDOW_CLOSED',
    );
    expect(
      codeOf(await request(a.socket, 'message.send', { channel, text: 'r', replyTo: 'msg_missing' })),
    ).toBe('CHAT_REPLY_NOT_FOUND');
    const page = (
      await rest(bob, 'GET', `/channels/${enc(channel)}/messages?limit=5`)
    ).json() as ChatHistoryPage;
    expect(page.items[0]).toMatchObject({ id: reply.id, text: XSS, replyTo: { id: first.id } });
  });

  it('counts emoji reactions once per user per emoji and tells the channel', async () => {
    const [alice, bob] = [await signUp(node.app), await signUp(node.app)];
    const channel = await stream(alice.user.id);
    const a = await joinAs(alice, channel);
    const b = await joinAs(bob, channel);
    const seen = collectEvents(a.socket);
    const msg = await send(a.socket, channel, 'react to me');
    const react = (s: TestClient, emoji: string, add = true) =>
      request<Res<{ reactions: Record<string, number> }>>(s, add ? 'reaction.add' : 'reaction.remove', {
        channel,
        messageId: msg.id,
        emoji,
      });
    await react(a.socket, '👍');
    await react(b.socket, '👍');
    expect(await react(b.socket, '👍')).toEqual({ ok: true, reactions: { '👍': 2 } });
    expect(await react(b.socket, '❤️')).toEqual({ ok: true, reactions: { '👍': 2, '❤️': 1 } });
    expect(await react(a.socket, '👍', false)).toEqual({ ok: true, reactions: { '👍': 1, '❤️': 1 } });
    expect(codeOf(await react(a.socket, '<b>'))).toBe('CHAT_INVALID_EMOJI');
    await seen.waitFor(
      (e) =>
        e.type === 'chat.message.reactions' &&
        (e.data as { reactions: Record<string, number> }).reactions['👍'] === 1 &&
        (e.data as { reactions: Record<string, number> }).reactions['❤️'] === 1,
    );
    const page = (
      await rest(alice, 'GET', `/channels/${enc(channel)}/messages?limit=1`)
    ).json() as ChatHistoryPage;
    expect(page.items[0]?.reactions).toEqual({ '👍': 1, '❤️': 1 });
    const viaRest = await rest(alice, 'POST', `/channels/${enc(channel)}/messages/${msg.id}/reactions`, {
      emoji: '🔥',
    });
    expect(viaRest.json()).toEqual({ reactions: { '👍': 1, '❤️': 1, '🔥': 1 } });
  });

  it('aggregates floating live reactions per tick, throttles typing, and sends presence diffs with roles', async () => {
    const owner = await signUp(node.app, { displayName: 'Owner' });
    const viewer = await signUp(node.app, { displayName: 'Viewer' });
    const channel = await stream(owner.user.id);
    const o = await joinAs(owner, channel);
    expect(o.joined.role).toBe('owner');
    expect(o.joined.presence.counts).toMatchObject({ total: 1, owners: 1 });
    const seen = collectEvents(o.socket);
    const v = await joinAs(viewer, channel);
    expect(v.joined.role).toBe('member');
    expect(v.joined.presence.members.map((m) => m.id).sort()).toEqual([owner.user.id, viewer.user.id].sort());
    await seen.waitFor(
      (e) =>
        e.type === 'presence' &&
        (e.data as { joined: { id: string; role: string }[] }).joined.some(
          (m) => m.id === viewer.user.id && m.role === 'member',
        ),
    );
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(v.socket, 'live.react', { channel, emoji: i % 2 ? '🔥' : '❤️' }),
      ),
    );
    await seen.waitFor((e) => e.type === 'reaction.sent');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const total: Record<string, number> = {};
    const tallies = seen.events.filter((e) => e.type === 'reaction.sent');
    for (const e of tallies)
      for (const [emoji, n] of Object.entries((e.data as { counts: Record<string, number> }).counts))
        total[emoji] = (total[emoji] ?? 0) + n;
    expect(total).toEqual({ '🔥': 10, '❤️': 10 });
    expect(tallies.length).toBeLessThan(20);
    expect(codeOf(await request(v.socket, 'live.react', { channel, emoji: 'lol' }))).toBe(
      'CHAT_INVALID_EMOJI',
    );

    for (let i = 0; i < 5; i++) await request(v.socket, 'typing', { channel });
    await seen.waitFor((e) => e.type === 'typing');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const typing = seen.events.filter((e) => e.type === 'typing');
    expect(typing).toHaveLength(1);
    expect(typing[0]!.data).toEqual({ channel, users: [{ id: viewer.user.id, name: 'Viewer' }] });

    v.socket.close();
    await seen.waitFor(
      (e) => e.type === 'presence' && (e.data as { left: string[] }).left.includes(viewer.user.id),
    );
  });

  it('refuses malformed payloads of the new events with stable codes', async () => {
    const who = await signUp(node.app);
    const { socket } = await joinAs(who, 'community');
    const code = async (event: string, payload: unknown) =>
      codeOf(await request<Res>(socket, event, payload));
    expect(await code('message.edit', { channel: 'community', messageId: 'msg_x' })).toBe(
      'CHAT_INVALID_PAYLOAD',
    );
    expect(
      await code('reaction.add', { channel: 'community', messageId: 'msg_x', emoji: 'x'.repeat(17) }),
    ).toBe('CHAT_INVALID_PAYLOAD');
    expect(await code('live.react', { channel: 'community', emoji: 1 })).toBe('CHAT_INVALID_PAYLOAD');
    expect(await code('reaction.add', { channel: 'community', messageId: 'msg_x', emoji: '👍👍' })).toBe(
      'CHAT_INVALID_EMOJI',
    );
    expect(await code('typing', { channel: 'community', extra: true })).toBe('CHAT_INVALID_PAYLOAD');
    expect(await code('report', { channel: 'community', reason: 'x' })).toBe('CHAT_REPORT_TARGET_REQUIRED');
    expect(await code('reaction.add', { channel: 'community', messageId: 'msg_missing', emoji: '👍' })).toBe(
      'CHAT_MESSAGE_NOT_FOUND',
    );
    expect(await code('moderation.shadowban', { channel: 'community', userId: who.user.id })).toBe(
      'CHAT_FORBIDDEN',
    );
    expect(await code('typing', { channel: 'stream:str_nope' })).toBe('CHAT_NOT_JOINED');
  });

  it('keeps DM read state and unread counts per user', async () => {
    const [carol, dave] = [await signUp(node.app, { displayName: 'Carol' }), await signUp(node.app)];
    const channel = `dm:${[carol.user.id, dave.user.id].sort().join(':')}`;
    const c = await joinAs(carol, channel);
    const d = await joinAs(dave, channel);
    const m1 = await send(c.socket, channel, 'one');
    const m2 = await send(c.socket, channel, 'two');
    await send(d.socket, channel, 'mine');
    const list = (await rest(dave, 'GET', '/dms')).json() as {
      items: { channel: string; unread: number; otherName: string }[];
    };
    expect(list.items.find((i) => i.channel === channel)).toMatchObject({ unread: 2, otherName: 'Carol' });
    expect(await request(d.socket, 'dm.read', { channel, messageId: m1.id })).toEqual({
      ok: true,
      unread: 1,
    });
    const read = await rest(dave, 'POST', `/dms/${enc(channel)}/read`, { messageId: m2.id });
    expect(read.json()).toEqual({ unread: 0 });
    // Reading an older message does not move the mark back.
    expect(await request(d.socket, 'dm.read', { channel, messageId: m1.id })).toEqual({
      ok: true,
      unread: 0,
    });
    expect(codeOf(await request(c.socket, 'dm.read', { channel: 'community', messageId: m1.id }))).toBe(
      'CHAT_NOT_DM',
    );
  });

  it('hides a shadow-banned user from everyone but themselves', async () => {
    const [alice, troll] = [await signUp(node.app), await signUp(node.app)];
    const channel = await stream(alice.user.id);
    const a = await joinAs(alice, channel);
    const t = await joinAs(troll, channel);
    const seenByAlice = collectEvents(a.socket);
    const seenByTroll = collectEvents(t.socket);
    expect(await request(a.socket, 'moderation.shadowban', { channel, userId: troll.user.id })).toEqual({
      ok: true,
    });
    const hidden = await send(t.socket, channel, 'nobody sees this');
    await seenByTroll.waitFor(
      (e) => e.type === 'chat.message.new' && (e.data as ChatMessage).id === hidden.id,
    );
    const visible = await send(a.socket, channel, 'after');
    await seenByAlice.waitFor(
      (e) => e.type === 'chat.message.new' && (e.data as ChatMessage).id === visible.id,
    );
    expect(seenByAlice.events.some((e) => (e.data as ChatMessage).id === hidden.id)).toBe(false);
    const history = (who: TestSession) =>
      rest(who, 'GET', `/channels/${enc(channel)}/messages`).then((r) =>
        (r.json() as ChatHistoryPage).items.map((m) => m.id),
      );
    expect(await history(troll)).toContain(hidden.id);
    expect(await history(alice)).not.toContain(hidden.id);
    const lifted = await rest(alice, 'DELETE', `/channels/${enc(channel)}/shadow-bans/${troll.user.id}`);
    expect(lifted.statusCode).toBe(204);
    const seenAgain = await send(t.socket, channel, 'back');
    await seenByAlice.waitFor((e) => (e.data as ChatMessage).id === seenAgain.id);
  });

  it('applies blocked words, link filters and the minimum account age, set over REST by moderators only', async () => {
    const owner = await signUp(node.app);
    const member = await signUp(node.app);
    const channel = await stream(owner.user.id);
    const url = `/channels/${enc(channel)}/settings`;
    expect((await rest(member, 'PATCH', url, { linksAllowed: false })).statusCode).toBe(403);
    const set = await rest(owner, 'PATCH', url, { blockedWords: ['Spam', 'bad word'], linksAllowed: false });
    expect(set.json()).toEqual({
      slowModeS: 0,
      blockedWords: ['spam', 'bad word'],
      linksAllowed: false,
      minAccountAgeS: 0,
      subscribersOnly: false,
    });
    expect((await rest(owner, 'PATCH', url, { bogus: 1 })).statusCode).toBe(400);
    const m = await joinAs(member, channel);
    expect(codeOf(await request(m.socket, 'message.send', { channel, text: 'buy SPAM now' }))).toBe(
      'CHAT_BLOCKED_WORD',
    );
    expect(codeOf(await request(m.socket, 'message.send', { channel, text: 'see evil.com' }))).toBe(
      'CHAT_LINKS_NOT_ALLOWED',
    );
    expect(codeOf(await request(m.socket, 'message.send', { channel, text: 'spammer is fine' }))).toBe('OK');
    const o = await joinAs(owner, channel);
    expect(codeOf(await request(o.socket, 'message.send', { channel, text: 'mods may post evil.com' }))).toBe(
      'OK',
    );
    await rest(owner, 'PATCH', url, { minAccountAgeS: 86_400 });
    const fresh = await signUp(node.app);
    const f = await connect(fresh);
    expect(codeOf(await request(f, 'join', { channel }))).toBe('CHAT_ACCOUNT_TOO_NEW');
    expect((await rest(owner, 'GET', url)).json()).toMatchObject({ minAccountAgeS: 86_400 });
  });

  it('opens ticketed stream chat to ticket holders through the Entitlements port, and closes subscribers-only chat', async () => {
    const owner = await signUp(node.app);
    const [buyer, other] = [await signUp(node.app), await signUp(node.app)];
    const streamId = (
      await new StreamStore().insert(handle.db, {
        id: newId('str'),
        app_id: SITE_APP_ID,
        owner_id: owner.user.id,
        title: 'Paid show',
        visibility: 'ticketed',
        key_hash: newId('key'),
      })
    ).id;
    const channel = `stream:${streamId}`;
    expect((await rest(owner, 'PUT', `/streams/${streamId}/ticket`, { priceCoins: 5 })).statusCode).toBe(200);
    await node.services.ledger.creditPurchase({
      appId: SITE_APP_ID,
      userId: buyer.user.id,
      coins: 50,
      provider: 'sandbox',
      idempotencyKey: newId('key'),
    });
    const bought = await rest(buyer, 'POST', `/streams/${streamId}/ticket/purchase`, {
      idempotencyKey: newId('key'),
    });
    expect(bought.statusCode).toBe(201);
    expect((await joinAs(buyer, channel)).joined.role).toBe('member');
    expect(codeOf(await request(await connect(other), 'join', { channel }))).toBe('CHAT_FORBIDDEN');

    const open = await stream(owner.user.id);
    await rest(owner, 'PATCH', `/channels/${enc(open)}/settings`, { subscribersOnly: true });
    expect(codeOf(await request(await connect(other), 'join', { channel: open }))).toBe(
      'CHAT_SUBSCRIBERS_ONLY',
    );
    expect((await joinAs(owner, open)).joined.role).toBe('owner');
  });

  it('clears the chat, takes reports into the admin queue, and logs every moderation action', async () => {
    const owner = await signUp(node.app, { displayName: 'Owner' });
    const member = await signUp(node.app);
    const channel = await stream(owner.user.id);
    const o = await joinAs(owner, channel);
    const m = await joinAs(member, channel);
    const seen = collectEvents(m.socket);
    const bad = await send(m.socket, channel, 'rude');
    const report = await request<Res<{ reportId: string }>>(o.socket, 'report', {
      channel,
      messageId: bad.id,
      reason: XSS,
    });
    if (!report.ok) throw new Error(report.error.code);
    expect(codeOf(await request(m.socket, 'moderation.clear', { channel }))).toBe('CHAT_FORBIDDEN');
    expect(await request(o.socket, 'moderation.clear', { channel })).toEqual({ ok: true });
    await seen.waitFor((e) => e.type === 'chat.cleared');
    const after = (await rest(member, 'GET', `/channels/${enc(channel)}/messages`)).json() as ChatHistoryPage;
    expect(after.items).toEqual([]);

    // REST moderation for admins and bots: timeout, ban and unban, appoint a moderator.
    const timeout = await rest(mod, 'POST', `/channels/${enc(channel)}/timeouts`, {
      userId: member.user.id,
      durationS: 60,
    });
    expect(timeout.statusCode).toBe(204);
    expect(codeOf(await request(m.socket, 'message.send', { channel, text: 'x' }))).toBe('CHAT_TIMED_OUT');
    expect(
      (await rest(member, 'POST', `/channels/${enc(channel)}/bans`, { userId: owner.user.id })).statusCode,
    ).toBe(403);
    expect(
      (await rest(owner, 'POST', `/channels/${enc(channel)}/bans`, { userId: member.user.id, durationS: 60 }))
        .statusCode,
    ).toBe(204);
    const bans = (await rest(owner, 'GET', `/channels/${enc(channel)}/bans`)).json() as {
      items: { kind: string }[];
    };
    expect(bans.items.map((b) => b.kind).sort()).toEqual(['ban', 'timeout']);
    expect((await rest(owner, 'DELETE', `/channels/${enc(channel)}/bans/${member.user.id}`)).statusCode).toBe(
      204,
    );
    const helper = await signUp(node.app);
    expect(
      (await rest(owner, 'PUT', `/channels/${enc(channel)}/roles/${helper.user.id}`, { role: 'moderator' }))
        .statusCode,
    ).toBe(204);
    const h = await joinAs(helper, channel);
    expect(h.joined.role).toBe('moderator');
    const posted = await rest(helper, 'POST', `/channels/${enc(channel)}/messages`, { text: 'from REST' });
    expect(posted.statusCode).toBe(201);
    const id = (posted.json() as { message: ChatMessage }).message.id;
    expect((await rest(owner, 'DELETE', `/channels/${enc(channel)}/messages/${id}`)).statusCode).toBe(204);

    const log = (await rest(owner, 'GET', `/channels/${enc(channel)}/moderation-log`)).json() as {
      items: { action: string; actorId: string; targetId: string | null; channel: string }[];
    };
    expect(log.items.map((e) => e.action)).toEqual([
      'delete',
      'role.grant',
      'unban',
      'ban',
      'timeout',
      'clear',
    ]);
    expect(log.items.find((e) => e.action === 'timeout')).toMatchObject({
      actorId: mod.user.id,
      targetId: member.user.id,
      channel,
    });
    expect((await rest(member, 'GET', `/channels/${enc(channel)}/moderation-log`)).statusCode).toBe(403);
    const appLog = await rest(mod, 'GET', `/admin/chat/moderation-log?channel=${enc(channel)}`);
    expect((appLog.json() as { items: unknown[] }).items).toHaveLength(6);
    expect((await rest(member, 'GET', '/admin/chat/moderation-log')).statusCode).toBe(403);

    const queue = (await rest(mod, 'GET', '/admin/chat/reports?status=open')).json() as {
      items: { id: string; messageText: string; reason: string; targetUserId: string }[];
    };
    const mine = queue.items.find((r) => r.id === report.reportId);
    expect(mine).toMatchObject({ messageText: 'rude', reason: XSS, targetUserId: member.user.id });
    const resolved = await rest(mod, 'POST', `/admin/chat/reports/${report.reportId}/resolve`, {
      status: 'resolved',
      resolution: 'timed out',
    });
    expect(resolved.json()).toMatchObject({ report: { status: 'resolved', resolvedBy: mod.user.id } });
    const again = await rest(mod, 'POST', `/admin/chat/reports/${report.reportId}/resolve`, {
      status: 'dismissed',
    });
    expect(again.json()).toMatchObject({ code: 'CHAT_REPORT_NOT_FOUND' });
    expect((await rest(member, 'GET', '/admin/chat/reports')).statusCode).toBe(403);
  });
});

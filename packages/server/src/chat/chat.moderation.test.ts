import type { ChatMessage, RealtimeError } from '@pnptv/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { logIn, signUp, type TestSession } from '../../test/factories.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import {
  collectEvents,
  connectClient,
  type RealtimeNode,
  request,
  startRealtimeNode,
  type TestClient,
} from './chat.fixtures.ts';

type Res = { ok: true; message?: ChatMessage } | { ok: false; error: RealtimeError };
const codeOf = (res: Res) => (res.ok ? 'OK' : res.error.code);

describe.each(testDatabases().map((f) => [f.name, f]))('chat moderation on %s', (_name, factory) => {
  let handle: DatabaseHandle;
  let node: RealtimeNode;
  let mod: TestSession;
  const clients: TestClient[] = [];
  const client = async (session: TestSession) => {
    const socket = await connectClient(node.url, { cookie: session.cookie });
    clients.push(socket);
    await request(socket, 'join', { channel: 'community' });
    return socket;
  };

  beforeAll(async () => {
    handle = await factory.open();
    node = await startRealtimeNode(handle);
    // An instance moderator: admins moderate every channel of their app.
    const email = `mod-${Date.now()}@example.com`;
    await node.services.identity.createAdmin({ email, password: 'moderator-password-1', displayName: 'Mod' });
    mod = await logIn(node.app, email, 'moderator-password-1');
  });
  afterAll(async () => {
    for (const socket of clients) socket.close();
    await node?.close();
    await handle?.close();
  });

  it('removes a channel-banned user at once, refuses their rejoin and posts, and lets them back after unban', async () => {
    const user = await signUp(node.app);
    const m = await client(mod);
    const u = await client(user);
    const kicked = new Promise((resolve) => u.once('kicked', resolve));
    const seen = collectEvents(m);
    expect(
      await request(m, 'moderation.ban', { channel: 'community', userId: user.user.id, reason: 'spam' }),
    ).toEqual({
      ok: true,
    });
    expect(await kicked).toEqual({ channel: 'community', code: 'CHAT_BANNED' });
    await seen.waitFor(
      (e) => e.type === 'user.banned' && (e.data as { userId: string }).userId === user.user.id,
    );
    expect(codeOf(await request<Res>(u, 'message.send', { channel: 'community', text: 'hi' }))).toBe(
      'CHAT_NOT_JOINED',
    );
    expect(codeOf(await request<Res>(u, 'join', { channel: 'community' }))).toBe('CHAT_BANNED');
    const audit = await handle.db
      .selectFrom('audit_log')
      .select('actor_id')
      .where('action', '=', 'chat.ban')
      .where('target_id', '=', user.user.id)
      .execute();
    expect(audit).toEqual([{ actor_id: mod.user.id }]);
    expect(await request(m, 'moderation.unban', { channel: 'community', userId: user.user.id })).toEqual({
      ok: true,
    });
    expect(codeOf(await request<Res>(u, 'join', { channel: 'community' }))).toBe('OK');
  });

  it('disconnects an app-wide banned user and refuses them everywhere', async () => {
    const user = await signUp(node.app);
    const m = await client(mod);
    const u = await client(user);
    const gone = new Promise((resolve) => u.once('disconnect', resolve));
    expect(
      await request(m, 'moderation.ban', { channel: 'community', userId: user.user.id, appWide: true }),
    ).toEqual({
      ok: true,
    });
    await gone;
    const again = await connectClient(node.url, { cookie: user.cookie });
    clients.push(again);
    expect(codeOf(await request<Res>(again, 'join', { channel: 'community' }))).toBe('CHAT_BANNED');
    const dm = `dm:${[user.user.id, mod.user.id].sort().join(':')}`;
    expect(codeOf(await request<Res>(again, 'join', { channel: dm }))).toBe('CHAT_BANNED');
  });

  it('refuses moderation from members and on oneself', async () => {
    const user = await signUp(node.app);
    const other = await signUp(node.app);
    const u = await client(user);
    const m = await client(mod);
    expect(
      codeOf(await request<Res>(u, 'moderation.ban', { channel: 'community', userId: other.user.id })),
    ).toBe('CHAT_FORBIDDEN');
    expect(codeOf(await request<Res>(u, 'moderation.slowmode', { channel: 'community', seconds: 5 }))).toBe(
      'CHAT_FORBIDDEN',
    );
    expect(
      codeOf(
        await request<Res>(m, 'moderation.timeout', {
          channel: 'community',
          userId: mod.user.id,
          durationS: 5,
        }),
      ),
    ).toBe('CHAT_FORBIDDEN');
    expect(
      codeOf(await request<Res>(m, 'moderation.ban', { channel: 'community', userId: 'x', durationS: -1 })),
    ).toBe('CHAT_INVALID_PAYLOAD');
    const rows = await handle.db
      .selectFrom('chat_bans')
      .selectAll()
      .where('user_id', 'in', [other.user.id, mod.user.id])
      .execute();
    expect(rows).toEqual([]);
  });

  it('keeps a timed-out user reading but not posting or typing', async () => {
    const user = await signUp(node.app);
    const m = await client(mod);
    const u = await client(user);
    const seen = collectEvents(u);
    expect(
      await request(m, 'moderation.timeout', { channel: 'community', userId: user.user.id, durationS: 60 }),
    ).toEqual({
      ok: true,
    });
    expect(codeOf(await request<Res>(u, 'message.send', { channel: 'community', text: 'hi' }))).toBe(
      'CHAT_TIMED_OUT',
    );
    expect(codeOf(await request<Res>(u, 'typing', { channel: 'community' }))).toBe('CHAT_TIMED_OUT');
    const sent = await request<Res>(m, 'message.send', { channel: 'community', text: 'still here' });
    if (!sent.ok) throw new Error(sent.error.code);
    await seen.waitFor(
      (e) => e.type === 'chat.message.new' && (e.data as ChatMessage).id === sent.message!.id,
    );
    await seen.waitFor((e) => e.type === 'user.muted');
  });

  it('holds members to slow mode, not moderators, until it is turned off', async () => {
    const user = await signUp(node.app);
    const m = await client(mod);
    const u = await client(user);
    expect(await request(m, 'moderation.slowmode', { channel: 'community', seconds: 30 })).toEqual({
      ok: true,
    });
    expect(codeOf(await request<Res>(u, 'message.send', { channel: 'community', text: 'one' }))).toBe('OK');
    expect(codeOf(await request<Res>(u, 'message.send', { channel: 'community', text: 'two' }))).toBe(
      'CHAT_SLOW_MODE',
    );
    expect(codeOf(await request<Res>(m, 'message.send', { channel: 'community', text: 'a' }))).toBe('OK');
    expect(codeOf(await request<Res>(m, 'message.send', { channel: 'community', text: 'b' }))).toBe('OK');
    expect(await request(m, 'moderation.slowmode', { channel: 'community', seconds: 0 })).toEqual({
      ok: true,
    });
    expect(codeOf(await request<Res>(u, 'message.send', { channel: 'community', text: 'three' }))).toBe('OK');
  });
});

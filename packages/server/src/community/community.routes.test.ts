import type {
  ChatHistoryPage,
  ChatMessage,
  CommunityOccupancy,
  CommunityStats,
  RealtimeError,
} from '@pnptv/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, logIn, signUp, type TestSession } from '../../test/factories.ts';
import {
  collectEvents,
  connectClient,
  type RealtimeNode,
  request,
  startRealtimeNode,
  type TestClient,
} from '../chat/chat.fixtures.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { CommunityService } from './community.service.ts';
import { CommunityStore } from './community.store.ts';

type Res<T = object> = ({ ok: true } & T) | { ok: false; error: RealtimeError };

describe.each(testDatabases().map((f) => [f.name, f]))('community room on %s', (_name, factory) => {
  let handle: DatabaseHandle;
  let node: RealtimeNode;
  let mod: TestSession;
  const clients: TestClient[] = [];
  const api = (session: TestSession | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    node.app.inject({
      method,
      url: `/api/v1/community-room${url}`,
      headers: session ? authHeaders(session) : {},
      ...(payload ? { payload } : {}),
    });

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

  it('seats members up to the capacity, with roles, stats and utilisation, and persists the room', async () => {
    expect((await api(null, 'GET', '/stats')).statusCode).toBe(401);
    const setCap = await node.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/community-room',
      headers: authHeaders(mod),
      payload: { capacity: 2 },
    });
    expect(setCap.statusCode).toBe(204);
    const [a, b, c] = [await signUp(node.app), await signUp(node.app), await signUp(node.app)];
    const first = await api(a, 'POST', '/join', {});
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      me: { id: a.user.id, role: 'member', muted: false },
      occupancy: { activeUsers: 1, maxCapacity: 2, utilizationPercent: 50 },
    });
    // Joining twice keeps one seat.
    expect((await api(a, 'POST', '/join')).json()).toMatchObject({ occupancy: { activeUsers: 1 } });
    expect((await api(b, 'POST', '/join', {})).statusCode).toBe(200);
    const full = await api(c, 'POST', '/join', {});
    expect({ status: full.statusCode, code: full.json().code }).toEqual({
      status: 409,
      code: 'COMMUNITY_FULL',
    });
    // Moderators are never left outside.
    expect((await api(mod, 'POST', '/join', {})).json()).toMatchObject({ me: { role: 'moderator' } });
    const occupancy = (await api(c, 'GET', '/occupancy')).json() as CommunityOccupancy;
    expect(occupancy.users.map((u) => u.id)).toEqual([a.user.id, b.user.id, mod.user.id]);
    expect(occupancy.roomId).toBe(`community:${SITE_APP_ID}`);
    expect((await api(b, 'POST', '/leave', {})).statusCode).toBe(204);
    expect((await api(c, 'POST', '/join', {})).statusCode).toBe(409);
    expect((await api(mod, 'POST', '/leave')).statusCode).toBe(204);
    expect((await api(c, 'POST', '/join', {})).statusCode).toBe(200);
    await api(a, 'POST', '/message', { text: 'hi' });
    const stats = (await api(a, 'GET', '/stats')).json() as CommunityStats;
    expect(stats).toMatchObject({
      totalActiveUsers: 2,
      maxCapacity: 2,
      utilizationPercent: 100,
      stats: { moderators: 0, members: 2, guests: 0 },
    });
    expect(stats.messageCount).toBeGreaterThanOrEqual(1);
    expect(stats.uptimeS).toBeGreaterThanOrEqual(0);
    // A new service over the same database (a restart) finds the same room and seats.
    const restarted = new CommunityService({
      platform: node.platform,
      chat: node.services.chat,
      store: new CommunityStore(),
    });
    expect((await restarted.occupancy(SITE_APP_ID)).users.map((u) => u.id)).toEqual([a.user.id, c.user.id]);
    restarted.stop();
    await api(a, 'POST', '/leave');
    await api(c, 'POST', '/leave');
    await node.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/community-room',
      headers: authHeaders(mod),
      payload: { capacity: 1000 },
    });
  });

  it('ranks the leaderboard by total time in the room, current visits included', async () => {
    const [x, y, z] = [await signUp(node.app), await signUp(node.app), await signUp(node.app)];
    const ago = (s: number) => new Date(Date.now() - s * 1000);
    for (const [who, total, since] of [
      [x, 100, null],
      [y, 50, ago(120)],
      [z, 400, null],
    ] as const) {
      await handle.db
        .insertInto('community_members')
        .values({
          app_id: SITE_APP_ID,
          user_id: who.user.id,
          name: who.user.displayName,
          role: 'member',
          total_seconds: total,
          present_since: since,
          first_joined_at: ago(1000),
        })
        .execute();
    }
    const board = (await api(x, 'GET', '/leaderboard?limit=3')).json() as {
      items: { rank: number; userId: string; seconds: number }[];
    };
    expect(board.items.map((i) => i.userId)).toEqual([z.user.id, y.user.id, x.user.id]);
    expect(board.items.map((i) => i.rank)).toEqual([1, 2, 3]);
    expect(board.items[1]!.seconds).toBeGreaterThanOrEqual(170);
    // Leaving adds the visit to the total.
    await api(y, 'POST', '/leave');
    const row = await handle.db
      .selectFrom('community_members')
      .selectAll()
      .where('user_id', '=', y.user.id)
      .executeTakeFirstOrThrow();
    expect(row.present_since).toBeNull();
    expect(row.total_seconds).toBeGreaterThanOrEqual(170);
    expect((await api(x, 'GET', '/leaderboard?limit=500')).statusCode).toBe(400);
  });

  it('lets moderators mute, remove and clear the chat; members cannot', async () => {
    const [member, target] = [await signUp(node.app), await signUp(node.app)];
    await api(member, 'POST', '/join', {});
    await api(target, 'POST', '/join', {});
    const forbidden = await api(member, 'POST', '/moderation/mute', { userId: target.user.id });
    expect({ status: forbidden.statusCode, code: forbidden.json().code }).toEqual({
      status: 403,
      code: 'COMMUNITY_FORBIDDEN',
    });
    expect((await api(member, 'POST', '/moderation/clear-chat', {})).statusCode).toBe(403);
    expect((await api(member, 'POST', '/moderation/remove', { userId: target.user.id })).statusCode).toBe(
      403,
    );

    expect(
      (await api(mod, 'POST', '/moderation/mute', { userId: target.user.id, durationS: 60 })).statusCode,
    ).toBe(204);
    const muted = await api(target, 'POST', '/message', { text: 'can I talk?' });
    expect(muted.json().code).toBe('CHAT_TIMED_OUT');
    const occ = (await api(mod, 'GET', '/occupancy')).json() as CommunityOccupancy;
    expect(occ.users.find((u) => u.id === target.user.id)?.muted).toBe(true);

    const posted = await api(member, 'POST', '/message', { text: '<i>hello</i>' });
    expect(posted.statusCode).toBe(201);
    expect((posted.json() as { message: ChatMessage }).message.text).toBe('<i>hello</i>');
    expect(
      ((await api(member, 'GET', '/chat-history?limit=5')).json() as ChatHistoryPage).items[0]?.text,
    ).toBe('<i>hello</i>');
    expect((await api(mod, 'POST', '/moderation/clear-chat', {})).statusCode).toBe(204);
    expect(((await api(member, 'GET', '/chat-history')).json() as ChatHistoryPage).items).toEqual([]);

    expect(
      (await api(mod, 'POST', '/moderation/remove', { userId: target.user.id, durationS: 600 })).statusCode,
    ).toBe(204);
    const occAfter = (await api(mod, 'GET', '/occupancy')).json() as CommunityOccupancy;
    expect(occAfter.users.some((u) => u.id === target.user.id)).toBe(false);
    const rejoin = await api(target, 'POST', '/join', {});
    expect({ status: rejoin.statusCode, code: rejoin.json().code }).toEqual({
      status: 403,
      code: 'COMMUNITY_REMOVED',
    });
    expect((await api(mod, 'POST', '/moderation/mute', { userId: mod.user.id })).json().code).toBe(
      'COMMUNITY_SELF',
    );
    expect(
      (await api(mod, 'POST', '/moderation/mute', { userId: target.user.id, extra: 1 })).statusCode,
    ).toBe(400);
    await api(member, 'POST', '/leave');
  });

  it('pushes members, stats and chat to the community channel, and frees the seat when the last socket leaves', async () => {
    const watcher = await signUp(node.app);
    const socket = await connectClient(node.url, { cookie: watcher.cookie });
    clients.push(socket);
    const joined = await request<Res<{ role: string }>>(socket, 'join', { channel: 'community' });
    expect(joined).toMatchObject({ ok: true, role: 'member' });
    const seen = collectEvents(socket);
    const guest = await signUp(node.app, { displayName: 'Newcomer' });
    await api(watcher, 'POST', '/join', {});
    await api(guest, 'POST', '/join', {});
    await seen.waitFor(
      (e) =>
        e.type === 'community.members' &&
        (e.data as { joined: { id: string; name: string }[] }).joined.some((m) => m.name === 'Newcomer'),
    );
    await seen.waitFor(
      (e) => e.type === 'community.stats' && (e.data as CommunityStats).totalActiveUsers >= 2,
    );
    await api(guest, 'POST', '/message', { text: 'pushed' });
    await seen.waitFor((e) => e.type === 'chat.message.new' && (e.data as ChatMessage).text === 'pushed');
    // The watcher's only socket goes away: their seat is freed.
    socket.close();
    await expect
      .poll(async () =>
        ((await api(guest, 'GET', '/occupancy')).json() as CommunityOccupancy).users.map((u) => u.id),
      )
      .not.toContain(watcher.user.id);
    await api(guest, 'POST', '/leave');
  });
});

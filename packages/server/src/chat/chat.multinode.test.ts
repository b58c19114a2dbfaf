import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '@pnptv/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { logIn, signUp } from '../../test/factories.ts';
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
import { roomOf } from './chat.handlers.ts';

const REDIS_URL = process.env.REDIS_URL;

describe.runIf(REDIS_URL).each(testDatabases().map((f) => [f.name, f]))(
  'two realtime nodes sharing Redis on %s',
  (_name, factory) => {
    let handle: DatabaseHandle;
    let nodes: RealtimeNode[] = [];
    const clients: TestClient[] = [];

    beforeAll(async () => {
      handle = await factory.open();
      // One prefix per suite: the nodes of this suite form a cluster, apart from any other run.
      const redisChannelPrefix = `pnptv:test:${randomUUID()}`;
      nodes = [
        await startRealtimeNode(handle, { redis: true, nodeId: 'node-a', redisChannelPrefix }),
        await startRealtimeNode(handle, { redis: true, nodeId: 'node-b', redisChannelPrefix }),
      ];
    });
    afterAll(async () => {
      for (const socket of clients) socket.close();
      for (const node of nodes) await node.close();
      await handle?.close();
    });

    it('ignores malformed events forwarded by another node and goes on delivering', async () => {
      const [a, b] = nodes as [RealtimeNode, RealtimeNode];
      const onB = await connectClient(b.url, { cookie: (await signUp(b.app)).cookie });
      const onA = await connectClient(a.url, { cookie: (await signUp(a.app)).cookie });
      clients.push(onA, onB);
      await request(onA, 'join', { channel: 'community' });
      await request(onB, 'join', { channel: 'community' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const seenOnB = collectEvents(onB);
      const forward = a.gateway.io.serverSideEmit.bind(a.gateway.io) as (
        event: string,
        ...args: unknown[]
      ) => void;
      const room = roomOf(SITE_APP_ID, 'community');
      for (const garbage of [
        null,
        'events',
        { key: room },
        [null, 7, 'x', { key: 1 }, { key: room, room, channel: 'community' }],
        [{ key: room, room, channel: 'community', event: { type: 3, data: {} } }],
        [{ key: room, room, channel: 7, event: { type: 'chat.message.new', data: {} } }],
      ])
        forward('pnptv:events', garbage);
      const sent = await request<{ ok: true; message: ChatMessage }>(onA, 'message.send', {
        channel: 'community',
        text: 'after the garbage',
      });
      await seenOnB.waitFor(
        (e) => e.type === 'chat.message.new' && (e.data as ChatMessage).id === sent.message.id,
      );
      // Only the real message reached B's client: none of the malformed events was passed on.
      expect(seenOnB.events.filter((e) => e.type === 'chat.message.new')).toHaveLength(1);
      expect(seenOnB.events.every((e) => typeof e.type === 'string' && e.channel === 'community')).toBe(true);
    });

    it('carries a message and its deletion from one node to clients of the other', async () => {
      const [a, b] = nodes as [RealtimeNode, RealtimeNode];
      const alice = await signUp(a.app);
      const bob = await signUp(b.app);
      const onA = await connectClient(a.url, { cookie: alice.cookie });
      const onB = await connectClient(b.url, { cookie: bob.cookie });
      clients.push(onA, onB);
      await request(onA, 'join', { channel: 'community' });
      await request(onB, 'join', { channel: 'community' });
      // Sharded subscriptions are made per room as sockets join; give node A's SSUBSCRIBE a moment.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const seenOnB = collectEvents(onB);
      const seenOnA = collectEvents(onA);

      const sent = await request<{ ok: true; message: ChatMessage }>(onA, 'message.send', {
        channel: 'community',
        text: 'across nodes',
      });
      expect(sent.ok).toBe(true);
      const id = sent.message.id;
      await seenOnB.waitFor((e) => e.type === 'chat.message.new' && (e.data as ChatMessage).id === id);
      await seenOnA.waitFor((e) => e.type === 'chat.message.new' && (e.data as ChatMessage).id === id);

      const reply = await request<{ ok: true; message: ChatMessage }>(onB, 'message.send', {
        channel: 'community',
        text: 'and back',
      });
      await seenOnA.waitFor(
        (e) => e.type === 'chat.message.new' && (e.data as ChatMessage).id === reply.message.id,
      );

      expect(await request(onA, 'message.delete', { channel: 'community', messageId: id })).toEqual({
        ok: true,
      });
      await seenOnB.waitFor((e) => e.type === 'chat.message.deleted' && (e.data as { id: string }).id === id);
      // Each event arrives exactly once on each node's clients.
      expect(
        seenOnB.events.filter((e) => e.type === 'chat.message.new' && (e.data as ChatMessage).id === id),
      ).toHaveLength(1);
    });
    it('carries an edit, a reaction, a clear, presence and live reactions across nodes', async () => {
      const [a, b] = nodes as [RealtimeNode, RealtimeNode];
      const email = `mod-${randomUUID()}@example.com`;
      await a.services.identity.createAdmin({ email, password: 'moderator-password-1', displayName: 'Mod' });
      const mod = await logIn(a.app, email, 'moderator-password-1');
      const user = await signUp(b.app, { displayName: 'On B' });
      const modOnA = await connectClient(a.url, { cookie: mod.cookie });
      const userOnB = await connectClient(b.url, { cookie: user.cookie });
      clients.push(modOnA, userOnB);
      const seenOnA = collectEvents(modOnA);
      const seenOnB = collectEvents(userOnB);
      await request(modOnA, 'join', { channel: 'community' });
      const joinedB = await request<{ ok: true; presence: { members: { id: string }[] } }>(userOnB, 'join', {
        channel: 'community',
      });
      // Node B knows who is present on node A (the replica kept over the bus).
      await expect
        .poll(async () => {
          const again = await request<{ ok: true; presence: { members: { id: string }[] } }>(
            userOnB,
            'join',
            {
              channel: 'community',
            },
          );
          return again.presence.members.map((m) => m.id);
        })
        .toContain(mod.user.id);
      expect(joinedB.ok).toBe(true);
      await seenOnA.waitFor(
        (e) =>
          e.type === 'presence' &&
          (e.data as { joined: { id: string }[] }).joined.some((m) => m.id === user.user.id),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));

      const sent = await request<{ ok: true; message: ChatMessage }>(userOnB, 'message.send', {
        channel: 'community',
        text: 'typo',
      });
      const id = sent.message.id;
      await request(userOnB, 'message.edit', { channel: 'community', messageId: id, text: 'fixed' });
      await seenOnA.waitFor(
        (e) => e.type === 'chat.message.edited' && (e.data as ChatMessage).text === 'fixed',
      );
      await request(modOnA, 'reaction.add', { channel: 'community', messageId: id, emoji: '🎉' });
      await seenOnB.waitFor(
        (e) =>
          e.type === 'chat.message.reactions' &&
          (e.data as { reactions: Record<string, number> }).reactions['🎉'] === 1,
      );
      await request(modOnA, 'live.react', { channel: 'community', emoji: '🔥' });
      await seenOnB.waitFor(
        (e) =>
          e.type === 'reaction.sent' && (e.data as { counts: Record<string, number> }).counts['🔥'] === 1,
      );
      expect(await request(modOnA, 'moderation.clear', { channel: 'community' })).toEqual({ ok: true });
      await seenOnB.waitFor((e) => e.type === 'chat.cleared');

      // A gift published on the bus by any node reaches the clients of every node exactly once.
      const streamId = (
        await new StreamStore().insert(handle.db, {
          id: newId('str'),
          app_id: SITE_APP_ID,
          owner_id: mod.user.id,
          title: 'Show',
          visibility: 'public',
          key_hash: newId('key'),
        })
      ).id;
      await request(modOnA, 'join', { channel: `stream:${streamId}` });
      await request(userOnB, 'join', { channel: `stream:${streamId}` });
      const giftId = newId('gft');
      await publishEvent(a.platform.bus, {
        type: 'gift.sent',
        appId: SITE_APP_ID,
        data: { id: giftId, streamId },
      });
      const isGift = (e: { type: string; data: unknown }) =>
        e.type === 'gift' && (e.data as { id: string }).id === giftId;
      await seenOnA.waitFor(isGift);
      await seenOnB.waitFor(isGift);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seenOnA.events.filter(isGift)).toHaveLength(1);
      expect(seenOnB.events.filter(isGift)).toHaveLength(1);
      userOnB.close();
      await seenOnA.waitFor(
        (e) => e.type === 'presence' && (e.data as { left: string[] }).left.includes(user.user.id),
      );
    });

    it('applies a ban made on one node to the connections of that user on the other node', async () => {
      const [a, b] = nodes as [RealtimeNode, RealtimeNode];
      const email = `mod-${randomUUID()}@example.com`;
      await a.services.identity.createAdmin({ email, password: 'moderator-password-1', displayName: 'Mod' });
      const mod = await logIn(a.app, email, 'moderator-password-1');
      const user = await signUp(b.app);
      const modOnA = await connectClient(a.url, { cookie: mod.cookie });
      const userOnB = await connectClient(b.url, { cookie: user.cookie });
      clients.push(modOnA, userOnB);
      await request(modOnA, 'join', { channel: 'community' });
      await request(userOnB, 'join', { channel: 'community' });
      await new Promise((resolve) => setTimeout(resolve, 100));

      expect(await request(modOnA, 'moderation.ban', { channel: 'community', userId: user.user.id })).toEqual(
        { ok: true },
      );
      // Channel ban: node B drops the user from the channel's room.
      await expect
        .poll(
          async () =>
            (
              (await request(userOnB, 'message.send', { channel: 'community', text: 'x' })) as {
                error?: { code: string };
              }
            ).error?.code,
        )
        .toBe('CHAT_NOT_JOINED');
      expect(await request(userOnB, 'join', { channel: 'community' })).toMatchObject({
        ok: false,
        error: { code: 'CHAT_BANNED' },
      });

      // App-wide ban: node B cuts the connection.
      const gone = new Promise((resolve) => userOnB.once('disconnect', resolve));
      expect(
        await request(modOnA, 'moderation.ban', {
          channel: 'community',
          userId: user.user.id,
          appWide: true,
        }),
      ).toEqual({ ok: true });
      await gone;
    });
  },
);

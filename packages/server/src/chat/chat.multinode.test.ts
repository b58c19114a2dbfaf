import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '@pnptv/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { logIn, signUp } from '../../test/factories.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import {
  collectEvents,
  connectClient,
  type RealtimeNode,
  request,
  startRealtimeNode,
  type TestClient,
} from './chat.fixtures.ts';

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

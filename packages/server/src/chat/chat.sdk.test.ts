import type { ChatMessage } from '@pnptv/protocol';
import { RealtimeClient, RealtimeError } from '@pnptv/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { signUp } from '../../test/factories.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { connectClient, type RealtimeNode, startRealtimeNode } from './chat.fixtures.ts';

const [pglite] = testDatabases();

describe('the SDK realtime client against a server', () => {
  let handle: DatabaseHandle;
  let node: RealtimeNode;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    handle = await pglite!.open();
    node = await startRealtimeNode(handle);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await node?.close();
    await handle?.close();
  });

  it('joins, sends, receives unbatched typed events and deletes', async () => {
    const alice = await signUp(node.app);
    const bob = await signUp(node.app);
    const a = new RealtimeClient({ baseUrl: node.url, headers: { cookie: alice.cookie } });
    const b = new RealtimeClient({ baseUrl: node.url, headers: { cookie: bob.cookie } });
    clients.push(a, b);
    await a.connect();
    await b.connect();
    await a.join('community');
    await b.join('community');
    const received: ChatMessage[] = [];
    const deleted: string[] = [];
    b.on('chat.message.new', (message) => received.push(message));
    b.on('chat.message.deleted', (data) => deleted.push(data.id));
    const sent = await a.send('community', '<i>plain</i>');
    await expect.poll(() => received.map((m) => m.id)).toContain(sent.id);
    expect(received.find((m) => m.id === sent.id)?.text).toBe('<i>plain</i>');
    await a.delete('community', sent.id);
    await expect.poll(() => deleted).toContain(sent.id);
    const history = await b.history('community', { limit: 10 });
    expect(history.items.map((m) => m.id)).not.toContain(sent.id);
  });

  it('enters with role and presence, replies, edits, reacts and reads DMs with typed events', async () => {
    const alice = await signUp(node.app);
    const bob = await signUp(node.app);
    const a = new RealtimeClient({ baseUrl: node.url, headers: { cookie: alice.cookie } });
    const b = new RealtimeClient({ baseUrl: node.url, headers: { cookie: bob.cookie } });
    clients.push(a, b);
    await a.connect();
    await b.connect();
    const channel = `dm:${[alice.user.id, bob.user.id].sort().join(':')}`;
    const entered = await a.enter(channel);
    expect(entered.role).toBe('member');
    expect(entered.presence.counts.total).toBe(1);
    await b.enter(channel);
    const edits: string[] = [];
    const reactions: Record<string, number>[] = [];
    const live: Record<string, number>[] = [];
    b.on('chat.message.edited', (message) => edits.push(message.text));
    b.on('chat.message.reactions', (data) => reactions.push(data.reactions));
    b.on('reaction.sent', (data) => live.push(data.counts));
    const first = await a.send(channel, 'hi');
    const reply = await b.send(channel, 'hello', first.id);
    expect(reply.replyTo).toMatchObject({ id: first.id, excerpt: 'hi' });
    await a.edit(channel, first.id, 'hi!');
    expect(await a.react(channel, reply.id, '👍')).toEqual({ '👍': 1 });
    await a.liveReact(channel, '🔥');
    await a.typing(channel);
    await expect.poll(() => edits).toContain('hi!');
    await expect.poll(() => reactions).toContainEqual({ '👍': 1 });
    await expect.poll(() => live).toContainEqual({ '🔥': 1 });
    expect(await b.markRead(channel, first.id)).toBe(0);
    expect(await b.report(channel, { messageId: first.id }, 'spam')).toMatch(/^rpt_/);
  });

  it('rejects refused connections and requests with the server code', async () => {
    const anonymous = new RealtimeClient({ baseUrl: node.url });
    clients.push(anonymous);
    await expect(anonymous.connect()).rejects.toMatchObject({ code: 'CHAT_AUTH_REQUIRED' });
    const user = await signUp(node.app);
    const client = new RealtimeClient({ baseUrl: node.url, headers: { cookie: user.cookie } });
    clients.push(client);
    await client.connect();
    const error = await client.join('dm:usr_a:usr_b').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ code: 'CHAT_FORBIDDEN' });
  });
});

describe('graceful shutdown', () => {
  it('disconnects connected clients when the app closes, and then stops listening', async () => {
    const handle = await pglite!.open();
    try {
      const node = await startRealtimeNode(handle);
      const user = await signUp(node.app);
      const socket = await connectClient(node.url, { cookie: user.cookie });
      const reason = new Promise((resolve) => socket.once('disconnect', resolve));
      await node.close();
      // A transport close, not a server-side disconnect: clients reconnect (to another node) on their own.
      expect(await reason).toBe('transport close');
      await expect(connectClient(node.url, { cookie: user.cookie })).rejects.toThrow();
    } finally {
      await handle.close();
    }
  });
});

import type { ChatHistoryPage, ChatMessage, RealtimeError } from '@pnptv/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { signUp, type TestSession } from '../../test/factories.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { StreamStore } from '../streams/index.ts';
import { bearer, createApp, createKey } from '../tenants/tenants.fixtures.ts';
import {
  collectEvents,
  connectClient,
  type RealtimeNode,
  request,
  startRealtimeNode,
  type TestClient,
} from './chat.fixtures.ts';

type Res<T> = ({ ok: true } & T) | { ok: false; error: RealtimeError };

describe.each(testDatabases().map((f) => [f.name, f]))('realtime gateway on %s', (_name, factory) => {
  let handle: DatabaseHandle;
  let node: RealtimeNode;
  let alice: TestSession;
  let bob: TestSession;
  const clients: TestClient[] = [];
  const client = async (auth: { cookie?: string; token?: string }) => {
    const socket = await connectClient(node.url, auth);
    clients.push(socket);
    return socket;
  };
  const messageCount = async () =>
    Number(
      (
        await handle.db
          .selectFrom('chat_messages')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    handle = await factory.open();
    // A low per-user limit so the flood test is short.
    node = await startRealtimeNode(handle, { limits: { messagesPerUser: { limit: 5, windowMs: 60_000 } } });
    alice = await signUp(node.app, { displayName: 'Alice' });
    bob = await signUp(node.app, { displayName: '<b>Bob</b>' });
  });
  afterAll(async () => {
    for (const socket of clients) socket.close();
    await node?.close();
    await handle?.close();
  });

  it('refuses connections without credentials or with forged ones', async () => {
    await expect(connectClient(node.url, {})).rejects.toThrow();
    await expect(connectClient(node.url, { cookie: 'pnptv_session=forged' })).rejects.toThrow();
    await expect(connectClient(node.url, { token: 'eyJhbGciOiJub25lIn0.e30.x' })).rejects.toThrow();
  });

  it('delivers a message to every member of the channel in a batch and persists it', async () => {
    const a = await client({ cookie: alice.cookie });
    const b = await client({ cookie: bob.cookie });
    const seen = collectEvents(b);
    expect(
      await request<Res<{ history: ChatHistoryPage }>>(a, 'join', { channel: 'community' }),
    ).toMatchObject({
      ok: true,
    });
    await request(b, 'join', { channel: 'community' });
    const xss = '<img src=x onerror=alert(1)>\u0000 hi';
    const sent = await request<Res<{ message: ChatMessage }>>(a, 'message.send', {
      channel: 'community',
      text: xss,
    });
    if (!sent.ok) throw new Error(sent.error.code);
    expect(sent.message.text).toBe('<img src=x onerror=alert(1)> hi');
    expect(sent.message.author).toEqual({ id: alice.user.id, name: 'Alice' });
    await seen.waitFor(
      (e) => e.type === 'chat.message.new' && (e.data as ChatMessage).id === sent.message.id,
    );
    const row = await handle.db
      .selectFrom('chat_messages')
      .selectAll()
      .where('id', '=', sent.message.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ app_id: SITE_APP_ID, channel: 'community', body: sent.message.text });

    const late = await client({ cookie: bob.cookie });
    const joined = await request<Res<{ history: ChatHistoryPage }>>(late, 'join', { channel: 'community' });
    if (!joined.ok) throw new Error(joined.error.code);
    expect(joined.history.items[0]?.id).toBe(sent.message.id);
  });

  it('lets the author delete a message, tells the channel, and refuses others', async () => {
    const a = await client({ cookie: alice.cookie });
    const b = await client({ cookie: bob.cookie });
    await request(a, 'join', { channel: 'community' });
    await request(b, 'join', { channel: 'community' });
    const seen = collectEvents(b);
    const sent = await request<Res<{ message: ChatMessage }>>(a, 'message.send', {
      channel: 'community',
      text: 'x',
    });
    if (!sent.ok) throw new Error(sent.error.code);
    const id = sent.message.id;
    const refused = await request<Res<object>>(b, 'message.delete', { channel: 'community', messageId: id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CHAT_FORBIDDEN' } });
    expect(await request(a, 'message.delete', { channel: 'community', messageId: id })).toEqual({ ok: true });
    await seen.waitFor((e) => e.type === 'chat.message.deleted' && (e.data as { id: string }).id === id);
    const row = await handle.db
      .selectFrom('chat_messages')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.deleted_by).toBe(alice.user.id);
    const again = await request<Res<object>>(a, 'message.delete', { channel: 'community', messageId: id });
    expect(again).toMatchObject({ ok: false, error: { code: 'CHAT_MESSAGE_NOT_FOUND' } });
  });

  it('answers unknown events, wrong types, oversized payloads and bad channels with stable codes, storing nothing', async () => {
    const a = await client({ cookie: alice.cookie });
    const before = await messageCount();
    const code = async (event: string, payload: unknown) =>
      ((await request<Res<object>>(a, event, payload)) as { error?: RealtimeError }).error?.code;
    expect(await code('nope', {})).toBe('CHAT_UNKNOWN_EVENT');
    expect(await code('join', { channel: 42 })).toBe('CHAT_INVALID_PAYLOAD');
    expect(await code('join', { channel: 'community', extra: true })).toBe('CHAT_INVALID_PAYLOAD');
    expect(await code('join', 'community')).toBe('CHAT_INVALID_PAYLOAD');
    expect(await code('message.send', { channel: 'community', text: 'x'.repeat(5_000) })).toBe(
      'CHAT_PAYLOAD_TOO_LARGE',
    );
    expect(await code('join', { channel: 'lobby' })).toBe('CHAT_CHANNEL_INVALID');
    expect(await code('join', { channel: 'stream:str_missing' })).toBe('CHAT_CHANNEL_NOT_FOUND');
    expect(await code('join', { channel: 'dm:usr_x:usr_y' })).toBe('CHAT_FORBIDDEN');
    expect(await code('message.send', { channel: 'stream:str_x', text: 'hi' })).toBe('CHAT_NOT_JOINED');
    await request(a, 'join', { channel: 'community' });
    expect(await code('message.send', { channel: 'community', text: 'a'.repeat(501) })).toBe('CHAT_TOO_LONG');
    expect(await code('message.send', { channel: 'community', text: '\u0000\u0001 ' })).toBe('CHAT_EMPTY');
    expect(await messageCount()).toBe(before);

    const errors: RealtimeError[] = [];
    a.on('error', (e) => errors.push(e));
    (a as unknown as { emit(e: string, p: unknown): void }).emit('nope', {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(errors).toEqual([{ code: 'CHAT_UNKNOWN_EVENT', message: 'Unknown event', event: 'nope' }]);
    expect(a.connected).toBe(true);
  });

  it('rate-limits a flooding user across connections and tells them why', async () => {
    const flooder = await signUp(node.app);
    const a = await client({ cookie: flooder.cookie });
    const b = await client({ cookie: flooder.cookie });
    await request(a, 'join', { channel: 'community' });
    await request(b, 'join', { channel: 'community' });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        request<Res<object>>(i % 2 ? a : b, 'message.send', { channel: 'community', text: `m${i}` }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(results.filter((r) => !r.ok).map((r) => (r as { error: RealtimeError }).error.code)).toEqual([
      'CHAT_RATE_LIMITED',
      'CHAT_RATE_LIMITED',
      'CHAT_RATE_LIMITED',
    ]);
  });

  it('scopes channels per app and authenticates user tokens with their scopes', async () => {
    const owner = await signUp(node.app);
    const tenant = await createApp(node.app, owner, 'Tenant');
    const minter = await createKey(node.app, owner, tenant.id, ['tokens:mint']);
    const mint = async (userId: string, scopes: string[]) => {
      const res = await node.app.inject({
        method: 'POST',
        url: `/api/v1/apps/${tenant.id}/tokens`,
        headers: bearer(minter.secret),
        payload: { userId, scopes },
      });
      return (res.json() as { token: string }).token;
    };
    const writer = await client({ token: await mint('cust-1', ['chat:read', 'chat:write']) });
    const reader = await client({ token: await mint('cust-2', ['chat:read']) });
    const site = await client({ cookie: alice.cookie });
    const siteSeen = collectEvents(site);
    await request(site, 'join', { channel: 'community' });
    const joined = await request<Res<{ history: ChatHistoryPage }>>(writer, 'join', { channel: 'community' });
    if (!joined.ok) throw new Error(joined.error.code);
    expect(joined.history.items).toEqual([]);
    const sent = await request<Res<{ message: ChatMessage }>>(writer, 'message.send', {
      channel: 'community',
      text: 'tenant hello',
    });
    expect(sent).toMatchObject({ ok: true, message: { author: { id: 'cust-1' } } });
    await request(reader, 'join', { channel: 'community' });
    expect(await request(reader, 'message.send', { channel: 'community', text: 'no' })).toMatchObject({
      ok: false,
      error: { code: 'CHAT_FORBIDDEN' },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(siteSeen.events.filter((e) => (e.data as ChatMessage).text === 'tenant hello')).toEqual([]);
  });

  it('admits stream channels by visibility and lets the stream owner moderate them', async () => {
    const store = new StreamStore();
    const stream = async (visibility: 'public' | 'ticketed') =>
      (
        await store.insert(handle.db, {
          id: newId('str'),
          app_id: SITE_APP_ID,
          owner_id: bob.user.id,
          title: 'Show',
          visibility,
          key_hash: newId('key'),
        })
      ).id;
    const open = `stream:${await stream('public')}`;
    const ticketed = `stream:${await stream('ticketed')}`;
    const viewer = await signUp(node.app);
    const v = await client({ cookie: viewer.cookie });
    const owner = await client({ cookie: bob.cookie });
    expect(await request(v, 'join', { channel: ticketed })).toMatchObject({
      ok: false,
      error: { code: 'CHAT_FORBIDDEN' },
    });
    expect(await request(owner, 'join', { channel: ticketed })).toMatchObject({ ok: true });
    await request(v, 'join', { channel: open });
    await request(owner, 'join', { channel: open });
    const sent = await request<Res<{ message: ChatMessage }>>(v, 'message.send', {
      channel: open,
      text: 'hey',
    });
    if (!sent.ok) throw new Error(sent.error.code);
    expect(await request(owner, 'message.delete', { channel: open, messageId: sent.message.id })).toEqual({
      ok: true,
    });
    const audit = await handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'chat.message.delete')
      .where('target_id', '=', sent.message.id)
      .executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(bob.user.id);
  });

  it('serves history over REST with cursor pagination, to principals that may read the channel', async () => {
    // Fresh users: the per-user message limit of this suite is low.
    const [carol, dave] = [await signUp(node.app), await signUp(node.app)];
    const channel = `dm:${[carol.user.id, dave.user.id].sort().join(':')}`;
    const a = await client({ cookie: carol.cookie });
    await request(a, 'join', { channel });
    const ids: string[] = [];
    for (const text of ['one', 'two', 'three']) {
      const sent = await request<Res<{ message: ChatMessage }>>(a, 'message.send', { channel, text });
      if (sent.ok) ids.push(sent.message.id);
    }
    const url = (q: string) => `/api/v1/channels/${encodeURIComponent(channel)}/messages${q}`;
    const first = await node.app.inject({ url: url('?limit=2'), headers: { cookie: dave.cookie } });
    expect(first.statusCode).toBe(200);
    const page1 = first.json() as ChatHistoryPage;
    expect(page1.items.map((m) => m.text)).toEqual(['three', 'two']);
    const second = await node.app.inject({
      url: url(`?limit=2&cursor=${page1.nextCursor}`),
      headers: { cookie: dave.cookie },
    });
    expect((second.json() as ChatHistoryPage).items.map((m) => m.text)).toEqual(['one']);
    const stranger = await signUp(node.app);
    const refused = await node.app.inject({ url: url(''), headers: { cookie: stranger.cookie } });
    expect({ status: refused.statusCode, code: refused.json().code }).toEqual({
      status: 403,
      code: 'CHAT_FORBIDDEN',
    });
    const anonymous = await node.app.inject({ url: url('') });
    expect(anonymous.statusCode).toBe(401);
  });
});

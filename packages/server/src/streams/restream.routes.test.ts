import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import type { HostResolver } from '../platform/http/outbound.ts';
import { SecretBox } from '../platform/secrets.ts';
import { RestreamStore } from './restream.store.ts';

const SECRETS_KEY = randomBytes(32).toString('base64');
/** A public address the policy lets through; nothing in these tests connects to it. */
const PUBLIC_ADDRESS = '8.8.8.8';
/** Host names answered without DNS: where `flip.example` points can change during a test. */
const hosts: Record<string, string[]> = {
  'loopback.example': ['127.0.0.1'],
  'mixed.example': [PUBLIC_ADDRESS, '10.1.2.3'],
  'nowhere.example': [],
  'flip.example': [PUBLIC_ADDRESS],
};
const resolve: HostResolver = async (hostname) =>
  (hosts[hostname] ?? [PUBLIC_ADDRESS]).map((address) => ({ address, family: 4 }));
const TWITCH_KEY = 'live_123456789_SuperSecretKeyAbC';

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect({ status: res.statusCode, code: (res.json() as { code?: string }).code }).toEqual({ status, code });
}

describe.each(testDatabases().map((f) => [f.name, f] as const))('restream targets on %s', (_n, factory) => {
  let ctx: TestContext;
  let creator: TestSession;
  let other: TestSession;
  let streamId: string;
  const store = new RestreamStore();

  beforeAll(async () => {
    ctx = await createTestContext(factory, { env: { SECRETS_KEY }, outboundResolve: resolve });
    creator = await signUp(ctx.app);
    other = await signUp(ctx.app);
    await ctx.platform.db
      .updateTable('users')
      .set({ role: 'creator' })
      .where('id', 'in', [creator.user.id, other.user.id])
      .execute();
    const res = await api('POST', '/studio/streams', creator, { title: 'Restreamed' });
    streamId = (res.json() as { stream: { id: string } }).stream.id;
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
  });

  function api(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    session: TestSession,
    payload?: unknown,
  ) {
    return ctx.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: authHeaders(session),
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  }
  const targets = () => `/studio/streams/${streamId}/restream-targets`;

  it('saves a target with its key sealed: the API shows only the last four characters, the database no plaintext', async () => {
    const res = await api('POST', targets(), creator, {
      name: 'Twitch',
      url: 'rtmp://live.twitch.tv/app',
      streamKey: TWITCH_KEY,
    });
    expect(res.statusCode).toBe(201);
    expect(res.body).not.toContain(TWITCH_KEY);
    const { target } = res.json() as { target: Record<string, unknown> };
    expect(target).toMatchObject({
      name: 'Twitch',
      url: 'rtmp://live.twitch.tv/app',
      keyHint: 'yAbC',
      enabled: true,
      state: { status: 'idle', attempt: 0, reason: null, nextRetryAt: null },
    });
    expect(target).not.toHaveProperty('streamKey');

    const rows = await sql<Record<string, unknown>>`SELECT * FROM restream_targets`.execute(ctx.platform.db);
    expect(rows.rows).toHaveLength(1);
    expect(JSON.stringify(rows.rows)).not.toContain(TWITCH_KEY);
    const row = (await store.list(ctx.platform.db, streamId))[0]!;
    const box = new SecretBox(async () => Buffer.from(SECRETS_KEY, 'base64'));
    expect(await box.open(row.key_sealed, row.id)).toBe(TWITCH_KEY);
    expect(await ctx.services.restream.openTargets(streamId)).toEqual([
      { id: row.id, publishUrl: `rtmp://live.twitch.tv/app/${TWITCH_KEY}`, key: TWITCH_KEY },
    ]);

    const list = await api('GET', targets(), creator);
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(TWITCH_KEY);
    expect((list.json() as { items: unknown[] }).items).toHaveLength(1);
    const status = await api('GET', `/studio/streams/${streamId}/restream-status`, creator);
    expect(status.json()).toEqual({
      items: [{ id: row.id, state: expect.objectContaining({ status: 'idle' }) }],
    });
  });

  it('changes, disables and removes a target; a new key replaces the sealed one', async () => {
    const created = await api('POST', targets(), creator, {
      name: 'YouTube',
      url: 'rtmp://a.rtmp.youtube.com/live2',
      streamKey: 'aaaa-bbbb-cccc-dddd',
    });
    const id = (created.json() as { target: { id: string } }).target.id;
    const changed = await api('PATCH', `${targets()}/${id}`, creator, {
      enabled: false,
      streamKey: 'zzzz-9876',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ target: { enabled: false, keyHint: '9876' } });
    expect((await store.list(ctx.platform.db, streamId, true)).map((r) => r.id)).not.toContain(id);
    expect((await ctx.services.restream.openTargets(streamId)).map((t) => t.id)).not.toContain(id);

    expect((await api('DELETE', `${targets()}/${id}`, creator)).statusCode).toBe(204);
    expectError(await api('DELETE', `${targets()}/${id}`, creator), 404, 'RESTREAM_TARGET_NOT_FOUND');
    expect(await store.find(ctx.platform.db, streamId, id)).toBeUndefined();
  });

  it('refuses bad URLs and keys with coded errors and writes nothing', async () => {
    const before = await store.count(ctx.platform.db, streamId);
    const post = (url: string, streamKey = 'abc') =>
      api('POST', targets(), creator, { name: 'x', url, streamKey });
    expectError(await post('http://example.com/live'), 400, 'RESTREAM_URL_SCHEME');
    expectError(await post('rtmp://user:pw@example.com/live'), 400, 'RESTREAM_URL_CREDENTIALS');
    expectError(await post('rtmp://127.0.0.1:1935/live'), 400, 'RESTREAM_URL_PRIVATE');
    expectError(await post('rtmp://10.0.0.8/live'), 400, 'RESTREAM_URL_PRIVATE');
    expectError(await post('rtmp://loopback.example/live'), 400, 'RESTREAM_URL_PRIVATE');
    expectError(await post('rtmps://mixed.example/live'), 400, 'RESTREAM_URL_PRIVATE');
    expectError(await post('rtmp://nowhere.example/live'), 400, 'RESTREAM_URL_UNRESOLVED');
    expectError(await post('rtmp://example.com/a|b'), 400, 'RESTREAM_URL_INVALID');
    expectError(await post('rtmp://example.com/live', 'key with space'), 400, 'RESTREAM_KEY_INVALID');
    expectError(await post(`rtmp://example.com/${'a'.repeat(600)}`), 400, 'VALIDATION_FAILED');
    expect(await store.count(ctx.platform.db, streamId)).toBe(before);
  });

  it('leaves out a target whose host name has come to point at a private address', async () => {
    const res = await api('POST', targets(), creator, {
      name: 'Flips',
      url: 'rtmp://flip.example/live',
      streamKey: 'flip-key-1234',
    });
    expect(res.statusCode).toBe(201);
    const id = (res.json() as { target: { id: string } }).target.id;
    expect((await ctx.services.restream.openTargets(streamId)).map((t) => t.id)).toContain(id);
    hosts['flip.example'] = ['127.0.0.1'];
    try {
      expect((await ctx.services.restream.openTargets(streamId)).map((t) => t.id)).not.toContain(id);
    } finally {
      hosts['flip.example'] = [PUBLIC_ADDRESS];
      await api('DELETE', `${targets()}/${id}`, creator);
    }
  });

  it('hides a stream’s targets from other creators', async () => {
    expectError(await api('GET', targets(), other), 404, 'STREAMS_NOT_FOUND');
    expectError(
      await api('POST', targets(), other, { name: 'x', url: 'rtmp://example.com/live', streamKey: 'k' }),
      404,
      'STREAMS_NOT_FOUND',
    );
  });

  it('caps the number of targets per stream', async () => {
    const res = await api('POST', '/studio/streams', creator, { title: 'Many' });
    const many = (res.json() as { stream: { id: string } }).stream.id;
    const add = () =>
      api('POST', `/studio/streams/${many}/restream-targets`, creator, {
        name: 'n',
        url: 'rtmp://example.com/live',
        streamKey: 'k',
      });
    for (let i = 0; i < 10; i++) expect((await add()).statusCode).toBe(201);
    expectError(await add(), 409, 'RESTREAM_TOO_MANY_TARGETS');
  });
});

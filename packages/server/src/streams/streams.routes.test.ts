import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import type { Db } from '../platform/db/schema.ts';
import { addMember, bearer, createApp, createKey } from '../tenants/tenants.fixtures.ts';
import { hashStreamKey, STREAM_KEY_PATTERN } from './streams.rules.ts';
import type { StreamView } from './streams.schemas.ts';

async function streamState(db: Db): Promise<unknown> {
  const [streams, audit] = await Promise.all([
    db.selectFrom('streams').selectAll().orderBy('id').execute(),
    db.selectFrom('audit_log').select('id').orderBy('id').execute(),
  ]);
  return { streams, audit: audit.length };
}

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect({ status: res.statusCode, code: (res.json() as { code?: string }).code }).toEqual({ status, code });
}

describe.each(testDatabases().map((f) => [f.name, f] as const))('stream routes on %s', (_name, factory) => {
  let ctx: TestContext;
  let owner: TestSession;
  let viewer: TestSession;
  let outsider: TestSession;
  let appId: string;
  let otherAppId: string;
  let writeKey: string;
  let readKey: string;
  let webhooksKey: string;

  beforeAll(async () => {
    ctx = await createTestContext(factory, {
      env: { RTMP_PORT: '19350', PUBLIC_URL: 'https://tv.example.com' },
    });
    owner = await signUp(ctx.app);
    viewer = await signUp(ctx.app);
    outsider = await signUp(ctx.app);
    appId = (await createApp(ctx.app, owner, 'Streams app')).id;
    otherAppId = (await createApp(ctx.app, owner, 'Other app')).id;
    await addMember(ctx.app, ctx.platform.db, owner, appId, viewer, 'viewer');
    writeKey = (await createKey(ctx.app, owner, appId, ['streams:read', 'streams:write'])).secret;
    readKey = (await createKey(ctx.app, owner, appId, ['streams:read'])).secret;
    webhooksKey = (await createKey(ctx.app, owner, appId, ['webhooks:read'])).secret;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const base = (app = appId) => `/api/v1/apps/${app}/streams`;
  const db = () => ctx.platform.db;

  async function refused(request: () => Promise<LightMyRequestResponse>, status: number, code: string) {
    const before = await streamState(db());
    expectError(await request(), status, code);
    expect(await streamState(db())).toEqual(before);
  }

  async function create(payload: Record<string, unknown> = { title: 'My show' }) {
    const res = await ctx.app.inject({ method: 'POST', url: base(), headers: authHeaders(owner), payload });
    if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
    return res.json() as { stream: StreamView; ingest: { rtmpUrl: string; streamKey: string } };
  }

  it('creates a stream with defaults, returns the RTMP URL, key and playback URL, and stores only the key hash', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: base(),
      headers: authHeaders(owner),
      payload: { title: 'Evening set', category: 'music' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json() as { stream: StreamView; ingest: { rtmpUrl: string; streamKey: string } };
    expect(body.ingest.rtmpUrl).toBe('rtmp://tv.example.com:19350/live');
    expect(body.ingest.streamKey).toMatch(STREAM_KEY_PATTERN);
    expect(body.stream).toMatchObject({
      title: 'Evening set',
      category: 'music',
      visibility: 'public',
      status: 'idle',
      reconnectWindowS: 30,
      record: false,
      latencyMode: 'low',
      transcodingProfile: 'standard',
      currentSessionId: null,
      ownerId: owner.user.id,
      playback: { hls: `https://tv.example.com/hls/${body.stream.id}/master.m3u8` },
    });
    const row = await db()
      .selectFrom('streams')
      .selectAll()
      .where('id', '=', body.stream.id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(hashStreamKey(body.ingest.streamKey));
    expect(JSON.stringify(row)).not.toContain(body.ingest.streamKey);
    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('target_id', '=', body.stream.id)
      .execute();
    expect(audit).toEqual([{ action: 'stream.create', actor_id: owner.user.id }]);
  });

  it('never shows the key when reading or listing a stream', async () => {
    const { stream, ingest } = await create();
    const got = await ctx.app.inject({
      method: 'GET',
      url: `${base()}/${stream.id}`,
      headers: authHeaders(viewer),
    });
    expect(got.statusCode).toBe(200);
    expect(got.body).not.toContain(ingest.streamKey);
    const list = await ctx.app.inject({ method: 'GET', url: base(), headers: bearer(readKey) });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(ingest.streamKey);
    expect((list.json() as { items: StreamView[] }).items.map((s) => s.id)).toContain(stream.id);
  });

  it('lists newest first with a cursor and filters by status', async () => {
    const a = await create({ title: 'A' });
    const b = await create({ title: 'B' });
    const first = await ctx.app.inject({
      method: 'GET',
      url: `${base()}?limit=1`,
      headers: authHeaders(owner),
    });
    const page1 = first.json() as { items: StreamView[]; nextCursor: string };
    expect(page1.items.map((s) => s.id)).toEqual([b.stream.id]);
    const second = await ctx.app.inject({
      method: 'GET',
      url: `${base()}?limit=1&cursor=${page1.nextCursor}`,
      headers: authHeaders(owner),
    });
    expect((second.json() as { items: StreamView[] }).items.map((s) => s.id)).toEqual([a.stream.id]);
    const live = await ctx.app.inject({
      method: 'GET',
      url: `${base()}?status=live`,
      headers: authHeaders(owner),
    });
    expect((live.json() as { items: StreamView[] }).items).toEqual([]);
  });

  it('updates settings with an API key holding streams:write and audits the changed fields', async () => {
    const { stream } = await create();
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: `${base()}/${stream.id}`,
      headers: bearer(writeKey),
      payload: {
        title: 'Renamed',
        visibility: 'ticketed',
        reconnectWindowS: 90,
        record: true,
        latencyMode: 'standard',
        transcodingProfile: 'compact',
      },
    });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { stream: StreamView }).stream).toMatchObject({
      title: 'Renamed',
      visibility: 'ticketed',
      reconnectWindowS: 90,
      record: true,
      latencyMode: 'standard',
      transcodingProfile: 'compact',
    });
    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'actor_type'])
      .where('target_id', '=', stream.id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['stream.create', 'stream.update']);
  });

  it('rotates the key: the new key is shown once and the old hash no longer matches', async () => {
    const { stream, ingest } = await create();
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${base()}/${stream.id}/rotate-key`,
      headers: authHeaders(owner),
    });
    expect(res.statusCode).toBe(200);
    const rotated = res.json() as { ingest: { streamKey: string } };
    expect(rotated.ingest.streamKey).toMatch(STREAM_KEY_PATTERN);
    expect(rotated.ingest.streamKey).not.toBe(ingest.streamKey);
    const row = await db()
      .selectFrom('streams')
      .select('key_hash')
      .where('id', '=', stream.id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(hashStreamKey(rotated.ingest.streamKey));
  });

  it('deletes a stream: it disappears and its key hash can never match again', async () => {
    const { stream, ingest } = await create();
    const res = await ctx.app.inject({
      method: 'DELETE',
      url: `${base()}/${stream.id}`,
      headers: authHeaders(owner),
    });
    expect(res.statusCode).toBe(204);
    const got = await ctx.app.inject({
      method: 'GET',
      url: `${base()}/${stream.id}`,
      headers: authHeaders(owner),
    });
    expectError(got, 404, 'STREAMS_NOT_FOUND');
    const row = await db()
      .selectFrom('streams')
      .select('key_hash')
      .where('id', '=', stream.id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).not.toBe(hashStreamKey(ingest.streamKey));
  });

  describe('bad input changes nothing', () => {
    it('refuses unknown fields, wrong types, oversized and empty strings and unknown enum values on create', async () => {
      const bodies: Record<string, unknown>[] = [
        { title: 'x', extra: 1 },
        { title: 42 },
        { title: '' },
        { title: 'x'.repeat(141) },
        { title: 'x', category: 'c'.repeat(65) },
        { title: 'x', visibility: 'secret' },
        { title: 'x', latencyMode: 'ultra' },
        { title: 'x', transcodingProfile: 'Not A Name!' },
        { title: 'x', reconnectWindowS: 601 },
        { title: 'x', reconnectWindowS: -1 },
        { title: 'x', reconnectWindowS: '30' },
        { title: 'x', record: 'yes' },
        {},
      ];
      for (const payload of bodies) {
        await refused(
          () => ctx.app.inject({ method: 'POST', url: base(), headers: authHeaders(owner), payload }),
          400,
          'VALIDATION_FAILED',
        );
      }
      await refused(
        () =>
          ctx.app.inject({
            method: 'POST',
            url: base(),
            headers: authHeaders(owner),
            payload: { title: 'x', transcodingProfile: '4k' },
          }),
        400,
        'STREAMS_PROFILE_UNKNOWN',
      );
    });

    it('refuses bad updates and a body on rotate-key', async () => {
      const { stream } = await create();
      for (const payload of [{ status: 'live' }, { title: '' }, { streamKey: 'live_x' }, { record: 1 }]) {
        await refused(
          () =>
            ctx.app.inject({
              method: 'PATCH',
              url: `${base()}/${stream.id}`,
              headers: authHeaders(owner),
              payload,
            }),
          400,
          'VALIDATION_FAILED',
        );
      }
      await refused(
        () =>
          ctx.app.inject({
            method: 'POST',
            url: `${base()}/${stream.id}/rotate-key`,
            headers: authHeaders(owner),
            payload: { key: 'mine' },
          }),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('refuses malformed ids and unknown streams', async () => {
      await refused(
        () => ctx.app.inject({ method: 'GET', url: `${base()}/not-an-id`, headers: authHeaders(owner) }),
        400,
        'VALIDATION_FAILED',
      );
      await refused(
        () =>
          ctx.app.inject({
            method: 'PATCH',
            url: `${base()}/str_0000000000aaaaaaaaaaaaaaaa`,
            headers: authHeaders(owner),
            payload: { title: 'x' },
          }),
        404,
        'STREAMS_NOT_FOUND',
      );
      await refused(
        () =>
          ctx.app.inject({
            method: 'DELETE',
            url: `${base()}/str_0000000000aaaaaaaaaaaaaaaa`,
            headers: authHeaders(owner),
          }),
        404,
        'STREAMS_NOT_FOUND',
      );
    });

    it('refuses a stream of another app through this app', async () => {
      const { stream } = await create();
      await refused(
        () =>
          ctx.app.inject({
            method: 'PATCH',
            url: `${base(otherAppId)}/${stream.id}`,
            headers: authHeaders(owner),
            payload: { title: 'stolen' },
          }),
        404,
        'STREAMS_NOT_FOUND',
      );
    });

    it('refuses missing auth, wrong CSRF, forged tokens, viewers writing, outsiders and keys without the scope', async () => {
      const { stream } = await create();
      const payload = { title: 'x' };
      await refused(() => ctx.app.inject({ method: 'POST', url: base(), payload }), 401, 'AUTH_REQUIRED');
      await refused(() => ctx.app.inject({ method: 'GET', url: base() }), 401, 'AUTH_REQUIRED');
      await refused(
        () =>
          ctx.app.inject({
            method: 'POST',
            url: base(),
            headers: { cookie: owner.cookie, 'x-csrf-token': 'wrong' },
            payload,
          }),
        403,
        'AUTH_CSRF',
      );
      await refused(
        () =>
          ctx.app.inject({
            method: 'DELETE',
            url: `${base()}/${stream.id}`,
            headers: { cookie: owner.cookie },
          }),
        403,
        'AUTH_CSRF',
      );
      await refused(
        () => ctx.app.inject({ method: 'POST', url: base(), headers: bearer('sk_forged_secret'), payload }),
        401,
        'AUTH_INVALID_TOKEN',
      );
      await refused(
        () =>
          ctx.app.inject({
            method: 'POST',
            url: base(),
            headers: bearer('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'),
            payload,
          }),
        401,
        'AUTH_INVALID_TOKEN',
      );
      await refused(
        () => ctx.app.inject({ method: 'POST', url: base(), headers: authHeaders(viewer), payload }),
        403,
        'AUTH_FORBIDDEN',
      );
      await refused(
        () => ctx.app.inject({ method: 'GET', url: base(), headers: authHeaders(outsider) }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );
      await refused(
        () => ctx.app.inject({ method: 'POST', url: base(), headers: bearer(readKey), payload }),
        403,
        'AUTH_SCOPE_MISSING',
      );
      await refused(
        () => ctx.app.inject({ method: 'GET', url: base(), headers: bearer(webhooksKey) }),
        403,
        'AUTH_SCOPE_MISSING',
      );
      await refused(
        () => ctx.app.inject({ method: 'GET', url: base(otherAppId), headers: bearer(writeKey) }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );
    });
  });
});

import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, makeAdmin, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { addMember, createApp } from '../tenants/tenants.fixtures.ts';
import { resolveLadder } from './profiles.service.ts';
import { ProfileStore } from './profiles.store.ts';
import { normaliseLadder, TRANSCODING_PROFILES } from './streams.rules.ts';

function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect({ status: res.statusCode, code: (res.json() as { code?: string }).code }).toEqual({ status, code });
}

describe('normaliseLadder', () => {
  it('sorts rungs highest first and refuses empty, long, repeated or odd ladders', () => {
    const r = (height: number) => ({ height, videoKbps: 500, audioKbps: 64 });
    expect(normaliseLadder([r(360), r(720)])).toEqual({ ok: true, rungs: [r(720), r(360)] });
    expect(normaliseLadder([]).ok).toBe(false);
    expect(normaliseLadder([r(2), r(4), r(6), r(8), r(10), r(12), r(14)]).ok).toBe(false);
    expect(normaliseLadder([r(360), r(360)])).toEqual({
      ok: false,
      reason: 'two rungs have the same height',
    });
    expect(normaliseLadder([r(361)])).toEqual({ ok: false, reason: 'rung heights must be even' });
  });
});

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'transcoding profiles on %s',
  (_n, factory) => {
    let ctx: TestContext;
    let owner: TestSession;
    let viewer: TestSession;
    let admin: TestSession;
    let appId: string;
    const ladder = [
      { height: 240, videoKbps: 300, audioKbps: 64 },
      { height: 540, videoKbps: 1600, audioKbps: 96 },
    ];

    beforeAll(async () => {
      ctx = await createTestContext(factory);
      owner = await signUp(ctx.app);
      viewer = await signUp(ctx.app);
      admin = await makeAdmin(ctx);
      appId = (await createApp(ctx.app, owner, 'Ladders')).id;
      await addMember(ctx.app, ctx.platform.db, owner, appId, viewer, 'viewer');
    });
    afterAll(async () => {
      await ctx?.close();
    });

    const call = (
      method: 'GET' | 'PUT' | 'DELETE' | 'POST',
      url: string,
      session: TestSession,
      payload?: unknown,
    ) =>
      ctx.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: authHeaders(session),
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });

    it('lets app admins define custom ladders that streams can use, and refuses bad ones', async () => {
      const base = `/apps/${appId}/transcoding-profiles`;
      const listed = (await call('GET', base, viewer)).json() as {
        items: { name: string; builtIn: boolean }[];
      };
      expect(listed.items.map((p) => [p.name, p.builtIn])).toEqual([
        ['standard', true],
        ['compact', true],
        ['mobile', true],
      ]);
      expectError(await call('PUT', `${base}/sd`, viewer, { rungs: ladder }), 403, 'AUTH_FORBIDDEN');
      const put = await call('PUT', `${base}/sd`, owner, { rungs: ladder });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toEqual({ profile: { name: 'sd', builtIn: false, rungs: [ladder[1], ladder[0]] } });
      expect(((await call('GET', base, viewer)).json() as { items: unknown[] }).items).toHaveLength(4);

      expectError(
        await call('PUT', `${base}/standard`, owner, { rungs: ladder }),
        409,
        'STREAMS_PROFILE_BUILT_IN',
      );
      expectError(
        await call('PUT', `${base}/dup`, owner, { rungs: [ladder[0], ladder[0]] }),
        400,
        'STREAMS_LADDER_INVALID',
      );
      for (const body of [
        { rungs: [] },
        { rungs: [{ height: 100, videoKbps: 300, audioKbps: 64 }] },
        { rungs: [{ ...ladder[0], extra: 1 }] },
        { rungs: ladder, more: true },
      ])
        expectError(await call('PUT', `${base}/bad`, owner, body), 400, 'VALIDATION_FAILED');
      expectError(
        await call('PUT', `${base}/Bad%20Name`, owner, { rungs: ladder }),
        400,
        'VALIDATION_FAILED',
      );

      const created = await call('POST', `/apps/${appId}/streams`, owner, {
        title: 'Custom',
        transcodingProfile: 'sd',
      });
      expect(created.statusCode).toBe(201);
      const streamId = (created.json() as { stream: { id: string; transcodingProfile: string } }).stream.id;
      expect(
        (await resolveLadder(ctx.platform.db, new ProfileStore(), appId, 'sd')).map((r) => r.height),
      ).toEqual([540, 240]);
      // Another app cannot use this app's profile.
      const otherApp = (await createApp(ctx.app, owner, 'Other')).id;
      expectError(
        await call('POST', `/apps/${otherApp}/streams`, owner, { title: 'x', transcodingProfile: 'sd' }),
        400,
        'STREAMS_PROFILE_UNKNOWN',
      );
      expectError(
        await ctx.app.inject({
          method: 'PATCH',
          url: `/api/v1/apps/${appId}/streams/${streamId}`,
          headers: authHeaders(owner),
          payload: { transcodingProfile: 'nope' },
        }),
        400,
        'STREAMS_PROFILE_UNKNOWN',
      );

      expect((await call('DELETE', `${base}/sd`, owner)).statusCode).toBe(204);
      expectError(await call('DELETE', `${base}/sd`, owner), 404, 'STREAMS_PROFILE_NOT_FOUND');
      expect(await resolveLadder(ctx.platform.db, new ProfileStore(), appId, 'sd')).toEqual(
        TRANSCODING_PROFILES.standard.rungs,
      );
      const audit = await ctx.platform.db
        .selectFrom('audit_log')
        .select('action')
        .where('app_id', '=', appId)
        .where('action', 'like', 'stream.profile.%')
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['stream.profile.put', 'stream.profile.delete']);
    });

    it('lets instance admins define the site ladders', async () => {
      expectError(
        await call('PUT', '/admin/transcoding-profiles/tiny', owner, { rungs: ladder }),
        403,
        'AUTH_FORBIDDEN',
      );
      const put = await call('PUT', '/admin/transcoding-profiles/tiny', admin, { rungs: ladder });
      expect(put.statusCode).toBe(200);
      const studio = await call('POST', '/studio/streams', admin, {
        title: 'Tiny',
        transcodingProfile: 'tiny',
      });
      expect(studio.statusCode).toBe(201);
      const names = (
        (await call('GET', '/admin/transcoding-profiles', admin)).json() as { items: { name: string }[] }
      ).items;
      expect(names.map((p) => p.name)).toContain('tiny');
    });
  },
);

import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { newId } from '../platform/ids.ts';
import { bearer, createApp, createKey, expectError, expectRefused } from './tenants.fixtures.ts';
import { MAX_APPS_PER_USER } from './tenants.rules.ts';
import { SCOPE_NAMES } from './tenants.scopes.ts';

describe.each(testDatabases().map((f) => [f.name, f] as const))('app routes on %s', (_name, factory) => {
  let ctx: TestContext;
  let owner: TestSession;
  let outsider: TestSession;

  beforeAll(async () => {
    ctx = await createTestContext(factory);
    owner = await signUp(ctx.app);
    outsider = await signUp(ctx.app);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const inject = (options: InjectOptions) => ctx.app.inject(options);

  it('creates an app owned by the caller, lists it and audits the creation', async () => {
    const res = await inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers: authHeaders(owner),
      payload: { name: '  Live shop  ' },
    });
    expect(res.statusCode).toBe(201);
    const { app } = res.json() as {
      app: { id: string; name: string; ownerId: string; role: string; createdAt: string };
    };
    expect(app).toMatchObject({ name: 'Live shop', ownerId: owner.user.id, role: 'owner' });
    const list = await inject({ method: 'GET', url: '/api/v1/apps', headers: authHeaders(owner) });
    expect((list.json() as { items: { id: string }[] }).items.map((a) => a.id)).toContain(app.id);
    const got = await inject({ method: 'GET', url: `/api/v1/apps/${app.id}`, headers: authHeaders(owner) });
    expect(got.json()).toEqual({ app });
    const audit = await ctx.platform.db
      .selectFrom('audit_log')
      .selectAll()
      .where('app_id', '=', app.id)
      .execute();
    expect(audit.map((a) => [a.action, a.actor_id])).toEqual([['app.create', owner.user.id]]);
  });

  it('refuses bad app bodies without creating anything', async () => {
    const db = ctx.platform.db;
    const headers = authHeaders(owner);
    for (const payload of [
      { name: 'ok', extra: 1 },
      { name: 42 },
      { name: 'x'.repeat(81) },
      { name: '' },
      { name: '   ' },
      {},
    ]) {
      await expectRefused(
        db,
        () => inject({ method: 'POST', url: '/api/v1/apps', headers, payload }),
        400,
        'VALIDATION_FAILED',
      );
    }
  });

  it('needs a signed-in user with the CSRF token to create an app', async () => {
    const db = ctx.platform.db;
    const payload = { name: 'Nope' };
    await expectRefused(
      db,
      () => inject({ method: 'POST', url: '/api/v1/apps', payload }),
      401,
      'AUTH_REQUIRED',
    );
    await expectRefused(
      db,
      () => inject({ method: 'POST', url: '/api/v1/apps', headers: { cookie: owner.cookie }, payload }),
      403,
      'AUTH_CSRF',
    );
    await expectRefused(
      db,
      () =>
        inject({
          method: 'POST',
          url: '/api/v1/apps',
          headers: { ...authHeaders(owner), 'x-csrf-token': 'wrong' },
          payload,
        }),
      403,
      'AUTH_CSRF',
    );
    const app = await createApp(ctx.app, owner);
    const key = await createKey(ctx.app, owner, app.id, [...SCOPE_NAMES]);
    await expectRefused(
      db,
      () => inject({ method: 'POST', url: '/api/v1/apps', headers: bearer(key.secret), payload }),
      403,
      'AUTH_FORBIDDEN',
    );
  });

  it(`limits a user to ${MAX_APPS_PER_USER} apps`, async () => {
    const db = ctx.platform.db;
    const busy = await signUp(ctx.app);
    const now = new Date();
    const rows = Array.from({ length: MAX_APPS_PER_USER }, () => ({
      id: newId('app'),
      name: 'Filler',
      owner_id: busy.user.id,
      created_at: now,
      updated_at: now,
    }));
    await db.insertInto('apps').values(rows).execute();
    await expectRefused(
      db,
      () =>
        inject({
          method: 'POST',
          url: '/api/v1/apps',
          headers: authHeaders(busy),
          payload: { name: 'One too many' },
        }),
      409,
      'TENANTS_APP_LIMIT',
    );
    await db.updateTable('apps').set({ deleted_at: now }).where('id', '=', rows[0]!.id).execute();
    const res = await inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers: authHeaders(busy),
      payload: { name: 'Room again' },
    });
    expect(res.statusCode).toBe(201);
  });

  it('hides apps from non-members, and never shows the site app', async () => {
    const app = await createApp(ctx.app, owner);
    for (const url of [`/api/v1/apps/${app.id}`, '/api/v1/apps/app_site', `/api/v1/apps/${newId('app')}`]) {
      expectError(
        await inject({ method: 'GET', url, headers: authHeaders(outsider) }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );
    }
    expectError(
      await inject({ method: 'GET', url: '/api/v1/apps/app_site', headers: authHeaders(owner) }),
      404,
      'TENANTS_APP_NOT_FOUND',
    );
    expectError(
      await inject({ method: 'GET', url: '/api/v1/apps/NOT-AN-ID', headers: authHeaders(owner) }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await inject({ method: 'GET', url: `/api/v1/apps/${app.id}` }), 401, 'AUTH_REQUIRED');
    const list = await inject({ method: 'GET', url: '/api/v1/apps', headers: authHeaders(outsider) });
    expect(list.json()).toEqual({ items: [], nextCursor: null });
  });

  it('pages through apps newest first', async () => {
    const dev = await signUp(ctx.app);
    const a = await createApp(ctx.app, dev, 'A');
    // Ids order by millisecond; make sure the second app is created in a later one.
    await new Promise((resolve) => setTimeout(resolve, 3));
    const b = await createApp(ctx.app, dev, 'B');
    const first = (
      await inject({ method: 'GET', url: '/api/v1/apps?limit=1', headers: authHeaders(dev) })
    ).json() as { items: { id: string }[]; nextCursor: string };
    expect(first.items.map((x) => x.id)).toEqual([b.id]);
    expect(first.nextCursor).toBe(b.id);
    const second = (
      await inject({
        method: 'GET',
        url: `/api/v1/apps?limit=1&cursor=${first.nextCursor}`,
        headers: authHeaders(dev),
      })
    ).json() as { items: { id: string }[] };
    expect(second.items.map((x) => x.id)).toEqual([a.id]);
    expectError(
      await inject({ method: 'GET', url: '/api/v1/apps?limit=1000', headers: authHeaders(dev) }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('shows an API key only its own app, with no team role, when it holds apps:read', async () => {
    const app = await createApp(ctx.app, owner);
    const other = await createApp(ctx.app, owner);
    const key = await createKey(ctx.app, owner, app.id, ['apps:read']);
    const list = await inject({ method: 'GET', url: '/api/v1/apps', headers: bearer(key.secret) });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({
      items: [{ id: app.id, role: null, ownerId: owner.user.id }],
      nextCursor: null,
    });
    expect(
      (await inject({ method: 'GET', url: `/api/v1/apps/${app.id}`, headers: bearer(key.secret) }))
        .statusCode,
    ).toBe(200);
    expectError(
      await inject({ method: 'GET', url: `/api/v1/apps/${other.id}`, headers: bearer(key.secret) }),
      404,
      'TENANTS_APP_NOT_FOUND',
    );
    const narrow = await createKey(ctx.app, owner, app.id, ['webhooks:read']);
    expectError(
      await inject({ method: 'GET', url: '/api/v1/apps', headers: bearer(narrow.secret) }),
      403,
      'AUTH_SCOPE_MISSING',
    );
    expectError(
      await inject({ method: 'GET', url: '/api/v1/apps', headers: bearer('sk_bogus') }),
      401,
      'AUTH_INVALID_TOKEN',
    );
  });
});

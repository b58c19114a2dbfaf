import { verifyWebhook } from '@pnptv/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { addMember, bearer, createApp, createKey } from '../tenants/tenants.fixtures.ts';
import { type EndpointJson, expectError, expectRefused, startReceiver } from './webhooks.fixtures.ts';

describe.each(testDatabases().map((f) => [f.name, f] as const))('webhook routes on %s', (_name, factory) => {
  let ctx: TestContext;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: TestSession;
  let viewer: TestSession;
  let editor: TestSession;
  let outsider: TestSession;
  let appId: string;
  let otherAppId: string;
  let writeKey: string;
  let readKey: string;
  let revokedKey: string;

  beforeAll(async () => {
    ctx = await createTestContext(factory);
    receiver = await startReceiver();
    owner = await signUp(ctx.app);
    viewer = await signUp(ctx.app);
    editor = await signUp(ctx.app);
    outsider = await signUp(ctx.app);
    appId = (await createApp(ctx.app, owner, 'Hooks app')).id;
    otherAppId = (await createApp(ctx.app, owner, 'Other app')).id;
    await addMember(ctx.app, ctx.platform.db, owner, appId, viewer, 'viewer');
    await addMember(ctx.app, ctx.platform.db, owner, appId, editor, 'editor');
    writeKey = (await createKey(ctx.app, owner, appId, ['webhooks:read', 'webhooks:write'])).secret;
    readKey = (await createKey(ctx.app, owner, appId, ['webhooks:read'])).secret;
    const revoked = await createKey(ctx.app, owner, appId, ['webhooks:read', 'webhooks:write']);
    revokedKey = revoked.secret;
    const res = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/apps/${appId}/keys/${revoked.id}`,
      headers: authHeaders(owner),
    });
    expect(res.statusCode).toBe(204);
    await ctx.drainJobs();
  });
  afterAll(async () => {
    receiver?.server.closeAllConnections();
    await new Promise((resolve) => receiver?.server.close(resolve));
    await ctx?.close();
  });

  const base = (app = appId) => `/api/v1/apps/${app}/webhooks`;
  const db = () => ctx.platform.db;

  async function create(
    payload: Record<string, unknown>,
    app = appId,
    session = owner,
  ): Promise<{ endpoint: EndpointJson; secret: string }> {
    const res = await ctx.app.inject({
      method: 'POST',
      url: base(app),
      headers: authHeaders(session),
      payload,
    });
    if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
    return res.json();
  }

  it('creates an endpoint, shows its secret only once, and audits the creation', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: base(),
      headers: authHeaders(editor),
      payload: {
        url: receiver.url('/created'),
        events: ['stream.live', 'stream.offline'],
        description: 'Go-live alerts',
      },
    });
    expect(res.statusCode).toBe(201);
    const { endpoint, secret } = res.json() as { endpoint: EndpointJson; secret: string };
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(endpoint).toEqual({
      id: expect.stringMatching(/^whe_/),
      url: receiver.url('/created'),
      description: 'Go-live alerts',
      events: ['stream.live', 'stream.offline'],
      enabled: true,
      disabledReason: null,
      createdAt: expect.any(String),
    });
    const one = await ctx.app.inject({
      method: 'GET',
      url: `${base()}/${endpoint.id}`,
      headers: authHeaders(viewer),
    });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({ endpoint });
    const list = await ctx.app.inject({ method: 'GET', url: base(), headers: bearer(readKey) });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { items: EndpointJson[] }).items.map((e) => e.id)).toContain(endpoint.id);
    expect(list.body + one.body).not.toContain(secret);
    const audit = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('target_id', '=', endpoint.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'webhook_endpoint.create',
      actor_type: 'user',
      actor_id: editor.user.id,
      app_id: appId,
    });
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('lets an API key with webhooks:write manage endpoints, audited as the key', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: base(),
      headers: bearer(writeKey),
      payload: { url: receiver.url('/by-key'), events: ['*'] },
    });
    expect(res.statusCode).toBe(201);
    const { endpoint } = res.json() as { endpoint: EndpointJson };
    expect(endpoint.events).toEqual(['*']);
    const audit = await db()
      .selectFrom('audit_log')
      .selectAll()
      .where('target_id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    expect(audit.actor_type).toBe('api_key');
  });

  it('refuses bad bodies with stable codes and changes nothing', async () => {
    const ok = { url: receiver.url('/x'), events: ['stream.live'] };
    const cases: [unknown, number, string][] = [
      [{ ...ok, events: ['stream.exploded'] }, 400, 'WEBHOOKS_EVENTS_INVALID'],
      [{ ...ok, events: [] }, 400, 'WEBHOOKS_EVENTS_INVALID'],
      [{ ...ok, events: ['stream.live', 'stream.live'] }, 400, 'WEBHOOKS_EVENTS_INVALID'],
      [{ ...ok, events: ['*', 'stream.live'] }, 400, 'WEBHOOKS_EVENTS_INVALID'],
      [{ ...ok, url: 'ftp://example.com/hook' }, 400, 'WEBHOOKS_URL_INVALID'],
      [{ ...ok, url: 'not a url' }, 400, 'WEBHOOKS_URL_INVALID'],
      [{ ...ok, url: 'https://user:pass@example.com/hook' }, 400, 'WEBHOOKS_URL_INVALID'],
      [{ ...ok, url: `https://example.com/${'a'.repeat(2100)}` }, 400, 'VALIDATION_FAILED'],
      [{ ...ok, description: 'd'.repeat(201) }, 400, 'VALIDATION_FAILED'],
      [{ ...ok, secret: 'whsec_mine' }, 400, 'VALIDATION_FAILED'],
      [{ ...ok, events: 'stream.live' }, 400, 'VALIDATION_FAILED'],
      [{ ...ok, url: 42 }, 400, 'VALIDATION_FAILED'],
      [{ events: ['stream.live'] }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [payload, status, code] of cases) {
      await expectRefused(
        db(),
        () =>
          ctx.app.inject({
            method: 'POST',
            url: base(),
            headers: authHeaders(owner),
            payload: payload as object,
          }),
        status,
        code,
      );
    }
  });

  it('refuses callers without the right credentials, role or scope and changes nothing', async () => {
    const payload = { url: receiver.url('/x'), events: ['stream.live'] };
    const post = (headers: Record<string, string>) => () =>
      ctx.app.inject({ method: 'POST', url: base(), headers, payload });
    await expectRefused(db(), post({}), 401, 'AUTH_REQUIRED');
    await expectRefused(db(), post({ cookie: owner.cookie, 'x-csrf-token': 'wrong' }), 403, 'AUTH_CSRF');
    await expectRefused(db(), post({ cookie: owner.cookie }), 403, 'AUTH_CSRF');
    await expectRefused(
      db(),
      post(bearer('sk_forged_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')),
      401,
      'AUTH_INVALID_TOKEN',
    );
    await expectRefused(db(), post(bearer(revokedKey)), 401, 'AUTH_INVALID_TOKEN');
    await expectRefused(db(), post(authHeaders(viewer)), 403, 'AUTH_FORBIDDEN');
    await expectRefused(db(), post(bearer(readKey)), 403, 'AUTH_SCOPE_MISSING');
    await expectRefused(db(), post(authHeaders(outsider)), 404, 'TENANTS_APP_NOT_FOUND');
    const read = await ctx.app.inject({ method: 'GET', url: base(), headers: authHeaders(outsider) });
    expectError(read, 404, 'TENANTS_APP_NOT_FOUND');
    expectError(
      await ctx.app.inject({ method: 'GET', url: base(otherAppId), headers: bearer(writeKey) }),
      404,
      'TENANTS_APP_NOT_FOUND',
    );
  });

  it("answers 404 for another app's endpoint and delivery ids on every route", async () => {
    const foreign = await create({ url: receiver.url('/foreign'), events: ['*'] }, otherAppId);
    const test = await ctx.app.inject({
      method: 'POST',
      url: `${base(otherAppId)}/${foreign.endpoint.id}/test`,
      headers: authHeaders(owner),
    });
    expect(test.statusCode, test.body).toBe(202);
    const foreignDelivery = (test.json() as { delivery: { id: string } }).delivery.id;
    const mine = await create({ url: receiver.url('/mine'), events: ['*'] });
    const id = foreign.endpoint.id;
    const headers = authHeaders(owner);
    const requests: [string, string, object | undefined, string][] = [
      ['GET', `${base()}/${id}`, undefined, 'WEBHOOKS_ENDPOINT_NOT_FOUND'],
      ['PATCH', `${base()}/${id}`, { description: 'mine now' }, 'WEBHOOKS_ENDPOINT_NOT_FOUND'],
      ['DELETE', `${base()}/${id}`, undefined, 'WEBHOOKS_ENDPOINT_NOT_FOUND'],
      ['POST', `${base()}/${id}/rotate-secret`, undefined, 'WEBHOOKS_ENDPOINT_NOT_FOUND'],
      ['POST', `${base()}/${id}/test`, undefined, 'WEBHOOKS_ENDPOINT_NOT_FOUND'],
      ['GET', `${base()}/${id}/deliveries`, undefined, 'WEBHOOKS_ENDPOINT_NOT_FOUND'],
      ['GET', `${base()}/${id}/deliveries/${foreignDelivery}`, undefined, 'WEBHOOKS_ENDPOINT_NOT_FOUND'],
      [
        'POST',
        `${base()}/${id}/deliveries/${foreignDelivery}/replay`,
        undefined,
        'WEBHOOKS_ENDPOINT_NOT_FOUND',
      ],
      [
        'GET',
        `${base()}/${mine.endpoint.id}/deliveries/${foreignDelivery}`,
        undefined,
        'WEBHOOKS_DELIVERY_NOT_FOUND',
      ],
      [
        'POST',
        `${base()}/${mine.endpoint.id}/deliveries/${foreignDelivery}/replay`,
        undefined,
        'WEBHOOKS_DELIVERY_NOT_FOUND',
      ],
      ['GET', `${base()}/whe_doesnotexist`, undefined, 'WEBHOOKS_ENDPOINT_NOT_FOUND'],
    ];
    for (const [method, url, payload, code] of requests) {
      await expectRefused(
        db(),
        () => ctx.app.inject({ method: method as 'GET', url, headers, ...(payload ? { payload } : {}) }),
        404,
        code,
      );
    }
    await ctx.drainJobs();
  });

  it('changes an endpoint, and enabling it again clears the failure streak', async () => {
    const { endpoint } = await create({ url: receiver.url('/patch'), events: ['stream.live'] });
    const url = `${base()}/${endpoint.id}`;
    const res = await ctx.app.inject({
      method: 'PATCH',
      url,
      headers: authHeaders(editor),
      payload: { events: ['*'], description: 'All of it', url: receiver.url('/patched') },
    });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { endpoint: EndpointJson }).endpoint).toMatchObject({
      events: ['*'],
      description: 'All of it',
      url: receiver.url('/patched'),
    });

    await expectRefused(
      db(),
      () =>
        ctx.app.inject({ method: 'PATCH', url, headers: authHeaders(owner), payload: { events: ['nope'] } }),
      400,
      'WEBHOOKS_EVENTS_INVALID',
    );
    await expectRefused(
      db(),
      () =>
        ctx.app.inject({ method: 'PATCH', url, headers: authHeaders(owner), payload: { url: 'gopher://x' } }),
      400,
      'WEBHOOKS_URL_INVALID',
    );
    await expectRefused(
      db(),
      () =>
        ctx.app.inject({ method: 'PATCH', url, headers: authHeaders(owner), payload: { enabled: 'yes' } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefused(
      db(),
      () =>
        ctx.app.inject({ method: 'PATCH', url, headers: authHeaders(viewer), payload: { enabled: false } }),
      403,
      'AUTH_FORBIDDEN',
    );

    await db()
      .updateTable('webhook_endpoints')
      .set({
        enabled: false,
        disabled_reason: 'Disabled after 10 deliveries in a row failed',
        consecutive_failures: 10,
      })
      .where('id', '=', endpoint.id)
      .execute();
    const disabled = await ctx.app.inject({ method: 'GET', url, headers: authHeaders(viewer) });
    expect((disabled.json() as { endpoint: EndpointJson }).endpoint).toMatchObject({
      enabled: false,
      disabledReason: expect.stringContaining('10 deliveries'),
    });
    const test = await ctx.app.inject({ method: 'POST', url: `${url}/test`, headers: authHeaders(owner) });
    expectError(test, 409, 'WEBHOOKS_ENDPOINT_DISABLED');
    const enabled = await ctx.app.inject({
      method: 'PATCH',
      url,
      headers: authHeaders(owner),
      payload: { enabled: true },
    });
    expect((enabled.json() as { endpoint: EndpointJson }).endpoint).toMatchObject({
      enabled: true,
      disabledReason: null,
    });
    const row = await db()
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    expect(row.consecutive_failures).toBe(0);
    const actions = await db()
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', endpoint.id)
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'webhook_endpoint.create',
      'webhook_endpoint.update',
      'webhook_endpoint.update',
    ]);
  });

  it('sends a test event to that endpoint only, lists and shows the delivery, and replays it with the same message id', async () => {
    const target = await create({ url: receiver.url('/tested'), events: ['stream.live'] });
    await create({ url: receiver.url('/bystander'), events: ['*'] });
    const url = `${base()}/${target.endpoint.id}`;
    const res = await ctx.app.inject({ method: 'POST', url: `${url}/test`, headers: bearer(writeKey) });
    expect(res.statusCode).toBe(202);
    const { delivery } = res.json() as {
      delivery: {
        id: string;
        messageId: string;
        eventType: string;
        status: string;
        attempts: number;
        endpointId: string;
      };
    };
    expect(delivery).toMatchObject({
      eventType: 'webhook.test',
      status: 'pending',
      attempts: 0,
      endpointId: target.endpoint.id,
      messageId: expect.stringMatching(/^msg_/),
    });

    await ctx.drainJobs();
    expect(receiver.got.filter((g) => g.path === '/bystander')).toHaveLength(0);
    const received = receiver.got.filter((g) => g.path === '/tested');
    expect(received).toHaveLength(1);
    const event = await verifyWebhook(received[0]!.body, received[0]!.headers, target.secret);
    expect(event).toMatchObject({ id: delivery.messageId, type: 'webhook.test', appId });

    const list = await ctx.app.inject({
      method: 'GET',
      url: `${url}/deliveries`,
      headers: authHeaders(viewer),
    });
    expect(list.statusCode).toBe(200);
    expect(
      (list.json() as { items: { id: string; status: string; lastStatusCode: number }[] }).items,
    ).toEqual([
      expect.objectContaining({
        id: delivery.id,
        status: 'succeeded',
        attempts: 1,
        lastStatusCode: 200,
        nextAttemptAt: null,
      }),
    ]);
    const failed = await ctx.app.inject({
      method: 'GET',
      url: `${url}/deliveries?status=failed`,
      headers: authHeaders(viewer),
    });
    expect((failed.json() as { items: unknown[] }).items).toEqual([]);
    expectError(
      await ctx.app.inject({
        method: 'GET',
        url: `${url}/deliveries?status=lost`,
        headers: authHeaders(viewer),
      }),
      400,
      'VALIDATION_FAILED',
    );

    const one = await ctx.app.inject({
      method: 'GET',
      url: `${url}/deliveries/${delivery.id}`,
      headers: bearer(readKey),
    });
    expect(one.statusCode).toBe(200);
    const detail = one.json() as { delivery: { id: string }; payload: Record<string, unknown> };
    expect(detail.delivery.id).toBe(delivery.id);
    expect(detail.payload).toEqual(JSON.parse(received[0]!.body));

    await expectRefused(
      db(),
      () =>
        ctx.app.inject({
          method: 'POST',
          url: `${url}/deliveries/${delivery.id}/replay`,
          headers: authHeaders(viewer),
        }),
      403,
      'AUTH_FORBIDDEN',
    );
    const replay = await ctx.app.inject({
      method: 'POST',
      url: `${url}/deliveries/${delivery.id}/replay`,
      headers: authHeaders(editor),
    });
    expect(replay.statusCode).toBe(202);
    const replayed = (replay.json() as { delivery: { id: string; messageId: string } }).delivery;
    expect(replayed.id).not.toBe(delivery.id);
    expect(replayed.messageId).toBe(delivery.messageId);
    await ctx.drainJobs();
    const again = receiver.got.filter((g) => g.path === '/tested');
    expect(again).toHaveLength(2);
    expect(again[1]!.headers['webhook-id']).toBe(delivery.messageId);
    const actions = await db()
      .selectFrom('audit_log')
      .select('action')
      .where('app_id', '=', appId)
      .where('action', 'in', ['webhook_endpoint.test', 'webhook_delivery.replay'])
      .execute();
    expect(actions.map((a) => a.action).sort()).toEqual(['webhook_delivery.replay', 'webhook_endpoint.test']);
  });

  it('rotates the secret so the next delivery verifies with the new one only', async () => {
    const { endpoint, secret: old } = await create({
      url: receiver.url('/rotated'),
      events: ['stream.live'],
    });
    const url = `${base()}/${endpoint.id}`;
    await expectRefused(
      db(),
      () => ctx.app.inject({ method: 'POST', url: `${url}/rotate-secret`, headers: bearer(readKey) }),
      403,
      'AUTH_SCOPE_MISSING',
    );
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${url}/rotate-secret`,
      headers: authHeaders(owner),
    });
    expect(res.statusCode).toBe(200);
    const { secret } = res.json() as { secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(old);
    await ctx.app.inject({ method: 'POST', url: `${url}/test`, headers: authHeaders(owner) });
    await ctx.drainJobs();
    const got = receiver.got.filter((g) => g.path === '/rotated');
    expect(got).toHaveLength(1);
    await verifyWebhook(got[0]!.body, got[0]!.headers, secret);
    await expect(verifyWebhook(got[0]!.body, got[0]!.headers, old)).rejects.toThrow();
  });

  it('deletes an endpoint softly: gone from the API, pending deliveries stopped', async () => {
    const { endpoint } = await create({ url: receiver.url('/deleted'), events: ['*'] });
    const url = `${base()}/${endpoint.id}`;
    const test = await ctx.app.inject({ method: 'POST', url: `${url}/test`, headers: authHeaders(owner) });
    const deliveryId = (test.json() as { delivery: { id: string } }).delivery.id;
    await expectRefused(
      db(),
      () => ctx.app.inject({ method: 'DELETE', url, headers: authHeaders(viewer) }),
      403,
      'AUTH_FORBIDDEN',
    );
    const res = await ctx.app.inject({ method: 'DELETE', url, headers: authHeaders(owner) });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expectError(
      await ctx.app.inject({ method: 'GET', url, headers: authHeaders(owner) }),
      404,
      'WEBHOOKS_ENDPOINT_NOT_FOUND',
    );
    expectError(
      await ctx.app.inject({ method: 'DELETE', url, headers: authHeaders(owner) }),
      404,
      'WEBHOOKS_ENDPOINT_NOT_FOUND',
    );
    const list = await ctx.app.inject({ method: 'GET', url: base(), headers: authHeaders(owner) });
    expect((list.json() as { items: EndpointJson[] }).items.map((e) => e.id)).not.toContain(endpoint.id);
    await ctx.drainJobs();
    expect(receiver.got.filter((g) => g.path === '/deleted')).toHaveLength(0);
    const row = await db()
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', deliveryId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', attempts: 0 });
    const endpointRow = await db()
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    expect(endpointRow.deleted_at).not.toBeNull();
  });

  it('pages endpoints newest first', async () => {
    const appOfMany = (await createApp(ctx.app, owner, 'Paged')).id;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await create({ url: receiver.url(`/p${i}`), events: ['*'] }, appOfMany)).endpoint.id);
    const first = await ctx.app.inject({
      method: 'GET',
      url: `${base(appOfMany)}?limit=2`,
      headers: authHeaders(owner),
    });
    const page1 = first.json() as { items: EndpointJson[]; nextCursor: string };
    expect(page1.items.map((e) => e.id)).toEqual([ids[2], ids[1]]);
    const second = await ctx.app.inject({
      method: 'GET',
      url: `${base(appOfMany)}?limit=2&cursor=${page1.nextCursor}`,
      headers: authHeaders(owner),
    });
    expect(second.json()).toMatchObject({
      items: [expect.objectContaining({ id: ids[0] })],
      nextCursor: null,
    });
  });

  it('allows at most 20 endpoints per app', async () => {
    const full = (await createApp(ctx.app, owner, 'Full')).id;
    for (let i = 0; i < 20; i++) await create({ url: receiver.url(`/n${i}`), events: ['*'] }, full);
    await expectRefused(
      db(),
      () =>
        ctx.app.inject({
          method: 'POST',
          url: base(full),
          headers: authHeaders(owner),
          payload: { url: receiver.url('/n20'), events: ['*'] },
        }),
      409,
      'WEBHOOKS_LIMIT',
    );
    const list = await ctx.app.inject({
      method: 'GET',
      url: `${base(full)}?limit=100`,
      headers: authHeaders(owner),
    });
    const first = (list.json() as { items: EndpointJson[] }).items.at(-1)!;
    expect(
      (
        await ctx.app.inject({
          method: 'DELETE',
          url: `${base(full)}/${first.id}`,
          headers: authHeaders(owner),
        })
      ).statusCode,
    ).toBe(204);
    await create({ url: receiver.url('/n20'), events: ['*'] }, full);
  });
});

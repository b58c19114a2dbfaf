import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_NAMES } from '@pnptv/protocol';
import { PnptvApiError, PnptvClient, verifyWebhook, WebhookVerificationError } from '@pnptv/sdk';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createApp, createKey } from '../src/tenants/tenants.fixtures.ts';
import { SCOPE_NAMES } from '../src/tenants/tenants.scopes.ts';
import { testDatabases } from './databases.ts';
import { signUp, type TestSession } from './factories.ts';
import { createTestContext, type TestContext } from './harness.ts';

/** Scopes of the key the SDK runs with: everything this suite calls. */
const KEY_SCOPES = [
  'apps:read',
  'apps:write',
  'keys:read',
  'keys:write',
  'tokens:mint',
  'webhooks:read',
  'webhooks:write',
  'audit:read',
];

/** One HTTP exchange the SDK made: method, path and the status it got. */
interface Exchange {
  method: string;
  path: string;
  status: number;
}

/** A webhook receiver on 127.0.0.1 answering 200, or the status set for a path. */
async function startReceiver() {
  const got: { path: string; body: string; headers: IncomingHttpHeaders }[] = [];
  const statuses = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      got.push({ path, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(statuses.get(path) ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    got,
    statuses,
    to: (path: string) => got.filter((g) => g.path === path),
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** `"<status> <code>"` of the PnptvApiError `promise` rejects with (fails when it resolves or throws anything else). */
async function apiError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => new Error('the call succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PnptvApiError);
  return `${(error as PnptvApiError).status} ${(error as PnptvApiError).code}`;
}

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'the SDK against the server on %s',
  (_name, factory) => {
    let ctx: TestContext;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let baseUrl: string;
    let owner: TestSession;
    let appId: string;
    let keyId: string;
    let keySecret: string;
    let pnptv: PnptvClient;
    const exchanges: Exchange[] = [];

    /** A client for `credential` whose every exchange is recorded for the OpenAPI check. */
    const sdk = (credential: { apiKey?: string; token?: string }) =>
      new PnptvClient({
        baseUrl,
        ...credential,
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          exchanges.push({
            method: init?.method ?? 'GET',
            path: new URL(String(input)).pathname,
            status: response.status,
          });
          return response;
        },
      });

    beforeAll(async () => {
      ctx = await createTestContext(factory);
      await ctx.app.listen({ port: 0, host: '127.0.0.1' });
      baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
      receiver = await startReceiver();
      owner = await signUp(ctx.app);
      appId = (await createApp(ctx.app, owner, 'SDK app')).id;
      const key = await createKey(ctx.app, owner, appId, KEY_SCOPES);
      keyId = key.id;
      keySecret = key.secret;
      pnptv = sdk({ apiKey: key.secret });
    });
    afterAll(async () => {
      await receiver?.stop();
      await ctx?.close();
    });

    it('lists, reads and renames the app, unwrapping { app }, with no team role for an API key', async () => {
      const listed = await pnptv.apps.list();
      expect(listed).toEqual({
        items: [expect.objectContaining({ id: appId, role: null })],
        nextCursor: null,
      });
      const app = await pnptv.apps.get(appId);
      expect(app).toEqual({
        id: appId,
        name: 'SDK app',
        ownerId: owner.user.id,
        role: null,
        createdAt: listed.items[0]!.createdAt,
      });
      expect(await pnptv.apps.update(appId, { name: 'Renamed by SDK' })).toEqual({
        ...app,
        name: 'Renamed by SDK',
      });
      expect((await pnptv.apps.get(appId)).name).toBe('Renamed by SDK');
      const audit = await pnptv.apps.audit(appId, { limit: 100 });
      expect(audit.items).toContainEqual(
        expect.objectContaining({
          action: 'app.update',
          actorType: 'api_key',
          actorId: keyId,
          targetId: appId,
        }),
      );
    });

    it('reads the scope and event catalogues', async () => {
      expect((await pnptv.scopes.list()).items.map((s) => s.name)).toEqual(SCOPE_NAMES);
      expect((await pnptv.events.list()).items.map((e) => e.name)).toEqual(EVENT_NAMES);
    });

    it('creates, pages through, rotates and revokes keys', async () => {
      const created = await pnptv.keys.create(appId, { name: 'Reader', scopes: ['apps:read'] });
      expect(created.secret).toMatch(/^sk_/);
      expect(created.key).toMatchObject({ name: 'Reader', scopes: ['apps:read'], revokedAt: null });
      expect((await sdk({ apiKey: created.secret }).apps.get(appId)).id).toBe(appId);

      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await pnptv.keys.list(appId, { cursor, limit: 1 });
        expect(JSON.stringify(page)).not.toContain(created.secret);
        ids.push(...page.items.map((k) => k.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(ids).toEqual([created.key.id, keyId]);

      const rotated = await pnptv.keys.rotate(appId, created.key.id);
      expect(rotated.key.id).toBe(created.key.id);
      expect(rotated.secret).not.toBe(created.secret);
      expect(await apiError(sdk({ apiKey: created.secret }).apps.get(appId))).toBe('401 AUTH_INVALID_TOKEN');
      expect((await sdk({ apiKey: rotated.secret }).apps.get(appId)).id).toBe(appId);

      await expect(pnptv.keys.revoke(appId, created.key.id)).resolves.toBeUndefined();
      const listed = await pnptv.keys.list(appId);
      expect(listed.items.find((k) => k.id === created.key.id)?.revokedAt).toEqual(expect.any(String));
    });

    it('mints a user token whose JWT names the app as audience and the user as subject', async () => {
      const minted = await pnptv.tokens.create(appId, {
        userId: 'user-42',
        ttlSeconds: 600,
        scopes: ['playback'],
      });
      const claims = decodeJwt(minted.token);
      expect(claims).toMatchObject({ aud: appId, sub: 'user-42', scope: 'playback' });
      expect(claims.exp! - claims.iat!).toBe(600);
      expect(Date.parse(minted.expiresAt)).toBe(claims.exp! * 1000);
      const jwks = createRemoteJWKSet(new URL(`${baseUrl}/.well-known/jwks.json`));
      await expect(jwtVerify(minted.token, jwks, { audience: appId })).resolves.toBeTruthy();
      // The server accepts the token as a user (403: users cannot list apps) and refuses a forged one (401).
      expect(await apiError(sdk({ token: minted.token }).apps.list())).toBe('403 AUTH_FORBIDDEN');
      expect(await apiError(sdk({ token: `${minted.token}x` }).apps.list())).toBe('401 AUTH_INVALID_TOKEN');
    });

    it('drives an endpoint from creation to deletion, with deliveries the receiver can verify', async () => {
      const { endpoint, secret } = await pnptv.webhooks.create(appId, {
        url: receiver.url('/hook'),
        events: ['stream.live'],
        description: 'Contract',
      });
      expect(secret).toMatch(/^whsec_/);
      expect((await pnptv.webhooks.list(appId)).items).toEqual([endpoint]);
      expect(await pnptv.webhooks.get(appId, endpoint.id)).toEqual(endpoint);
      const updated = await pnptv.webhooks.update(appId, endpoint.id, { events: ['*'], description: 'All' });
      expect(updated).toEqual({ ...endpoint, events: ['*'], description: 'All' });
      expect(await pnptv.webhooks.get(appId, endpoint.id)).toEqual(updated);

      const test = await pnptv.webhooks.test(appId, endpoint.id);
      expect(test).toMatchObject({
        endpointId: endpoint.id,
        eventType: 'webhook.test',
        status: 'pending',
        attempts: 0,
      });
      await ctx.drainJobs();
      const [first] = receiver.to('/hook');
      const envelope = await verifyWebhook(first!.body, first!.headers, secret);
      expect(envelope).toMatchObject({ id: test.messageId, type: 'webhook.test', appId });
      expect(first!.headers['webhook-id']).toBe(test.messageId);
      const detail = await pnptv.webhooks.delivery(appId, endpoint.id, test.id);
      expect(detail.payload).toEqual(envelope);
      expect(detail.delivery).toMatchObject({
        id: test.id,
        status: 'succeeded',
        attempts: 1,
        lastStatusCode: 200,
      });

      const replay = await pnptv.webhooks.replay(appId, endpoint.id, test.id);
      expect(replay).toMatchObject({ messageId: test.messageId, status: 'pending', attempts: 0 });
      expect(replay.id).not.toBe(test.id);
      await ctx.drainJobs();
      const second = receiver.to('/hook')[1]!;
      expect(second.headers['webhook-id']).toBe(test.messageId);
      expect(await verifyWebhook(second.body, second.headers, secret)).toEqual(envelope);
      const succeeded = await pnptv.webhooks.deliveries(appId, endpoint.id, { status: 'succeeded' });
      expect(succeeded.items.map((d) => d.id)).toEqual([replay.id, test.id]);
      const onePage = await pnptv.webhooks.deliveries(appId, endpoint.id, { limit: 1 });
      expect([onePage.items.map((d) => d.id), onePage.nextCursor]).toEqual([[replay.id], replay.id]);
      const older = await pnptv.webhooks.deliveries(appId, endpoint.id, {
        limit: 1,
        cursor: onePage.nextCursor!,
      });
      expect(older.items.map((d) => d.id)).toEqual([test.id]);

      const rotated = await pnptv.webhooks.rotateSecret(appId, endpoint.id);
      expect(rotated.secret).toMatch(/^whsec_/);
      expect(rotated.secret).not.toBe(secret);
      await pnptv.webhooks.test(appId, endpoint.id);
      await ctx.drainJobs();
      const third = receiver.to('/hook')[2]!;
      await expect(verifyWebhook(third.body, third.headers, rotated.secret)).resolves.toMatchObject({
        appId,
      });
      await expect(verifyWebhook(third.body, third.headers, secret)).rejects.toBeInstanceOf(
        WebhookVerificationError,
      );

      // A non-2xx answer is a failed attempt, kept pending for a later retry.
      receiver.statuses.set('/failing', 500);
      await pnptv.webhooks.update(appId, endpoint.id, { url: receiver.url('/failing') });
      const failing = await pnptv.webhooks.test(appId, endpoint.id);
      await ctx.drainJobs();
      expect(receiver.to('/failing')).toHaveLength(1);
      expect((await pnptv.webhooks.delivery(appId, endpoint.id, failing.id)).delivery).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastStatusCode: 500,
        nextAttemptAt: expect.any(String),
      });

      const disabled = await pnptv.webhooks.update(appId, endpoint.id, { enabled: false });
      expect(disabled.enabled).toBe(false);
      expect(await apiError(pnptv.webhooks.test(appId, endpoint.id))).toBe('409 WEBHOOKS_ENDPOINT_DISABLED');
      await expect(pnptv.webhooks.delete(appId, endpoint.id)).resolves.toBeUndefined();
      expect(await apiError(pnptv.webhooks.get(appId, endpoint.id))).toBe('404 WEBHOOKS_ENDPOINT_NOT_FOUND');
      expect((await pnptv.webhooks.list(appId)).items).toEqual([]);
    });

    it('rejects with PnptvApiError carrying the server status and code', async () => {
      const revoked = await pnptv.keys.create(appId, { name: 'Doomed', scopes: ['apps:read'] });
      await pnptv.keys.revoke(appId, revoked.key.id);
      expect(await apiError(sdk({ apiKey: revoked.secret }).apps.list())).toBe('401 AUTH_INVALID_TOKEN');
      expect(await apiError(pnptv.keys.revoke(appId, revoked.key.id))).toBe('409 TENANTS_KEY_REVOKED');

      const reader = await pnptv.keys.create(appId, { name: 'Narrow', scopes: ['apps:read'] });
      const narrow = sdk({ apiKey: reader.secret });
      expect(await apiError(narrow.webhooks.list(appId))).toBe('403 AUTH_SCOPE_MISSING');
      expect(await apiError(narrow.apps.update(appId, { name: 'Nope' }))).toBe('403 AUTH_SCOPE_MISSING');

      const unknown = 'whe_0000000000000000000000000';
      expect(await apiError(pnptv.webhooks.get(appId, unknown))).toBe('404 WEBHOOKS_ENDPOINT_NOT_FOUND');
      expect(await apiError(pnptv.webhooks.delivery(appId, unknown, 'dlv_0000000000000000'))).toBe(
        '404 WEBHOOKS_ENDPOINT_NOT_FOUND',
      );
      const { endpoint } = await pnptv.webhooks.create(appId, { url: receiver.url('/other'), events: ['*'] });
      expect(await apiError(pnptv.webhooks.replay(appId, endpoint.id, 'dlv_0000000000000000'))).toBe(
        '404 WEBHOOKS_DELIVERY_NOT_FOUND',
      );

      const invalid = await pnptv.apps.update(appId, { name: '' }).then(
        () => null,
        (e: unknown) => e as PnptvApiError,
      );
      expect([invalid?.status, invalid?.code, invalid?.details[0]?.path]).toEqual([
        400,
        'VALIDATION_FAILED',
        'body.name',
      ]);

      // Creating and deleting apps needs a signed-in person, which is why the SDK has no such calls.
      const create = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/apps',
        headers: bearer(keySecret),
        payload: { name: 'From a key' },
      });
      expect([create.statusCode, create.json().code]).toEqual([403, 'AUTH_FORBIDDEN']);
    });

    // Runs last: it checks the exchanges every test above made through `sdk()`.
    it('made only requests the OpenAPI document describes, each answered with a documented status', async () => {
      const doc = (await ctx.app.inject('/api/openapi.json')).json() as {
        paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      };
      const templates = Object.keys(doc.paths).map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      }));
      const used = new Set<string>();
      const undocumented: string[] = [];
      for (const { method, path, status } of exchanges) {
        const match = templates.find((t) => t.pattern.test(path));
        const operation = match && doc.paths[match.template]![method.toLowerCase()];
        if (!match || !operation || !(String(status) in operation.responses)) {
          undocumented.push(`${method} ${path} → ${status}`);
          continue;
        }
        used.add(`${method} ${match.template}`);
      }
      expect(undocumented).toEqual([]);
      expect([...used].sort()).toEqual(
        [
          'GET /api/v1/apps',
          'GET /api/v1/apps/{appId}',
          'PATCH /api/v1/apps/{appId}',
          'GET /api/v1/apps/{appId}/audit',
          'GET /api/v1/scopes',
          'GET /api/v1/events',
          'GET /api/v1/apps/{appId}/keys',
          'POST /api/v1/apps/{appId}/keys',
          'POST /api/v1/apps/{appId}/keys/{keyId}/rotate',
          'DELETE /api/v1/apps/{appId}/keys/{keyId}',
          'POST /api/v1/apps/{appId}/tokens',
          'GET /api/v1/apps/{appId}/webhooks',
          'POST /api/v1/apps/{appId}/webhooks',
          'GET /api/v1/apps/{appId}/webhooks/{id}',
          'PATCH /api/v1/apps/{appId}/webhooks/{id}',
          'DELETE /api/v1/apps/{appId}/webhooks/{id}',
          'POST /api/v1/apps/{appId}/webhooks/{id}/rotate-secret',
          'POST /api/v1/apps/{appId}/webhooks/{id}/test',
          'GET /api/v1/apps/{appId}/webhooks/{id}/deliveries',
          'GET /api/v1/apps/{appId}/webhooks/{id}/deliveries/{deliveryId}',
          'POST /api/v1/apps/{appId}/webhooks/{id}/deliveries/{deliveryId}/replay',
        ].sort(),
      );
    });
  },
);

import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { addMember, bearer, createApp, createKey, expectError, expectRefused } from './tenants.fixtures.ts';
import { SCOPE_NAMES } from './tenants.scopes.ts';

describe.each(testDatabases().map((f) => [f.name, f] as const))('API key routes on %s', (_name, factory) => {
  let ctx: TestContext;
  let owner: TestSession;
  let viewer: TestSession;
  let editor: TestSession;
  let appId: string;
  let otherAppId: string;

  beforeAll(async () => {
    ctx = await createTestContext(factory);
    owner = await signUp(ctx.app);
    viewer = await signUp(ctx.app);
    editor = await signUp(ctx.app);
    appId = (await createApp(ctx.app, owner, 'Keys app')).id;
    otherAppId = (await createApp(ctx.app, owner, 'Other app')).id;
    await addMember(ctx.app, ctx.platform.db, owner, appId, viewer, 'viewer');
    await addMember(ctx.app, ctx.platform.db, owner, appId, editor, 'editor');
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const inject = (options: InjectOptions) => ctx.app.inject(options);
  const keysUrl = () => `/api/v1/apps/${appId}/keys`;

  describe('API keys', () => {
    it('creates a key whose secret is shown once, stored hashed and never listed or audited', async () => {
      const res = await inject({
        method: 'POST',
        url: keysUrl(),
        headers: authHeaders(owner),
        payload: { name: 'Backend', scopes: ['apps:read', 'tokens:mint'] },
      });
      expect(res.statusCode).toBe(201);
      const { key, secret } = res.json() as {
        key: { id: string; scopes: string[]; revokedAt: null; lastUsedAt: null };
        secret: string;
      };
      expect(secret).toMatch(new RegExp(`^sk_${key.id.slice(4)}_[A-Za-z0-9_-]{43}$`));
      expect(key).toMatchObject({
        scopes: ['apps:read', 'tokens:mint'],
        revokedAt: null,
        lastUsedAt: null,
      });
      const list = await inject({ method: 'GET', url: keysUrl(), headers: authHeaders(viewer) });
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain(secret);
      expect(list.body).not.toContain('secret');
      expect((list.json() as { items: { id: string }[] }).items.map((k) => k.id)).toContain(key.id);
      const audit = await ctx.platform.db
        .selectFrom('audit_log')
        .selectAll()
        .where('target_id', '=', key.id)
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['api_key.create']);
      expect(JSON.stringify(audit)).not.toContain(secret.slice(-43));
    });

    it('refuses bad key bodies without creating anything', async () => {
      const db = ctx.platform.db;
      const headers = authHeaders(owner);
      const cases: [unknown, string][] = [
        [{ name: 'k', scopes: ['apps:read'], extra: true }, 'VALIDATION_FAILED'],
        [{ name: 'k', scopes: 'apps:read' }, 'VALIDATION_FAILED'],
        [{ name: 7, scopes: ['apps:read'] }, 'VALIDATION_FAILED'],
        [{ name: 'x'.repeat(81), scopes: ['apps:read'] }, 'VALIDATION_FAILED'],
        [{ name: 'k', scopes: Array(33).fill('apps:read') }, 'VALIDATION_FAILED'],
        [{ name: 'k' }, 'VALIDATION_FAILED'],
        [{ name: 'k', scopes: [] }, 'TENANTS_SCOPES_INVALID'],
        [{ name: 'k', scopes: ['apps:read', 'apps:read'] }, 'TENANTS_SCOPES_INVALID'],
        [{ name: 'k', scopes: ['admin:everything'] }, 'TENANTS_SCOPES_INVALID'],
      ];
      for (const [payload, code] of cases) {
        await expectRefused(
          db,
          () => inject({ method: 'POST', url: keysUrl(), headers, payload: payload as object }),
          400,
          code,
        );
      }
    });

    it('lets only admins manage keys and keeps keys to their own app', async () => {
      const db = ctx.platform.db;
      const payload = { name: 'k', scopes: ['apps:read'] };
      for (const who of [viewer, editor]) {
        await expectRefused(
          db,
          () => inject({ method: 'POST', url: keysUrl(), headers: authHeaders(who), payload }),
          403,
          'AUTH_FORBIDDEN',
        );
      }
      const outsider = await signUp(ctx.app);
      await expectRefused(
        db,
        () => inject({ method: 'POST', url: keysUrl(), headers: authHeaders(outsider), payload }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );
      expectError(
        await inject({ method: 'GET', url: keysUrl(), headers: authHeaders(outsider) }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );
      const foreign = await createKey(ctx.app, owner, otherAppId, [...SCOPE_NAMES]);
      await expectRefused(
        db,
        () => inject({ method: 'POST', url: keysUrl(), headers: bearer(foreign.secret), payload }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );
      expectError(
        await inject({ method: 'GET', url: keysUrl(), headers: bearer(foreign.secret) }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );
    });

    it('lets a key with keys:write create keys only with scopes it holds', async () => {
      const db = ctx.platform.db;
      const manager = await createKey(ctx.app, owner, appId, ['keys:write', 'keys:read', 'apps:read']);
      const ok = await inject({
        method: 'POST',
        url: keysUrl(),
        headers: bearer(manager.secret),
        payload: { name: 'sub', scopes: ['apps:read'] },
      });
      expect(ok.statusCode).toBe(201);
      await expectRefused(
        db,
        () =>
          inject({
            method: 'POST',
            url: keysUrl(),
            headers: bearer(manager.secret),
            payload: { name: 'sub', scopes: ['apps:read', 'webhooks:write'] },
          }),
        403,
        'TENANTS_SCOPE_ESCALATION',
      );
      const reader = await createKey(ctx.app, owner, appId, ['apps:read']);
      await expectRefused(
        db,
        () =>
          inject({
            method: 'POST',
            url: keysUrl(),
            headers: bearer(reader.secret),
            payload: { name: 'sub', scopes: ['apps:read'] },
          }),
        403,
        'AUTH_SCOPE_MISSING',
      );
      expectError(
        await inject({ method: 'GET', url: keysUrl(), headers: bearer(reader.secret) }),
        403,
        'AUTH_SCOPE_MISSING',
      );
    });

    it('rotates a key: same id, new secret, and the old secret fails at once', async () => {
      const db = ctx.platform.db;
      const key = await createKey(ctx.app, owner, appId, ['apps:read']);
      expect(
        (await inject({ method: 'GET', url: '/api/v1/apps', headers: bearer(key.secret) })).statusCode,
      ).toBe(200);
      const url = `${keysUrl()}/${key.id}/rotate`;
      await expectRefused(
        db,
        () => inject({ method: 'POST', url, headers: authHeaders(editor) }),
        403,
        'AUTH_FORBIDDEN',
      );
      await expectRefused(
        db,
        () => inject({ method: 'POST', url, headers: authHeaders(owner), payload: { force: true } }),
        400,
        'VALIDATION_FAILED',
      );
      const res = await inject({ method: 'POST', url, headers: authHeaders(owner) });
      expect(res.statusCode).toBe(200);
      const rotated = res.json() as { key: { id: string }; secret: string };
      expect(rotated.key.id).toBe(key.id);
      expect(rotated.secret).not.toBe(key.secret);
      expectError(
        await inject({ method: 'GET', url: '/api/v1/apps', headers: bearer(key.secret) }),
        401,
        'AUTH_INVALID_TOKEN',
      );
      expect(
        (await inject({ method: 'GET', url: '/api/v1/apps', headers: bearer(rotated.secret) })).statusCode,
      ).toBe(200);
      const foreign = await createKey(ctx.app, owner, otherAppId, ['apps:read']);
      await expectRefused(
        db,
        () =>
          inject({ method: 'POST', url: `${keysUrl()}/${foreign.id}/rotate`, headers: authHeaders(owner) }),
        404,
        'TENANTS_KEY_NOT_FOUND',
      );
      await expectRefused(
        db,
        () =>
          inject({
            method: 'POST',
            url: `${keysUrl()}/key_0000000000nothere/rotate`,
            headers: authHeaders(owner),
          }),
        404,
        'TENANTS_KEY_NOT_FOUND',
      );
    });

    it('revokes a key: it fails auth at once and cannot be rotated or revoked again', async () => {
      const db = ctx.platform.db;
      const key = await createKey(ctx.app, owner, appId, ['apps:read']);
      const url = `${keysUrl()}/${key.id}`;
      await expectRefused(
        db,
        () => inject({ method: 'DELETE', url, headers: authHeaders(viewer) }),
        403,
        'AUTH_FORBIDDEN',
      );
      expect(
        (await inject({ method: 'GET', url: '/api/v1/apps', headers: bearer(key.secret) })).statusCode,
      ).toBe(200);
      expect((await inject({ method: 'DELETE', url, headers: authHeaders(owner) })).statusCode).toBe(204);
      expectError(
        await inject({ method: 'GET', url: '/api/v1/apps', headers: bearer(key.secret) }),
        401,
        'AUTH_INVALID_TOKEN',
      );
      await expectRefused(
        db,
        () => inject({ method: 'DELETE', url, headers: authHeaders(owner) }),
        409,
        'TENANTS_KEY_REVOKED',
      );
      await expectRefused(
        db,
        () => inject({ method: 'POST', url: `${url}/rotate`, headers: authHeaders(owner) }),
        409,
        'TENANTS_KEY_REVOKED',
      );
      const list = (await inject({ method: 'GET', url: keysUrl(), headers: authHeaders(owner) })).json() as {
        items: { id: string; revokedAt: string | null }[];
      };
      expect(list.items.find((k) => k.id === key.id)?.revokedAt).not.toBeNull();
      const actions = await db
        .selectFrom('audit_log')
        .select('action')
        .where('target_id', '=', key.id)
        .orderBy('id')
        .execute();
      expect(actions.map((a) => a.action).sort()).toEqual(['api_key.create', 'api_key.revoke']);
    });
  });
});

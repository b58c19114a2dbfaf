import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { addMember, bearer, createApp, createKey, expectError, expectRefused } from './tenants.fixtures.ts';
import { SCOPE_NAMES } from './tenants.scopes.ts';

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'app management routes on %s',
  (_name, factory) => {
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

    it('lists the scope catalogue publicly', async () => {
      const res = await inject({ method: 'GET', url: '/api/v1/scopes' });
      expect(res.statusCode).toBe(200);
      const items = (res.json() as { items: { name: string; description: string }[] }).items;
      expect(items.map((i) => i.name)).toEqual(SCOPE_NAMES);
      expect(items.every((i) => i.description.length > 0)).toBe(true);
    });

    it('documents every tenants route in the OpenAPI document', async () => {
      const res = await inject({ method: 'GET', url: '/api/openapi.json' });
      expect(res.statusCode).toBe(200);
      const paths = Object.keys((res.json() as { paths: Record<string, unknown> }).paths);
      for (const path of [
        '/api/v1/apps',
        '/api/v1/apps/{appId}',
        '/api/v1/apps/{appId}/keys/{keyId}/rotate',
        '/api/v1/apps/{appId}/tokens',
        '/api/v1/apps/{appId}/members/{userId}',
        '/api/v1/apps/{appId}/invitations/{invitationId}',
        '/api/v1/invitations/accept',
        '/api/v1/apps/{appId}/audit',
        '/api/v1/scopes',
        '/.well-known/jwks.json',
      ]) {
        expect(paths).toContain(path);
      }
    });

    it('lets admins rename an app, and refuses viewers, bad names and keys without apps:write', async () => {
      const db = ctx.platform.db;
      const app = await createApp(ctx.app, owner, 'Before');
      const viewer = await signUp(ctx.app);
      const admin = await signUp(ctx.app);
      await addMember(ctx.app, db, owner, app.id, viewer, 'viewer');
      await addMember(ctx.app, db, owner, app.id, admin, 'admin');
      const url = `/api/v1/apps/${app.id}`;

      await expectRefused(
        db,
        () => inject({ method: 'PATCH', url, headers: authHeaders(viewer), payload: { name: 'Hijack' } }),
        403,
        'AUTH_FORBIDDEN',
      );
      await expectRefused(
        db,
        () => inject({ method: 'PATCH', url, headers: authHeaders(outsider), payload: { name: 'Hijack' } }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );
      for (const payload of [
        { name: 'x'.repeat(81) },
        { name: 1 },
        { name: 'ok', ownerId: outsider.user.id },
      ]) {
        await expectRefused(
          db,
          () => inject({ method: 'PATCH', url, headers: authHeaders(admin), payload }),
          400,
          'VALIDATION_FAILED',
        );
      }
      const readOnly = await createKey(ctx.app, owner, app.id, ['apps:read']);
      await expectRefused(
        db,
        () => inject({ method: 'PATCH', url, headers: bearer(readOnly.secret), payload: { name: 'Key' } }),
        403,
        'AUTH_SCOPE_MISSING',
      );

      const res = await inject({
        method: 'PATCH',
        url,
        headers: authHeaders(admin),
        payload: { name: 'After' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ app: { id: app.id, name: 'After', role: 'admin' } });
      const writer = await createKey(ctx.app, owner, app.id, ['apps:write', 'apps:read']);
      const byKey = await inject({
        method: 'PATCH',
        url,
        headers: bearer(writer.secret),
        payload: { name: 'By key' },
      });
      expect(byKey.json()).toMatchObject({ app: { name: 'By key', role: null } });
      const got = await inject({ method: 'GET', url, headers: bearer(readOnly.secret) });
      expect(got.json()).toMatchObject({ app: { name: 'By key' } });
      const actions = await db
        .selectFrom('audit_log')
        .select('action')
        .where('app_id', '=', app.id)
        .where('action', '=', 'app.update')
        .execute();
      expect(actions).toHaveLength(2);
    });

    it('lets only the signed-in owner delete an app, which revokes its keys and hides it', async () => {
      const db = ctx.platform.db;
      const app = await createApp(ctx.app, owner);
      const admin = await signUp(ctx.app);
      await addMember(ctx.app, db, owner, app.id, admin, 'admin');
      const key = await createKey(ctx.app, owner, app.id, [...SCOPE_NAMES]);
      const url = `/api/v1/apps/${app.id}`;

      await expectRefused(
        db,
        () => inject({ method: 'DELETE', url, headers: authHeaders(admin) }),
        403,
        'AUTH_FORBIDDEN',
      );
      await expectRefused(
        db,
        () => inject({ method: 'DELETE', url, headers: bearer(key.secret) }),
        403,
        'AUTH_FORBIDDEN',
      );
      await expectRefused(
        db,
        () => inject({ method: 'DELETE', url, headers: authHeaders(outsider) }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );
      await expectRefused(
        db,
        () => inject({ method: 'DELETE', url: '/api/v1/apps/app_site', headers: authHeaders(owner) }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );

      const res = await inject({ method: 'DELETE', url, headers: authHeaders(owner) });
      expect(res.statusCode).toBe(204);
      expectError(
        await inject({ method: 'GET', url, headers: authHeaders(owner) }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );
      expectError(
        await inject({ method: 'GET', url, headers: authHeaders(admin) }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );
      expectError(
        await inject({ method: 'GET', url: '/api/v1/apps', headers: bearer(key.secret) }),
        401,
        'AUTH_INVALID_TOKEN',
      );
      const list = (
        await inject({ method: 'GET', url: '/api/v1/apps', headers: authHeaders(owner) })
      ).json() as { items: { id: string }[] };
      expect(list.items.map((a) => a.id)).not.toContain(app.id);
      const keyRow = await db
        .selectFrom('api_keys')
        .select('revoked_at')
        .where('id', '=', key.id)
        .executeTakeFirstOrThrow();
      expect(keyRow.revoked_at).not.toBeNull();
      expectError(
        await inject({ method: 'DELETE', url, headers: authHeaders(owner) }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );
    });

    it('shows the app’s own audit log to admins only', async () => {
      const db = ctx.platform.db;
      const app = await createApp(ctx.app, owner);
      await createApp(ctx.app, owner, 'Unrelated');
      const viewer = await signUp(ctx.app);
      await addMember(ctx.app, db, owner, app.id, viewer, 'viewer');
      const url = `/api/v1/apps/${app.id}/audit`;
      const res = await inject({ method: 'GET', url, headers: authHeaders(owner) });
      expect(res.statusCode).toBe(200);
      const items = (
        res.json() as { items: { appId: string; action: string; data: Record<string, unknown> }[] }
      ).items;
      // Entries written in the same millisecond have no defined order among themselves.
      expect(items.map((i) => i.action).sort()).toEqual([
        'app.create',
        'invitation.accept',
        'invitation.create',
      ]);
      expect(items.every((i) => i.appId === app.id)).toBe(true);
      expectError(await inject({ method: 'GET', url, headers: authHeaders(viewer) }), 403, 'AUTH_FORBIDDEN');
      const auditKey = await createKey(ctx.app, owner, app.id, ['audit:read']);
      expect((await inject({ method: 'GET', url, headers: bearer(auditKey.secret) })).statusCode).toBe(200);
      const other = await createKey(ctx.app, owner, app.id, ['apps:read']);
      expectError(
        await inject({ method: 'GET', url, headers: bearer(other.secret) }),
        403,
        'AUTH_SCOPE_MISSING',
      );
    });
  },
);

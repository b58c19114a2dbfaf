import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import {
  addMember,
  bearer,
  createKey,
  createTeam,
  expectError,
  expectRefused,
  manualClock,
} from './tenants.fixtures.ts';

interface MemberJson {
  userId: string;
  email: string;
  displayName: string;
  role: string;
}

describe.each(testDatabases().map((f) => [f.name, f] as const))('member routes on %s', (_name, factory) => {
  const clock = manualClock();
  let ctx: TestContext;
  let owner: TestSession;
  let outsider: TestSession;

  beforeAll(async () => {
    ctx = await createTestContext(factory, { clock });
    owner = await signUp(ctx.app);
    outsider = await signUp(ctx.app);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const inject = (options: InjectOptions) => ctx.app.inject(options);
  const db = () => ctx.platform.db;

  const team = () => createTeam(ctx.app, db(), owner);

  async function roles(appId: string): Promise<Record<string, string>> {
    const rows = await db()
      .selectFrom('app_members')
      .select(['user_id', 'role'])
      .where('app_id', '=', appId)
      .execute();
    return Object.fromEntries(rows.map((r) => [r.user_id, r.role]));
  }

  describe('members', () => {
    it('lists the team with profiles to any member and to keys with apps:read', async () => {
      const { appId, admin, viewer } = await team();
      const res = await inject({
        method: 'GET',
        url: `/api/v1/apps/${appId}/members`,
        headers: authHeaders(viewer),
      });
      expect(res.statusCode).toBe(200);
      const items = (res.json() as { items: MemberJson[] }).items;
      expect(items).toHaveLength(4);
      expect(items.find((m) => m.userId === owner.user.id)).toMatchObject({
        role: 'owner',
        email: owner.email,
        displayName: owner.user.displayName,
      });
      expect(items.find((m) => m.userId === admin.user.id)?.role).toBe('admin');
      const key = await createKey(ctx.app, owner, appId, ['apps:read']);
      expect(
        (await inject({ method: 'GET', url: `/api/v1/apps/${appId}/members`, headers: bearer(key.secret) }))
          .statusCode,
      ).toBe(200);
      expectError(
        await inject({ method: 'GET', url: `/api/v1/apps/${appId}/members`, headers: authHeaders(outsider) }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );
      const page = (
        await inject({
          method: 'GET',
          url: `/api/v1/apps/${appId}/members?limit=3`,
          headers: authHeaders(viewer),
        })
      ).json() as { items: MemberJson[]; nextCursor: string };
      const rest = (
        await inject({
          method: 'GET',
          url: `/api/v1/apps/${appId}/members?limit=3&cursor=${page.nextCursor}`,
          headers: authHeaders(viewer),
        })
      ).json() as { items: MemberJson[] };
      expect([...page.items, ...rest.items].map((m) => m.userId).sort()).toEqual(
        items.map((m) => m.userId).sort(),
      );
    });

    it('lets admins change editors and viewers, and the new role applies at once', async () => {
      const { appId, admin, viewer } = await team();
      const url = `/api/v1/apps/${appId}/members/${viewer.user.id}`;
      await expectRefused(
        db(),
        () =>
          inject({
            method: 'PATCH',
            url: `/api/v1/apps/${appId}`,
            headers: authHeaders(viewer),
            payload: { name: 'x' },
          }),
        403,
        'AUTH_FORBIDDEN',
      );
      const res = await inject({
        method: 'PATCH',
        url,
        headers: authHeaders(admin),
        payload: { role: 'editor' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ member: { userId: viewer.user.id, role: 'editor' } });
      expect((await roles(appId))[viewer.user.id]).toBe('editor');
      const got = await inject({ method: 'GET', url: `/api/v1/apps/${appId}`, headers: authHeaders(viewer) });
      expect(got.json()).toMatchObject({ app: { role: 'editor' } });
      const audit = await db()
        .selectFrom('audit_log')
        .selectAll()
        .where('app_id', '=', appId)
        .where('action', '=', 'member.update')
        .execute();
      expect(audit.map((a) => a.data)).toEqual([{ from: 'viewer', to: 'editor' }]);
    });

    it('refuses role changes the rules forbid, leaving the team as it was', async () => {
      const { appId, admin, editor, viewer } = await team();
      const url = (userId: string) => `/api/v1/apps/${appId}/members/${userId}`;
      const patch = (who: TestSession, userId: string, payload: object) => () =>
        inject({ method: 'PATCH', url: url(userId), headers: authHeaders(who), payload });
      await expectRefused(db(), patch(viewer, editor.user.id, { role: 'viewer' }), 403, 'AUTH_FORBIDDEN');
      await expectRefused(db(), patch(editor, viewer.user.id, { role: 'editor' }), 403, 'AUTH_FORBIDDEN');
      await expectRefused(db(), patch(admin, viewer.user.id, { role: 'admin' }), 403, 'AUTH_FORBIDDEN');
      await expectRefused(db(), patch(admin, editor.user.id, { role: 'owner' }), 403, 'AUTH_FORBIDDEN');
      await expectRefused(
        db(),
        patch(admin, owner.user.id, { role: 'viewer' }),
        409,
        'TENANTS_OWNER_PROTECTED',
      );
      await expectRefused(
        db(),
        patch(owner, owner.user.id, { role: 'admin' }),
        409,
        'TENANTS_OWNER_PROTECTED',
      );
      const second = await signUp(ctx.app);
      await addMember(ctx.app, db(), owner, appId, second, 'admin');
      await expectRefused(db(), patch(admin, second.user.id, { role: 'viewer' }), 403, 'AUTH_FORBIDDEN');
      await expectRefused(
        db(),
        patch(admin, outsider.user.id, { role: 'viewer' }),
        404,
        'TENANTS_MEMBER_NOT_FOUND',
      );
      await expectRefused(
        db(),
        patch(outsider, viewer.user.id, { role: 'viewer' }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );
      await expectRefused(
        db(),
        patch(admin, viewer.user.id, { role: 'superuser' }),
        400,
        'VALIDATION_FAILED',
      );
      await expectRefused(
        db(),
        patch(admin, viewer.user.id, { role: 'editor', email: 'x@example.com' }),
        400,
        'VALIDATION_FAILED',
      );
      await expectRefused(db(), patch(admin, viewer.user.id, {}), 400, 'VALIDATION_FAILED');
      const key = await createKey(ctx.app, owner, appId, ['apps:write', 'apps:read']);
      await expectRefused(
        db(),
        () =>
          inject({
            method: 'PATCH',
            url: url(viewer.user.id),
            headers: bearer(key.secret),
            payload: { role: 'editor' },
          }),
        403,
        'AUTH_FORBIDDEN',
      );
    });

    it('transfers ownership: the new owner is the only owner and the old one becomes admin', async () => {
      const { appId, admin } = await team();
      const res = await inject({
        method: 'PATCH',
        url: `/api/v1/apps/${appId}/members/${admin.user.id}`,
        headers: authHeaders(owner),
        payload: { role: 'owner' },
      });
      expect(res.statusCode).toBe(200);
      const after = await roles(appId);
      expect(Object.values(after).filter((r) => r === 'owner')).toHaveLength(1);
      expect(after[admin.user.id]).toBe('owner');
      expect(after[owner.user.id]).toBe('admin');
      const got = await inject({ method: 'GET', url: `/api/v1/apps/${appId}`, headers: authHeaders(owner) });
      expect(got.json()).toMatchObject({ app: { ownerId: admin.user.id, role: 'admin' } });
      expectError(
        await inject({ method: 'DELETE', url: `/api/v1/apps/${appId}`, headers: authHeaders(owner) }),
        403,
        'AUTH_FORBIDDEN',
      );
      expect(
        (await inject({ method: 'DELETE', url: `/api/v1/apps/${appId}`, headers: authHeaders(admin) }))
          .statusCode,
      ).toBe(204);
    });

    it('removes members by the rules: admins remove editors, anyone but the owner may leave', async () => {
      const { appId, admin, editor, viewer } = await team();
      const url = (userId: string) => `/api/v1/apps/${appId}/members/${userId}`;
      const del = (who: TestSession, userId: string) => () =>
        inject({ method: 'DELETE', url: url(userId), headers: authHeaders(who) });
      await expectRefused(db(), del(viewer, editor.user.id), 403, 'AUTH_FORBIDDEN');
      await expectRefused(db(), del(admin, owner.user.id), 409, 'TENANTS_OWNER_PROTECTED');
      await expectRefused(db(), del(owner, owner.user.id), 409, 'TENANTS_OWNER_PROTECTED');
      await expectRefused(db(), del(admin, outsider.user.id), 404, 'TENANTS_MEMBER_NOT_FOUND');
      await expectRefused(db(), del(outsider, viewer.user.id), 404, 'TENANTS_APP_NOT_FOUND');
      const second = await signUp(ctx.app);
      await addMember(ctx.app, db(), owner, appId, second, 'admin');
      await expectRefused(db(), del(admin, second.user.id), 403, 'AUTH_FORBIDDEN');

      expect((await del(admin, editor.user.id)()).statusCode).toBe(204);
      expectError(
        await inject({ method: 'GET', url: `/api/v1/apps/${appId}`, headers: authHeaders(editor) }),
        404,
        'TENANTS_APP_NOT_FOUND',
      );
      expect((await del(viewer, viewer.user.id)()).statusCode).toBe(204);
      expect((await del(owner, second.user.id)()).statusCode).toBe(204);
      expect(Object.keys(await roles(appId)).sort()).toEqual([owner.user.id, admin.user.id].sort());
      const audit = await db()
        .selectFrom('audit_log')
        .select('data')
        .where('app_id', '=', appId)
        .where('action', '=', 'member.remove')
        .execute();
      expect(audit).toHaveLength(3);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, makeAdmin, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { dbSnapshot, lastMailTo } from './identity.fixtures.ts';

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'user administration on %s',
  (_name, factory) => {
    let ctx: TestContext;
    let admin: TestSession;
    beforeAll(async () => {
      ctx = await createTestContext(factory);
      admin = await makeAdmin(ctx);
    });
    afterAll(async () => {
      await ctx?.close();
    });

    const apply = async (member: TestSession) => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/me/creator-application',
        headers: authHeaders(member),
        payload: { note: 'please' },
      });
      return res.json().application as { id: string };
    };

    it('makeAdmin yields a verified admin session', () => {
      expect(admin.user).toMatchObject({ role: 'admin', emailVerified: true });
    });

    describe('GET /admin/users', () => {
      it('lists users newest first with a working cursor', async () => {
        const a = await signUp(ctx.app);
        const b = await signUp(ctx.app);
        const first = await ctx.app.inject({
          method: 'GET',
          url: '/api/v1/admin/users?limit=1',
          headers: { cookie: admin.cookie },
        });
        expect(first.statusCode).toBe(200);
        expect(first.json().items).toEqual([b.user]);
        const second = await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/admin/users?limit=1&cursor=${first.json().nextCursor}`,
          headers: { cookie: admin.cookie },
        });
        expect(second.json().items).toEqual([a.user]);
      });

      it('searches email and display name, treating % and _ literally', async () => {
        const tag = Math.random().toString(36).slice(2, 8);
        const percent = await signUp(ctx.app, { displayName: `100% ${tag}` });
        await signUp(ctx.app, { displayName: `1000 ${tag}` });
        const byEmail = await signUp(ctx.app, { email: `Search_${tag}@Example.com` });
        const res = await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/admin/users?query=${encodeURIComponent(`0% ${tag}`)}`,
          headers: { cookie: admin.cookie },
        });
        expect(res.json().items.map((u: { id: string }) => u.id)).toEqual([percent.user.id]);
        const email = await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/admin/users?query=${encodeURIComponent(`search_${tag.toUpperCase()}`)}`,
          headers: { cookie: admin.cookie },
        });
        expect(email.json().items.map((u: { id: string }) => u.id)).toEqual([byEmail.user.id]);
        const underscore = await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/admin/users?query=${encodeURIComponent(`search${tag}`)}`,
          headers: { cookie: admin.cookie },
        });
        expect(underscore.json().items).toEqual([]);
      });

      it('is for admins only', async () => {
        const member = await signUp(ctx.app);
        expect(
          (
            await ctx.app.inject({
              method: 'GET',
              url: '/api/v1/admin/users',
              headers: { cookie: member.cookie },
            })
          ).json().code,
        ).toBe('AUTH_FORBIDDEN');
        expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/admin/users' })).statusCode).toBe(401);
      });

      it.each([
        ['an unknown parameter', 'role=admin'],
        ['a bad cursor', 'cursor=DROP%20TABLE'],
        ['a limit above 100', 'limit=101'],
        ['an oversized query', `query=${'q'.repeat(255)}`],
      ])('answers 400 to %s', async (_label, qs) => {
        const res = await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/admin/users?${qs}`,
          headers: { cookie: admin.cookie },
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('VALIDATION_FAILED');
      });
    });

    describe('PATCH /admin/users/:id', () => {
      it('changes a role, which the user’s session sees at once, and audits it', async () => {
        const member = await signUp(ctx.app);
        const guard = () =>
          ctx.app.inject({
            method: 'GET',
            url: '/auth/guard?role=moderator',
            headers: { cookie: member.cookie },
          });
        expect((await guard()).statusCode).toBe(403);
        const res = await ctx.app.inject({
          method: 'PATCH',
          url: `/api/v1/admin/users/${member.user.id}`,
          headers: authHeaders(admin),
          payload: { role: 'moderator' },
        });
        expect(res.statusCode).toBe(200);
        expect(res.json().user.role).toBe('moderator');
        expect((await guard()).statusCode).toBe(200);
        const audit = await ctx.platform.db
          .selectFrom('audit_log')
          .selectAll()
          .where('target_id', '=', member.user.id)
          .where('action', '=', 'user.role_change')
          .executeTakeFirstOrThrow();
        expect(audit.actor_id).toBe(admin.user.id);
        expect(audit.data).toEqual({ from: 'member', to: 'moderator' });
      });

      it('refuses to demote the last admin', async () => {
        const lone = await createTestContext(factory);
        try {
          const only = await makeAdmin(lone);
          const before = await dbSnapshot(lone.platform.db);
          const res = await lone.app.inject({
            method: 'PATCH',
            url: `/api/v1/admin/users/${only.user.id}`,
            headers: authHeaders(only),
            payload: { role: 'member' },
          });
          expect(res.statusCode).toBe(409);
          expect(res.json().code).toBe('IDENTITY_LAST_ADMIN');
          expect(await dbSnapshot(lone.platform.db)).toEqual(before);
          const second = await makeAdmin(lone);
          const ok = await lone.app.inject({
            method: 'PATCH',
            url: `/api/v1/admin/users/${only.user.id}`,
            headers: authHeaders(only),
            payload: { role: 'member' },
          });
          expect(ok.statusCode).toBe(200);
          const back = await lone.app.inject({
            method: 'PATCH',
            url: `/api/v1/admin/users/${second.user.id}`,
            headers: authHeaders(second),
            payload: { role: 'creator' },
          });
          expect(back.json().code).toBe('IDENTITY_LAST_ADMIN');
        } finally {
          await lone.close();
        }
      });

      it.each([
        ['an unknown role', { role: 'owner' }],
        ['an unknown field', { role: 'member', email: 'x@example.com' }],
        ['a wrong type', { role: 1 }],
      ])('answers 400 VALIDATION_FAILED to %s', async (_label, payload) => {
        const member = await signUp(ctx.app);
        const before = await dbSnapshot(ctx.platform.db);
        const res = await ctx.app.inject({
          method: 'PATCH',
          url: `/api/v1/admin/users/${member.user.id}`,
          headers: authHeaders(admin),
          payload,
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('VALIDATION_FAILED');
        expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
      });

      it('answers 404 for an unknown user and 403 for non-admins, changing nothing', async () => {
        const member = await signUp(ctx.app);
        const before = await dbSnapshot(ctx.platform.db);
        const missing = await ctx.app.inject({
          method: 'PATCH',
          url: '/api/v1/admin/users/usr_nothere',
          headers: authHeaders(admin),
          payload: { role: 'creator' },
        });
        expect(missing.statusCode).toBe(404);
        expect(missing.json().code).toBe('IDENTITY_USER_NOT_FOUND');
        const self = await ctx.app.inject({
          method: 'PATCH',
          url: `/api/v1/admin/users/${member.user.id}`,
          headers: authHeaders(member),
          payload: { role: 'admin' },
        });
        expect(self.statusCode).toBe(403);
        expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
      });
    });

    describe('creator applications', () => {
      it('approving makes the member a creator, mails them, and cannot be done twice', async () => {
        const member = await signUp(ctx.app);
        const application = await apply(member);
        const res = await ctx.app.inject({
          method: 'POST',
          url: `/api/v1/admin/creator-applications/${application.id}/approve`,
          headers: authHeaders(admin),
        });
        expect(res.statusCode).toBe(200);
        expect(res.json().application).toMatchObject({
          id: application.id,
          status: 'approved',
          reason: null,
        });
        expect(res.json().application.decidedAt).not.toBeNull();
        const me = await ctx.app.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: { cookie: member.cookie },
        });
        expect(me.json().user.role).toBe('creator');
        expect((await lastMailTo(ctx.platform.db, member.email))?.subject).toMatch(/approved/);
        const before = await dbSnapshot(ctx.platform.db);
        for (const action of ['approve', 'reject']) {
          const again = await ctx.app.inject({
            method: 'POST',
            url: `/api/v1/admin/creator-applications/${application.id}/${action}`,
            headers: authHeaders(admin),
            ...(action === 'reject' ? { payload: { reason: 'changed my mind' } } : {}),
          });
          expect(again.statusCode).toBe(409);
          expect(again.json().code).toBe('IDENTITY_APPLICATION_DECIDED');
        }
        expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
      });

      it('rejecting keeps the role, records the reason, mails it, and allows a new application', async () => {
        const member = await signUp(ctx.app);
        const application = await apply(member);
        const res = await ctx.app.inject({
          method: 'POST',
          url: `/api/v1/admin/creator-applications/${application.id}/reject`,
          headers: authHeaders(admin),
          payload: { reason: 'Add a profile picture' },
        });
        expect(res.statusCode).toBe(200);
        expect(res.json().application).toMatchObject({ status: 'rejected', reason: 'Add a profile picture' });
        expect((await lastMailTo(ctx.platform.db, member.email))?.text).toContain('Add a profile picture');
        const me = await ctx.app.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: { cookie: member.cookie },
        });
        expect(me.json().user.role).toBe('member');
        expect((await apply(member)).id).not.toBe(application.id);
        const actions = await ctx.platform.db
          .selectFrom('audit_log')
          .select('action')
          .where('target_id', '=', application.id)
          .execute();
        expect(actions.map((a) => a.action).sort()).toEqual([
          'creator_application.create',
          'creator_application.reject',
        ]);
      });

      it('lists applications by status, newest first', async () => {
        const one = await apply(await signUp(ctx.app));
        const two = await apply(await signUp(ctx.app));
        const res = await ctx.app.inject({
          method: 'GET',
          url: '/api/v1/admin/creator-applications?status=pending&limit=2',
          headers: { cookie: admin.cookie },
        });
        expect(res.statusCode).toBe(200);
        expect(res.json().items.map((a: { id: string }) => a.id)).toEqual([two.id, one.id]);
        expect(res.json().nextCursor).toBe(one.id);
        const bad = await ctx.app.inject({
          method: 'GET',
          url: '/api/v1/admin/creator-applications?status=lost',
          headers: { cookie: admin.cookie },
        });
        expect(bad.statusCode).toBe(400);
      });

      it.each([
        ['a missing reason', {}],
        ['an empty reason', { reason: '' }],
        ['an oversized reason', { reason: 'r'.repeat(1001) }],
        ['an unknown field', { reason: 'no', ban: true }],
      ])('reject answers 400 VALIDATION_FAILED to %s', async (_label, payload) => {
        const application = await apply(await signUp(ctx.app));
        const before = await dbSnapshot(ctx.platform.db);
        const res = await ctx.app.inject({
          method: 'POST',
          url: `/api/v1/admin/creator-applications/${application.id}/reject`,
          headers: authHeaders(admin),
          payload,
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('VALIDATION_FAILED');
        expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
      });

      it('answers 404 for an unknown application and 403 to non-admins', async () => {
        const member = await signUp(ctx.app);
        const application = await apply(member);
        const before = await dbSnapshot(ctx.platform.db);
        const missing = await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/admin/creator-applications/capp_missing/approve',
          headers: authHeaders(admin),
        });
        expect(missing.json().code).toBe('IDENTITY_APPLICATION_NOT_FOUND');
        const selfApprove = await ctx.app.inject({
          method: 'POST',
          url: `/api/v1/admin/creator-applications/${application.id}/approve`,
          headers: authHeaders(member),
        });
        expect(selfApprove.statusCode).toBe(403);
        expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
      });
    });
  },
);

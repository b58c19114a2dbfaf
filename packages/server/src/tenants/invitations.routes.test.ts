import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import {
  bearer,
  createApp,
  createKey,
  createTeam,
  expectError,
  expectRefused,
  invitationTokenFor,
  manualClock,
} from './tenants.fixtures.ts';

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'invitation routes on %s',
  (_name, factory) => {
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

    describe('invitations', () => {
      it('invites by mail with a link to accept, and lists the invitation to admins only', async () => {
        const { appId, admin, viewer } = await team();
        const email = `new-${Date.now()}@example.com`;
        const res = await inject({
          method: 'POST',
          url: `/api/v1/apps/${appId}/invitations`,
          headers: authHeaders(admin),
          payload: { email, role: 'editor' },
        });
        expect(res.statusCode).toBe(201);
        const { invitation } = res.json() as {
          invitation: {
            id: string;
            email: string;
            role: string;
            acceptedAt: null;
            expiresAt: string;
            createdAt: string;
          };
        };
        expect(invitation).toMatchObject({ email, role: 'editor', acceptedAt: null });
        expect(Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt)).toBe(7 * 86_400_000);
        const token = await invitationTokenFor(db(), email);
        await ctx.drainJobs();
        const mail = await db()
          .selectFrom('mail_outbox')
          .selectAll()
          .where('to_address', '=', email)
          .executeTakeFirstOrThrow();
        expect(mail.text_body).toContain(
          `${ctx.platform.config.publicUrl}/invitations/accept?token=${token}`,
        );
        const stored = await db()
          .selectFrom('app_invitations')
          .select('token_hash')
          .where('id', '=', invitation.id)
          .executeTakeFirstOrThrow();
        expect(stored.token_hash).not.toContain(token);

        const list = await inject({
          method: 'GET',
          url: `/api/v1/apps/${appId}/invitations`,
          headers: authHeaders(admin),
        });
        expect((list.json() as { items: { id: string }[] }).items.map((i) => i.id)).toContain(invitation.id);
        expect(list.body).not.toContain(token);
        expectError(
          await inject({
            method: 'GET',
            url: `/api/v1/apps/${appId}/invitations`,
            headers: authHeaders(viewer),
          }),
          403,
          'AUTH_FORBIDDEN',
        );
      });

      it('refuses invitations the rules forbid or with bad input', async () => {
        const { appId, admin, editor } = await team();
        const url = `/api/v1/apps/${appId}/invitations`;
        const post = (who: TestSession, payload: object) => () =>
          inject({ method: 'POST', url, headers: authHeaders(who), payload });
        await expectRefused(
          db(),
          post(admin, { email: 'a@example.com', role: 'admin' }),
          403,
          'AUTH_FORBIDDEN',
        );
        await expectRefused(
          db(),
          post(editor, { email: 'a@example.com', role: 'viewer' }),
          403,
          'AUTH_FORBIDDEN',
        );
        await expectRefused(
          db(),
          post(outsider, { email: 'a@example.com', role: 'viewer' }),
          404,
          'TENANTS_APP_NOT_FOUND',
        );
        await expectRefused(
          db(),
          post(admin, { email: editor.email.toUpperCase(), role: 'viewer' }),
          409,
          'TENANTS_ALREADY_MEMBER',
        );
        for (const payload of [
          { email: 'not-an-email', role: 'viewer' },
          { email: 'a@example.com', role: 'owner' },
          { email: 'a@example.com' },
          { email: 'a@example.com', role: 'viewer', note: 'hi' },
          { email: `${'a'.repeat(250)}@example.com`, role: 'viewer' },
          { email: ['a@example.com'], role: 'viewer' },
        ]) {
          await expectRefused(db(), post(admin, payload), 400, 'VALIDATION_FAILED');
        }
        const key = await createKey(ctx.app, owner, appId, ['apps:write', 'apps:read']);
        await expectRefused(
          db(),
          () =>
            inject({
              method: 'POST',
              url,
              headers: bearer(key.secret),
              payload: { email: 'a@example.com', role: 'viewer' },
            }),
          403,
          'AUTH_FORBIDDEN',
        );
        const ok = await post(owner, { email: 'boss@example.com', role: 'admin' })();
        expect(ok.statusCode).toBe(201);
      });

      it('accepts an invitation once, for the invited address compared case-insensitively', async () => {
        const app = await createApp(ctx.app, owner, 'Accepting');
        const invitee = await signUp(ctx.app);
        await inject({
          method: 'POST',
          url: `/api/v1/apps/${app.id}/invitations`,
          headers: authHeaders(owner),
          payload: { email: invitee.email.toUpperCase(), role: 'editor' },
        });
        const token = await invitationTokenFor(db(), invitee.email.toUpperCase());
        const accept =
          (who: TestSession, payload: object = { token }) =>
          () =>
            inject({ method: 'POST', url: '/api/v1/invitations/accept', headers: authHeaders(who), payload });

        await expectRefused(db(), accept(outsider), 403, 'TENANTS_INVITATION_EMAIL_MISMATCH');
        await expectRefused(
          db(),
          () => inject({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token } }),
          401,
          'AUTH_REQUIRED',
        );
        await expectRefused(db(), accept(invitee, { token, role: 'owner' }), 400, 'VALIDATION_FAILED');
        await expectRefused(db(), accept(invitee, { token: 42 }), 400, 'VALIDATION_FAILED');
        await expectRefused(db(), accept(invitee, { token: 'x'.repeat(129) }), 400, 'VALIDATION_FAILED');
        await expectRefused(
          db(),
          accept(invitee, { token: 'forged-token' }),
          400,
          'TENANTS_INVITATION_INVALID',
        );

        const res = await accept(invitee)();
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ app: { id: app.id, name: 'Accepting', role: 'editor' } });
        expect(
          (await inject({ method: 'GET', url: `/api/v1/apps/${app.id}`, headers: authHeaders(invitee) }))
            .statusCode,
        ).toBe(200);
        await expectRefused(db(), accept(invitee), 400, 'TENANTS_INVITATION_INVALID');
        const list = (
          await inject({
            method: 'GET',
            url: `/api/v1/apps/${app.id}/invitations`,
            headers: authHeaders(owner),
          })
        ).json() as { items: { id: string; acceptedAt: string | null }[] };
        const accepted = list.items[0]!;
        expect(accepted.acceptedAt).not.toBeNull();
        await expectRefused(
          db(),
          () =>
            inject({
              method: 'DELETE',
              url: `/api/v1/apps/${app.id}/invitations/${accepted.id}`,
              headers: authHeaders(owner),
            }),
          409,
          'TENANTS_INVITATION_NOT_PENDING',
        );
      });

      it('makes revoked, replaced and expired invitations unusable', async () => {
        const app = await createApp(ctx.app, owner, 'Revoking');
        const invitee = await signUp(ctx.app);
        const invite = async () => {
          const res = await inject({
            method: 'POST',
            url: `/api/v1/apps/${app.id}/invitations`,
            headers: authHeaders(owner),
            payload: { email: invitee.email, role: 'viewer' },
          });
          return {
            id: (res.json() as { invitation: { id: string } }).invitation.id,
            token: await invitationTokenFor(db(), invitee.email),
          };
        };
        const accept = (token: string) => () =>
          inject({
            method: 'POST',
            url: '/api/v1/invitations/accept',
            headers: authHeaders(invitee),
            payload: { token },
          });

        const first = await invite();
        const second = await invite();
        await expectRefused(db(), accept(first.token), 400, 'TENANTS_INVITATION_INVALID');
        const revokeUrl = `/api/v1/apps/${app.id}/invitations/${second.id}`;
        await expectRefused(
          db(),
          () => inject({ method: 'DELETE', url: revokeUrl, headers: authHeaders(outsider) }),
          404,
          'TENANTS_APP_NOT_FOUND',
        );
        expect(
          (await inject({ method: 'DELETE', url: revokeUrl, headers: authHeaders(owner) })).statusCode,
        ).toBe(204);
        await expectRefused(db(), accept(second.token), 400, 'TENANTS_INVITATION_INVALID');
        await expectRefused(
          db(),
          () => inject({ method: 'DELETE', url: revokeUrl, headers: authHeaders(owner) }),
          404,
          'TENANTS_INVITATION_NOT_FOUND',
        );

        const third = await invite();
        clock.advance(7 * 86_400_000 + 1000);
        await expectRefused(db(), accept(third.token), 400, 'TENANTS_INVITATION_INVALID');
        expectError(
          await inject({ method: 'GET', url: `/api/v1/apps/${app.id}`, headers: authHeaders(invitee) }),
          404,
          'TENANTS_APP_NOT_FOUND',
        );
        const actions = await db()
          .selectFrom('audit_log')
          .select('action')
          .where('app_id', '=', app.id)
          .execute();
        expect(actions.map((a) => a.action).sort()).toEqual([
          'app.create',
          'invitation.create',
          'invitation.create',
          'invitation.create',
          'invitation.revoke',
        ]);
      });

      it('makes invitations unusable once their app is deleted', async () => {
        const app = await createApp(ctx.app, owner, 'Short-lived');
        const invitee = await signUp(ctx.app);
        await inject({
          method: 'POST',
          url: `/api/v1/apps/${app.id}/invitations`,
          headers: authHeaders(owner),
          payload: { email: invitee.email, role: 'viewer' },
        });
        const token = await invitationTokenFor(db(), invitee.email);
        expect(
          (await inject({ method: 'DELETE', url: `/api/v1/apps/${app.id}`, headers: authHeaders(owner) }))
            .statusCode,
        ).toBe(204);
        await expectRefused(
          db(),
          () =>
            inject({
              method: 'POST',
              url: '/api/v1/invitations/accept',
              headers: authHeaders(invitee),
              payload: { token },
            }),
          400,
          'TENANTS_INVITATION_INVALID',
        );
      });
    });
  },
);

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { signUp } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { dbSnapshot } from './identity.fixtures.ts';

function tokenOf(hint: string | null): string {
  const match = /\/setup\?token=([A-Za-z0-9_-]+)/.exec(hint ?? '');
  if (!match) throw new Error(`no setup link in: ${hint}`);
  return match[1]!;
}

describe.each(testDatabases().map((f) => [f.name, f] as const))(
  'first-admin setup on %s',
  (_name, factory) => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await createTestContext(factory);
    });
    afterAll(async () => {
      await ctx?.close();
    });

    const setup = (payload: unknown) =>
      ctx.app.inject({ method: 'POST', url: '/api/v1/auth/setup', payload: payload as object });
    const fields = { email: 'owner@example.com', password: 'owner password', displayName: 'Owner' };

    it('runs once with the token from the boot hint, and only while no admin exists', async () => {
      expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/setup' })).json()).toEqual({
        open: true,
      });
      const stale = tokenOf(await ctx.services.identity.firstRunHint());
      const hint = await ctx.services.identity.firstRunHint();
      expect(hint).toMatch(
        /^Create the first admin at http:\/\/localhost:8080\/setup\?token=[A-Za-z0-9_-]+, or run: npm run pnptv -- admin create --email you@example\.com --password '…'$/,
      );
      const token = tokenOf(hint);
      const stored = await ctx.platform.db
        .selectFrom('settings')
        .select('value')
        .where('app_id', '=', 'app_site')
        .where('key', '=', 'setup_token')
        .executeTakeFirstOrThrow();
      expect(JSON.stringify(stored.value)).not.toContain(token);

      const before = await dbSnapshot(ctx.platform.db);
      for (const bad of [stale, 'A'.repeat(43)]) {
        const res = await setup({ ...fields, token: bad });
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('IDENTITY_TOKEN_INVALID');
      }
      const invalid = await setup({ ...fields, token, extra: 1 });
      expect(invalid.json().code).toBe('VALIDATION_FAILED');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(before);

      const res = await setup({ ...fields, token });
      expect(res.statusCode).toBe(201);
      expect(res.json().user).toMatchObject({
        email: 'owner@example.com',
        role: 'admin',
        emailVerified: true,
      });
      expect(String(res.headers['set-cookie'])).toMatch(/pnptv_session=/);
      const audit = await ctx.platform.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_id', '=', res.json().user.id)
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['instance.setup']);

      expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/setup' })).json()).toEqual({
        open: false,
      });
      expect(await ctx.services.identity.firstRunHint()).toBeNull();
      const after = await dbSnapshot(ctx.platform.db);
      const replay = await setup({ ...fields, email: 'second@example.com', token });
      expect(replay.statusCode).toBe(403);
      expect(replay.json().code).toBe('IDENTITY_SETUP_CLOSED');
      expect(await dbSnapshot(ctx.platform.db)).toEqual(after);
    });
  },
);

describe.each(testDatabases().map((f) => [f.name, f] as const))('setup conflicts on %s', (_name, factory) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(factory);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('refuses an email that already has an account and keeps the token usable', async () => {
    const member = await signUp(ctx.app);
    const token = tokenOf(await ctx.services.identity.firstRunHint());
    const before = await dbSnapshot(ctx.platform.db);
    const taken = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/setup',
      payload: { token, email: member.email, password: 'owner password', displayName: 'Owner' },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('IDENTITY_EMAIL_TAKEN');
    expect(await dbSnapshot(ctx.platform.db)).toEqual(before);
    const ok = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/setup',
      payload: { token, email: 'boss@example.com', password: 'owner password', displayName: 'Owner' },
    });
    expect(ok.statusCode).toBe(201);
  });

  it('lets only one of two concurrent setups create an admin', async () => {
    const other = await createTestContext(factory);
    try {
      const token = tokenOf(await other.services.identity.firstRunHint());
      const send = (email: string) =>
        other.app.inject({
          method: 'POST',
          url: '/api/v1/auth/setup',
          payload: { token, email, password: 'owner password', displayName: 'Owner' },
        });
      const results = await Promise.all([send('one@example.com'), send('two@example.com')]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 403]);
      const admins = await other.platform.db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .execute();
      expect(admins).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});

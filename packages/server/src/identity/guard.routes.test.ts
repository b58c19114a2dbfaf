import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { makeAdmin, signUp } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';

describe.each(testDatabases().map((f) => [f.name, f] as const))('GET /auth/guard on %s', (_name, factory) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(factory);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const guard = (query: string, cookie?: string) =>
    ctx.app.inject({ method: 'GET', url: `/auth/guard${query}`, headers: cookie ? { cookie } : {} });

  it('answers 200 with the user id and role for a valid session, with an empty body', async () => {
    const member = await signUp(ctx.app);
    const res = await guard('', member.cookie);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-user-id']).toBe(member.user.id);
    expect(res.headers['x-user-role']).toBe('member');
    expect(res.body).toBe('');
  });

  it.each([
    ['no cookie', undefined],
    ['a malformed cookie', 'pnptv_session=%%%'],
    ['an unknown cookie', `pnptv_session=${'B'.repeat(43)}`],
  ])('answers 401 with an empty body for %s', async (_label, cookie) => {
    const res = await guard('', cookie);
    expect(res.statusCode).toBe(401);
    expect(res.body).toBe('');
    expect(res.headers['x-user-id']).toBeUndefined();
  });

  it('answers 401 after logout', async () => {
    const member = await signUp(ctx.app);
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: member.cookie, 'x-csrf-token': member.csrfToken },
    });
    expect((await guard('', member.cookie)).statusCode).toBe(401);
  });

  it('requires at least the role asked for', async () => {
    const member = await signUp(ctx.app);
    const admin = await makeAdmin(ctx);
    const denied = await guard('?role=creator', member.cookie);
    expect(denied.statusCode).toBe(403);
    expect(denied.body).toBe('');
    for (const role of ['creator', 'moderator', 'admin']) {
      const res = await guard(`?role=${role}`, admin.cookie);
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-user-role']).toBe('admin');
    }
  });

  it('refuses an unknown role parameter', async () => {
    const member = await signUp(ctx.app);
    expect((await guard('?role=root', member.cookie)).statusCode).toBe(400);
  });
});

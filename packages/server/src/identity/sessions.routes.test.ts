import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, logIn, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';

const CHROME_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

/** GET /me/sessions as `session`. */
async function listSessions(ctx: TestContext, session: TestSession) {
  const res = await ctx.app.inject({
    method: 'GET',
    url: '/api/v1/me/sessions',
    headers: authHeaders(session),
  });
  expect(res.statusCode).toBe(200);
  return res.json().items as {
    id: string;
    current: boolean;
    device: { browser: string | null };
    ip: string;
  }[];
}

function tokenOf(session: TestSession): string {
  return session.cookie.split('=')[1]!;
}

describe.each(testDatabases().map((f) => [f.name, f] as const))('my sessions on %s', (_name, factory) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(factory);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('lists my live sessions with device, address and "this device", and nobody else’s', async () => {
    const member = await signUp(ctx.app);
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: member.email, password: member.password },
      headers: { 'user-agent': CHROME_LINUX },
    });
    await signUp(ctx.app);
    const items = await listSessions(ctx, member);
    expect(items).toHaveLength(2);
    expect(items.filter((s) => s.current)).toHaveLength(1);
    expect(items.map((s) => s.device.browser)).toContain('Chrome 120');
    expect(items.every((s) => /^[0-9a-f]{32}$/.test(s.id))).toBe(true);
    expect(items[0]!.ip).toBe('127.0.0.1');
    const anonymous = await ctx.app.inject({ method: 'GET', url: '/api/v1/me/sessions' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('revokes another session, which stops working at once even though it was cached', async () => {
    const member = await signUp(ctx.app);
    const phone = await logIn(ctx.app, member.email, member.password);
    expect(await ctx.services.identity.authenticateSession(tokenOf(phone))).not.toBeNull();
    const other = (await listSessions(ctx, member)).find((s) => !s.current)!;
    const res = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/sessions/${other.id}`,
      headers: authHeaders(member),
    });
    expect(res.statusCode).toBe(204);
    expect(await ctx.services.identity.authenticateSession(tokenOf(phone))).toBeNull();
    const me = await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: phone.cookie } });
    expect(me.statusCode).toBe(401);
    expect(await listSessions(ctx, member)).toHaveLength(1);
    const again = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/sessions/${other.id}`,
      headers: authHeaders(member),
    });
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('IDENTITY_SESSION_NOT_FOUND');
  });

  it('cannot revoke someone else’s session', async () => {
    const member = await signUp(ctx.app);
    const stranger = await signUp(ctx.app);
    const theirs = (await listSessions(ctx, stranger))[0]!;
    const res = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/sessions/${theirs.id}`,
      headers: authHeaders(member),
    });
    expect(res.statusCode).toBe(404);
    expect(await ctx.services.identity.authenticateSession(tokenOf(stranger))).not.toBeNull();
  });

  it('revokes every other session and keeps this one; revoking this one signs it out', async () => {
    const member = await signUp(ctx.app);
    const a = await logIn(ctx.app, member.email, member.password);
    const b = await logIn(ctx.app, member.email, member.password);
    const res = await ctx.app.inject({
      method: 'DELETE',
      url: '/api/v1/me/sessions',
      headers: authHeaders(member),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ revoked: 2 });
    for (const s of [a, b]) expect(await ctx.services.identity.authenticateSession(tokenOf(s))).toBeNull();
    const [mine] = await listSessions(ctx, member);
    const self = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/sessions/${mine!.id}`,
      headers: authHeaders(member),
    });
    expect(self.statusCode).toBe(204);
    expect(String(self.headers['set-cookie'])).toMatch(/pnptv_session=;/);
    expect(await ctx.services.identity.authenticateSession(tokenOf(member))).toBeNull();
  });

  it('answers 400 to a malformed session id', async () => {
    const member = await signUp(ctx.app);
    const res = await ctx.app.inject({
      method: 'DELETE',
      url: '/api/v1/me/sessions/not-an-id',
      headers: authHeaders(member),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });
});

describe.runIf(process.env.REDIS_URL).each(testDatabases().map((f) => [f.name, f] as const))(
  'revoking a session on one of two nodes sharing Redis, on %s',
  (_name, factory) => {
    let handle: DatabaseHandle;
    let nodes: TestContext[] = [];
    beforeAll(async () => {
      handle = await factory.open();
      const shared: DatabaseHandle = { ...handle, close: async () => {} };
      nodes = [
        await createTestContext(shared, { redis: true }),
        await createTestContext(shared, { redis: true }),
      ];
    });
    afterAll(async () => {
      for (const node of nodes) await node.close();
      await handle?.close();
    });

    it('stops the session on the other node at once, although that node had it cached', async () => {
      const [a, b] = nodes as [TestContext, TestContext];
      const member = await signUp(a.app);
      const laptop = await logIn(a.app, member.email, member.password);
      const onA = await a.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { cookie: laptop.cookie },
      });
      expect(onA.statusCode).toBe(200);
      const other = (await listSessions(b, member)).find((s) => !s.current)!;
      const res = await b.app.inject({
        method: 'DELETE',
        url: `/api/v1/me/sessions/${other.id}`,
        headers: authHeaders(member),
      });
      expect(res.statusCode).toBe(204);
      const after = await a.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { cookie: laptop.cookie },
      });
      expect(after.statusCode).toBe(401);
    });
  },
);

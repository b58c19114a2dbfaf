import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { signUp } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { dbSnapshot, lastMailTo } from './identity.fixtures.ts';

/** Headers that differ between any two responses whatever they answer. */
const PER_RESPONSE = new Set(['date', 'x-request-id']);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe.each(testDatabases().map((f) => [f.name, f] as const))('sign-up on %s', (_name, factory) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(factory);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const register = (email: string) =>
    ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password: 'a brand new password', displayName: 'Someone' },
    });
  const comparable = (res: Awaited<ReturnType<typeof register>>) => ({
    status: res.statusCode,
    body: res.body,
    headers: Object.fromEntries(Object.entries(res.headers).filter(([k]) => !PER_RESPONSE.has(k))),
  });

  it('answers a taken email exactly as a new one: status, headers and body', async () => {
    const existing = await signUp(ctx.app);
    const taken = await register(` ${existing.email.toUpperCase()} `);
    const fresh = await register(`fresh-${Date.now()}@example.com`);
    expect(comparable(taken)).toEqual(comparable(fresh));
    expect(taken.statusCode).toBe(202);
    expect(taken.json()).toEqual({ status: 'check_email' });
  });

  it('mails the owner of a taken address what happened, with log-in and reset links, and changes the account in no way', async () => {
    const existing = await signUp(ctx.app);
    const before = await dbSnapshot(ctx.platform.db);
    expect((await register(existing.email)).statusCode).toBe(202);
    const mail = await lastMailTo(ctx.platform.db, existing.email);
    expect(mail?.subject).toBe('Someone tried to sign up with your email');
    expect(mail?.text).toContain('If it was you, log in');
    expect(mail?.text).toContain('http://localhost:8080/login');
    expect(mail?.text).toContain('http://localhost:8080/forgot-password');
    const after = await dbSnapshot(ctx.platform.db);
    expect({ ...after, jobs: before.jobs }).toEqual(before);
    expect(after.jobs).toBe((before.jobs as number) + 1);
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: existing.email, password: 'a brand new password' },
    });
    expect(login.statusCode).toBe(401);
  });

  it('creates no account before the link is opened: signing in meanwhile is a plain wrong password', async () => {
    const email = `pending-${Date.now()}@example.com`;
    expect((await register(email)).statusCode).toBe(202);
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: 'a brand new password' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('IDENTITY_INVALID_CREDENTIALS');
  });

  it('takes about as long for a taken email as for a new one', async () => {
    const existing = await signUp(ctx.app);
    const times = { taken: [] as number[], fresh: [] as number[] };
    for (let i = 0; i < 10; i++) {
      for (const kind of i % 2 ? (['taken', 'fresh'] as const) : (['fresh', 'taken'] as const)) {
        // Distinct addresses so the per-address mail budget never skips the work.
        const email = kind === 'taken' ? existing.email : `timing-${i}-${Date.now()}@example.com`;
        const started = performance.now();
        const res = await register(email);
        times[kind].push(performance.now() - started);
        expect(res.statusCode).toBe(202);
      }
    }
    const [taken, fresh] = [median(times.taken), median(times.fresh)];
    // Generous: both do one argon2 hash (tens of ms); a missing hash would make one path several times faster.
    expect(taken / fresh).toBeGreaterThan(0.5);
    expect(taken / fresh).toBeLessThan(2);
  });
});

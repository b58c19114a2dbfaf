import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/databases.ts';
import { authHeaders, signUp, type TestSession } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { ManualClock } from '../identity/identity.fixtures.ts';
import { SITE_APP_ID } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { EXPORT_TTL_MS } from './account.rules.ts';

describe.each(testDatabases().map((f) => [f.name, f] as const))('data export on %s', (_name, factory) => {
  let ctx: TestContext;
  const clock = new ManualClock();
  beforeAll(async () => {
    ctx = await createTestContext(factory, { clock });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const call = (method: 'GET' | 'POST', url: string, who: TestSession) =>
    ctx.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: authHeaders(who),
      payload: method === 'POST' ? {} : undefined,
    });

  async function say(channel: string, author: TestSession, body: string, deleted = false) {
    const now = new Date(clock.now());
    await ctx.platform.db
      .insertInto('chat_messages')
      .values({
        id: newId('msg', now.getTime()),
        app_id: SITE_APP_ID,
        channel,
        author_id: author.user.id,
        author_name: author.user.displayName,
        body,
        created_at: now,
        deleted_at: deleted ? now : null,
      })
      .execute();
  }

  it('builds one archive of what the member owns, with the whole DM conversation but no one else’s email', async () => {
    const ana = await signUp(ctx.app);
    const bob = await signUp(ctx.app);
    const [lo, hi] = [ana.user.id, bob.user.id].sort();
    const dm = `dm:${lo}:${hi}`;
    await say(dm, ana, 'hi Bob');
    await say(dm, bob, `reach me at ${bob.email}`);
    await say(dm, bob, 'something Bob took back', true);
    await say('community', bob, 'Bob in public');
    await say('community', ana, 'Ana in public');
    await ctx.services.ledger.creditPurchase({
      appId: SITE_APP_ID,
      userId: ana.user.id,
      coins: 250,
      provider: 'sandbox',
      idempotencyKey: `export-test-${ana.user.id}`,
    });

    const asked = await call('POST', '/me/exports', ana);
    expect(asked.statusCode).toBe(202);
    const { export: queued } = asked.json();
    expect(queued).toMatchObject({ status: 'queued', progress: 0, expiresAt: null });
    const twice = await call('POST', '/me/exports', ana);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('ACCOUNT_EXPORT_RUNNING');
    const early = await call('GET', `/me/exports/${queued.id}/download`, ana);
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('ACCOUNT_EXPORT_NOT_READY');

    await ctx.drainJobs();
    const ready = (await call('GET', `/me/exports/${queued.id}`, ana)).json().export;
    expect(ready).toMatchObject({ status: 'ready', progress: 100 });
    expect(ready.sizeBytes).toBeGreaterThan(100);

    const file = await call('GET', `/me/exports/${queued.id}/download`, ana);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toMatch(/^application\/json/);
    expect(file.headers['content-disposition']).toContain('attachment');
    const archive = file.json();
    expect(archive.profile).toMatchObject({ id: ana.user.id, email: ana.email });
    expect(archive.wallet.balances.member_wallet).toBe(250);
    expect(archive.chatMessages.map((m: { body: string }) => m.body)).toEqual(['Ana in public']);
    expect(archive.directMessages.map((m: { body: string }) => m.body)).toEqual([
      'hi Bob',
      'reach me at [redacted]',
    ]);
    expect(archive.sessions).toHaveLength(1);
    expect(archive.auditLog.map((a: { action: string }) => a.action)).toContain('user.export_request');
    expect(file.body).not.toContain(bob.email);
    expect(file.body).not.toContain('$argon2');
    expect(file.body).not.toContain('Bob in public');
  });

  it('keeps each member’s exports to themselves', async () => {
    const ana = await signUp(ctx.app);
    const eve = await signUp(ctx.app);
    const { export: mine } = (await call('POST', '/me/exports', ana)).json();
    await ctx.drainJobs();
    for (const url of [`/me/exports/${mine.id}`, `/me/exports/${mine.id}/download`]) {
      const res = await call('GET', url, eve);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('ACCOUNT_EXPORT_NOT_FOUND');
    }
    expect((await call('GET', '/me/exports', eve)).json().items).toEqual([]);
  });

  it('can be downloaded only until it expires, then drops the archive; a new one can be asked for', async () => {
    const ana = await signUp(ctx.app);
    const { export: first } = (await call('POST', '/me/exports', ana)).json();
    await ctx.drainJobs();
    clock.advance(EXPORT_TTL_MS - 1000);
    expect((await call('GET', `/me/exports/${first.id}/download`, ana)).statusCode).toBe(200);
    clock.advance(2000);
    const late = await call('GET', `/me/exports/${first.id}/download`, ana);
    expect(late.statusCode).toBe(410);
    expect(late.json().code).toBe('ACCOUNT_EXPORT_EXPIRED');
    await ctx.drainJobs();
    const row = await ctx.platform.db
      .selectFrom('account_exports')
      .select(['status', 'archive'])
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'expired', archive: null });
    expect((await call('POST', '/me/exports', ana)).statusCode).toBe(202);
  });
});

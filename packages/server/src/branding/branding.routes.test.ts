import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabaseFactory, testDatabases } from '../../test/databases.ts';
import { authHeaders, makeAdmin, signUp } from '../../test/factories.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { DEFAULT_BRANDING } from './branding.rules.ts';

describe.each(testDatabases().map((f) => [f.name, f] as [string, TestDatabaseFactory]))(
  'branding on %s',
  (_n, factory) => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await createTestContext(factory);
    });
    afterAll(() => ctx.close());

    it('serves the built-in look until an admin changes it', async () => {
      const res = await ctx.app.inject('/api/v1/branding');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ name: 'PNPtv', colors: DEFAULT_BRANDING.colors, logoUrl: null });
    });

    it('lets an admin change some fields and keeps the rest', async () => {
      const admin = await makeAdmin(ctx);
      const res = await ctx.app.inject({
        method: 'PATCH',
        url: '/api/v1/admin/branding',
        headers: authHeaders(admin),
        payload: { name: 'Club Live', colors: { primary: '#ff0066' }, logoUrl: '/logo.svg' },
      });
      expect(res.statusCode).toBe(200);
      const read = (await ctx.app.inject('/api/v1/branding')).json();
      expect(read).toEqual({
        name: 'Club Live',
        colors: { ...DEFAULT_BRANDING.colors, primary: '#ff0066' },
        logoUrl: '/logo.svg',
      });
      const audit = await ctx.platform.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'branding.update')
        .execute();
      expect(audit).toHaveLength(1);
    });

    it('refuses values that could smuggle CSS or script, and members, changing nothing', async () => {
      const before = (await ctx.app.inject('/api/v1/branding')).body;
      const admin = await makeAdmin(ctx);
      for (const payload of [
        { colors: { primary: 'red;background:url(x)' } },
        { logoUrl: 'javascript:alert(1)' },
        { logoUrl: '//evil.example/logo.png' },
        { name: '<script>' },
        { colors: { shadow: '#000' } },
        { theme: 'dark' },
      ]) {
        const res = await ctx.app.inject({
          method: 'PATCH',
          url: '/api/v1/admin/branding',
          headers: authHeaders(admin),
          payload,
        });
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json().code).toBe('VALIDATION_FAILED');
      }
      const member = await signUp(ctx.app);
      const forbidden = await ctx.app.inject({
        method: 'PATCH',
        url: '/api/v1/admin/branding',
        headers: authHeaders(member),
        payload: { name: 'Mine' },
      });
      expect(forbidden.statusCode).toBe(403);
      expect((await ctx.app.inject('/api/v1/branding')).body).toBe(before);
    });
  },
);

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkout, createPackage } from '../src/payments/testing/payments.fixtures.ts';
import { appDirectives } from '../src/platform/http/security-headers.ts';
import { testDatabases } from './databases.ts';
import { makeAdmin, signUp } from './factories.ts';
import { createTestContext, type TestContext } from './harness.ts';

/** Parses a Content-Security-Policy header into directive → sources. */
function csp(header: unknown): Map<string, string[]> {
  expect(typeof header).toBe('string');
  const directives = new Map<string, string[]>();
  for (const part of String(header).split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name, sources);
  }
  return directives;
}

function expectCommonHeaders(headers: Record<string, unknown>): void {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-powered-by']).toBeUndefined();
  expect(csp(headers['content-security-policy']).get('frame-ancestors')).toEqual(["'none'"]);
}

describe('security headers', () => {
  const web = mkdtempSync(join(tmpdir(), 'pnptv-web-'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>PNPtv</title><div id="root"></div>');
  let ctx: TestContext;
  let https: TestContext;

  beforeAll(async () => {
    const factory = testDatabases()[0]!;
    ctx = await createTestContext(factory, {
      env: {
        WEB_DIST_DIR: web,
        EPAYCO_CUSTOMER_ID: '1234567',
        EPAYCO_P_KEY: 'p-key-secret-for-tests',
        EPAYCO_PUBLIC_KEY: 'public-key-for-tests',
      },
    });
    https = await createTestContext(factory, { env: { PUBLIC_URL: 'https://tv.example' } });
    // Opening PGlite takes seconds, and much longer on a loaded machine.
  }, 180_000);
  afterAll(async () => {
    await ctx?.close();
    await https?.close();
    rmSync(web, { recursive: true, force: true });
  });

  it('gives the web app a strict policy that still lets hls.js and Socket.IO work', async () => {
    const res = await ctx.app.inject('/watch/anything');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expectCommonHeaders(res.headers);
    const policy = csp(res.headers['content-security-policy']);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    // Media URLs are built on PUBLIC_URL, which a custom domain's pages reach cross-origin.
    expect(policy.get('media-src')).toEqual(["'self'", 'http://localhost:8080', 'blob:']);
    expect(policy.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(policy.get('connect-src')).toEqual(["'self'", 'http://localhost:8080']);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    // Plain http: no HSTS, no upgrade of subresources.
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(policy.has('upgrade-insecure-requests')).toBe(false);
  });

  it('sends the same headers with API JSON responses', async () => {
    const res = await ctx.app.inject('/api/v1/events');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    expectCommonHeaders(res.headers);
  });

  it('scopes a looser style policy to the API reference at /api/docs', async () => {
    const res = await ctx.app.inject('/api/docs/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expectCommonHeaders(res.headers);
    const policy = csp(res.headers['content-security-policy']);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    const initializer = await ctx.app.inject('/api/docs/static/swagger-initializer.js');
    expect(initializer.statusCode).toBe(200);
    // The app's own pages keep the strict style policy.
    const app = await ctx.app.inject('/');
    expect(csp(app.headers['content-security-policy']).get('style-src')).toEqual(["'self'"]);
  });

  it('lets the ePayco checkout page run its inline script by nonce only', async () => {
    const admin = await makeAdmin(ctx);
    const pkg = await createPackage(ctx, admin, {
      name: 'Pack',
      coins: 10,
      priceMinor: 100,
      currency: 'USD',
    });
    const member = await signUp(ctx.app);
    const { order } = await checkout(ctx, member, pkg.id, 'epayco');
    const page = async () => ctx.app.inject(`/api/v1/payments/epayco/${order.id}/checkout`);
    const first = await page();
    expect(first.statusCode).toBe(200);
    expectCommonHeaders(first.headers);
    const scripts = csp(first.headers['content-security-policy']).get('script-src') ?? [];
    expect(scripts).toContain('https://checkout.epayco.co');
    expect(scripts).not.toContain("'unsafe-inline'");
    const nonce = scripts.find((s) => s.startsWith("'nonce-"))?.slice(7, -1);
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    const tags = [...first.body.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(tags).toHaveLength(2);
    for (const attributes of tags) expect(attributes).toContain(`nonce="${nonce}"`);
    const second = await page();
    expect(second.headers['content-security-policy']).not.toContain(nonce);
  });

  it('allows any localhost port for media when PUBLIC_URL is derived from a port picked at listen', () => {
    const derived = appDirectives({
      publicUrl: 'http://localhost:0',
      publicUrlDerived: true,
      telegramBotToken: null,
    });
    expect(derived['connect-src']).toEqual(["'self'", 'http://localhost:*']);
    const telegram = appDirectives({
      publicUrl: 'https://tv.example',
      publicUrlDerived: false,
      telegramBotToken: '1:x',
    });
    expect(telegram['script-src']).toEqual(["'self'", 'https://telegram.org']);
    expect(telegram['frame-src']).toEqual(['https://oauth.telegram.org']);
    expect(telegram['media-src']).toEqual(["'self'", 'https://tv.example', 'blob:']);
  });

  it('leaves the load-balancer probes bare', async () => {
    for (const url of ['/healthz', '/readyz']) {
      const res = await ctx.app.inject(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-security-policy']).toBeUndefined();
    }
  });

  it('adds HSTS and upgrades subresources only when PUBLIC_URL is https', async () => {
    const res = await https.app.inject('/api/v1/events');
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(csp(res.headers['content-security-policy']).has('upgrade-insecure-requests')).toBe(true);
  });
});

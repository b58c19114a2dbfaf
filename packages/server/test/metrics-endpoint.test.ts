import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkout, createPackage } from '../src/payments/testing/payments.fixtures.ts';
import { startMetricsServer } from '../src/platform/http/metrics-endpoint.ts';
import { createMetrics } from '../src/platform/metrics.ts';
import { testDatabases } from './databases.ts';
import { authHeaders, makeAdmin, signUp } from './factories.ts';
import { createTestContext, type TestContext } from './harness.ts';

const PROMTOOL = '/usr/bin/promtool';
const TOKEN = 'metrics-token-for-tests-0123456789';

/**
 * Runs `promtool check metrics` on an exposition. CI installs promtool (.ci/run), so there a
 * missing binary fails the test; on a workstation without it the check is skipped.
 */
function promtool(text: string): { status: number | null; output: string } | null {
  if (!existsSync(PROMTOOL)) {
    if (process.env.CI) throw new Error(`${PROMTOOL} is missing: install Debian's prometheus package`);
    return null;
  }
  const run = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function expectPromtoolClean(text: string): void {
  const result = promtool(text);
  if (result) expect(result, result.output).toMatchObject({ status: 0, output: '' });
}

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`${series} missing from the metrics`);
  return Number(line.slice(series.length + 1));
}

describe('Prometheus metrics', () => {
  let ctx: TestContext;
  let open: TestContext;

  beforeAll(async () => {
    const factory = testDatabases()[0]!;
    ctx = await createTestContext(factory, { env: { METRICS_TOKEN: TOKEN } });
    open = await createTestContext(factory);
    // Opening PGlite takes seconds, and much longer on a loaded machine.
  }, 180_000);
  afterAll(async () => {
    await ctx?.close();
    await open?.close();
  });

  it('refuses /metrics on the main port unless a token is configured and sent', async () => {
    const absent = await open.app.inject('/metrics');
    expect(absent.statusCode).toBe(404);
    expect(absent.json().code).toBe('NOT_FOUND');
    const anonymous = await ctx.app.inject('/metrics');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toContain('Bearer');
    const wrong = await ctx.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.statusCode).toBe(401);
    const right = await ctx.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.statusCode).toBe(200);
    expect(right.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts chat messages and payments with bounded labels, and passes promtool', async () => {
    const member = await signUp(ctx.app);
    const admin = await makeAdmin(ctx);
    const posted = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/channels/community/messages',
      headers: authHeaders(admin),
      payload: { text: 'hello metrics' },
    });
    expect(posted.statusCode).toBe(201);
    const pkg = await createPackage(ctx, admin, {
      name: 'Pack',
      coins: 10,
      priceMinor: 100,
      currency: 'USD',
    });
    const { order } = await checkout(ctx, member, pkg.id, 'sandbox');
    const paid = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/payments/sandbox/${order.id}/complete`,
      headers: authHeaders(member),
      payload: { outcome: 'accept' },
    });
    expect(paid.statusCode).toBe(200);

    const res = await ctx.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    const text = res.body;
    expect(sample(text, 'pnptv_chat_messages_total{channel_kind="community"}')).toBe(1);
    expect(sample(text, 'pnptv_payment_checkouts_total{provider="sandbox"}')).toBe(1);
    expect(sample(text, 'pnptv_payment_callbacks_total{provider="sandbox",result="applied"}')).toBe(1);
    expect(sample(text, 'pnptv_payments_total{provider="sandbox",outcome="succeeded"}')).toBe(1);
    expect(sample(text, 'pnptv_live_streams')).toBe(0);
    expect(sample(text, 'pnptv_stream_viewers')).toBe(0);
    expect(sample(text, 'pnptv_realtime_sockets')).toBe(0);
    expect(sample(text, 'pnptv_transcoders')).toBe(0);
    expect(sample(text, 'pnptv_jobs{status="dead"}')).toBe(0);
    // No user, app or order id appears as a label value.
    for (const id of [member.user.id, admin.user.id, order.id]) expect(text).not.toContain(id);
    expectPromtoolClean(text);
  });

  it('keeps Node.js process metrics promtool-clean (no gauge ends in _total)', async () => {
    const metrics = createMetrics();
    const text = await metrics.scrape();
    expect(text).toContain('pnptv_nodejs_active_handles ');
    expect(text).not.toContain('pnptv_nodejs_active_handles_total');
    expectPromtoolClean(text);
  });

  it('serves only /metrics on the separate listener', async () => {
    const server = await startMetricsServer(ctx.platform.metrics, 0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('# TYPE pnptv_chat_messages_total counter');
      expectPromtoolClean(text);
      expect((await fetch(`${base}/`)).status).toBe(404);
      expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, servesWebApp } from '../src/app.ts';
import { createAppDeps } from '../src/composition.ts';
import { type TestDatabaseFactory, testDatabases } from './databases.ts';
import { createTestContext, type TestContext } from './harness.ts';

const METRICS_TOKEN = 'metrics-token-for-http-core';

const failing: FastifyPluginAsync = async (app) => {
  app.get('/__explode', async () => {
    throw new Error('secret connection string postgres://admin:hunter2@db');
  });
};

describe.each(testDatabases().map((f) => [f.name, f] as [string, TestDatabaseFactory]))(
  'the HTTP core on %s',
  (_name, factory) => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await createTestContext(factory, { env: { METRICS_TOKEN } });
    });
    afterAll(() => ctx.close());

    it('answers liveness without touching the database', async () => {
      const res = await ctx.app.inject('/healthz');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
    });

    it('reports readiness of the database, bus, cache and, on an ingest node, ffmpeg and ffprobe', async () => {
      const res = await ctx.app.inject('/readyz');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.status).toBe('ready');
      expect(Object.keys(body.checks).sort()).toEqual(['bus', 'cache', 'db', 'media']);
      expect(body.checks.media).toMatchObject({
        ok: true,
        details: {
          ffmpeg: { path: '/usr/bin/ffmpeg', source: 'debian', version: expect.stringMatching(/^\d+\.\d+/) },
          ffprobe: {
            path: '/usr/bin/ffprobe',
            source: 'debian',
            version: expect.stringMatching(/^\d+\.\d+/),
          },
        },
      });
    });

    it('exposes Prometheus metrics including request durations by route', async () => {
      await ctx.app.inject('/api/v1/events');
      const res = await ctx.app.inject({
        url: '/metrics',
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(res.headers['content-type']).toMatch(/text\/plain/);
      expect(res.body).toMatch(
        /pnptv_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/events",status="200"\} \d+/,
      );
      expect(res.body).toMatch(/pnptv_jobs\{status="dead"\} 0/);
    });

    it('answers unknown API routes with a JSON 404 and a stable code', async () => {
      const res = await ctx.app.inject('/api/v1/nothing-here');
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('refuses malformed JSON, wrong content types and oversized bodies with stable codes', async () => {
      const url = '/api/v1/admin/jobs/job_abc/retry';
      const bad = await ctx.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: '{"a":',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('VALIDATION_FAILED');
      const media = await ctx.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'text/xml' },
        payload: '<a/>',
      });
      expect(media.statusCode).toBe(415);
      expect(media.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const big = await ctx.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ x: 'a'.repeat(2_000_000) }),
      });
      expect(big.statusCode).toBe(413);
      expect(big.json().code).toBe('BODY_TOO_LARGE');
    });

    it('lists each invalid query field', async () => {
      const res = await ctx.app.inject('/api/v1/admin/jobs?limit=5000&colour=red');
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.details.map((d: { path: string }) => d.path)).toEqual(
        expect.arrayContaining(['querystring.limit', 'querystring.colour']),
      );
    });

    it('refuses anonymous admin reads and forged bearer tokens', async () => {
      const anonymous = await ctx.app.inject('/api/v1/admin/jobs');
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().code).toBe('AUTH_REQUIRED');
      const forged = await ctx.app.inject({
        url: '/api/v1/admin/jobs',
        headers: { authorization: 'Bearer sk_fake_notakey' },
      });
      expect(forged.statusCode).toBe(401);
      expect(forged.json().code).toBe('AUTH_INVALID_TOKEN');
    });

    it('refuses cross-site mutations before anything else runs', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/admin/jobs/job_abc/retry',
        headers: { origin: 'https://evil.example', host: 'localhost:8080' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('AUTH_CSRF');
    });

    it('serves an OpenAPI 3.1 document of the versioned API', async () => {
      const res = await ctx.app.inject('/api/openapi.json');
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toContain('/api/v1/events');
      expect(doc.paths['/api/v1/admin/jobs'].get.responses).toHaveProperty('401');
    });

    it('hides internals in 5xx bodies', async () => {
      const app = await buildApp({ ...createAppDeps(ctx.platform, ctx.services), apiRoutes: [failing] });
      try {
        const res = await app.inject('/api/v1/__explode');
        expect(res.statusCode).toBe(500);
        expect(res.json()).toEqual({ code: 'INTERNAL', message: 'Internal Server Error' });
        expect(res.body).not.toMatch(/hunter2/);
      } finally {
        await app.close();
      }
    });
  },
);

describe('the web app fallback', () => {
  let ctx: TestContext;
  let webDist: string;
  beforeAll(async () => {
    webDist = mkdtempSync(join(tmpdir(), 'pnptv-web-'));
    writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>PNPtv</title>');
    ctx = await createTestContext(testDatabases()[0]!, { env: { WEB_DIST_DIR: webDist } });
  });
  afterAll(async () => {
    await ctx.close();
    rmSync(webDist, { recursive: true, force: true });
  });

  it('serves the app for unknown page paths', async () => {
    const res = await ctx.app.inject('/some/page?x=1');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('answers unknown machine paths with a JSON 404, never the app', async () => {
    for (const url of [
      '/api',
      '/api/v2/x',
      '/.well-known/webfinger?resource=acct:a@b',
      '/.well-known/nodeinfo',
      '/hls/nope/master.m3u8',
      '/vod/nope/index.m3u8',
      '/auth/nope',
    ]) {
      const res = await ctx.app.inject(url);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.headers['content-type'], url).toMatch(/application\/json/);
      expect(res.json(), url).toHaveProperty('code');
    }
  });

  it('tells page paths from machine paths', () => {
    expect(servesWebApp('/watch/abc')).toBe(true);
    expect(servesWebApp('/apis-and-more')).toBe(true);
    expect(servesWebApp('/.well-known/host-meta')).toBe(false);
    expect(servesWebApp('/api?x')).toBe(false);
  });
});

describe('readiness of the media tools', () => {
  const database = testDatabases()[0]!;

  it('is unavailable (503, with the reason) on an ingest node whose FFMPEG_PATH does not run', async () => {
    const ctx = await createTestContext(database, {
      env: { ROLES: 'api,ingest', FFMPEG_PATH: '/nonexistent/ffmpeg' },
    });
    try {
      const res = await ctx.app.inject('/readyz');
      expect(res.statusCode).toBe(503);
      const body = res.json();
      expect(body.status).toBe('unavailable');
      expect(body.checks.db.ok).toBe(true);
      expect(body.checks.media).toMatchObject({
        ok: false,
        error: expect.stringMatching(/cannot run \/nonexistent\/ffmpeg \(ENOENT\)/),
        details: { ffmpeg: { path: '/nonexistent/ffmpeg', source: 'configured', version: null, ok: false } },
      });
    } finally {
      await ctx.close();
    }
  });

  it('does not hold back a node without the ingest role, which runs no ffmpeg', async () => {
    const ctx = await createTestContext(database, {
      env: { ROLES: 'api', FFMPEG_PATH: '/nonexistent/ffmpeg' },
    });
    try {
      const res = await ctx.app.inject('/readyz');
      expect(res.statusCode).toBe(200);
      expect(Object.keys(res.json().checks).sort()).toEqual(['bus', 'cache', 'db']);
    } finally {
      await ctx.close();
    }
  });
});

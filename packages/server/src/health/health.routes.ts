import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { metricsRoute } from '../platform/http/metrics-endpoint.ts';
import type { Platform } from '../platform/platform.ts';

const Check = Type.Object({ ok: Type.Boolean(), ms: Type.Number(), error: Type.Optional(Type.String()) });
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  checks: Type.Record(Type.String(), Check),
});

async function timed(
  check: () => Promise<void>,
  timeoutMs: number,
): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      ok: false,
      ms: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message : 'failed',
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness, readiness (database and bus reachable) and Prometheus metrics (token-guarded on this port). */
export async function healthRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const HealthBody = '{"status":"ok"}';
  app.get(
    '/healthz',
    {
      schema: { hide: true, response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
      // Probes are read by load balancers, not browsers: no security headers, so they cost
      // what a bare route costs (the http benchmark's health_rps).
      helmet: false,
    },
    (_request, reply) => {
      void reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(HealthBody);
    },
  );

  app.get(
    '/readyz',
    { schema: { hide: true, response: { 200: Ready, 503: Ready } }, helmet: false },
    async (_request, reply) => {
      const [db, bus, cache] = await Promise.all([
        timed(() => platform.database.ping(), 2000),
        timed(() => platform.bus.ping(), 2000),
        timed(() => platform.cache.ping(), 2000),
      ]);
      const ok = db.ok && bus.ok && cache.ok;
      return reply
        .status(ok ? 200 : 503)
        .header('cache-control', 'no-store')
        .send({ status: ok ? 'ready' : 'unavailable', checks: { db, bus, cache } });
    },
  );

  metricsRoute(app, platform.metrics, platform.config.metricsToken);
}

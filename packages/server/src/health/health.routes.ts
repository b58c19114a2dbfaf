import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
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

/** Liveness, readiness (database and bus reachable) and Prometheus metrics. */
export async function healthRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const HealthBody = '{"status":"ok"}';
  app.get(
    '/healthz',
    { schema: { hide: true, response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    (_request, reply) => {
      void reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(HealthBody);
    },
  );

  app.get(
    '/readyz',
    { schema: { hide: true, response: { 200: Ready, 503: Ready } } },
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

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const counts = await platform.jobs.countByStatus(platform.db).catch(() => null);
    if (counts)
      for (const status of ['queued', 'running', 'done', 'dead'])
        platform.metrics.jobsQueued.set({ status }, counts[status] ?? 0);
    return reply
      .header('content-type', platform.metrics.registry.contentType)
      .send(await platform.metrics.registry.metrics());
  });
}
